"""gunicorn settings for `workbench serve`: each worker process runs the job worker.

gunicorn reads this module's names as its settings (`--config python:workbench.web.gunicorn_hooks`);
only hooks live here, the rest stays on serve's command line.
"""

import gc
import logging

from ..intake import archive, importing
from ..intake import worker as job_worker
from . import connection_balance


def job_handlers() -> dict[str, job_worker.Handler]:
    """Every kind of job the workbench runs, by kind: what each process's worker is given."""
    return {**importing.JOB_HANDLERS, **archive.JOB_HANDLERS}


def post_worker_init(server_worker):
    """After a worker process has loaded the app: start its job thread (workbench/intake/worker.py
    says why a thread)."""
    served = getattr(server_worker, "asgi", None) or server_worker.wsgi
    job_worker.start_in_background(served.config["DATABASE"], job_handlers())
    # What loading made (about 110,000 objects) lives as long as the worker: out of the
    # collector's sight, a full collection takes 2 ms instead of 40-80 ms, during which
    # every request of the worker waited (tagging p99 at 64 connections, docs/performance.md).
    gc.collect()
    gc.freeze()


def pre_fork(server, worker):
    """In the arbiter: the worker's place in the table of connections each holds."""
    connection_balance.reserve_for(worker, list(server.WORKERS.values()))


def child_exit(server, worker):
    connection_balance.free_for(worker)


def on_starting(server):
    """Name the address in gunicorn's "Listening at:" line: with --reuse-port each worker
    opens its own socket, so the arbiter has none to name and the line read "Listening
    at:  (pid)", which left whoever read the log guessing where the server was."""
    server.log.error_log.addFilter(
        _ListeningAt([f"http://{address}" for address in server.cfg.bind])
    )


class _ListeningAt(logging.Filter):
    def __init__(self, addresses: list[str]) -> None:
        super().__init__()
        self.addresses = ", ".join(addresses)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Listening at: %s (%s)" and isinstance(record.args, tuple):
            if record.args and not record.args[0]:
                record.args = (self.addresses, *record.args[1:])
        return True
