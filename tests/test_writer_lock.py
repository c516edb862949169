"""The writers' lock across processes: each thread keeps its lock file open from one write
to the next (storage/db.py). SQLite's own lock keeps two writers apart whatever happens;
the writers' lock (an flock) is what makes them take turns in order, so these look at it
directly: it must stay one lock for every process, after fork(), after the lock file was
replaced, after a failed transaction."""

import contextlib
import gc
import os
import subprocess
import sys
import threading
import time

import pytest

from workbench.storage import db as workbench_db
from workbench.storage import migrations

pytestmark = pytest.mark.slow  # other processes

# Another process says it holds the writers' lock, holds it for HOLD seconds and leaves.
HOLDER = """
import sys, time
from workbench.storage import db
database = db.connect(sys.argv[1])
with db.write_transaction(database):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""
HOLD = 0.6


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "w.db"
    migrations.open_migrated(path).close()
    opened = workbench_db.connect(path)
    yield opened
    opened.close()


@contextlib.contextmanager
def held_elsewhere(path):
    """Another process holding the writers' lock of `path` for HOLD seconds; yields once
    it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(HOLD)],
        stdout=subprocess.PIPE,
        text=True,
    )
    # A holder that never gets the lock is ended, so a broken lock fails, not hangs.
    watchdog = threading.Timer(30, holder.kill)
    watchdog.start()
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.wait(timeout=30)
        watchdog.cancel()


def seconds_to_write(database):
    started = time.monotonic()
    with workbench_db.write_transaction(database):
        database.execute("insert into login_failures (username, at) values ('x', 'y')")
    return time.monotonic() - started


def seconds_to_lock(database):
    """How long the writers' lock took to get, without SQLite's own lock."""
    started = time.monotonic()
    with workbench_db._one_writer(database):
        return time.monotonic() - started


def lock_path(database):
    return database.writer_lock_path


def test_a_write_waits_for_another_process_holding_the_lock(database, tmp_path):
    seconds_to_write(database)  # this thread's lock file is open from now on
    with held_elsewhere(tmp_path / "w.db"):
        waited = seconds_to_lock(database)
    assert waited > HOLD / 2
    assert seconds_to_write(database) < HOLD / 2  # and it is free once the other is done


# Another process asks for the lock without waiting: "free" or "taken".
ASKER = """
import fcntl, sys
with open(sys.argv[1], "a") as lock_file:
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("taken")
    else:
        print("free")
"""


def asked_elsewhere(database):
    return subprocess.run(
        [sys.executable, "-c", ASKER, lock_path(database)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()


def test_the_lock_is_free_for_another_process_after_each_write_even_a_failed_one(database):
    with workbench_db.write_transaction(database):
        assert asked_elsewhere(database) == "taken"
    assert asked_elsewhere(database) == "free"
    with pytest.raises(RuntimeError), workbench_db.write_transaction(database):
        raise RuntimeError("halfway")
    assert asked_elsewhere(database) == "free"


def test_a_forked_child_does_not_share_its_parents_lock(database, tmp_path):
    """A child that kept the parent's open lock file would hold the same lock as the
    parent: the parent's flock would then succeed while the child writes."""
    seconds_to_write(database)  # the parent's thread has its lock file open
    ready_read, ready_write = os.pipe()
    done_read, done_write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's own)
        code = 1
        try:
            os.close(ready_read)
            os.close(done_write)
            with workbench_db.write_transaction(database):
                os.write(ready_write, b"1")
                os.read(done_read, 1)  # hold the lock until the parent has tried
            code = 0
        finally:
            os._exit(code)
    os.close(ready_write)
    os.close(done_read)
    assert os.read(ready_read, 1) == b"1"
    timer = threading.Timer(HOLD, os.write, (done_write, b"1"))
    timer.start()
    try:
        waited = seconds_to_lock(database)
    finally:
        timer.join()
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert waited > HOLD / 2


def test_a_replaced_lock_file_is_the_one_locked(database, tmp_path):
    seconds_to_write(database)
    os.unlink(lock_path(database))  # another process then makes a new one
    with held_elsewhere(tmp_path / "w.db"):
        waited = seconds_to_lock(database)
    assert waited > HOLD / 2


def open_descriptors():
    return len(os.listdir("/proc/self/fd"))


def test_a_thread_keeps_one_lock_file_open_and_closes_it_when_it_ends(database):
    before = open_descriptors()
    seen = []

    def writer():
        for _ in range(5):
            seconds_to_write(database)
            seen.append(open_descriptors())

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    assert seen == [before + 1] * 5
    assert open_descriptors() == before


def test_a_lock_file_that_cannot_be_opened_fails_the_write_and_nothing_else(
    database, tmp_path, monkeypatch
):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    database.writer_lock_path = str(tmp_path / "gone" / "w.db-writer.lock")
    with pytest.raises(FileNotFoundError):
        seconds_to_write(database)
    gc.collect()
    assert unraisable == []
    assert database.execute("select count(*) from login_failures").fetchone()[0] == 0
