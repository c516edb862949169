"""The SQLite database: connections, pragmas, transactions (the schema and its migrations
are in migrations.py).

Storage only: no Flask (the request's connection lives in workbench.web.database) and no domain
rules (statuses live in workbench.statuses).
"""

import contextlib
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from workbench.storage import durability


def create_private(path: str | os.PathLike[str]) -> None:
    """Create the file at `path` readable and writable by its owner only (0600), whatever
    the umask; an existing file is never opened. Call it before a process uses the file.

    The database holds password hashes and session digests, and SQLite gives its -wal and
    -shm files the database file's mode (all were 0644). Closing a descriptor
    of a database this process has open would drop its POSIX locks
    (https://www.sqlite.org/howtocorrupt.html#_posix_advisory_locks_canceled_by_a_separate_thread_doing_close_),
    hence O_EXCL, and only at start.
    """
    if str(path) == ":memory:":
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def connect(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """Open the database at `path` with the pragmas every connection needs."""
    db = sqlite_utils.Database(sqlite3.connect(str(path), check_same_thread=False, timeout=30))
    db.writer_lock_path = None if str(path) == ":memory:" else f"{path}-writer.lock"  # type: ignore[attr-defined]
    configure(db)
    return db


# One lock per database file for this process's threads; flock(2) on a file beside the
# database for gunicorn's other workers and the command line.
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _one_writer(db: sqlite_utils.Database) -> Iterator[None]:
    """Wait for the other writers on locks that hand over as soon as the last commits.

    SQLite's busy handler retries with sleeps of up to 100 ms, so under load a waiting
    writer keeps losing to newcomers and a few requests wait a second; with these locks
    p99 at 16 connections fell from 855 to 53 ms (bench/PERFORMANCE.md). Writes outside
    write_transaction still wait in the busy handler, which is fine at their rate.
    """
    path = getattr(db, "writer_lock_path", None)
    if path is None:  # an in-memory database has no other writers
        yield
        return
    with _THREAD_LOCKS_GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(path, threading.Lock())
    with thread_lock:
        lock_file = _held_lock_file(path)
        fcntl.flock(lock_file.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fd, fcntl.LOCK_UN)


class _LockFile:
    """A writer-lock file one thread keeps open (closed when the thread ends): opening and
    closing it on every write was about 4% of a status click's time."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        status = os.fstat(self.fd)
        self.identity = (status.st_dev, status.st_ino)

    def still_at(self, path: str) -> bool:
        """Not after fork(): a child shares the parent's open file, so their flocks would
        be one lock. Not if the file at `path` was replaced: another process would lock
        the new one."""
        if self.pid != os.getpid():
            return False
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return False
        return (status.st_dev, status.st_ino) == self.identity

    def __del__(self, close: Any = os.close) -> None:
        # `close` bound now: at interpreter exit the module's globals may be gone.
        fd = getattr(self, "fd", None)  # None if opening it failed
        if fd is not None:
            close(fd)


_LOCK_FILES = threading.local()


def _held_lock_file(path: str) -> _LockFile:
    files: dict[str, _LockFile] = _LOCK_FILES.__dict__.setdefault("files", {})
    held = files.get(path)
    if held is None or not held.still_at(path):
        held = files[path] = _LockFile(path)
    return held


def configure(db: sqlite_utils.Database) -> None:
    """Apply per-connection pragmas: WAL for concurrent readers, FULL sync for durability."""
    # https://www.sqlite.org/wal.html : readers never block the writer and vice versa.
    # synchronous=FULL makes a commit survive power loss, not only a process crash;
    # write_transaction gets the same by syncing the WAL itself (storage/durability.py).
    db.wal_path = None  # type: ignore[attr-defined]
    if not db.memory:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() == "wal":
            main_file = db.execute("PRAGMA database_list").fetchone()[2]
            db.wal_path = f"{main_file}-wal"  # type: ignore[attr-defined]
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front.

    A deferred transaction that reads and then writes can fail with SQLITE_BUSY without
    waiting when another writer got in between; IMMEDIATE waits on busy_timeout instead.

    In WAL mode the commit is not synced under the writers' lock: it is synced after the
    lock is let go, before this returns or, inside durability.deferred(), before the answer
    is sent (storage/durability.py). The connection is back to synchronous=FULL after, for
    any write made outside a write_transaction.
    """
    wal_path = getattr(db, "wal_path", None)
    with _one_writer(db):
        if wal_path:
            # Not inside a transaction: SQLite refuses to change it there.
            db.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a deferred constraint) leaves the transaction open.
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
        finally:
            if wal_path and not db.conn.in_transaction:
                db.conn.execute("PRAGMA synchronous=FULL")
    if wal_path:
        durability.committed(wal_path)


@contextlib.contextmanager
def erasing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Writes inside zero what they delete or overwrite, so replaced text leaves the
    database file at the next checkpoint (https://www.sqlite.org/pragma.html#pragma_secure_delete).

    Until then the old pages are still in the WAL file; the app leaves checkpoints to
    SQLite and Litestream (a checkpoint of its own can cost Litestream a new snapshot).
    """
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous):d}")


@contextlib.contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One read transaction, so everything read inside it is one consistent snapshot."""
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")


def insert(db: sqlite_utils.Database, table: str, record: dict[str, Any]) -> int:
    """Insert one row and return its new integer id."""
    row_id = db.table(table).insert(record).last_pk
    assert isinstance(row_id, int), f"{table} has no integer id"
    return row_id


def dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A cursor's rows as dicts. db.query() wraps every read in a savepoint of its own (two
    statements more); a request's few hot reads use db.execute() and this instead."""
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def hold_open(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A connection to keep for the life of the process, so the -wal and -shm files stay.

    SQLite deletes them when its last connection closes, and the next one must create
    them again: on a full disk it cannot, and every read and login failed.
    While this one is open they stay, and a write can reuse the WAL's space. It never
    reads or writes after opening, so it holds no snapshot and blocks no checkpoint.
    """
    connection = sqlite3.connect(str(path), check_same_thread=False)
    connection.execute("select count(*) from sqlite_master").fetchone()  # opens the -shm
    return connection
