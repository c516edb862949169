"""Live article pages' event streams, held by the server process's event loop.

An open page costs a coroutine and a few kilobytes, never a thread: the page's view
(live.py) checks who asks and what, then hands the open connection to the loop
(web/threaded_wsgi.py). The process's history watcher (desk/events.py) says which
articles changed; at most every BATCH_SECONDS, every watched article's changes are drawn
in one go in a thread (live_drawing.py), once for each kind of reader however many pages
are open, and who else is on each article is looked up every PRESENCE_SECONDS. The line
of an article's blind review is drawn again when a page joins and after any change to
the article or its blind decisions (which the history does not hold): a state sent
whenever it differs from what the page was last sent, so a reconnect needs no resume
point for it. Every
SESSION_CHECK_SECONDS one query finds the streams whose session ended (logout,
deactivation, expiry): they are told so and closed.

Limits, per process: STREAM_SLOTS streams in all, STREAMS_PER_USER of one account; past
either a page is answered at once with the reason and a later retry.
"""

import asyncio
import collections
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from ...desk import events
from ...errors import Sentence
from ...interface_languages import DEFAULT_LOCALE
from ...team import accounts
from ...team.accounts import User
from ..database import get_db
from . import live_drawing

RETRY_MS = 1000  # how soon a browser reconnects after a stream ends
BUSY_RETRY_MS = 30_000  # and after it was refused for a limit
KEEPALIVE_SECONDS = 15  # a comment line now and then keeps proxies from closing the stream
PRESENCE_SECONDS = 2  # how often who is on each watched article is looked up
# At most one drawing of changes this often: a burst of writes (a busy desk, a bulk
# change) is drawn once rather than once per write.
BATCH_SECONDS = 0.2
SESSION_CHECK_SECONDS = 0.5  # a stream ends within about this of its session
POLL_LIMIT_SECONDS = 30  # a poll (seconds 0) ends by then even if no drawing could be made
DRAWING_THREADS = 2  # threads per process that draw events and check sessions

log = logging.getLogger(__name__)

Emit = Callable[[str], Awaitable[None]]


@dataclass
class StreamOrder:
    """What the page's view found out, for the loop: whose stream, of what, from where."""

    article_id: int
    after: int  # the newest history id the page was drawn with
    user: User
    token: str  # the session cookie, checked again every SESSION_CHECK_SECONDS
    farewell: str  # the event that says the session ended
    # The stream ends after this; the browser reconnects. 0: it ends once it has been sent
    # what was waiting when it opened (its backlog, who is here, the blind line): a poll.
    seconds: float
    locale: str = DEFAULT_LOCALE  # the page's language: its live rows are drawn in it


class Limits:
    """Open streams of this process, in all and by account (thread-safe: the views ask
    before handing a stream over, the loop counts it in and out)."""

    def __init__(self, total: int, per_user: int) -> None:
        self.total = total
        self.per_user = per_user
        self.open = 0
        self.by_user: collections.Counter[str] = collections.Counter()
        self.guard = threading.Lock()

    def refusal(self, username: str) -> Sentence | None:
        """Why another stream of `username` would be refused now (a sentence the page says
        in the reader's language), or None."""
        with self.guard:
            return self._refusal(username)

    def _refusal(self, username: str) -> Sentence | None:
        if self.by_user[username] >= self.per_user:
            return Sentence(
                "%(user)s has as many pages with live updates open as one account may "
                "(%(limit)s): close one and this page tries again within 30 seconds.",
                user=username,
                limit=self.per_user,
            )
        if self.open >= self.total:
            return Sentence(
                "the server holds as many live pages as it may (%(limit)s): this page "
                "tries again within 30 seconds.",
                limit=self.total,
            )
        return None

    def admit(self, username: str) -> Sentence | None:
        """Count a stream of `username` in, or say why not."""
        with self.guard:
            refusal = self._refusal(username)
            if refusal is None:
                self.open += 1
                self.by_user[username] += 1
            return refusal

    def release(self, username: str) -> None:
        with self.guard:
            self.open -= 1
            self.by_user[username] -= 1
            if self.by_user[username] <= 0:
                del self.by_user[username]


def limits_for(app: Flask) -> Limits:
    """The process's limits for `app` (its STREAM_SLOTS and STREAMS_PER_USER)."""
    with _GUARD:
        found = app.extensions.get("workbench_stream_limits")
        if found is None:
            found = app.extensions["workbench_stream_limits"] = Limits(
                app.config["STREAM_SLOTS"], app.config["STREAMS_PER_USER"]
            )
        return found


def busy_answer(reason: str, notice_html: str) -> str:
    """A refused stream's whole body: why (a comment, for anyone reading the stream), the
    same said on the page, and when to try again."""
    return f"retry: {BUSY_RETRY_MS}\n: busy: {reason}\n\n" + live_drawing.sse("notice", notice_html)


@dataclass(eq=False)
class _Stream:
    order: StreamOrder
    after: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    outbox: list[str] = field(default_factory=list)
    ended: bool = False  # its session ended
    presence: tuple[Any, ...] | None = None  # who else it was last told is here
    blind_line: str | None = None  # the blind review's line it was last sent
    joined_before: int = 0  # the number of the first drawing begun after it joined
    caught_up: bool = False  # a drawing begun after it joined has been sent to it

    def push(self, text: str) -> None:
        self.outbox.append(text)
        self.wake.set()


class Hub:
    """The streams of one event loop (a server process has one), by article."""

    def __init__(self, app: Flask, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.limits = limits_for(app)
        self.by_article: dict[int, set[_Stream]] = {}
        self.streams: set[_Stream] = set()
        self.changed: set[int] = set()  # articles whose history rows may wait to be drawn
        self.joined: set[int] = set()  # articles a page joined: tell it who else is here
        # Articles whose blind review line may have changed (a page joined, a change, a
        # blind decision): drawn again, sent to the pages it differs for.
        self.counted: set[int] = set()
        self.wake = asyncio.Event()
        self.drawing: asyncio.Task[None] | None = None
        self.drawings_begun = 0
        self.session_checks: asyncio.Task[None] | None = None
        self.watcher = events.watcher_for(app.config["DATABASE"])
        self.watcher.listen(self._from_watcher)

    def close(self) -> None:
        self.watcher.stop_listening(self._from_watcher)

    # --- one stream -------------------------------------------------------------------

    async def serve(self, order: StreamOrder, emit: Emit, gone: asyncio.Event) -> None:
        """Send the page its events until it leaves, its session ends or its time is up."""
        refusal = self.limits.admit(order.user.username)
        if refusal is not None:  # another page got in since the view asked
            await emit(f"retry: {BUSY_RETRY_MS}\n: busy: {refusal}\n\n")
            return
        stream = _Stream(order, order.after)
        relay = self.loop.create_task(_set_when(gone, stream.wake))
        try:
            self._join(stream)
            await emit(f"retry: {RETRY_MS}\n\n")
            polling = order.seconds <= 0
            deadline = self.loop.time() + (POLL_LIMIT_SECONDS if polling else order.seconds)
            last_sent = self.loop.time()
            while not gone.is_set():
                if stream.outbox:
                    text, stream.outbox = "".join(stream.outbox), []
                    await emit(text)
                    last_sent = self.loop.time()
                if stream.ended:
                    await emit(order.farewell)
                    return
                if polling and stream.caught_up and not stream.outbox:
                    return
                now = self.loop.time()
                if now >= deadline:
                    return
                if now - last_sent >= KEEPALIVE_SECONDS:
                    await emit(": keep-alive\n\n")
                    last_sent = now
                stream.wake.clear()
                if stream.outbox or stream.ended or gone.is_set() or (polling and stream.caught_up):
                    continue
                timer = self.loop.call_later(
                    min(deadline, last_sent + KEEPALIVE_SECONDS) - now, stream.wake.set
                )
                await stream.wake.wait()
                timer.cancel()
        finally:
            relay.cancel()
            self._leave(stream)
            self.limits.release(order.user.username)

    def _join(self, stream: _Stream) -> None:
        article_id = stream.order.article_id
        stream.joined_before = self.drawings_begun + 1
        self.streams.add(stream)
        self.by_article.setdefault(article_id, set()).add(stream)
        self.changed.add(article_id)  # the page's own backlog
        self.joined.add(article_id)
        self.counted.add(article_id)
        self.wake.set()
        if self.drawing is None or self.drawing.done():
            self.drawing = self.loop.create_task(self._draw_while_open())
        if self.session_checks is None or self.session_checks.done():
            self.session_checks = self.loop.create_task(self._check_sessions())

    def _leave(self, stream: _Stream) -> None:
        self.streams.discard(stream)
        readers = self.by_article.get(stream.order.article_id)
        if readers is not None:
            readers.discard(stream)
            if not readers:
                del self.by_article[stream.order.article_id]

    # --- drawing ----------------------------------------------------------------------

    def _from_watcher(self, fresh: events.Fresh) -> None:
        """In the watcher's thread: pass the changed articles to the loop."""
        try:
            self.loop.call_soon_threadsafe(self._changed, fresh)
        except RuntimeError:  # the loop is closed: its streams are gone
            self.close()

    def _changed(self, fresh: events.Fresh) -> None:
        watched = [article_id for article_id in fresh.history if article_id in self.by_article]
        marked = [article_id for article_id in fresh.marks if article_id in self.by_article]
        if watched or marked:
            self.changed.update(watched)
            # Any change may move the line too: a reveal, a ruling, a claim more or less.
            self.counted.update(watched, marked)
            self.wake.set()

    async def _draw_while_open(self) -> None:
        """Draw what changed on every watched article, and who is on them, in one go at
        most every BATCH_SECONDS, while any stream is open."""
        next_presence = 0.0
        while self.streams:
            now = self.loop.time()
            presence_due = now >= next_presence
            if not (self.changed or self.joined or self.counted or presence_due):
                self.wake.clear()
                timer = self.loop.call_later(next_presence - now, self.wake.set)
                await self.wake.wait()
                timer.cancel()
                continue
            started = now
            changed, self.changed = self.changed & set(self.by_article), set()
            people = set(self.by_article) if presence_due else self.joined & set(self.by_article)
            self.joined = set()
            counted, self.counted = self.counted & set(self.by_article), set()
            self.drawings_begun += 1
            number = self.drawings_begun
            try:
                await self._draw(changed, people, counted)
            except Exception:  # a locked or busy database now and then: again soon
                log.exception("Drawing live events failed")
                self.changed |= changed
                self.joined |= people
                self.counted |= counted
                await asyncio.sleep(1)
                continue
            for stream in self.streams:
                if not stream.caught_up and stream.joined_before <= number:
                    stream.caught_up = True  # what waited at its join is in its outbox
                    stream.wake.set()
            if presence_due:
                next_presence = self.loop.time() + PRESENCE_SECONDS
            if changed or counted:  # the next writes come as one batch, BATCH_SECONDS after
                await asyncio.sleep(max(started + BATCH_SECONDS - self.loop.time(), 0))

    async def _draw(self, changed: set[int], people: set[int], counted: set[int]) -> None:
        wanted = {}
        for article_id in changed:
            readers = self.by_article[article_id]
            wanted[article_id] = ({stream.after for stream in readers}, self._readers(article_id))
        lines_for = {article_id: self._readers(article_id) for article_id in counted}
        present_for = {
            article_id: sorted(
                {(s.order.user.username, s.order.locale) for s in self.by_article[article_id]}
            )
            for article_id in people
        }
        batches, present, lines = await self._in_thread(_draw_all, wanted, present_for, lines_for)
        for article_id in changed | people | counted:
            batch = batches.get(article_id)
            seen = present.get(article_id)
            line_of = lines.get(article_id, {})
            for stream in self.by_article.get(article_id, ()):
                if batch is not None:
                    text, stream.after = live_drawing.events_for(
                        stream.order.user, stream.after, batch, stream.order.locale
                    )
                    if text:
                        stream.push(text)
                reader = (stream.order.user.username, stream.order.locale)
                line = line_of.get(reader)
                if line is not None and line != stream.blind_line:
                    stream.blind_line = line
                    stream.push(line)
                if seen is not None and reader in seen:
                    key, event = seen[reader]
                    if key != stream.presence:
                        stream.presence = key
                        stream.push(event)

    def _readers(self, article_id: int) -> list[live_drawing.Reader]:
        """The accounts of the article's open pages with their pages' language, each once."""
        readers = self.by_article[article_id]
        found = {
            (stream.order.user.username, stream.order.locale): stream.order.user
            for stream in readers
        }
        return [(user, locale) for (_, locale), user in found.items()]

    # --- sessions ---------------------------------------------------------------------

    async def _check_sessions(self) -> None:
        """End the streams whose session no longer holds, while any are open."""
        config = self.app.config
        while self.streams:
            await asyncio.sleep(SESSION_CHECK_SECONDS)
            streams = list(self.streams)
            tokens = {stream.order.token for stream in streams}
            try:
                valid = await self._in_thread(
                    _sessions_in_force,
                    tokens,
                    config["SESSION_IDLE_MINUTES"],
                    config["SESSION_MAX_DAYS"],
                )
            except Exception:
                log.exception("Checking the sessions of live pages failed")
                continue
            for stream in streams:
                if stream.order.token not in valid:
                    stream.ended = True
                    stream.wake.set()

    async def _in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(db, *args)` in a drawing thread, inside an app context."""
        return await self.loop.run_in_executor(_pool(), _with_app, self.app, function, args)


def _draw_all(
    db: Any,
    wanted: dict[int, tuple[set[int], list[live_drawing.Reader]]],
    present_for: dict[int, list[tuple[str, str]]],
    lines_for: dict[int, list[live_drawing.Reader]],
) -> tuple[
    dict[int, live_drawing.Batch],
    dict[int, dict[tuple[str, str], Any]],
    dict[int, dict[tuple[str, str], str]],
]:
    batches = live_drawing.draw_batches(db, wanted) if wanted else {}
    present = {
        article_id: live_drawing.draw_presence(db, article_id, names)
        for article_id, names in present_for.items()
    }
    lines = live_drawing.draw_blind_lines(db, lines_for) if lines_for else {}
    return batches, present, lines


def _sessions_in_force(db: Any, tokens: set[str], idle: int, max_days: float) -> set[str]:
    return accounts.sessions_in_force(db, tokens, idle, max_days)


def _with_app(app: Flask, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    with app.app_context():
        return function(get_db(), *args)


async def _set_when(happened: asyncio.Event, wake: asyncio.Event) -> None:
    await happened.wait()
    wake.set()


_GUARD = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    with _GUARD:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(DRAWING_THREADS, thread_name_prefix="live"))
        return _POOL[0]


def hub_for(app: Flask) -> Hub:
    """The hub of the running event loop (the server process's loop)."""
    loop = asyncio.get_running_loop()
    hubs = app.extensions.setdefault("workbench_stream_hubs", {})
    hub = hubs.get(loop)  # only this loop's thread reads or adds its entry
    if hub is None:
        hub = hubs[loop] = Hub(app, loop)
    return hub


async def serve(app: Flask, order: StreamOrder, emit: Emit, gone: asyncio.Event) -> None:
    """The stream on the server's loop (what live.py hands over)."""
    await hub_for(app).serve(order, emit, gone)


def run_here(app: Flask, order: StreamOrder) -> Iterator[str]:
    """The stream for a plain WSGI server (the Flask test client), where nothing else
    holds it: on an event loop of its own in a thread of its own (the caller's thread may
    run a loop already), its pieces handed over through a queue."""
    pieces: queue.Queue[str | None] = queue.Queue()
    loop = asyncio.new_event_loop()
    gone = asyncio.Event()

    async def emit(text: str) -> None:
        pieces.put(text)

    async def whole() -> None:
        hub = Hub(app, asyncio.get_running_loop())
        try:
            await hub.serve(order, emit, gone)
        finally:
            hub.close()

    failed: list[BaseException] = []

    def run() -> None:
        try:
            loop.run_until_complete(whole())
        except BaseException as error:  # raised again in the reader's thread
            failed.append(error)
        finally:
            left = asyncio.all_tasks(loop)  # the hub's drawing and session checks
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.close()
            pieces.put(None)

    thread = threading.Thread(target=run, name="live-stream", daemon=True)
    thread.start()
    try:
        while (piece := pieces.get()) is not None:
            yield piece
        if failed:
            raise failed[0]
    finally:
        if thread.is_alive():  # the reader stopped reading: end the stream
            try:
                loop.call_soon_threadsafe(gone.set)
            except RuntimeError:  # the loop has just closed
                pass
        thread.join()
