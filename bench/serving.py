"""How the server holds connections (`python -m bench`, rows 11): a crowd of clients that
never finish a request, a thousand open event streams, and a reviewer timed in between.

Everything here talks to 127.0.0.1 or, for the crowd of unfinished requests, from
127.0.0.2 (one other address of the loopback range, as an outside client would be), and
stops by itself.
"""

import asyncio
import re
import select
import socket
import threading
import time

from . import live, servers

EVENT = re.compile(rb"event: claim-(\d+)\n")
# Too many changes at once to patch the page (a bulk change, or a burst the page fell
# behind on): the page is told to reload, and so hears of every change of its article.
NOTICE = b"event: notice\n"
UNFINISHED = b"GET /login HTTP/1.1\r\nHost: x\r\nX-a: "


class UnfinishedRequests(threading.Thread):
    """`count` connections from `source` that each send the start of a request and never
    finish it; one the server closes is opened again at once, as an attacker would."""

    def __init__(self, port, count, source="127.0.0.2"):
        super().__init__(daemon=True)
        self.port, self.count, self.source = port, count, source
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.opened = 0  # connections opened in all, first ones and reopened ones
        self.refused = 0  # connects that failed
        self.sockets = []

    def _open_one(self):
        try:
            sock = socket.create_connection(
                ("127.0.0.1", self.port), timeout=5, source_address=(self.source, 0)
            )
            sock.sendall(UNFINISHED)
            sock.setblocking(False)
        except OSError:
            self.refused += 1
            return None
        self.opened += 1
        return sock

    def run(self):
        held = [sock for sock in (self._open_one() for _ in range(self.count)) if sock]
        self.ready.set()
        while not self.stopping.is_set():
            readable, _, _ = select.select(held, [], [], 0.2) if held else ([], [], [])
            for sock in readable:  # an answer (429, 408) or a close: the server let go
                try:
                    sock.recv(65536)
                except OSError:
                    pass
                sock.close()
                held.remove(sock)
            while len(held) < self.count and not self.stopping.is_set():
                sock = self._open_one()
                if sock is None:
                    time.sleep(0.05)
                    break
                held.append(sock)
            if not held:
                time.sleep(0.05)
        for sock in held:
            sock.close()

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)


def page_loads(port, path, token, count):
    """`count` loads of `path` one after another, each on a new connection as a
    browser's first visit: (latencies in ms, errors)."""
    latencies, errors = [], 0
    for _ in range(count):
        started = time.monotonic()
        try:
            status, _, body = servers.get(
                port, path, {"Cookie": f"workbench_session={token}"}, timeout=30
            )
        except OSError:
            errors += 1
            continue
        if status != 200 or b'class="claim claim--' not in body:
            errors += 1
            continue
        latencies.append((time.monotonic() - started) * 1000)
    return latencies, errors


class StreamCrowd:
    """Open event streams read on one event loop in a thread of their own: `tokens[i]`
    reads `article_ids[i]`, from history id `after` on, as a page drawn then would. Each
    records when an event about a watched claim arrives."""

    def __init__(self, port, tokens, article_ids, after):
        self.port = port
        self.after = after  # the newest history id when the pages were drawn
        self.pages = list(zip(tokens, article_ids, strict=True))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.opened = 0
        self.open_pages = set()  # indexes of the pages the server holds open
        self.busy = 0
        self.failed = 0
        self.arrivals = {}  # claim id -> {page index: monotonic time of its event}
        self.article_of = {}  # claim id -> its article
        self.notices = 0
        self.tasks = []
        self.bytes = 0

    def __enter__(self):
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._open_all(), self.loop).result(timeout=120)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._close_all(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    def watch(self, claim_id, article_id):
        """Record the arrival of every later event about `claim_id` at each page, in the
        dict returned ({page index: monotonic time})."""
        self.article_of[claim_id] = article_id
        seen = self.arrivals[claim_id] = {}
        return seen

    async def _open_all(self):
        opened = asyncio.Event()
        ready = []
        for index, (token, article_id) in enumerate(self.pages):
            self.tasks.append(
                asyncio.ensure_future(self._read(index, token, article_id, ready, opened))
            )
            if index % 50 == 49:
                await asyncio.sleep(0.05)  # as pages open over a morning, not all at once
        try:
            await asyncio.wait_for(opened.wait(), timeout=90)
        except TimeoutError:
            pass

    async def _read(self, index, token, article_id, ready, opened):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            self.failed += 1
            return
        try:
            writer.write(
                f"GET /articles/{article_id}/events?after={self.after} HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\n"
                f"Cookie: workbench_session={token}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                self.failed += 1
                return
            first = await reader.readuntil(b"\n\n")
            if b"retry: 1000\n" not in first:
                self.busy += 1
                return
            self.opened += 1
            self.open_pages.add(index)
            ready.append(index)
            if len(ready) + self.busy + self.failed == len(self.pages):
                opened.set()
            tail = b""
            while True:
                piece = await reader.read(65536)
                if not piece:
                    return
                self.bytes += len(piece)
                now = time.monotonic()
                if self.arrivals:
                    for claim in EVENT.findall(tail + piece):
                        seen = self.arrivals.get(int(claim))
                        if seen is not None:
                            seen.setdefault(index, now)
                    if NOTICE in tail + piece:
                        self.notices += 1
                        for claim, seen in list(self.arrivals.items()):
                            if self.article_of.get(claim) == article_id:
                                seen.setdefault(index, now)
                tail = piece[-40:]
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.failed += 1
        finally:
            if len(ready) + self.busy + self.failed == len(self.pages):
                opened.set()
            writer.close()

    async def _close_all(self):
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


class Prober(threading.Thread):
    """Changes one probe claim after another (one per watched article, in turn) every
    `interval` seconds while the crowd listens; each change's delay to every page of its
    article is what the crowd records."""

    def __init__(self, port, token, crowd, probes, interval, statuses):
        super().__init__(daemon=True)
        self.port, self.token, self.crowd = port, token, crowd
        self.probes = probes  # [(claim id, its article, [page indexes on the article])]
        # {claim id: its status now}: each change sets the other one (setting the status a
        # claim has changes nothing, and no page would hear of it)
        self.statuses = dict(statuses)
        self.interval = interval
        self.stopping = threading.Event()
        self.sent = []  # (started, page indexes, {page index: arrival})
        self.turn = 0

    def run(self):
        while not self.stopping.is_set():
            claim_id, article_id, pages = self.probes[self.turn % len(self.probes)]
            status = "disputed" if self.statuses.get(claim_id) == "sourced" else "sourced"
            self.statuses[claim_id] = status
            self.turn += 1
            seen = self.crowd.watch(claim_id, article_id)
            try:
                started = live.set_status(self.port, self.token, claim_id, status)
            except (OSError, RuntimeError):
                continue
            self.sent.append((started, pages, seen))
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)

    def delays_ms(self, settle=5.0):
        """Every open page's delay for every change sent (one that never heard: 10 s)."""
        time.sleep(settle)  # the last change reaches its pages
        delays = []
        for started, pages, seen in self.sent:
            for page in pages:
                if page not in self.crowd.open_pages:
                    continue
                arrived = seen.get(page)
                delays.append((arrived - started) * 1000 if arrived else 10_000.0)
        return delays


def session_end_delays(port, tokens, article_id, after):
    """Each of `tokens` (a session each) opens the article page's event stream, then logs
    out; the time from just before the logout to the end of the stream's response (its
    last chunk: the page has been told and the browser stops listening; gunicorn then
    keeps the connection for another request a moment), in ms (10 s: it never ended).
    One at a time, as people leave."""
    delays = []
    for token in tokens:
        stream = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:
            stream.sendall(
                f"GET /articles/{article_id}/events?after={after} HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\n"
                f"Cookie: workbench_session={token}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            first = stream.recv(65536)
            if not first.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"the stream was answered {first[:40]!r}")
            started = time.monotonic()
            servers.post_form(port, "/logout", "", {"Cookie": f"workbench_session={token}"})
            deadline = started + 10
            ended = None
            tail = b""
            while time.monotonic() < deadline:
                try:
                    piece = stream.recv(65536)
                except TimeoutError:
                    break
                tail = (tail + piece)[-16:]
                if not piece or tail.endswith(b"\r\n0\r\n\r\n"):  # closed, or its last chunk
                    ended = time.monotonic()
                    break
            delays.append((ended - started) * 1000 if ended else 10_000.0)
        finally:
            stream.close()
    return delays
