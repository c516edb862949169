"""The Flask app served from an event loop: a request's bytes are read on the loop, and
only a whole request is given to the request threads, which take them in arrival order
(RUNNING of them; one more for each that waits for a slow reader, up to `threads`). A
slow or idle client costs the loop a few kilobytes, never a thread (docs/operations.md,
"How the server holds connections").

A request's commits are synced before a byte of its answer goes out, and the answers of
requests that finish together share one sync (storage/durability.py): the request thread
notes them and takes the next request, and syncs for all of them when it has nothing
queued or they have waited long enough.

A view may hand the rest of its answer to the loop (`HAND_OVER` in the WSGI environ): its
thread returns at once and the loop sends what the view's coroutine produces, for as long
as it runs. The live article pages' event streams are held that way
(web/views/live_streams.py).
"""

import asyncio
import contextlib
import contextvars
import functools
import io
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import Any

from workbench.storage import durability

# environ key of the callable a view gives a coroutine function to; it is called on the
# loop with `emit(text)` (send a piece of the body) and `gone` (an Event set when the
# client disconnects), once the view's headers are sent.
HAND_OVER = "workbench.hand_over"
# Bodies are passed to the loop in pieces of about this size: one piece for a page,
# several for an export (the thread then waits while the client is behind).
PIECE_BYTES = 256 * 1024
# Threads of a process that take requests, in arrival order. More would run at once and
# take turns at the interpreter lock: a thread that had committed waited for the lock back
# while still holding SQLite's writer lock, so every other writer waited too. Tagging with
# 64 connections back to back: p99 about 95 ms with one, 99 with two and 120 with eight,
# and 10% more clicks a second with one than with two (bench rows 1, docs/performance.md).
# A thread that must wait for its client (a long export to a slow reader) is replaced
# meanwhile, up to `threads`; so is one whose request has run LONG_SECONDS (an export, a
# big page), so it never holds up the clicks behind it for longer than that.
RUNNING = int(os.environ.get("WORKBENCH_RUNNING_THREADS", "1"))
LONG_SECONDS = float(os.environ.get("WORKBENCH_LONG_REQUEST_MS", "50")) / 1000

log = logging.getLogger(__name__)

# What a request whose change could not be synced to disk is told (an answer that went
# out would say the change was saved). It is in the database, but may not survive a power
# loss; the server's error log says why.
NOT_SAVED = (
    b"The server could not write your change to its disk, so it may not be kept. "
    b"Reload the page to see what was saved, and tell whoever runs the server.\n"
)

Continuation = Callable[[Callable[[str], Awaitable[None]], asyncio.Event], Awaitable[None]]


class ThreadedWSGI:
    """An ASGI application that runs `wsgi_app` in `threads` threads, a request at a time
    each, once its body is read (at most `max_body_bytes`, else 413 without reading on)."""

    def __init__(
        self,
        wsgi_app: Any,
        threads: int,
        max_body_bytes: int,
        running: int = RUNNING,
        long_seconds: float | None = LONG_SECONDS,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.threads = threads
        self.max_body_bytes = max_body_bytes
        self.pool = RequestThreads(max(1, min(running, threads)), threads, long_seconds)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = await read_body(scope, receive, self.max_body_bytes)
        if body is None:
            return  # the client went away before its request was whole
        exchange = _Exchange(asyncio.get_running_loop(), send, self.pool)
        environ = wsgi_environ(scope, body)
        environ[HAND_OVER] = exchange.hand_over
        # One context for the whole request, as a thread of its own would have.
        context = contextvars.copy_context()
        rest = await exchange.loop.run_in_executor(
            self.pool, context.run, exchange.run, self.wsgi_app, environ
        )
        if exchange.synced is not None:
            try:
                await asyncio.wrap_future(exchange.synced)
            except OSError as error:
                await exchange.not_saved(error)
                return
        await exchange.finish(rest, receive)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class _BodyTooLarge(bytes):
    """What read_body gives for a body past the limit: empty, and marked."""


async def read_body(scope: dict[str, Any], receive: Any, limit: int) -> bytes | None:
    """The request's whole body; None if the client left first; a `_BodyTooLarge` (empty)
    when the body is declared or turns out longer than `limit` (the app answers 413)."""
    declared = _header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _BodyTooLarge()
    pieces: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        piece = message.get("body", b"")
        size += len(piece)
        if size > limit:
            return _BodyTooLarge()
        if piece:
            pieces.append(piece)
        if not message.get("more_body", False):
            return b"".join(pieces)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1")).strip()
    return None


def wsgi_environ(scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP request whose body has been read (PEP 3333)."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    query = scope.get("query_string", b"").decode("latin-1")
    raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "RAW_URI": raw_path + (f"?{query}" if query else ""),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ["REQUEST_URI"] = environ["RAW_URI"]
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = str(client[0]), str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "TRANSFER_ENCODING":
            continue  # the body is whole: its length is known
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    if isinstance(body, _BodyTooLarge):
        # Werkzeug answers 413 when the form is read: what was declared stays, nothing
        # is read (a body without a declared length is said to be one byte too long).
        environ.setdefault("CONTENT_LENGTH", str(sys.maxsize))
    else:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class _Exchange:
    """One request's answer between its thread and the loop."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, send: Any, threads: "RequestThreads"
    ) -> None:
        self.loop = loop
        self.send = send
        self.threads = threads
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.started = False  # the status line and headers are sent
        self.continuation: Continuation | None = None
        self.unsynced: set[str] = set()  # WAL files this request committed to, not synced
        self.synced: Future[None] | None = None  # done when they are

    # --- in the request's thread ---------------------------------------------------

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info=None):
        if exc_info is not None and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = int(status.split(" ", 1)[0])
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        return self._write

    def _write(self, data: bytes) -> None:
        """WSGI's write(): a piece sent before the iterable's (rarely used)."""
        if data:
            self._send_from_thread(data)

    def hand_over(self, continuation: Continuation) -> None:
        """Called by a view: after its headers, the loop runs `continuation` (the view's
        answer stays open until it returns), and this thread is free at once."""
        self.continuation = continuation

    def run(self, wsgi_app: Any, environ: dict[str, Any]) -> bytes:
        """Run the app; return the end of its body (pieces before it went out already),
        to be sent once `synced` (if any) is done."""
        with durability.deferred() as self.unsynced:
            rest = self._run(wsgi_app, environ)
        if self.unsynced:
            self.synced = durability.GROUP.synced(self.unsynced)
        return rest

    def _run(self, wsgi_app: Any, environ: dict[str, Any]) -> bytes:
        iterable: Iterable[bytes] = wsgi_app(environ, self.start_response)
        try:
            pending: list[bytes] = []
            size = 0
            for piece in iterable:
                if piece:
                    pending.append(piece)
                    size += len(piece)
                if size >= PIECE_BYTES:
                    self._send_from_thread(b"".join(pending))
                    pending, size = [], 0
            return b"".join(pending)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    def _send_from_thread(self, piece: bytes) -> None:
        """Send a piece of a long body now, waiting while the client is behind (and
        letting another request run meanwhile). What was committed goes to disk first."""
        for path in sorted(self.unsynced):
            durability.sync(path)
        self.unsynced.clear()
        sending = asyncio.run_coroutine_threadsafe(self._send_piece(piece, more=True), self.loop)
        with self.threads.waiting():
            sending.result()

    # --- on the loop ------------------------------------------------------------------

    async def _start(self) -> None:
        if not self.started:
            self.started = True
            headers = self.headers
            if self.continuation is not None:
                # The answer goes on after the view's body: its length is not known.
                headers = [(name, value) for name, value in headers if name != b"content-length"]
            await self.send(
                {"type": "http.response.start", "status": self.status, "headers": headers}
            )

    async def _send_piece(self, piece: bytes, more: bool) -> None:
        await self._start()
        await self.send({"type": "http.response.body", "body": piece, "more_body": more})

    async def not_saved(self, error: OSError) -> None:
        """The request's commit could not be synced: say so instead of its answer (which
        would claim it was saved), or end the answer if it had begun."""
        log.error("a commit could not be synced to disk: %s", error)
        if self.started:
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        self.started = True
        await self.send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(NOT_SAVED)).encode("ascii")),
                    (b"x-content-type-options", b"nosniff"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await self.send({"type": "http.response.body", "body": NOT_SAVED, "more_body": False})

    async def finish(self, rest: bytes, receive: Any) -> None:
        if self.continuation is None:
            await self._send_piece(rest, more=False)
            return
        await self._send_piece(rest, more=True)
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_until_disconnected(receive, gone))

        async def emit(text: str) -> None:
            if not gone.is_set():
                await self.send(
                    {"type": "http.response.body", "body": text.encode("utf-8"), "more_body": True}
                )

        try:
            await self.continuation(emit, gone)
        finally:
            watcher.cancel()
            if not gone.is_set():
                await self.send({"type": "http.response.body", "body": b"", "more_body": False})


async def _until_disconnected(receive: Any, gone: asyncio.Event) -> None:
    """Set `gone` when the client closes the connection (its request body is all read)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


class RequestThreads(Executor):
    """`running` threads take requests in the order they came. A thread about to wait for
    its client says so (`waiting()`), and another thread takes requests meanwhile, up to
    `most` threads in all; so does one whose request has run `long_seconds` (None: never)
    while others are queued behind it. Once back, whichever thread finishes first while
    there are too many leaves. (A pool of `most` threads would run them all at once; one
    of `running` could be held by `running` slow readers or long requests.)"""

    def __init__(self, running: int, most: int, long_seconds: float | None = None) -> None:
        self.running = running
        self.most = max(most, running)
        self.long_seconds = long_seconds
        self.work: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None]
        self.work = queue.SimpleQueue()
        self.guard = threading.Lock()
        self.changed = threading.Condition(self.guard)  # for the watch: queued or began
        self.taking = 0  # threads taking requests (not waiting for a client, not long)
        self.alive = 0
        self.queued = 0  # submitted, not yet taken
        self.began: dict[int, float] = {}  # taking thread -> when its request began
        self.long: set[int] = set()  # threads whose request went long (not taking)
        self.watch_idle = False  # the watch waits for work to be queued behind a request
        self.closed = False
        with self.guard:
            for _ in range(running):
                self._start()
        if long_seconds is not None:
            threading.Thread(target=self._watch, name="request-watch", daemon=True).start()

    def _start(self) -> None:
        self.alive += 1
        self.taking += 1
        threading.Thread(target=self._take, name="request", daemon=True).start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        if self.closed:
            raise RuntimeError("the request threads are shut down")
        with self.guard:
            self.queued += 1
            if self.watch_idle and self.began:
                self.changed.notify()
        self.work.put((future, functools.partial(fn, **kwargs) if kwargs else fn, args))
        return future

    def _take(self) -> None:
        me = threading.get_ident()
        while True:
            with self.guard:
                leaving = self.taking > self.running or self.closed
                if leaving:
                    self.taking -= 1
                    self.alive -= 1
            if leaving:
                durability.GROUP.flush()  # none of the answers it noted is left waiting
                return
            item = self._next()
            if item is None:
                self.work.put(None)  # for the next thread
                continue
            with self.guard:
                self.queued -= 1
                self.began[me] = time.monotonic()
                if self.watch_idle and (self.queued or durability.GROUP.pending()):
                    self.changed.notify()
            future, fn, args = item
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = fn(*args)
                    except BaseException as error:
                        future.set_exception(error)
                    else:
                        future.set_result(result)
            finally:
                with self.guard:
                    if me in self.long:
                        self.long.discard(me)
                        self.taking += 1
                    else:
                        self.began.pop(me, None)
            del future, fn, args, item

    def _next(self) -> Any:
        """The next request, syncing first for the answers waiting when they are due (the
        queue is empty, or they have waited long enough while it was not)."""
        group = durability.GROUP
        while True:
            # With no watch, nothing would sync for them while a long request runs.
            group.flush_if_due(idle=self.long_seconds is None or self.work.empty())
            if not group.pending():
                return self.work.get()
            try:  # another thread may take what was queued: wait no longer than is due
                return self.work.get(timeout=group.oldest_seconds)
            except queue.Empty:
                group.flush()

    def _watch(self) -> None:
        """Whenever requests are queued behind a running one, wait until that one has run
        long_seconds; if it still runs, let another thread take the queue. Whenever
        answers wait for a sync while a request runs, sync for them once the oldest has
        waited long_seconds (a request thread syncs between requests; a long one would
        hold them back)."""
        assert self.long_seconds is not None
        group = durability.GROUP
        with self.guard:
            while not self.closed:
                behind = bool(self.queued and self.began)
                syncing = bool(self.began) and group.pending()
                if not behind and not syncing:
                    # Woken only from here: a click costs no wake-up of this thread.
                    self.watch_idle = True
                    self.changed.wait()
                    self.watch_idle = False
                    continue
                now = time.monotonic()
                lefts = []
                if syncing:
                    left = group.since + self.long_seconds - now
                    if left <= 0:
                        self._flush_unguarded()
                        continue
                    lefts.append(left)
                if behind:
                    thread, began = min(self.began.items(), key=lambda item: item[1])
                    left = began + self.long_seconds - now
                    if left <= 0:
                        del self.began[thread]
                        self.long.add(thread)
                        self._step_aside()
                        self._flush_unguarded()  # the answers it noted go now
                        continue
                    lefts.append(left)
                self.changed.wait(min(lefts))

    def _flush_unguarded(self) -> None:
        """Sync for the waiting answers (called with the guard held; let go meanwhile)."""
        self.guard.release()
        try:
            durability.GROUP.flush()
        finally:
            self.guard.acquire()

    def _step_aside(self) -> None:
        """One taking thread stops taking (call with the guard held): start another if
        that leaves too few."""
        self.taking -= 1
        if self.taking < self.running and self.alive < self.most and not self.closed:
            self._start()

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a wait for the client: another thread takes requests meanwhile, and the
        answers this one noted go first."""
        durability.GROUP.flush()
        me = threading.get_ident()
        with self.guard:
            counted = me not in self.long  # a long request has stepped aside already
            if counted:
                self.began.pop(me, None)
                self._step_aside()
        try:
            yield
        finally:
            if counted:
                with self.guard:
                    self.taking += 1
                    self.began[me] = time.monotonic()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self.guard:
            self.closed = True
            self.changed.notify_all()
        if cancel_futures:
            while True:
                try:
                    item = self.work.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[0].cancel()
        self.work.put(None)
