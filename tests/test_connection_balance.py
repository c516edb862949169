"""gunicorn's workers hold about as many connections each (web/connection_balance.py): the
shared table and its arithmetic, and against the real server (`workbench serve`, two
workers, on 127.0.0.1) connections the kernel placed unevenly end up shared evenly, while
live pages' event streams are neither counted nor ended."""

import contextlib
import gc
import http.client
import itertools
import os
import pathlib
import time

import pytest

from live_server import EventStream, LiveServer
from workbench.web import connection_balance, connection_guard, gunicorn_hooks
from workbench.web.connection_balance import Held, WorkerTable

ARTICLE = 1  # the sample article `workbench init` imports
ROUNDS = 60  # each round halves what is left uneven; a few are needed in practice


class FakeWorker:
    pass


def table_of(*held):
    """A table with one worker per figure in `held`, holding that many connections."""
    table = WorkerTable(slots=8)
    for slot, count in enumerate(held):
        assert table.reserve(set(range(slot))) == slot
        table.hold(slot, count)
    return table


def test_a_worker_over_the_mean_rounded_up_is_over_its_share():
    table = table_of(33, 31)
    assert table.over_share(0) and not table.over_share(1)
    assert not table_of(32, 32).over_share(0)
    # An odd total: 33 is the share rounded up.
    assert not table_of(33, 32).over_share(0)
    assert table_of(34, 31).over_share(0)
    three = table_of(12, 10, 8)  # mean 10
    assert [three.over_share(slot) for slot in range(3)] == [True, False, False]


def test_a_lone_worker_never_ends_a_connection_to_balance():
    assert not table_of(500).over_share(0)


def test_a_freed_slot_no_longer_counts_as_a_worker():
    table = table_of(40, 24)
    table.free(1)
    assert not table.over_share(0)
    assert table.reserve({0}) == 1, "the freed slot is given to the next worker"
    assert table.held(1) == 0


def test_the_arbiter_gives_each_worker_a_slot_no_other_has_and_frees_it():
    first, second, third = FakeWorker(), FakeWorker(), FakeWorker()
    connection_balance.reserve_for(first, [])
    connection_balance.reserve_for(second, [first])
    try:
        assert {first.balance_slot, second.balance_slot} == {0, 1} or (
            first.balance_slot != second.balance_slot
        )
        connection_balance.free_for(first)
        connection_balance.reserve_for(third, [second])
        assert third.balance_slot == first.balance_slot
    finally:
        for worker in (second, third):
            connection_balance.free_for(worker)


def test_every_worker_forked_after_the_table_sees_the_others_counts():
    table = WorkerTable(slots=4)
    table.reserve(set())
    table.reserve({0})
    child = os.fork()
    if child == 0:  # the worker in slot 1
        table.claim(1)
        table.hold(1, 7)
        os._exit(0)
    os.waitpid(child, 0)
    assert table.held(1) == 7


def test_a_connection_that_leaves_to_balance_stops_counting_at_once():
    table = table_of(3, 1)
    original, connection_balance.TABLE = connection_balance.TABLE, table
    try:
        connections = [Held(0) for _ in range(3)]
        for held in connections:
            held.counted = True  # counted by table_of
        # Over the share of 2: the first answer ends its connection, the next does not.
        assert connections[0].should_leave()
        assert table.held(0) == 2
        assert not connections[1].should_leave()
        connections[0].uncount()  # lost afterwards: not taken off twice
        assert table.held(0) == 2
        assert not Held(None).should_leave(), "a worker with no slot does not balance"
    finally:
        connection_balance.TABLE = original


def test_a_worker_puts_what_loading_made_out_of_the_collectors_sight(monkeypatch):
    started = []
    monkeypatch.setattr(
        gunicorn_hooks.job_worker, "start_in_background", lambda *args: started.append(args)
    )
    served = FakeWorker()
    served.config = {"DATABASE": "unused.db"}
    worker = FakeWorker()
    worker.asgi = served
    loaded = [[] for _ in range(1000)]  # objects the collector would otherwise look at
    gc.unfreeze()
    try:
        gunicorn_hooks.post_worker_init(worker)
        assert gc.get_freeze_count() >= len(loaded)
        assert not any(item is loaded for item in gc.get_objects(generation=2))
        assert len(started) == 1
    finally:
        gc.unfreeze()


# --- against the real server ---------------------------------------------------------------


def password_of(username):
    return f"{username}-balance-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("balance"), password_of)
    live.set_up({"ana": "reviewer", "bruno": "reviewer"})
    live.start(workers=2, threads=None)
    try:
        yield live
    finally:
        live.stop()


def workers_of(server):
    return [
        int(pid)
        for pid in pathlib.Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        .read_text()
        .split()
    ]


def worker_of_each_client_port(server):
    """{client port: worker pid} for every connection a worker holds, read from /proc."""
    sockets = {}  # socket inode -> worker
    for worker in workers_of(server):
        for fd in pathlib.Path(f"/proc/{worker}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                sockets[target[8:-1]] = worker
    found = {}
    for line in pathlib.Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if state == "01" and int(local.split(":")[1], 16) == server.port and inode in sockets:
            found[int(remote.split(":")[1], 16)] = sockets[inode]
    return found


def held_by_each_worker(server):
    owners = list(worker_of_each_client_port(server).values())
    return sorted(owners.count(worker) for worker in workers_of(server))


def open_connection(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.connect()
    return connection


def placed(server, connections, timeout=5):
    """{connection: worker pid}, once every one of `connections` is seen held."""
    deadline = time.monotonic() + timeout
    while True:
        owners = worker_of_each_client_port(server)
        ports = {connection.sock.getsockname()[1]: connection for connection in connections}
        if set(ports) <= set(owners) or time.monotonic() > deadline:
            return {connection: owners.get(port) for port, connection in ports.items()}
        time.sleep(0.05)


@contextlib.contextmanager
def connections_on_each(server, first_worker_holds, second_worker_holds):
    """Keep-alive connections, as many on each worker as asked, closed afterwards."""
    connections = placed_connections(server, first_worker_holds, second_worker_holds)
    try:
        yield connections
    finally:
        for connection in connections:
            connection.close()


def placed_connections(server, first_worker_holds, second_worker_holds):
    """Opened until enough land on each worker (the kernel places them by a hash), the
    rest closed. Each worker's come in turn, one then the other, so a round of requests
    counts them in that order."""
    one, other = workers_of(server)
    kept = {one: [], other: []}
    wanted = {one: first_worker_holds, other: second_worker_holds}
    for _ in range(20):
        batch = [open_connection(server) for _ in range(32)]
        for connection, worker in placed(server, batch).items():
            if worker in kept and len(kept[worker]) < wanted[worker]:
                kept[worker].append(connection)
            else:
                connection.close()
        if all(len(kept[worker]) == wanted[worker] for worker in kept):
            mixed = [c for pair in itertools.zip_longest(kept[one], kept[other]) for c in pair]
            return [connection for connection in mixed if connection is not None]
    pytest.fail(f"could not place the connections as asked: {kept}")


def one_round(connections):
    """A GET on each connection in turn (http.client opens a new one where the last answer
    said "Connection: close"); how many answers said so."""
    ended = 0
    for connection in connections:
        connection.request("GET", "/login")
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200
        ended += answer.getheader("Connection", "").lower() == "close"
    return ended


@pytest.mark.slow
def test_connections_placed_unevenly_end_up_shared_evenly_between_the_workers(server):
    with connections_on_each(server, 44, 20) as connections:
        assert held_by_each_worker(server) == [20, 44]
        ended = [one_round(connections) for _ in range(ROUNDS)]
        # Balanced once a whole round ends no connection, and stays so.
        assert 0 in ended, f"connections still ended after {ROUNDS} rounds: {ended}"
        assert ended[ended.index(0) :] == [0] * (ROUNDS - ended.index(0))
        assert held_by_each_worker(server) == [32, 32]
        assert sum(ended) >= 12, "the worker holding 44 ended at least 12 of them"


@pytest.mark.slow
def test_an_even_share_of_connections_is_kept_alive(server):
    with connections_on_each(server, 5, 5) as connections:
        assert [one_round(connections) for _ in range(5)] == [0] * 5


@pytest.mark.slow
def test_connections_that_never_send_a_request_are_not_counted(server):
    """Twenty idle connections on one worker (an attack's unfinished requests would be
    the same) and one connection sending requests on each: once the idle ones are found
    unfinished, the two that send are an even share, so neither is ended."""
    with connections_on_each(server, 20, 0):
        time.sleep(connection_guard.GRACE_SECONDS + 0.3)
        with connections_on_each(server, 1, 1) as plain:
            assert [one_round(plain) for _ in range(5)] == [0] * 5


@pytest.mark.slow
def test_live_pages_streams_are_neither_counted_nor_ended_to_balance(server):
    """Eight streams on one worker and one plain connection on each: the plain connections
    are an even share, so none is ended; and every stream still gets its events."""
    ana = server.log_in("ana")
    drawn = server.newest_history_id()
    one, other = workers_of(server)
    streams, extra = [], []
    try:
        while len(streams) < 8:
            stream = EventStream(server.base_url, ana.cookie, ARTICLE, after=drawn)
            worker = placed(server, [stream.connection])[stream.connection]
            (streams if worker == one else extra).append(stream)
        for stream in extra:
            stream.close()
        with connections_on_each(server, 1, 1) as plain:
            assert [one_round(plain) for _ in range(5)] == [0] * 5
        assert all(stream.open for stream in streams)
        # Each stream is still held: another reviewer's change reaches all of them.
        claim = 3
        reply = server.log_in("bruno").post(f"/claims/{claim}/status", {"status": "disputed"})
        assert reply.status == 303
        for stream in streams:
            assert stream.first_event_about(claim)
    finally:
        for stream in streams + extra:
            stream.close()
