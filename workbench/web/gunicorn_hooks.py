"""gunicorn settings for `workbench serve`: each worker process runs the job worker.

gunicorn reads this module's names as its settings (`--config python:workbench.web.gunicorn_hooks`);
only hooks live here, the rest stays on serve's command line.
"""

from ..intake import archive, importing
from ..intake import worker as job_worker


def job_handlers() -> dict[str, job_worker.Handler]:
    """Every kind of job the workbench runs, by kind: what each process's worker is given."""
    return {**importing.JOB_HANDLERS, **archive.JOB_HANDLERS}


def post_worker_init(server_worker):
    """After a worker process has loaded the app: start its job thread (workbench/intake/worker.py
    says why a thread)."""
    served = getattr(server_worker, "asgi", None) or server_worker.wsgi
    job_worker.start_in_background(served.config["DATABASE"], job_handlers())
