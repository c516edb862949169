"""The job worker (workbench/intake/worker.py): runs a job through its stages, records failures,
retries, beats while it works, runs in a thread, and a crash stores nothing."""

import shutil
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from workbench.intake import jobs, worker
from workbench.storage import db as workbench_db

WAIT_SECONDS = 20  # how long a test waits for a thread before it gives up (not a timing)


@pytest.fixture
def database(tmp_path, migrated_database):
    path = tmp_path / "worker.db"
    shutil.copyfile(migrated_database, path)
    return str(path)


@pytest.fixture
def db(database):
    connection = workbench_db.connect(database)
    yield connection
    connection.close()


def wait_for(condition):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.02)


def test_a_job_runs_through_its_stages_to_done(database, db):
    seen = []

    def handler(handler_db, job, report):
        for stage, progress in (("fetching", 0.1), ("extracting", 0.6)):
            report(stage, progress)
            current = jobs.get_job(db, job.id)
            seen.append((current.state, current.stage, current.progress))
        return {"answer": 42, "of": job.payload["question"]}

    job_id = jobs.enqueue(db, "think", {"question": "everything"}, created_by="ada")
    ran = worker.Worker(database, {"think": handler}).run_once()
    assert seen == [("running", "fetching", 0.1), ("running", "extracting", 0.6)]
    assert (ran.id, ran.state, ran.result) == (job_id, "done", {"answer": 42, "of": "everything"})


def test_a_job_that_cannot_succeed_fails_with_its_reason(database, db):
    def handler(handler_db, job, report):
        raise jobs.JobFailed("The server answered 404 Not Found.")

    jobs.enqueue(db, "fetch", {}, created_by="ada", max_attempts=3)
    ran = worker.Worker(database, {"fetch": handler}).run_once()
    assert (ran.state, ran.error, ran.attempts) == (
        "failed",
        "The server answered 404 Not Found.",
        1,
    )


def test_an_unexpected_error_is_retried_then_fails_with_a_plain_message(database, db, monkeypatch):
    monkeypatch.setattr(jobs, "BACKOFF_BASE_SECONDS", 0)  # retry at once, for the test
    calls = []

    def handler(handler_db, job, report):
        calls.append(job.attempts)
        raise RuntimeError("secret internals")

    jobs.enqueue(db, "archive", {}, created_by="ada", max_attempts=2)
    ran = worker.Worker(database, {"archive": handler}).run_until_idle()
    assert calls == [1, 2]
    assert (ran[-1].state, ran[-1].error) == ("failed", worker.UNEXPECTED)


def test_a_job_of_a_kind_without_a_handler_is_left_queued(database, db):
    job_id = jobs.enqueue(db, "someone-elses", {}, created_by="ada")
    assert worker.Worker(database, {"archive": lambda *args: {}}).run_once() is None
    assert jobs.get_job(db, job_id).state == "queued"


def test_the_heartbeat_is_written_while_a_job_runs(database, db):
    old = "2000-01-01T00:00:00Z"

    def handler(handler_db, job, report):
        db.execute("update jobs set heartbeat_at = ? where id = ?", [old, job.id])
        db.conn.commit()
        wait_for(lambda: jobs.get_job(db, job.id).heartbeat_at != old)
        return {}

    jobs.enqueue(db, "long", {}, created_by="ada")
    ran = worker.Worker(database, {"long": handler}, heartbeat_seconds=0.05).run_once()
    assert ran.state == "done"
    assert ran.heartbeat_at > old


def test_a_worker_thread_runs_jobs_as_they_are_queued_until_stopped(database, db):
    background = worker.Worker(database, {"echo": lambda d, job, r: job.payload})
    thread = background.start()
    try:
        job_id = jobs.enqueue(db, "echo", {"said": "hello"}, created_by="ada")
        worker.notify()
        wait_for(lambda: jobs.get_job(db, job_id).state == "done")
        assert jobs.get_job(db, job_id).result == {"said": "hello"}
    finally:
        background.stop(timeout=WAIT_SECONDS)
    assert not thread.is_alive()


def test_start_in_background_starts_one_worker_per_database(database, monkeypatch):
    started = []
    monkeypatch.setattr(worker.Worker, "start", lambda self: started.append(self))
    monkeypatch.setattr(worker, "_STARTED", {})
    first = worker.start_in_background(database, {})
    assert worker.start_in_background(database, {}) is first
    assert started == [first]


CRASHING_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from workbench.intake import worker
    from workbench.review import articles
    from workbench.team.accounts import User

    def handler(db, job, report):
        def die(db, article_id):
            # Inside the import's transaction: the article and its claims are written,
            # not committed. kill -9, as a crash or an OOM kill would.
            os.kill(os.getpid(), signal.SIGKILL)

        articles.import_article(
            db, job.payload["text"], actor=User(0, job.created_by, "admin"), attach=die
        )
        return {}

    worker.Worker(sys.argv[1], {"import_article": handler}).run_once()
    """
)


@pytest.mark.slow
def test_a_crash_mid_import_stores_nothing_and_the_job_fails_on_restart(database, db):
    text = "The ferry left at noon. It carried forty cars. The captain said the sea was calm."
    job_id = jobs.enqueue(db, "import_article", {"text": text}, created_by="ada")
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_IMPORT, database], capture_output=True, timeout=120
    )
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    assert jobs.get_job(db, job_id).state == "running", "the dead worker's claim is committed"
    # A minute later the server is back: its worker finds the silent job.
    db.execute("update jobs set heartbeat_at = '2000-01-01T00:00:00Z' where id = ?", [job_id])
    db.conn.commit()
    never = threading.Event()
    restarted = worker.Worker(database, {"import_article": lambda *args: never.set() or {}})
    assert restarted.run_once() is None
    job = jobs.get_job(db, job_id)
    assert (job.state, job.error) == ("failed", jobs.WORKER_STOPPED)
    assert not never.is_set()
    assert db.execute("select count(*) from articles").fetchone()[0] == 0
    assert db.execute("select count(*) from claims").fetchone()[0] == 0
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
