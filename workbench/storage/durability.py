"""A commit is on disk before anyone is told it happened, without the disk in the writers'
lock: group commit for SQLite's WAL.

With `synchronous=FULL` SQLite syncs the WAL inside COMMIT, while the writers' lock is held:
every other writer waits for the disk, and every click pays a sync of its own (tagging at 64
connections: 870-930 clicks a second with it, 1,170-1,210 with no sync at all;
bench/PERFORMANCE.md part 7). So db.write_transaction commits with `synchronous=NORMAL`
(the WAL is written, not synced: after a power loss the database is still whole and each
transaction is all there or not at all, https://www.sqlite.org/pragma.html#pragma_synchronous),
lets go of the lock, and hands the WAL's path to `committed()`, which syncs it:

- at once, in the writer's own thread (the command line, the job worker, tests);
- or, inside `deferred()`, later: the server's request thread notes the path, asks
  `GROUP.synced()` for a future, and goes on to the next request; the answer is sent when
  the future is done. A request thread syncs for every waiting answer at once
  (`GROUP.flush_if_due`) when it has nothing queued, when `most` answers wait, or when the
  oldest has waited `oldest_seconds`; one sync covers every commit made before it began.

What changes for a reader: another page may show a change for the millisecond or so
before it is on disk; a power loss in that moment loses it, and its writer was never told
it was saved.
"""

import contextlib
import contextvars
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future

# The WAL files written in this context and not yet synced; None: sync at once.
_UNSYNCED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "workbench_unsynced_wal", default=None
)

# A new WAL's directory entry is synced once, as SQLite does for the files it creates
# (a file synced whose name is not may be gone after a power loss).
_DIRECTORY_SYNCED: set[tuple[int, int]] = set()


def committed(wal_path: str) -> None:
    """A transaction was committed to `wal_path` without a sync: sync it now, or note it
    for whoever answers inside `deferred()`."""
    unsynced = _UNSYNCED.get()
    if unsynced is None:
        sync(wal_path)
    else:
        unsynced.add(wal_path)


@contextlib.contextmanager
def deferred() -> Iterator[set[str]]:
    """Inside, commits are not synced: the set given names their WAL files, and the caller
    must have them synced (`sync`, or `GROUP.synced`) before telling anyone of them."""
    unsynced: set[str] = set()
    token = _UNSYNCED.set(unsynced)
    try:
        yield unsynced
    finally:
        _UNSYNCED.reset(token)


def sync(path: str) -> None:
    """Everything written to the file at `path` so far is on disk when this returns."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fdatasync(fd)
        status = os.fstat(fd)
        identity = (status.st_dev, status.st_ino)
        if identity not in _DIRECTORY_SYNCED:
            _sync_directory(os.path.dirname(os.path.abspath(path)))
            _DIRECTORY_SYNCED.add(identity)
    finally:
        # SQLite holds no POSIX lock on the -wal file (WAL mode locks the -shm), so closing
        # this descriptor drops none of its locks.
        os.close(fd)


def _sync_directory(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GroupSync:
    """The answers of this process waiting for their commits to be synced."""

    def __init__(self, most: int = 8, oldest_seconds: float = 0.003) -> None:
        # `most` and `oldest_seconds` bound what an answer waits for: at 64 connections
        # back to back a click costs about 1.5 ms, so at most about 8 clicks' time.
        self.most = most
        self.oldest_seconds = oldest_seconds
        self.guard = threading.Lock()
        self.waiting: list[tuple[frozenset[str], Future[None]]] = []
        self.since = 0.0  # when the oldest waiting answer began to wait
        self.pid = os.getpid()

    def synced(self, paths: set[str]) -> "Future[None]":
        """A future done once every file in `paths` has been synced by a sync that began
        after this call (with the OSError if one failed)."""
        future: Future[None] = Future()
        with self.guard:
            self._forget_parents()
            if not self.waiting:
                self.since = time.monotonic()
            self.waiting.append((frozenset(paths), future))
        return future

    def _forget_parents(self) -> None:
        """In a forked child (guard held): the answers waiting are the parent's, not ours."""
        if self.pid != os.getpid():
            self.pid, self.waiting = os.getpid(), []

    def pending(self) -> bool:
        return bool(self.waiting) and self.pid == os.getpid()

    def flush_if_due(self, idle: bool) -> None:
        """Sync now if answers wait and nothing else is to be done first (`idle`), or
        enough of them wait, or the oldest has waited long enough."""
        if not self.pending():
            return
        if (
            idle
            or len(self.waiting) >= self.most
            or time.monotonic() - self.since >= self.oldest_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Sync every file the waiting answers need, once each, and let them go."""
        with self.guard:
            self._forget_parents()
            batch, self.waiting = self.waiting, []
        if not batch:
            return
        failed: dict[str, OSError] = {}
        for path in sorted(frozenset().union(*(paths for paths, _ in batch))):
            try:
                sync(path)
            except OSError as error:
                failed[path] = error
        for paths, future in batch:
            failure = next((failed[path] for path in sorted(paths) if path in failed), None)
            if failure is None:
                future.set_result(None)
            else:
                future.set_exception(failure)


# The process's one group: its request threads flush it (web/threaded_wsgi.py).
GROUP = GroupSync()
