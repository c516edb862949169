"""A real OpenID provider for the single sign-on tests: npm's certified `oidc-provider`
(tests/oidc_provider/provider.mjs, installed by `make oidc-provider`) run by Node on
127.0.0.1, and a person signing in at it the way a browser would (its login form, its
redirects, its cookies), with `requests`."""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass

import requests

HERE = pathlib.Path(__file__).resolve().parent / "oidc_provider"
START_SECONDS = 60
REQUEST_SECONDS = 30
CLIENT_ID = "workbench"
CLIENT_SECRET = "tests-only-client-secret"
# Where the Flask test client's url_for(_external=True) says the workbench is.
CALLBACK = "http://localhost/login/sso/callback"
AFTER_LOGOUT = "http://localhost/login"
ACCOUNTS = {
    "alice": {
        "email": "alice@newsroom.example",
        "email_verified": True,
        "preferred_username": "alice",
        "name": "Alice Editor",
        "groups": ["desk-editors", "staff"],
    },
    "bob": {
        "email": "bob@newsroom.example",
        "email_verified": True,
        "preferred_username": "bob",
        "groups": ["staff"],
    },
    "mallory": {
        "email": "mallory@elsewhere.example",
        "email_verified": True,
        "preferred_username": "mallory",
        "groups": ["staff"],
    },
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_provider():
    node = shutil.which("node")
    assert node, "Node is missing: `make oidc-provider` installs Debian's nodejs"
    assert (HERE / "node_modules" / "oidc-provider").is_dir(), (
        "oidc-provider is not installed: run `make oidc-provider`"
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [AFTER_LOGOUT],
    }
    environment = {
        **os.environ,
        "PORT": str(port),
        "ISSUER": issuer,
        "CLIENTS": json.dumps([client]),
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
            return Provider(issuer, process)
        except requests.ConnectionError:
            if process.poll() is not None:
                raise RuntimeError("the OpenID provider stopped at once") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the OpenID provider did not start within {START_SECONDS} s")


def environment_for(issuer, **overrides):
    """The workbench's settings for this provider (as WORKBENCH_OIDC_* would give them)."""
    return {
        "WORKBENCH_OIDC_ISSUER": issuer,
        "WORKBENCH_OIDC_CLIENT_ID": CLIENT_ID,
        "WORKBENCH_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "WORKBENCH_OIDC_NAME": "Newsroom ID",
        "WORKBENCH_OIDC_SCOPES": "openid email profile groups",
        **overrides,
    }


def sign_in_at_provider(authorize_url, login):
    """Follow the workbench's redirect to the provider, sign in there as `login`, and
    return the URL the provider sends the browser back to (the workbench's callback)."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(20):
        if url.startswith("http://localhost/"):
            return url
        response = browser.get(url, allow_redirects=False, timeout=REQUEST_SECONDS)
        if response.is_redirect:
            url = urllib.parse.urljoin(url, response.headers["Location"])
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert response.status_code == 200 and form, f"no login form at {url}: {response.text}"
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text))
        fields.update({"login": login, "password": "any password will do"})
        posted = browser.post(
            urllib.parse.urljoin(url, form[1]),
            data=fields,
            allow_redirects=False,
            timeout=REQUEST_SECONDS,
        )
        assert posted.is_redirect, f"the provider's login form answered {posted.status_code}"
        url = urllib.parse.urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider never sent the browser back")
