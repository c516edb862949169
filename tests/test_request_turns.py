"""A process's request threads: only RUNNING take requests, in the order they came, and
one that waits for its slow client, or whose request has gone long, is replaced meanwhile
(web/threaded_wsgi.py)."""

import asyncio
import contextlib
import threading
import time

from workbench.web import threaded_wsgi
from workbench.web.threaded_wsgi import ThreadedWSGI


def scope(path):
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }


async def whole_request():
    return {"type": "http.request", "body": b"", "more_body": False}


class Client:
    """What one client was sent; `ready` (when given) must be set before it takes a piece
    of the body, as a slow client's socket would hold the server back."""

    def __init__(self, ready=None):
        self.ready = ready
        self.messages = []

    async def send(self, message):
        if message["type"] == "http.response.body" and self.ready is not None:
            await self.ready.wait()
        self.messages.append(message)

    @property
    def status(self):
        return self.messages[0]["status"]

    @property
    def body(self):
        return b"".join(m.get("body", b"") for m in self.messages[1:])


class Recorder:
    """A WSGI app that notes who runs when, and how many run at once."""

    def __init__(self, seconds=0.05, body_bytes=2):
        self.seconds = seconds
        self.body_bytes = body_bytes
        self.guard = threading.Lock()
        self.now = 0
        self.most = 0
        self.order = []

    def __call__(self, environ, start_response):
        with self.guard:
            self.now += 1
            self.most = max(self.most, self.now)
            self.order.append(environ["PATH_INFO"])
        time.sleep(self.seconds)  # as a view waiting on SQLite would, without the GIL
        with self.guard:
            self.now -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x" * self.body_bytes]


def served(server, requests):
    """Run (path, client, delay) requests on one loop; each starts after its delay."""

    async def one(path, client, delay):
        await asyncio.sleep(delay)
        await server(scope(path), whole_request, client.send)

    async def all_of_them():
        await asyncio.gather(*(one(*request) for request in requests))

    asyncio.run(all_of_them())


def serve_all(app, count, spacing=0, clients=None, **settings):
    """`count` requests for /0, /1, ... on one ThreadedWSGI (threads=8 unless given), the
    n-th starting after n * spacing seconds; the server closed afterwards."""
    clients = clients or [Client() for _ in range(count)]
    server = ThreadedWSGI(app, **{"threads": 8, "max_body_bytes": 1000, **settings})
    try:
        served(server, [(f"/{n}", clients[n], n * spacing) for n in range(count)])
    finally:
        server.close()


def test_only_the_running_number_run_the_app_at_once_and_every_request_is_answered():
    app = Recorder()
    clients = [Client() for _ in range(8)]
    serve_all(app, 8, clients=clients, running=2, long_seconds=None)
    assert app.most == 2
    assert [client.status for client in clients] == [200] * 8
    assert all(client.body == b"xx" for client in clients)


def test_with_more_running_more_run_at_once():
    app = Recorder()
    serve_all(app, 8, running=4, long_seconds=None)
    assert app.most == 4


def test_requests_are_taken_in_the_order_they_came():
    app = Recorder(seconds=0.04)
    serve_all(app, 6, spacing=0.01, threads=6, running=1, long_seconds=None)
    assert app.order == [f"/{n}" for n in range(6)]


def test_a_thread_waiting_for_its_slow_client_lets_another_request_run():
    """One turn: a long body for a client that takes nothing yet, then a short request.
    The short one is answered while the long one still waits for its client."""
    long_body = Recorder(seconds=0, body_bytes=3 * threaded_wsgi.PIECE_BYTES)
    short = Recorder(seconds=0)

    def app(environ, start_response):
        chosen = long_body if environ["PATH_INFO"] == "/long" else short
        return chosen(environ, start_response)

    server = ThreadedWSGI(app, threads=2, max_body_bytes=1000, running=1)

    async def scenario():
        ready = asyncio.Event()
        slow, quick = Client(ready), Client()
        loop = asyncio.get_running_loop()
        long_request = loop.create_task(server(scope("/long"), whole_request, slow.send))
        await asyncio.sleep(0.1)  # the long one has its turn and waits for its client
        await asyncio.wait_for(server(scope("/short"), whole_request, quick.send), 5)
        assert quick.status == 200 and quick.body == b"xx"
        assert not long_request.done()
        ready.set()
        await asyncio.wait_for(long_request, 5)
        return slow

    try:
        slow = asyncio.run(scenario())
    finally:
        server.close()
    assert slow.status == 200 and len(slow.body) == 3 * threaded_wsgi.PIECE_BYTES


def eventually(condition, seconds=3):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.005)


@contextlib.contextmanager
def one_taking(long_seconds=None, most=4):
    """One thread taking requests, up to `most`; and a gate a request can wait on, opened
    and the threads shut down at the end."""
    threads = threaded_wsgi.RequestThreads(running=1, most=most, long_seconds=long_seconds)
    gate = threading.Event()
    try:
        yield threads, gate
    finally:
        gate.set()
        threads.shutdown()


def back_to_one(threads):
    """The next request done, the thread added meanwhile has left."""
    threads.submit(lambda: None).result(2)
    eventually(lambda: threads.alive == 1 and threads.taking == 1)


def test_a_thread_added_for_a_waiting_one_leaves_once_that_one_is_back():
    with one_taking(most=3) as (threads, gate):

        def slow():
            with threads.waiting():
                gate.wait(5)
            return "slow"

        first = threads.submit(slow)
        eventually(lambda: threads.alive == 2)
        assert threads.submit(lambda: "quick").result(2) == "quick"
        gate.set()
        assert first.result(2) == "slow"
        for _ in range(3):
            threads.submit(lambda: None).result(2)
        eventually(lambda: threads.alive == 1)


def test_no_more_threads_than_the_most_however_many_wait():
    with one_taking(most=2) as (threads, gate):

        def slow():
            with threads.waiting():
                gate.wait(5)

        waiting = [threads.submit(slow) for _ in range(2)]
        eventually(lambda: threads.taking == 0)
        third = threads.submit(lambda: "third")
        time.sleep(0.1)
        assert threads.alive == 2 and not third.done()  # queued until a thread is free
        gate.set()
        assert third.result(2) == "third"
        assert all(future.result(2) is None for future in waiting)


def test_by_default_one_thread_takes_the_requests_of_a_process():
    app = Recorder(seconds=0.005)
    serve_all(app, 20)
    assert app.most == 1 and len(app.order) == 20


def test_a_long_request_lets_the_requests_queued_behind_it_run():
    """An export that runs a second does not hold up the clicks that came after it for
    longer than long_seconds."""
    with one_taking(long_seconds=0.1) as (threads, gate):
        long_one = threads.submit(lambda: gate.wait(10) and "long")
        time.sleep(0.02)
        started = time.monotonic()
        clicks = [threads.submit(lambda n=n: n) for n in range(5)]
        assert [click.result(2) for click in clicks] == list(range(5))
        assert time.monotonic() - started < 0.5
        assert not long_one.done()
        assert threads.alive == 2, "one thread more, not one per click"
        gate.set()
        assert long_one.result(2) == "long"
        back_to_one(threads)


def test_requests_shorter_than_long_seconds_are_never_run_two_at_a_time():
    app = Recorder(seconds=0.01)
    serve_all(app, 15, running=1, long_seconds=0.2)
    assert app.most == 1


def test_a_long_request_that_then_waits_for_its_client_is_counted_once():
    went_long = threading.Event()
    with one_taking(long_seconds=0.05) as (threads, gate):

        def export():
            went_long.wait(5)  # runs past long_seconds with a click queued behind it
            with threads.waiting():
                gate.wait(5)
            return "export"

        first = threads.submit(export)
        time.sleep(0.01)
        assert threads.submit(lambda: "click").result(2) == "click"
        went_long.set()
        time.sleep(0.05)
        assert threads.alive == 2 and threads.taking == 1
        gate.set()
        assert first.result(2) == "export"
        back_to_one(threads)


def test_with_nothing_queued_a_long_request_starts_no_thread():
    with one_taking(long_seconds=0.02) as (threads, gate):
        alone = threads.submit(lambda: gate.wait(5))
        time.sleep(0.1)
        assert threads.alive == 1
        gate.set()
        assert alone.result(2) is True
