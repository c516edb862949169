"""The job worker: claims queued jobs (workbench/intake/jobs.py) and runs them, with a heartbeat.

`workbench serve` starts one as a daemon thread in each gunicorn worker process
(workbench/web/gunicorn_hooks.py). A thread rather than a supervised child process: gunicorn
already supervises these processes and restarts one that dies (and its thread with it);
a job does the work a request used to do in the same process (imports used to be split
in the request itself), so it costs the server nothing new; and there is no second
program to start, stop, log or deploy. Two processes mean two workers, and the claim is
one UPDATE ... RETURNING, so they never run the same job. A worker killed mid-job leaves
an uncommitted transaction (so nothing half-stored) and a heartbeat that goes stale; the
next worker to look marks the job failed, or queues it again if it has attempts left.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlite_utils import Database

from ..storage.db import connect
from . import jobs

log = logging.getLogger(__name__)

# A job reports its stage and progress (0 to 1) through this.
Reporter = Callable[[str, float], None]
Handler = Callable[[Database, jobs.Job, Reporter], dict[str, Any]]

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 5.0
UNEXPECTED = "Something went wrong on our side while running this job; nothing was stored."

# Set when a request in this process queues a job, so this process's worker starts it at
# once instead of at its next poll.
_WAKE = threading.Event()


def notify() -> None:
    """A job was queued: wake this process's worker."""
    _WAKE.set()


class Worker:
    """Claims and runs jobs of the kinds it has handlers for, one at a time. The handlers
    are given by whoever starts it (the server's hooks): they use the whole domain, which
    itself queues jobs through this module."""

    def __init__(
        self,
        database: str,
        handlers: Mapping[str, Handler],
        *,
        name: str | None = None,
        poll_seconds: float = POLL_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_after: float = jobs.STALE_AFTER_SECONDS,
    ) -> None:
        self.database = database
        self.handlers = dict(handlers)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_after = stale_after
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run_once(self) -> jobs.Job | None:
        """Recover stale jobs, then claim one job and run it; the job as it ended, or None."""
        db = connect(self.database)
        try:
            if not jobs.has_work(db, sorted(self.handlers), self.stale_after):
                return None
            for job_id in jobs.recover_stale(db, self.stale_after):
                log.warning("job %d: its worker stopped beating; recovered", job_id)
            job = jobs.claim_next(db, self.name, sorted(self.handlers))
            if job is None:
                return None
            self._run(db, job)
            return jobs.get_job(db, job.id)
        finally:
            db.close()

    def run_until_idle(self) -> list[jobs.Job]:
        """Run jobs until none is runnable now (tests, and the command line)."""
        ran = []
        while (job := self.run_once()) is not None:
            ran.append(job)
        return ran

    def start(self) -> threading.Thread:
        """Run jobs in a daemon thread until stop()."""
        self.thread = threading.Thread(target=self._loop, name="workbench-jobs", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self, timeout: float | None = None) -> None:
        """Finish the job at hand, then stop."""
        self.stopping.set()
        _WAKE.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database was briefly unavailable: try again later
                log.exception("job worker %s: could not claim a job", self.name)
                ran = None
            if ran is None:
                _WAKE.wait(self.poll_seconds)
                _WAKE.clear()

    def _run(self, db: Database, job: jobs.Job) -> None:
        beating = threading.Event()
        heart = threading.Thread(target=self._beat, args=(job.id, beating), daemon=True)
        heart.start()
        try:
            result = self.handlers[job.kind](db, job, self._reporter(db, job.id))
        except jobs.JobFailed as error:
            jobs.fail(db, job.id, str(error), retry=error.retry)
        except Exception:
            log.exception("job %d (%s) failed unexpectedly", job.id, job.kind)
            jobs.fail(db, job.id, UNEXPECTED, retry=True)
        else:
            if jobs.get_job(db, job.id).state == "running":  # not finished by the handler
                try:
                    jobs.finish(db, job, result, result.get("article_id"))
                except jobs.JobFailed:
                    log.warning("job %d finished after it was given up", job.id)
        finally:
            beating.set()
            heart.join()

    def _reporter(self, db: Database, job_id: int) -> Reporter:
        def report(stage: str, progress: float) -> None:
            jobs.report_progress(db, job_id, stage, progress)

        return report

    def _beat(self, job_id: int, done: threading.Event) -> None:
        """Write the heartbeat every few seconds on a connection of its own."""
        db = connect(self.database)
        try:
            while not done.wait(self.heartbeat_seconds):
                try:
                    jobs.beat(db, job_id)
                except Exception:  # a missed beat is not fatal; many in a row are
                    log.exception("job %d: could not write its heartbeat", job_id)
        finally:
            db.close()


_STARTED: dict[str, Worker] = {}
_STARTED_GUARD = threading.Lock()


def start_in_background(database: str, handlers: Mapping[str, Handler]) -> Worker:
    """This process's worker for `database`, started once however often it is asked."""
    with _STARTED_GUARD:
        if database not in _STARTED:
            worker = Worker(database, handlers)
            worker.start()
            _STARTED[database] = worker
        return _STARTED[database]
