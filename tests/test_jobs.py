"""The job queue (workbench/intake/jobs.py): claim, progress, done, retries with backoff, failure,
and recovery of jobs whose worker stopped beating. No Flask, no worker thread."""

import datetime
import threading

import pytest

from workbench.intake import jobs
from workbench.storage import clock, migrations
from workbench.storage import db as workbench_db

T0 = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=datetime.UTC)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def queue(db, kind="archive", **options):
    options.setdefault("created_by", "ada")
    return jobs.enqueue(db, kind, {"n": 1}, **options)


def age(db, job_id, **columns):
    """Move a job's times back to T0, so tests can say what happens seconds later."""
    stamp = clock.stamp(T0)
    db.execute("update jobs set created_at = ?, run_after = ? where id = ?", [stamp, stamp, job_id])
    for name, value in columns.items():
        db.execute(f"update jobs set {name} = ? where id = ?", [value, job_id])


def test_a_queued_job_is_claimed_once_and_marked_running(memory_db):
    job_id = queue(memory_db, label="https://example.org/", stages=["fetching", "extracting"])
    job = jobs.claim_next(memory_db, "worker-1")
    assert (job.id, job.state, job.attempts, job.claimed_by) == (job_id, "running", 1, "worker-1")
    assert job.payload == {"n": 1} and job.stages == ["fetching", "extracting"]
    assert jobs.claim_next(memory_db, "worker-2") is None


def test_jobs_are_claimed_oldest_first_and_only_of_the_kinds_asked(memory_db):
    first, second = queue(memory_db, "import"), queue(memory_db, "archive")
    assert jobs.claim_next(memory_db, "w", kinds=["archive"]).id == second
    assert jobs.claim_next(memory_db, "w", kinds=["archive"]) is None
    assert jobs.claim_next(memory_db, "w").id == first


def test_two_workers_claiming_at_once_never_take_the_same_job(tmp_path):
    path = tmp_path / "jobs.db"
    migrations.open_migrated(path).close()
    setup = workbench_db.connect(path)
    for number in range(60):
        queue(setup, created_by=f"person-{number % 6}")  # within each one's limit
    setup.close()
    claimed = {name: [] for name in ("a", "b", "c")}

    def claim_all(name):
        db = workbench_db.connect(path)
        while (job := jobs.claim_next(db, name)) is not None:
            claimed[name].append(job.id)
        db.close()

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [job_id for ids in claimed.values() for job_id in ids]
    assert sorted(every) == list(range(1, 61)), "a job was claimed twice or not at all"


def test_progress_is_recorded_and_kept_between_0_and_1(memory_db):
    queue(memory_db)
    job = jobs.claim_next(memory_db, "w")
    jobs.report_progress(memory_db, job.id, "extracting", 0.5)
    reported = jobs.get_job(memory_db, job.id)
    assert (reported.stage, reported.progress) == ("extracting", 0.5)
    jobs.report_progress(memory_db, job.id, "storing", 7)
    assert jobs.get_job(memory_db, job.id).progress == 1.0


def test_a_finished_job_keeps_its_result_and_drops_its_payload(memory_db):
    queue(memory_db)
    job = jobs.claim_next(memory_db, "w")
    jobs.finish(memory_db, job, {"article_id": 7}, article_id=7)
    done = jobs.get_job(memory_db, job.id)
    assert (done.state, done.result, done.article_id, done.payload, done.progress) == (
        "done",
        {"article_id": 7},
        7,
        None,
        1.0,
    )
    assert done.finished and done.finished_at is not None


def test_a_failure_not_to_retry_is_final_with_its_message(memory_db):
    queue(memory_db, max_attempts=5)
    job = jobs.claim_next(memory_db, "w")
    failed = jobs.fail(memory_db, job.id, "The address is a private address.", retry=False)
    assert (failed.state, failed.error, failed.finished) == (
        "failed",
        "The address is a private address.",
        True,
    )
    assert failed.payload == {"n": 1}, "a failed job keeps what it was given, to try again"


def test_a_retryable_failure_waits_out_a_backoff_then_runs_again(memory_db):
    job_id = queue(memory_db, max_attempts=3)
    age(memory_db, job_id)
    jobs.claim_next(memory_db, "w", at=at(0))
    retried = jobs.fail(memory_db, job_id, "timed out", at=at(1))
    assert (retried.state, retried.error, retried.run_after) == (
        "queued",
        "timed out",
        clock.stamp(at(1 + jobs.backoff_seconds(1))),
    )
    assert jobs.claim_next(memory_db, "w", at=at(2)) is None, "claimed before its backoff"
    again = jobs.claim_next(memory_db, "w", at=at(1 + jobs.backoff_seconds(1)))
    assert (again.id, again.attempts) == (job_id, 2)


def test_the_last_attempt_fails_for_good(memory_db):
    job_id = queue(memory_db, max_attempts=2)
    age(memory_db, job_id)
    for attempt in (1, 2):
        jobs.claim_next(memory_db, "w", at=at(1000 * attempt))
        job = jobs.fail(memory_db, job_id, f"failure {attempt}", at=at(1000 * attempt))
    assert (job.state, job.attempts, job.error) == ("failed", 2, "failure 2")


@pytest.mark.parametrize(
    "attempts, seconds", [(1, 5), (2, 10), (3, 20), (4, 40), (8, 600), (30, 600)]
)
def test_backoff_doubles_and_is_capped(attempts, seconds):
    assert jobs.backoff_seconds(attempts) == seconds


def test_a_running_job_whose_worker_stopped_beating_is_failed(memory_db):
    job_id = queue(memory_db)
    age(memory_db, job_id)
    jobs.claim_next(memory_db, "w", at=at(0))
    assert jobs.recover_stale(memory_db, stale_after=30, at=at(29)) == []
    assert jobs.get_job(memory_db, job_id).state == "running"
    assert jobs.recover_stale(memory_db, stale_after=30, at=at(31)) == [job_id]
    job = jobs.get_job(memory_db, job_id)
    assert (job.state, job.error) == ("failed", jobs.WORKER_STOPPED)


def test_a_stale_job_with_attempts_left_is_queued_again(memory_db):
    job_id = queue(memory_db, max_attempts=3)
    age(memory_db, job_id)
    jobs.claim_next(memory_db, "w", at=at(0))
    jobs.recover_stale(memory_db, stale_after=30, at=at(60))
    job = jobs.get_job(memory_db, job_id)
    assert (job.state, job.claimed_by) == ("queued", None)


def test_a_heartbeat_keeps_a_long_job_from_being_recovered(memory_db):
    job_id = queue(memory_db)
    age(memory_db, job_id)
    jobs.claim_next(memory_db, "w", at=at(0))
    jobs.beat(memory_db, job_id)  # now, long after T0
    assert jobs.recover_stale(memory_db, stale_after=30) == []
    assert jobs.get_job(memory_db, job_id).state == "running"


def test_a_job_given_up_cannot_be_finished_by_its_old_worker(memory_db):
    job_id = queue(memory_db)
    age(memory_db, job_id)
    job = jobs.claim_next(memory_db, "slow-worker", at=at(0))
    jobs.recover_stale(memory_db, stale_after=30, at=at(60))
    with pytest.raises(jobs.JobFailed):
        jobs.finish(memory_db, job, {"article_id": 1}, article_id=1)
    assert jobs.get_job(memory_db, job_id).state == "failed"


def test_an_unknown_job_is_not_found(memory_db):
    with pytest.raises(LookupError):
        jobs.get_job(memory_db, 404)


def test_has_work_says_whether_a_worker_needs_the_write_lock(memory_db):
    assert not jobs.has_work(memory_db)
    job_id = queue(memory_db, "archive")
    age(memory_db, job_id)
    assert jobs.has_work(memory_db, at=at(0))
    assert not jobs.has_work(memory_db, kinds=["import"], at=at(0))
    jobs.claim_next(memory_db, "w", at=at(0))
    assert not jobs.has_work(memory_db, stale_after=30, at=at(10)), "running and beating"
    assert jobs.has_work(memory_db, stale_after=30, at=at(60)), "running and silent"


# --- fair to everyone: a limit per person, and turns -------------------------------------


def test_a_person_at_their_limit_is_refused_and_nothing_is_queued(memory_db):
    for _ in range(jobs.MAX_QUEUED_PER_USER):
        queue(memory_db, created_by="ada")
    limit = jobs.MAX_QUEUED_PER_USER
    with pytest.raises(jobs.TooManyJobs, match=rf"as one person may \({limit}\)"):
        queue(memory_db, created_by="ada")
    assert memory_db.table("jobs").count == jobs.MAX_QUEUED_PER_USER
    queue(memory_db, created_by="bea")  # the limit is each person's own


def test_finished_jobs_leave_room_under_the_limit(memory_db):
    for _ in range(jobs.MAX_QUEUED_PER_USER):
        queue(memory_db, created_by="ada")
    done = jobs.claim_next(memory_db, "w")
    jobs.finish(memory_db, done, {})
    failed = jobs.claim_next(memory_db, "w")
    jobs.fail(memory_db, failed.id, "gone", retry=False)
    assert jobs.pending_count(memory_db, "ada") == jobs.MAX_QUEUED_PER_USER - 2
    queue(memory_db, created_by="ada")
    queue(memory_db, created_by="ada")
    with pytest.raises(jobs.TooManyJobs):
        queue(memory_db, created_by="ada")


def test_a_free_worker_takes_someone_elses_job_before_a_busy_persons_next(memory_db):
    """Two workers busy with ada's slow fetches: bea's import, queued after ada's twenty,
    is the next job either worker takes."""
    ada = [queue(memory_db, created_by="ada") for _ in range(20)]
    first, second = jobs.claim_next(memory_db, "w1"), jobs.claim_next(memory_db, "w2")
    assert {first.id, second.id} == set(ada[:2])  # nobody else was waiting
    bea = queue(memory_db, kind="prepare_import", created_by="bea")
    jobs.finish(memory_db, first, {})
    assert jobs.claim_next(memory_db, "w1").id == bea
    jobs.finish(memory_db, second, {})
    assert jobs.claim_next(memory_db, "w2").id == ada[2]


def test_with_one_worker_people_take_turns(memory_db):
    ada = [queue(memory_db, created_by="ada") for _ in range(3)]
    bea = [queue(memory_db, created_by="bea") for _ in range(2)]
    cid = [queue(memory_db, created_by="cid") for _ in range(1)]
    order, start = [], clock.now() + datetime.timedelta(seconds=1)
    for seconds in range(6):
        moment = start + datetime.timedelta(seconds=seconds)
        job = jobs.claim_next(memory_db, "only", at=moment)
        order.append(job.id)
        jobs.finish(memory_db, job, {})
    assert order == [ada[0], bea[0], cid[0], ada[1], bea[1], ada[2]]
