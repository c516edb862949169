"""Changes as events, read from the append-only history by id: any process that can read
the database sees every change, whichever gunicorn worker or command made it, and a
reader that reconnects resumes after the last id it was sent (SSE's Last-Event-ID).

Blind decisions stay out of the history until the reveal; each marks its article in
blind_progress_marks instead (its id, not its status), so live pages can count the
reviewers' decisions again. What they are sent of it is a state, not a change (how many
claims each reviewer has decided), drawn afresh whenever a page connects: a reconnect
misses nothing without a resume point of its own.

One watcher thread per process reads which articles the newest history rows and marks
are about and tells its listeners (the process's live streams,
web/views/live_streams.py), so a stream costs no query until its own article changes,
however many streams are open and however busy other articles are.
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


def mark_blind_progress(db: Database, article_id: int) -> None:
    """Say that the article's blind review moved (inside the decision's transaction): its
    one mark is replaced by one with a newer id."""
    db.execute("insert or replace into blind_progress_marks (article_id) values (?)", [article_id])


def newest_mark_id(db: Database) -> int:
    """The id of the newest blind progress mark (0 for none)."""
    return int(db.execute("select coalesce(max(id), 0) from blind_progress_marks").fetchone()[0])


@dataclass(frozen=True)
class Fresh:
    """What a watcher's look found: {article_id: newest history id} of new history rows,
    {article_id: mark id} of new blind progress marks."""

    history: dict[int, int]
    marks: dict[int, int]


def fresh_after(db: Database, history_id: int, mark_id: int) -> Fresh:
    """The history rows and blind progress marks after these ids, by article (one query:
    the watcher asks ten times a second)."""
    found = Fresh({}, {})
    for kind, article_id, newest in db.execute(
        "select 'h', article_id, max(id) from history where id > ? group by article_id "
        "union all select 'm', article_id, id from blind_progress_marks where id > ?",
        [history_id, mark_id],
    ).fetchall():
        (found.history if kind == "h" else found.marks)[article_id] = newest
    return found


Listener = Callable[[Fresh], None]


class Watcher:
    """Polls one database's history and blind progress marks for new rows and calls each
    listener with what is new, by article (in the watcher's thread: a listener only hands
    it on)."""

    def __init__(self, path: str, poll_seconds: float = POLL_SECONDS) -> None:
        self.path = path
        self.poll_seconds = poll_seconds
        self.latest = 0
        self.latest_mark = 0
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
            # Where to look from, read before this returns: what is written once the
            # first listener is in is seen, however late the thread gets going.
            db = connect(self.path)
            try:
                self.latest, self.latest_mark = newest_id(db), newest_mark_id(db)
            finally:
                db.close()
            self.thread = threading.Thread(target=self._poll, name="history-watcher", daemon=True)
            self.thread.start()

    def _poll(self) -> None:
        db = connect(self.path)
        try:
            while True:
                try:
                    fresh = fresh_after(db, self.latest, self.latest_mark)
                except Exception:  # a locked or missing file now and then: look again soon
                    fresh = Fresh({}, {})
                if fresh.history or fresh.marks:
                    self.latest = max(self.latest, *fresh.history.values(), 0)
                    self.latest_mark = max(self.latest_mark, *fresh.marks.values(), 0)
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
