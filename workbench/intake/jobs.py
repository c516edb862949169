"""Background jobs in SQLite: a queue with kinds, stages, progress, retries and a heartbeat.

No broker: a job is a row of the `jobs` table, and a worker (workbench/intake/worker.py) claims
the oldest runnable one with a single UPDATE ... RETURNING, so two workers never take the
same job. A job is queued, then running, then done or failed; a failed attempt with
attempts left goes back to queued with a growing delay (exponential backoff). A worker
that dies leaves its job's heartbeat stale, and the next worker to look recovers it.
Imports use it, and so does archiving evidence links, with a kind of its own and more
attempts.

Fair to everyone: each person may have at most MAX_QUEUED_PER_USER jobs waiting or
running (WORKBENCH_MAX_QUEUED_JOBS; one more is refused with TooManyJobs), and a free
worker takes the job of whoever has the fewest running, then whoever was served least
recently, and only then the oldest. So one person's pile of slow fetches (each capped in
time) delays someone else's job by at most the job a worker is busy with.
"""

import dataclasses
import datetime
import json
import os
from typing import Any

from sqlite_utils import Database

from ..errors import (  # noqa: F401  (JobFailed: raised by job kinds)
    JobFailed,
    JobNotFound,
    TooManyJobs,
)
from ..interface_languages import N_
from ..storage.clock import now, stamp
from ..storage.db import insert, write_transaction

STATES = ("queued", "running", "done", "failed")

# Each stage a job of ours reports, as people read it (translated where it is shown: the
# job's page, the command line's progress bar).
STAGE_WORDS = {
    "starting": N_("Starting"),
    "fetching": N_("Fetching"),
    "extracting": N_("Extracting"),
    "splitting": N_("Splitting"),
    "finding sources": N_("Finding sources"),
    "storing": N_("Storing"),
    "checking": N_("Checking"),
    "done": N_("Done"),
}
# Retries wait 5 s, 10 s, 20 s ... at most 10 minutes: long enough for a site that is
# briefly down, short enough that a reviewer still sees the outcome in the same session.
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 600
# A running job's worker writes a heartbeat every few seconds (worker.HEARTBEAT_SECONDS);
# one silent this long belongs to a worker that died (a crash, kill -9, a restart).
STALE_AFTER_SECONDS = 30
WORKER_STOPPED = "The server stopped while this job was running; nothing was stored."
# Jobs one person may have waiting or running at once. An evidence link is archived in a
# second or two, a link that hangs in at most the fetcher's cap (20 s): twenty leaves
# room for a reviewer citing link after link, and none for 200 posts in two seconds.
MAX_QUEUED_PER_USER = int(os.environ.get("WORKBENCH_MAX_QUEUED_JOBS", "20"))


@dataclasses.dataclass(frozen=True)
class Job:
    """One job as stored; payload and result decoded."""

    id: int
    kind: str
    state: str
    label: str
    stages: list[str]
    stage: str | None
    progress: float
    payload: dict[str, Any] | None
    result: dict[str, Any] | None
    article_id: int | None
    error: str | None
    created_by: str
    created_at: str
    updated_at: str | None
    started_at: str | None
    finished_at: str | None
    attempts: int
    max_attempts: int
    run_after: str
    heartbeat_at: str | None
    claimed_by: str | None

    @property
    def finished(self) -> bool:
        """Done or failed for good: nothing more will happen to it."""
        return self.state in ("done", "failed")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Job":
        """A jobs-table row as a Job."""
        fields = dict(row)
        for name in ("payload", "result", "stages"):
            fields[name] = json.loads(fields[name]) if fields[name] else None
        fields["stages"] = fields["stages"] or []
        fields["progress"] = fields["progress"] or 0.0
        return cls(**fields)


def enqueue(
    db: Database,
    kind: str,
    payload: dict[str, Any],
    *,
    created_by: str,
    label: str = "",
    stages: list[str] | None = None,
    max_attempts: int = 1,
) -> int:
    """Queue a job of `kind` and return its id; a worker runs it as soon as one is free.
    TooManyJobs, with nothing queued, when `created_by` has their limit waiting already."""
    with write_transaction(db):
        return enqueue_in_transaction(
            db,
            kind,
            payload,
            created_by=created_by,
            label=label,
            stages=stages,
            max_attempts=max_attempts,
        )


def enqueue_in_transaction(
    db: Database,
    kind: str,
    payload: dict[str, Any],
    *,
    created_by: str,
    label: str = "",
    stages: list[str] | None = None,
    max_attempts: int = 1,
) -> int:
    """enqueue(), inside the caller's write transaction, so the job exists exactly when
    what asked for it is committed (evidence and the archive of its link)."""
    waiting = pending_count(db, created_by)
    if waiting >= MAX_QUEUED_PER_USER:
        raise TooManyJobs(
            "You have as many links and imports waiting to be fetched or run as one person "
            "may (%(waiting)s); nothing was added. Try again when some are done (a minute or "
            "two).",
            waiting=waiting,
        )
    created = stamp()
    return insert(
        db,
        "jobs",
        {
            "kind": kind,
            "state": "queued",
            "label": label,
            "stages": json.dumps(stages or []),
            "stage": None,
            "progress": 0.0,
            "payload": json.dumps(payload, ensure_ascii=False),
            "created_by": created_by,
            "created_at": created,
            "updated_at": created,
            "attempts": 0,
            "max_attempts": max(1, max_attempts),
            "run_after": created,
        },
    )


def pending_count(db: Database, created_by: str) -> int:
    """How many of this person's jobs are waiting or running."""
    row = db.execute(
        "select count(*) from jobs where created_by = ? and state in ('queued', 'running')",
        [created_by],
    ).fetchone()
    return int(row[0])


def get_job(db: Database, job_id: int) -> Job:
    """The job with that id; JobNotFound if there is none."""
    rows = list(db.query("select * from jobs where id = ?", [job_id]))
    if not rows:
        raise JobNotFound(job_id)
    return Job.from_row(rows[0])


def has_work(
    db: Database,
    kinds: list[str] | None = None,
    stale_after: float = STALE_AFTER_SECONDS,
    at: datetime.datetime | None = None,
) -> bool:
    """Whether a job (of `kinds`) may run now or a running one went silent: one read, so an
    idle worker polling every second never takes the write lock from the reviewers."""
    moment = at or now()
    cutoff = stamp(moment - datetime.timedelta(seconds=stale_after))
    kind_filter, params = "", [stamp(moment)]
    if kinds is not None:
        kind_filter = f" and kind in ({', '.join('?' for _ in kinds)})"
        params += list(kinds)
    row = db.execute(
        f"select exists(select 1 from jobs where state = 'queued' and run_after <= ?{kind_filter})"
        " or exists(select 1 from jobs where state = 'running' and heartbeat_at < ?)",
        [*params, cutoff],
    ).fetchone()
    return bool(row[0])


def claim_next(
    db: Database, worker: str, kinds: list[str] | None = None, at: datetime.datetime | None = None
) -> Job | None:
    """Take the next queued job that may run now (of `kinds`, if given), or None: of the
    people with jobs waiting, the one with the fewest running, then the one served least
    recently, then their oldest job. A worker is never kept for one person while someone
    else waits.

    One statement, so it is atomic: of two workers asking at once, one gets the job and
    the other the next one (or None).
    """
    moment = stamp(at)
    kind_filter, params = "", [moment]
    if kinds is not None:
        kind_filter = f" and j.kind in ({', '.join('?' for _ in kinds)})"
        params += list(kinds)
    with write_transaction(db):
        rows = db.execute(
            "update jobs set state = 'running', attempts = attempts + 1, started_at = ?, "
            "heartbeat_at = ?, updated_at = ?, claimed_by = ? "
            "where id = (select j.id from jobs j where j.state = 'queued' and j.run_after <= ?"
            f"{kind_filter} order by "
            "(select count(*) from jobs r where r.created_by = j.created_by "
            "and r.state = 'running'), "
            "(select max(s.started_at) from jobs s where s.created_by = j.created_by) "
            "nulls first, j.run_after, j.id limit 1) returning *",
            [moment, moment, moment, worker, *params],
        )
        columns = [column[0] for column in rows.description]
        found = rows.fetchall()
    return Job.from_row(dict(zip(columns, found[0], strict=True))) if found else None


def report_progress(db: Database, job_id: int, stage: str, progress: float) -> None:
    """Record the stage a running job is in and how far along it is (0 to 1)."""
    moment = stamp()
    with write_transaction(db):
        db.execute(
            "update jobs set stage = ?, progress = ?, heartbeat_at = ?, updated_at = ? "
            "where id = ? and state = 'running'",
            [stage, min(1.0, max(0.0, progress)), moment, moment, job_id],
        )


def beat(db: Database, job_id: int) -> None:
    """The worker running this job is alive."""
    with write_transaction(db):
        db.execute(
            "update jobs set heartbeat_at = ? where id = ? and state = 'running'",
            [stamp(), job_id],
        )


def finish(db: Database, job: Job, result: dict[str, Any], article_id: int | None = None) -> None:
    """Mark a running job done with its result; its payload is no longer needed."""
    with write_transaction(db):
        finish_in_transaction(db, job, result, article_id)


def finish_in_transaction(
    db: Database, job: Job, result: dict[str, Any], article_id: int | None = None
) -> None:
    """finish(), inside the caller's write transaction, so the job is done exactly when
    what it made is committed. JobFailed (and so a rollback) if the job is no longer this
    worker's: it was given up as stale, and its work must not land after all."""
    moment = stamp()
    updated = db.execute(
        "update jobs set state = 'done', stage = 'done', progress = 1, result = ?, "
        "article_id = ?, payload = null, error = null, finished_at = ?, updated_at = ? "
        "where id = ? and state = 'running' and claimed_by is ?",
        [json.dumps(result), article_id, moment, moment, job.id, job.claimed_by],
    )
    if updated.rowcount != 1:
        raise JobFailed("The server stopped while this job was running; nothing was stored.")


def fail(
    db: Database, job_id: int, error: str, retry: bool = True, at: datetime.datetime | None = None
) -> Job:
    """Record a failed attempt: queued again after a backoff if `retry` and attempts are
    left, failed for good otherwise. Returns the job as it is now."""
    with write_transaction(db):
        job = get_job(db, job_id)
        _fail(db, job, error, retry, at or now())
    return get_job(db, job_id)


def recover_stale(
    db: Database, stale_after: float = STALE_AFTER_SECONDS, at: datetime.datetime | None = None
) -> list[int]:
    """Running jobs whose worker stopped beating: retried if attempts are left, else
    failed. Returns their ids. What such a job was writing was never committed."""
    moment = at or now()
    cutoff = stamp(moment - datetime.timedelta(seconds=stale_after))
    with write_transaction(db):
        stale = [
            Job.from_row(row)
            for row in db.query(
                "select * from jobs where state = 'running' and heartbeat_at < ?", [cutoff]
            )
        ]
        for job in stale:
            _fail(db, job, WORKER_STOPPED, True, moment)
    return [job.id for job in stale]


def backoff_seconds(attempts: int) -> float:
    """How long to wait before attempt number `attempts` + 1."""
    return float(min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)))


def _fail(db: Database, job: Job, error: str, retry: bool, moment: datetime.datetime) -> None:
    again = retry and job.attempts < job.max_attempts
    state = "queued" if again else "failed"
    run_after = moment + datetime.timedelta(seconds=backoff_seconds(job.attempts))
    db.execute(
        "update jobs set state = ?, error = ?, run_after = ?, updated_at = ?, "
        "finished_at = ?, claimed_by = null where id = ?",
        [
            state,
            error,
            stamp(run_after) if again else job.run_after,
            stamp(moment),
            None if again else stamp(moment),
            job.id,
        ],
    )
