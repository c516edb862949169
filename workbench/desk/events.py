"""Changes as events, read from the append-only history by id: any process that can read
the database sees every change, whichever gunicorn worker or command made it, and a
reader that reconnects resumes after the last id it was sent (SSE's Last-Event-ID).

One watcher thread per process reads which articles the newest history rows are about
and tells its listeners (the process's live streams, web/views/live_streams.py), so a stream
costs no query until its own article changes, however many streams are open and however
busy other articles are.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

from ..storage.db import connect

POLL_SECONDS = 0.1  # how often the watcher looks; a change reaches a stream within this
MAX_ROWS = 500  # rows read at once; a bigger change is sent as "reload"


@dataclass(frozen=True)
class HistoryEvent:
    """A history row as a live page hears of it: which claim, who, what."""

    id: int
    claim_id: int | None
    actor: str
    action: str


def newest_id(db: Database) -> int:
    """The id of the newest history row (0 for none)."""
    return int(db.execute("select coalesce(max(id), 0) from history").fetchone()[0])


def article_changes(
    db: Database, article_id: int, after_id: int, limit: int = MAX_ROWS
) -> list[HistoryEvent]:
    """The article's history rows after `after_id`, oldest first, at most `limit`."""
    return [
        HistoryEvent(*row)
        for row in db.execute(
            "select id, claim_id, actor, action from history where article_id = ? and id > ? "
            "order by id limit ?",
            [article_id, after_id, limit],
        ).fetchall()
    ]


def newest_by_article(db: Database, after_id: int) -> dict[int, int]:
    """{article_id: newest history id} for the rows after `after_id`."""
    return {
        article_id: newest
        for article_id, newest in db.execute(
            "select article_id, max(id) from history where id > ? group by article_id",
            [after_id],
        ).fetchall()
    }


Listener = Callable[[dict[int, int]], None]


class Watcher:
    """Polls one database's history for new rows and calls each listener with
    {article_id: newest history id} of what is new (in the watcher's thread: a listener
    only hands it on)."""

    def __init__(self, path: str, poll_seconds: float = POLL_SECONDS) -> None:
        self.path = path
        self.poll_seconds = poll_seconds
        self.latest = 0
        self.listeners: list[Listener] = []
        self.guard = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def listen(self, listener: Listener) -> None:
        """Call `listener` after each look that found new rows, from now on."""
        with self.guard:
            self.listeners.append(listener)
        self.ensure_running()

    def stop_listening(self, listener: Listener) -> None:
        with self.guard:
            if listener in self.listeners:
                self.listeners.remove(listener)

    def ensure_running(self) -> None:
        """Start the polling thread in this process (again after a fork)."""
        with self.guard:
            if self.thread is not None and self.thread.is_alive() and self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self._poll, name="history-watcher", daemon=True)
            self.thread.start()

    def _poll(self) -> None:
        db = connect(self.path)
        try:
            self.latest = newest_id(db)
            while True:
                try:
                    fresh = newest_by_article(db, self.latest)
                except Exception:  # a locked or missing file now and then: look again soon
                    fresh = {}
                if fresh:
                    self.latest = max(self.latest, *fresh.values())
                    with self.guard:
                        listeners = list(self.listeners)
                    for listener in listeners:
                        listener(fresh)
                time.sleep(self.poll_seconds)
        finally:
            db.close()


_WATCHERS: dict[str, Watcher] = {}
_WATCHERS_GUARD = threading.Lock()


def watcher_for(path: str) -> Watcher:
    """The process's watcher of the database at `path`."""
    with _WATCHERS_GUARD:
        return _WATCHERS.setdefault(path, Watcher(path))
