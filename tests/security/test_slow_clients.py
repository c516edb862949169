"""Slow clients and open pages against the real server (`workbench serve` with its own
settings, on 127.0.0.1): the attacks an outside run made on the thread-per-connection
server, which these reproduce, and the limits that answer them.

Connections that never finish a request, and live pages' event streams, are held by the
event loop, not by threads; past the per-address and per-account limits the answer says
why. A stream ends as soon as its session does.
"""

import concurrent.futures
import socket
import time

import pytest

from live_server import EventStream, LiveServer, http_request, unfinished_requests

pytestmark = pytest.mark.slow

ARTICLE = 1  # the sample article `workbench init` imports
STREAMERS = tuple(f"desk{number}" for number in range(8))
FRESH_REQUEST_SECONDS = 20  # a request the server cannot take fails after this


def password_of(username):
    return f"{username}-slow-clients-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`workbench serve` as `make run` starts it (2 workers, its own thread count)."""
    live = LiveServer(tmp_path_factory.mktemp("slow-clients"), password_of)
    live.set_up(
        {
            "chief": "admin",
            "ana": "reviewer",
            "bruno": "reviewer",
            "dora": "reviewer",
            **dict.fromkeys(STREAMERS, "reviewer"),
        }
    )
    live.start(workers=None, threads=None)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    """One worker, so one per-address count; short time limits for requests and logins."""
    live = LiveServer(
        tmp_path_factory.mktemp("strict"),
        password_of,
        env={
            # Longer than the second after which a request counts as unfinished, so the
            # per-address limit answers before the time limit does.
            "WORKBENCH_HEADER_SECONDS": "3",
            "WORKBENCH_BODY_SECONDS": "3",
            "WORKBENCH_HALF_OPEN_PER_ADDRESS": "8",
            "WORKBENCH_SESSION_MAX_DAYS": str(10 / 86400),  # a login lasts 10 seconds
        },
    )
    live.set_up({"erin": "reviewer"})
    live.start(workers=1, threads=None)
    try:
        yield live
    finally:
        live.stop()


def fresh_logins_page(server, count=10):
    """`count` requests at once from a new client: the status of each (None: no answer)."""

    def one(_):
        try:
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        except OSError:
            return None
        try:
            connection.settimeout(FRESH_REQUEST_SECONDS)
            connection.sendall(
                b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            status_line = connection.makefile("rb").readline()
            return int(status_line.split()[1]) if status_line else None
        except OSError:
            return None
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def whole_answer(connection, timeout=30):
    """What the server sends on `connection` until it closes it (its answer may come in
    more than one piece)."""
    connection.settimeout(timeout)
    pieces = []
    while piece := connection.recv(4096):
        pieces.append(piece)
    return b"".join(pieces).decode()


def close_all(connections):
    for connection in connections:
        connection.close()


@pytest.mark.parametrize("held", [60, 80, 100])
def test_connections_that_never_finish_a_request_take_no_request_from_others(server, held):
    """The outside run: with 60, 80 and 100 such connections the old server answered 10,
    5 and 0 of 10 fresh requests, and none after 40 s."""
    connections = unfinished_requests(server.port, held)
    try:
        assert fresh_logins_page(server) == [200] * 10
    finally:
        close_all(connections)


def test_a_reviewers_page_answers_while_an_address_holds_1000_unfinished_requests(server):
    reviewer = server.log_in("ana")
    connections = unfinished_requests(server.port, 1000, source="127.0.0.2")
    try:
        pages = [reviewer.get(f"/articles/{ARTICLE}") for _ in range(5)]
        assert [page.status for page in pages] == [200] * 5
        assert all('class="claim claim--' in page.body for page in pages)
        # Past the per-address limit the oldest were answered and closed, with the reason.
        answer = whole_answer(connections[0])
        assert answer.startswith("HTTP/1.1 429 ")
        assert "Too many unfinished requests from 127.0.0.2" in answer
    finally:
        close_all(connections)


def test_a_request_not_whole_within_the_time_limit_is_answered_408(strict_server):
    headers_only = unfinished_requests(strict_server.port, 1)[0]
    body_missing = socket.create_connection(("127.0.0.1", strict_server.port), timeout=10)
    try:
        body_missing.sendall(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nusername=ab"
        )
        late_headers = whole_answer(headers_only)
        late_body = whole_answer(body_missing)
    finally:
        headers_only.close()
        body_missing.close()
    assert late_headers.startswith("HTTP/1.1 408 ")
    assert "The request's headers did not arrive within 3 s." in late_headers
    assert late_body.startswith("HTTP/1.1 408 ")
    assert "The request's body did not arrive within 3 s." in late_body
    # The log says what the client was told, not a 500 of the server's (the access line
    # is written once the app has given up on the body, a moment after the answer).
    deadline = time.monotonic() + 15
    while '"POST /login HTTP/1.1" ' not in strict_server.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = strict_server.log()
    assert "127.0.0.1 408: The request's body did not arrive within 3 s." in log
    assert "127.0.0.1 408: The request's headers did not arrive within 3 s." in log
    assert '"POST /login HTTP/1.1" 408 ' in log
    assert '" 500 ' not in log and "Error in ASGI application" not in log, [
        line for line in log.splitlines() if " 500 " in line or "408" in line or "rror" in line
    ]


def test_past_the_per_address_limit_the_oldest_unfinished_request_is_closed(strict_server):
    connections = unfinished_requests(strict_server.port, 12)
    try:
        for oldest in connections[:4]:
            answer = whole_answer(oldest)
            assert answer.startswith("HTTP/1.1 429 "), answer
            assert "Too many unfinished requests from 127.0.0.1 (more than 8)" in answer
        # The address's newest request, and everyone else's, still gets in.
        assert http_request(strict_server.base_url, "GET", "/login").status == 200
    finally:
        close_all(connections)


def test_one_reviewers_64_streams_leave_live_updates_for_another(server):
    """The outside run: 64 streams of one reviewer took every stream of the old server,
    and a second reviewer's page got only `retry: 10000`."""
    ana = server.log_in("ana")
    bruno = server.log_in("bruno")
    drawn = server.newest_history_id()  # as the article pages were drawn
    streams = [EventStream(server.base_url, ana.cookie, ARTICLE, after=drawn) for _ in range(64)]
    try:
        held = [stream for stream in streams if stream.open]
        refused = [stream for stream in streams if not stream.open]
        # At most 12 of one account per server process (2 of them).
        assert 0 < len(held) <= 24 and len(held) + len(refused) == 64
        for stream in refused:
            assert stream.first.startswith(
                "retry: 30000\n: busy: ana has as many pages with live updates open as one "
                "account may (12)"
            )
            assert "Live updates are off on this page" in stream.events_until_end(timeout=10)[0]
        theirs = EventStream(server.base_url, bruno.cookie, ARTICLE, after=drawn)
        try:
            assert theirs.open
            claim_id = 3
            answer = bruno.post(f"/claims/{claim_id}/status", {"status": "disputed"})
            assert answer.status == 303
            # Every page of ana's that is open hears of bruno's change.
            for stream in held:
                assert stream.first_event_about(claim_id)
        finally:
            theirs.close()
    finally:
        close_all(streams)


def test_open_streams_and_unfinished_requests_leave_requests_answered(server):
    """The outside run: 64 streams and 24 unfinished requests left 0 of 10 answered."""
    cookies = [server.log_in(name).cookie for name in STREAMERS]
    streams = [EventStream(server.base_url, cookie, ARTICLE) for cookie in cookies * 8]
    connections = unfinished_requests(server.port, 24)
    try:
        assert all(stream.open for stream in streams)
        assert fresh_logins_page(server) == [200] * 10
    finally:
        close_all(connections)
        close_all(streams)


def test_a_stream_ends_with_its_session_at_logout(server):
    ana = server.log_in("ana")
    stream = EventStream(server.base_url, ana.cookie, ARTICLE)
    try:
        assert stream.open
        assert ana.post("/logout", {}).status == 303
        events = stream.events_until_end(timeout=10)
    finally:
        stream.close()
    assert "Your session has ended" in events[-1] and "event: notice" in events[-1]


def test_a_stream_ends_with_its_session_when_the_account_is_deactivated(server):
    dora = server.log_in("dora")
    chief = server.log_in("chief")
    stream = EventStream(server.base_url, dora.cookie, ARTICLE)
    try:
        assert stream.open
        assert chief.post("/users/dora/active", {"active": "0"}).status == 303
        events = stream.events_until_end(timeout=10)
    finally:
        stream.close()
    assert "Your session has ended" in events[-1]


def test_a_stream_ends_with_its_session_when_the_session_expires(strict_server):
    erin = strict_server.log_in("erin")
    stream = EventStream(strict_server.base_url, erin.cookie, ARTICLE)
    try:
        assert stream.open
        # The session lasts 10 s from the login; the stream would last 5 minutes.
        events = stream.events_until_end(timeout=30)
    finally:
        stream.close()
    assert "Your session has ended" in events[-1]
