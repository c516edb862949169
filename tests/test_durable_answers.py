"""The server sends no byte of an answer before the request's commits are on disk, and the
answers of requests that finish together share one sync (web/threaded_wsgi.py with
storage/durability.py)."""

import asyncio
import logging
import os
import threading
import time

import pytest

from tests.test_commit_sync import Syncs, identity
from tests.test_request_turns import Client, scope, whole_request
from workbench.storage import db as workbench_db
from workbench.storage import durability
from workbench.web import threaded_wsgi
from workbench.web.threaded_wsgi import ThreadedWSGI


class Writer:
    """A WSGI app that writes one row per request (its path) and answers `body_bytes`;
    a request for a path in `blocked` first waits for its event."""

    def __init__(self, path, body_bytes=2, sleep_for=None):
        self.db = workbench_db.connect(path)
        self.db.execute("create table if not exists t (path text)")
        self.body_bytes = body_bytes
        self.blocked = {}
        self.sleep_for = sleep_for or {}
        self.ended = {}

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path in self.blocked:
            assert self.blocked[path].wait(10)
        with workbench_db.write_transaction(self.db):
            self.db.execute("insert into t values (?)", [path])
        time.sleep(self.sleep_for.get(path, 0))
        self.ended[path] = time.monotonic()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x" * self.body_bytes]

    def rows(self):
        return [row[0] for row in self.db.execute("select path from t order by rowid")]


@pytest.fixture
def group(monkeypatch):
    """The process's group, synced only when idle or when eight wait (never by age), so
    what is tested does not hang on timing."""
    fresh = durability.GroupSync(most=8, oldest_seconds=30)
    monkeypatch.setattr(durability, "GROUP", fresh)
    return fresh


@pytest.fixture
def syncs(monkeypatch):
    spy = Syncs(os.fdatasync)
    monkeypatch.setattr(os, "fdatasync", spy)
    return spy


class TimedClient(Client):
    """A client that notes when its first message came."""

    def __init__(self):
        super().__init__()
        self.first_at = None

    async def send(self, message):
        if self.first_at is None:
            self.first_at = time.monotonic()
        await super().send(message)


def release_once_queued(server, count, event):
    """Set `event` (which the first request waits for) once `count` requests are queued
    behind it, so the request thread finds them there when it is done."""

    def release():
        deadline = time.monotonic() + 10
        while server.pool.queued < count and time.monotonic() < deadline:
            time.sleep(0.005)
        event.set()

    threading.Thread(target=release).start()


def serve(server, requests):
    """Run (path, client) requests on one loop, all at once; close the server after."""

    async def all_of_them():
        await asyncio.gather(
            *(server(scope(path), whole_request, client.send) for path, client in requests)
        )

    # A loop of its own in a thread of its own: a test run may have a loop running here.
    failures = []

    def run():
        try:
            asyncio.run(all_of_them())
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(30)
        assert not thread.is_alive(), "the requests were not all answered"
        if failures:
            raise failures[0]
    finally:
        server.close()


def test_no_byte_of_an_answer_goes_out_before_its_commit_is_on_disk(tmp_path, group, syncs):
    app = Writer(tmp_path / "w.db")
    syncs.hold = threading.Event()
    client = Client()
    server = ThreadedWSGI(app, threads=4, max_body_bytes=1000, long_seconds=None)
    running = threading.Thread(target=serve, args=(server, [("/a", client)]))
    running.start()
    assert syncs.entered.wait(10)
    time.sleep(0.1)  # time enough to send, were it allowed
    assert client.messages == []
    assert app.rows() == ["/a"]  # committed: in the database, not yet said to be saved
    syncs.hold.set()
    running.join(10)
    assert client.status == 200 and client.body == b"xx"
    assert [seen for seen, _ in syncs.seen] == [identity(f"{tmp_path / 'w.db'}-wal")]


def test_requests_that_finish_together_share_one_sync(tmp_path, group, syncs):
    app = Writer(tmp_path / "w.db")
    first = threading.Event()
    app.blocked["/0"] = first
    clients = [Client() for _ in range(4)]
    server = ThreadedWSGI(app, threads=4, max_body_bytes=1000, long_seconds=5)

    release_once_queued(server, 3, first)
    serve(server, [(f"/{n}", clients[n]) for n in range(4)])
    assert [client.status for client in clients] == [200] * 4
    assert sorted(app.rows()) == ["/0", "/1", "/2", "/3"]
    # One request thread ran all four, one after another, and synced once at the end.
    assert len(syncs.seen) == 1


def test_without_a_watch_each_answer_is_synced_before_the_next_request(tmp_path, group, syncs):
    app = Writer(tmp_path / "w.db")
    first = threading.Event()
    app.blocked["/0"] = first
    clients = [Client() for _ in range(3)]
    server = ThreadedWSGI(app, threads=4, max_body_bytes=1000, long_seconds=None)

    release_once_queued(server, 2, first)
    serve(server, [(f"/{n}", clients[n]) for n in range(3)])
    assert [client.status for client in clients] == [200] * 3
    assert len(syncs.seen) == 3


def test_a_request_that_writes_nothing_waits_for_no_sync(tmp_path, group, syncs):
    def reader(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"read"]

    client = Client()
    serve(ThreadedWSGI(reader, threads=2, max_body_bytes=1000), [("/r", client)])
    assert client.body == b"read"
    assert syncs.seen == []


def test_a_commit_that_cannot_be_synced_is_answered_503_and_logged(tmp_path, group, syncs, caplog):
    app = Writer(tmp_path / "w.db")
    syncs.fail = OSError(5, "Input/output error")
    client = Client()
    with caplog.at_level(logging.ERROR, logger=threaded_wsgi.__name__):
        serve(ThreadedWSGI(app, threads=2, max_body_bytes=1000), [("/a", client)])
    assert client.status == 503
    headers = dict(client.messages[0]["headers"])
    assert headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert client.body == threaded_wsgi.NOT_SAVED
    assert b"could not write your change to its disk" in client.body
    assert "could not be synced to disk: [Errno 5] Input/output error" in caplog.text


def test_a_long_answer_is_synced_before_its_first_piece(tmp_path, group, syncs):
    app = Writer(tmp_path / "w.db", body_bytes=3 * threaded_wsgi.PIECE_BYTES)
    order = []

    class Watching(Client):
        async def send(self, message):
            order.append(("sent", len(syncs.seen)))
            await super().send(message)

    client = Watching()
    serve(ThreadedWSGI(app, threads=2, max_body_bytes=1000), [("/big", client)])
    assert client.status == 200 and len(client.body) == 3 * threaded_wsgi.PIECE_BYTES
    assert order and order[0] == ("sent", 1)  # the first message came after the sync


def test_a_long_request_does_not_hold_back_the_answers_finished_before_it(tmp_path, group, syncs):
    app = Writer(tmp_path / "w.db", sleep_for={"/long": 0.6})
    first = threading.Event()
    app.blocked["/quick"] = first
    quick, long = TimedClient(), TimedClient()
    server = ThreadedWSGI(app, threads=4, max_body_bytes=1000, long_seconds=0.05)

    release_once_queued(server, 1, first)
    serve(server, [("/quick", quick), ("/long", long)])
    assert quick.status == 200 and long.status == 200
    # The quick answer waited for a sync, not for the long request behind it.
    assert quick.first_at < app.ended["/long"] - 0.3
