"""Fixtures for the concurrency and durability tests: the production server over real HTTP.

The server is the one `make run` starts (`workbench serve`: gunicorn, 2 workers × 8
threads; tests/live_server.py) on a throwaway database. Reviewers talk to it with the
standard library, each keeping their own `workbench_session` cookie, as a browser would.
"""

import concurrent.futures
import uuid

import pytest

from live_server import LiveServer
from support import actor
from workbench.review import articles
from workbench.storage.db import connect

# The accounts the shared server has; logging in costs a full scrypt (N=2^17) hash, so
# each logs in once per test run and the cookie is reused.
REVIEWERS = ("rita", "ravi", "rosa", "remi")


def password_of(username):
    return f"{username}-concurrency-test-password"


def import_test_article(database_path, sentences):
    """Import an article of `sentences` (made unique) directly; its claim ids in order."""
    token = uuid.uuid4().hex[:10]
    text = " ".join(
        f"Report {token} says the river at gauge {i} rose {i + 10} centimetres on Monday."
        for i in range(sentences)
    )
    database = connect(database_path)
    try:
        result = articles.import_article(
            database, text, actor=actor("test setup"), title=f"Flood report {token}"
        )
        claim_ids = [
            row[0]
            for row in database.execute(
                "select id from claims where article_id = ? order by position", [result.article_id]
            )
        ]
    finally:
        database.close()
    assert len(claim_ids) == sentences, f"the splitter made {len(claim_ids)} claims"
    return claim_ids


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The production server, shared by the tests that only add to the database."""
    server = LiveServer(tmp_path_factory.mktemp("live-server"), password_of)
    server.set_up(REVIEWERS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_reviewers(live_server):
    """{name: Reviewer} for every account on the shared server, each logged in once."""
    with concurrent.futures.ThreadPoolExecutor(len(REVIEWERS)) as pool:
        return {reviewer.name: reviewer for reviewer in pool.map(live_server.log_in, REVIEWERS)}


@pytest.fixture
def fresh_claims(live_server):
    """fresh_claims(n): ids of n new claims (one new article) on the shared server's database."""
    return lambda count: import_test_article(live_server.database_path, count)


@pytest.fixture
def server_factory(tmp_path):
    """server_factory(usernames): a set-up (not started) LiveServer of this test's own."""
    servers = []

    def make(usernames):
        server = LiveServer(tmp_path / f"server-{len(servers)}", password_of)
        server.home.mkdir()
        servers.append(server)
        server.set_up(usernames)
        return server

    yield make
    for server in servers:
        server.stop()
