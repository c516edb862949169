"""A commit is synced to disk after the writers' lock is let go and before anyone is told of
it; answers that finish together share one sync (storage/durability.py, storage/db.py)."""

import fcntl
import os
import sqlite3
import stat
import threading
import time

import pytest

from workbench.storage import db as workbench_db
from workbench.storage import durability


class Syncs:
    """Every os.fdatasync of the test: the file's identity, and whether the writers' lock
    (the thread lock and the flock) was free at that moment. `hold` (when set) is waited
    for inside each sync, as a slow disk would keep it."""

    def __init__(self, real, lock_path=None):
        self.real = real
        self.lock_path = lock_path
        self.seen = []
        self.entered = threading.Event()
        self.hold = None
        self.fail = None

    def __call__(self, fd):
        status = os.fstat(fd)
        self.seen.append(((status.st_dev, status.st_ino), self.lock_free()))
        self.entered.set()
        if self.hold is not None:
            assert self.hold.wait(10)
        if self.fail is not None:
            raise self.fail
        self.real(fd)

    def lock_free(self):
        if self.lock_path is None:
            return None
        thread_lock = workbench_db._THREAD_LOCKS.get(self.lock_path)
        probe = os.open(self.lock_path, os.O_WRONLY)
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        else:
            fcntl.flock(probe, fcntl.LOCK_UN)
            return thread_lock is None or not thread_lock.locked()
        finally:
            os.close(probe)


def identity(path):
    status = os.stat(path)
    return (status.st_dev, status.st_ino)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "work.db"
    db = workbench_db.connect(path)
    db.execute("create table t (x integer primary key)")
    db.execute("create table child (parent integer references t (x) deferrable initially deferred)")
    yield db
    db.conn.close()


@pytest.fixture
def syncs(monkeypatch, database):
    spy = Syncs(os.fdatasync, database.writer_lock_path)
    monkeypatch.setattr(os, "fdatasync", spy)
    return spy


def synchronous(db):
    return db.execute("PRAGMA synchronous").fetchone()[0]


def test_a_write_is_synced_once_after_the_writers_lock_is_let_go(database, syncs):
    during = []
    with workbench_db.write_transaction(database):
        database.execute("insert into t values (1)")
        during.append(synchronous(database))
    # SQLite did not sync under the lock (NORMAL = 1); the WAL was synced once, after it.
    assert during == [1]
    assert syncs.seen == [(identity(database.wal_path), True)]
    assert database.wal_path.endswith("work.db-wal")
    assert synchronous(database) == 2  # FULL again, for writes outside write_transaction


def test_a_write_that_fails_is_rolled_back_and_leaves_the_connection_as_it_was(database, syncs):
    with pytest.raises(RuntimeError):
        with workbench_db.write_transaction(database):
            database.execute("insert into t values (1)")
            raise RuntimeError("the view changed its mind")
    assert syncs.seen == []
    assert database.execute("select count(*) from t").fetchone()[0] == 0
    assert synchronous(database) == 2


def test_a_commit_that_fails_is_rolled_back_and_the_next_write_works(database, syncs):
    # A deferred constraint is checked at COMMIT, which then fails inside the transaction.
    with pytest.raises(sqlite3.IntegrityError):
        with workbench_db.write_transaction(database):
            database.execute("insert into child values (42)")
    assert not database.conn.in_transaction
    assert synchronous(database) == 2
    assert database.execute("select count(*) from child").fetchone()[0] == 0
    assert syncs.seen == []
    with workbench_db.write_transaction(database):
        database.execute("insert into t values (2)")
    assert database.execute("select x from t").fetchall() == [(2,)]
    assert len(syncs.seen) == 1


def test_an_in_memory_database_is_written_without_a_sync(monkeypatch):
    spy = Syncs(os.fdatasync)
    monkeypatch.setattr(os, "fdatasync", spy)
    db = workbench_db.connect(":memory:")
    db.execute("create table t (x)")
    with workbench_db.write_transaction(db):
        db.execute("insert into t values (1)")
    assert db.wal_path is None
    assert spy.seen == []
    assert db.execute("select x from t").fetchall() == [(1,)]


def test_deferred_writes_are_noted_not_synced_until_asked(database, syncs):
    with durability.deferred() as unsynced:
        with workbench_db.write_transaction(database):
            database.execute("insert into t values (1)")
        with workbench_db.write_transaction(database):
            database.execute("insert into t values (2)")
        assert syncs.seen == []
        assert unsynced == {database.wal_path}
    # Outside again, a write syncs at once.
    with workbench_db.write_transaction(database):
        database.execute("insert into t values (3)")
    assert len(syncs.seen) == 1


def test_a_new_wal_files_directory_is_synced_once(tmp_path, monkeypatch):
    directories = []
    real_fsync = os.fsync

    def spy(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            directories.append(identity_of(fd))
        real_fsync(fd)

    def identity_of(fd):
        status = os.fstat(fd)
        return (status.st_dev, status.st_ino)

    monkeypatch.setattr(os, "fsync", spy)
    db = workbench_db.connect(tmp_path / "new.db")
    db.execute("create table t (x)")
    for value in range(3):
        with workbench_db.write_transaction(db):
            db.execute("insert into t values (?)", [value])
    assert directories == [identity(tmp_path)]


def test_an_answer_waits_for_a_sync_that_began_after_its_commit(tmp_path, monkeypatch):
    wal = tmp_path / "a.db-wal"
    wal.write_bytes(b"")
    spy = Syncs(os.fdatasync)
    spy.hold = threading.Event()
    monkeypatch.setattr(os, "fdatasync", spy)
    group = durability.GroupSync()
    first = group.synced({str(wal)})
    assert not first.done()
    flushing = threading.Thread(target=group.flush)
    flushing.start()
    assert spy.entered.wait(10)
    # Committed while that sync runs: it may not have been written when the sync began.
    second = group.synced({str(wal)})
    spy.hold.set()
    flushing.join(10)
    assert first.result(0) is None
    assert not second.done()
    group.flush()
    assert second.result(0) is None
    assert len(spy.seen) == 2


def test_answers_waiting_together_share_one_sync_per_file(tmp_path, monkeypatch):
    spy = Syncs(os.fdatasync)
    monkeypatch.setattr(os, "fdatasync", spy)
    one, two = tmp_path / "one.db-wal", tmp_path / "two.db-wal"
    one.write_bytes(b""), two.write_bytes(b"")
    group = durability.GroupSync()
    futures = [group.synced({str(one)}) for _ in range(5)] + [group.synced({str(one), str(two)})]
    group.flush()
    assert all(future.result(0) is None for future in futures)
    assert sorted(seen for seen, _ in spy.seen) == sorted([identity(one), identity(two)])
    group.flush()  # nothing waits: nothing synced
    assert len(spy.seen) == 2


def test_a_group_is_synced_when_idle_when_full_or_when_its_oldest_has_waited(tmp_path, monkeypatch):
    spy = Syncs(os.fdatasync)
    monkeypatch.setattr(os, "fdatasync", spy)
    wal = tmp_path / "g.db-wal"
    wal.write_bytes(b"")
    group = durability.GroupSync(most=3, oldest_seconds=0.2)

    waiting = [group.synced({str(wal)}) for _ in range(2)]
    group.flush_if_due(idle=False)  # two of three, young, more work queued: not yet
    assert not any(future.done() for future in waiting)
    group.flush_if_due(idle=True)  # nothing else to do: now
    assert all(future.done() for future in waiting)

    full = [group.synced({str(wal)}) for _ in range(3)]
    group.flush_if_due(idle=False)
    assert all(future.done() for future in full)

    old = group.synced({str(wal)})
    group.flush_if_due(idle=False)
    assert not old.done()
    time.sleep(0.25)
    group.flush_if_due(idle=False)
    assert old.done()
    assert len(spy.seen) == 3


def test_a_failed_sync_fails_its_waiters_and_the_next_group_syncs_again(tmp_path, monkeypatch):
    spy = Syncs(os.fdatasync)
    spy.fail = OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fdatasync", spy)
    wal, other = tmp_path / "f.db-wal", tmp_path / "o.db-wal"
    wal.write_bytes(b""), other.write_bytes(b"")
    group = durability.GroupSync()
    failing = [group.synced({str(wal)}), group.synced({str(wal)})]
    group.flush()
    for future in failing:
        with pytest.raises(OSError, match="Input/output error"):
            future.result(0)
    spy.fail = None
    later = group.synced({str(wal)})
    group.flush()
    assert later.result(0) is None
    assert len(spy.seen) == 2


def test_a_forked_child_waits_for_none_of_its_parents_answers(tmp_path):
    wal = tmp_path / "p.db-wal"
    wal.write_bytes(b"")
    group = durability.GroupSync()
    parents = group.synced({str(wal)})
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            answer = b"pending" if group.pending() else b"clear"
            group.flush()  # must not touch (or sync for) the parent's answers
            os.write(writing, answer + (b" done" if parents.done() else b" untouched"))
        finally:
            os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    with os.fdopen(reading, "rb") as pipe:
        assert pipe.read() == b"clear untouched"
    assert group.pending() and not parents.done()
    group.flush()
    assert parents.result(0) is None
