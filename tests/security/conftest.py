"""Fixtures for the concurrency and durability tests: the production server over real HTTP.

The server is the one `make run` starts (`workbench serve`: gunicorn, 2 workers × 8
threads) on a throwaway database, set up with the real commands (`workbench init`,
`workbench add-user --password-stdin`). Reviewers talk to it with the standard library,
each keeping their own `workbench_session` cookie, as a browser would.
"""

import concurrent.futures
import http.client
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass

import pytest

from support import actor
from workbench.review import articles
from workbench.storage.db import connect

WORKBENCH = shutil.which("workbench", path=os.path.dirname(sys.executable))
SERVER_START_SECONDS = 15
REQUEST_TIMEOUT_SECONDS = 60
# The accounts the shared server has; logging in costs a full scrypt (N=2^17) hash, so
# each logs in once per test run and the cookie is reused.
REVIEWERS = ("rita", "ravi", "rosa", "remi")
VERSION_INPUT = re.compile(r'<input type="hidden" name="version" value="([0-9]+)">')


def password_of(username):
    return f"{username}-concurrency-test-password"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict  # lower-case names
    body: str
    set_cookies: tuple = ()


@dataclass(frozen=True)
class Reviewer:
    """A logged-in reviewer: their name and the session cookie their browser would keep."""

    name: str
    base_url: str
    cookie: str

    def get(self, path, headers=None):
        return http_request(self.base_url, "GET", path, cookie=self.cookie, headers=headers)

    def post(self, path, fields, headers=None):
        return http_request(
            self.base_url, "POST", path, fields, cookie=self.cookie, headers=headers
        )

    def claim_version(self, claim_id):
        """The version the claim page's status form would send back (its hidden input)."""
        page = self.get(f"/claims/{claim_id}")
        assert page.status == 200, f"GET /claims/{claim_id} gave {page.status}"
        versions = set(VERSION_INPUT.findall(page.body))
        assert len(versions) == 1, f"expected one version input on the claim page, got {versions}"
        return int(versions.pop())


def http_request(base_url, method, path, fields=None, cookie=None, headers=None):
    """One request on its own connection, redirects not followed (a 303 is an answer)."""
    parts = urllib.parse.urlsplit(base_url)
    assert parts.hostname == "127.0.0.1", "the tests only ever talk to 127.0.0.1"
    all_headers = dict(headers or {})
    body = None
    if fields is not None:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie is not None:
        all_headers["Cookie"] = f"workbench_session={cookie}"
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read().decode("utf-8", errors="replace"),
            tuple(response.msg.get_all("Set-Cookie") or ()),
        )
    finally:
        connection.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`workbench serve` in its own process group, on a database in `home`."""

    def __init__(self, home):
        if WORKBENCH is None:
            pytest.fail(
                f"No `workbench` script next to {sys.executable}: run `make install`.",
                pytrace=False,
            )
        self.home = pathlib.Path(home)
        self.database_path = self.home / "wb.db"
        self.log_path = self.home / "server.log"
        self.env = {
            **os.environ,
            "WORKBENCH_DB": str(self.database_path),
            "WORKBENCH_INSTANCE": str(self.home / "instance"),
            # A private gunicorn control socket, away from any `make run` server.
            "XDG_RUNTIME_DIR": str(self.home),
        }
        self.env.pop("WORKBENCH_SECURE_COOKIES", None)
        self.process = None
        self.port = None
        self.base_url = None

    def run_cli(self, *args, input=None):
        """A `workbench` command on this server's database; fails the test if it fails."""
        done = subprocess.run(
            [WORKBENCH, *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (
            f"`workbench {' '.join(args)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
        return done

    def set_up(self, usernames):
        """`workbench init`, then one `workbench add-user` per reviewer (in parallel)."""
        self.run_cli("init")
        with concurrent.futures.ThreadPoolExecutor(len(usernames)) as pool:
            list(
                pool.map(
                    lambda name: self.run_cli(
                        "add-user",
                        name,
                        "--role",
                        "reviewer",
                        "--password-stdin",
                        input=password_of(name) + "\n",
                    ),
                    usernames,
                )
            )

    def start(self):
        """Serve, and wait until it answers; a restart listens on the same port as before."""
        port = self.port = self.port or _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    WORKBENCH,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--threads",
                    "8",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so kill -9 reaches the master and every worker.
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"`workbench serve` exited with {self.process.returncode}:\n{self.log()}",
                    pytrace=False,
                )
            try:
                if http_request(self.base_url, "GET", "/login").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(
            f"`workbench serve` did not answer within {SERVER_START_SECONDS} s:\n{self.log()}",
            pytrace=False,
        )

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill_hard(self):
        """kill -9 the master and all its workers at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        try:
            # Workers whose master was killed are orphans: end them too.
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None

    def log_in(self, username):
        """POST /login as the form does; the reviewer with the session cookie it set."""
        reply = http_request(
            self.base_url,
            "POST",
            "/login",
            {"username": username, "password": password_of(username), "next": "/"},
        )
        assert reply.status == 303, f"logging in as {username} gave {reply.status}"
        cookies = [re.match(r"workbench_session=([^;]+)", header) for header in reply.set_cookies]
        tokens = [match.group(1) for match in cookies if match]
        assert len(tokens) == 1, f"no single session cookie in {reply.set_cookies}"
        return Reviewer(username, self.base_url, tokens[0])

    def database(self):
        """A connection to the server's database, as the app opens them."""
        return connect(self.database_path)


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
    server = Server(tmp_path_factory.mktemp("live-server"))
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
    """server_factory(usernames): a set-up (not started) Server of this test's own."""
    servers = []

    def make(usernames):
        server = Server(tmp_path / f"server-{len(servers)}")
        server.home.mkdir()
        servers.append(server)
        server.set_up(usernames)
        return server

    yield make
    for server in servers:
        server.stop()
