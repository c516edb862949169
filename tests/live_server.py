"""The production server over real HTTP, for the tests that need one (the browser tests,
the concurrency and durability tests): `workbench serve` (gunicorn) on a throwaway
database, set up with the real commands (`workbench init`, `workbench add-user
--password-stdin`), and requests made with the standard library."""

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
from dataclasses import dataclass

import pytest

from workbench.storage.db import connect

WORKBENCH = shutil.which("workbench", path=os.path.dirname(sys.executable))
SERVER_START_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 60
VERSION_INPUT = re.compile(r'<input type="hidden" name="version" value="([0-9]+)">')


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


def free_port():
    """A port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`workbench serve` in its own process group, on a database in `home`, set up with the
    real commands. `password_of(name)` gives each account's password; `env` adds to the
    environment the server and its commands run with, and names in `drop` leave it."""

    def __init__(self, home, password_of, env=None, drop=()):
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
        self.env.update(env or {})
        for name in drop:
            self.env.pop(name, None)
        self.password_of = password_of
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
            timeout=180,  # generous: a loaded 2-core machine, scrypt at full strength
        )
        assert done.returncode == 0, (
            f"`workbench {' '.join(args)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
        return done

    def set_up(self, roles):
        """`workbench init`, then one `workbench add-user` per account ({name: role}, or
        names of reviewers), a few at once (each hashes a password at full strength)."""
        if not isinstance(roles, dict):
            roles = dict.fromkeys(roles, "reviewer")
        self.run_cli("init")
        with concurrent.futures.ThreadPoolExecutor(min(len(roles), 4)) as pool:
            list(pool.map(lambda item: self.add_user(*item), roles.items()))

    def add_user(self, name, role):
        """`workbench add-user NAME --role ROLE --password-stdin`."""
        return self.run_cli(
            "add-user",
            name,
            "--role",
            role,
            "--password-stdin",
            input=self.password_of(name) + "\n",
        )

    def start(self, workers=2, threads=8):
        """Serve, and wait until it answers; a restart listens on the same port as before.
        workers or threads None: `workbench serve`'s own default."""
        port = self.port = self.port or free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        sizes = [
            *(["--workers", str(workers)] if workers is not None else []),
            *(["--threads", str(threads)] if threads is not None else []),
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [WORKBENCH, "serve", "--host", "127.0.0.1", "--port", str(port), *sizes],
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
            {"username": username, "password": self.password_of(username), "next": "/"},
        )
        assert reply.status == 303, f"logging in as {username} gave {reply.status}"
        cookies = [re.match(r"workbench_session=([^;]+)", header) for header in reply.set_cookies]
        tokens = [match.group(1) for match in cookies if match]
        assert len(tokens) == 1, f"no single session cookie in {reply.set_cookies}"
        return Reviewer(username, self.base_url, tokens[0])

    def database(self):
        """A connection to the server's database, as the app opens them."""
        return connect(self.database_path)

    def newest_history_id(self):
        """The newest change an article page drawn now would include: its streams resume
        after it (one opened from 0 is first told to reload, for the import)."""
        db = self.database()
        try:
            return db.execute("select coalesce(max(id), 0) from history").fetchone()[0]
        finally:
            db.close()


class EventStream:
    """An article page's live-update stream, read as a browser's EventSource reads it,
    from the client address `source` (any of 127.0.0.0/8)."""

    def __init__(self, base_url, cookie, article_id, after=0, source="127.0.0.1"):
        parts = urllib.parse.urlsplit(base_url)
        assert parts.hostname == "127.0.0.1", "the tests only ever talk to 127.0.0.1"
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_SECONDS, source_address=(source, 0)
        )
        self.connection.request(
            "GET",
            f"/articles/{article_id}/events?after={after}",
            headers={"Cookie": f"workbench_session={cookie}", "Accept": "text/event-stream"},
        )
        self.response = self.connection.getresponse()
        assert self.response.status == 200, f"the stream answered {self.response.status}"
        self.first = self.next_event()

    @property
    def open(self):
        """The server holds it (it would retry in a second, not in 30)."""
        return self.first is not None and self.first.startswith("retry: 1000\n")

    def next_event(self, timeout=REQUEST_TIMEOUT_SECONDS):
        """The next event (its lines up to the blank line), or None once the stream ended."""
        self.connection.sock.settimeout(timeout)
        lines = []
        while True:
            line = self.response.readline().decode("utf-8")
            if not line:
                return "".join(lines) or None
            if line == "\n":
                if lines:
                    return "".join(lines)
                continue
            lines.append(line)

    def first_event_about(self, claim_id, timeout=20):
        """Whether an event about the claim comes before the stream ends or `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.next_event(timeout=deadline - time.monotonic())
            if event is None:
                return False
            if f"event: claim-{claim_id}\n" in event:
                return True
        return False

    def events_until_end(self, timeout):
        """Every event up to the end of the stream; fails if it is still open after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        found = []
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"the stream was still open after {timeout} s: {found}"
            try:
                event = self.next_event(timeout=left)
            except TimeoutError:
                continue
            if event is None:
                return found
            found.append(event)

    def close(self):
        self.connection.close()


def unfinished_requests(port, count, source="127.0.0.1"):
    """`count` connections that each send the start of a request and never finish it (a
    slow client, or an attack on one): their sockets, to close afterwards."""
    held = []
    try:
        for _ in range(count):
            sock = socket.create_connection(
                ("127.0.0.1", port), timeout=10, source_address=(source, 0)
            )
            held.append(sock)
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nX-a: ")
    except BaseException:
        for sock in held:
            sock.close()
        raise
    return held
