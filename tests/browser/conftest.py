"""Fixtures for the browser tests: the production server, Debian's Chromium, reviewers.

The server is the one `make run` starts (`workbench serve`, gunicorn: tests/live_server.py),
on a throwaway database. Chromium gets htmx from HTMX_FILE (the pinned npm release `make
test` fetches) when the page asks the CDN for it, so the SRI hash in base.html is checked
for real.
"""

import os
import pathlib
import uuid
from dataclasses import dataclass

import fetch_server
import pytest
from playwright.sync_api import expect, sync_playwright

from live_server import LiveServer
from workbench.web.app import HTMX_CDN_URL, HTMX_SSE_CDN_URL

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000
# The accounts `workbench add-user` creates for the tests: name -> role.
USERS = {
    "ana": "reviewer",
    "bruno": "reviewer",
    "carla": "admin",
    "setup": "admin",
    "edith": "editor",
    # Each enrols a second factor of their own (test_sign_in_in_browser.py): nobody else
    # signs in as them.
    "tess": "editor",
    "paula": "reviewer",
}
REVIEWER = "ana"

# A made-up news item; pysbd splits it into exactly these sentences (one claim each).
NEWS_SENTENCES = (
    "The Brindlemoor town council approved plan {token} for a new footbridge on Monday.",
    "Work on the bridge is expected to start in April and cost 2.4 million euros.",
    "Mayor Ines Halvorsen said the crossing would cut the walk to the station by ten minutes.",
    "Opponents argue that the river bank there floods every winter.",
    "A council spokesperson said the design had been checked by two engineering firms.",
    "The regional newspaper reported that a similar bridge upstream closed after two years.",
)

expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Article:
    id: int
    url: str
    title: str
    sentences: tuple


def news_sentences(count):
    """`count` sentences of the made-up news item, the first made unique to this call."""
    if not 1 <= count <= len(NEWS_SENTENCES):
        raise ValueError(f"between 1 and {len(NEWS_SENTENCES)} sentences")
    token = f"K{uuid.uuid4().hex[:8]}"
    return tuple(s.format(token=token) for s in NEWS_SENTENCES[:count])


def password_of(username):
    return f"{username}-browser-test-password"


# --- what the tests need from the developer's machine -----------------------------------


@pytest.fixture(scope="session")
def htmx_js():
    """The pinned htmx.min.js that the CDN would serve."""
    path = os.environ.get("HTMX_FILE")
    if not path or not pathlib.Path(path).is_file():
        pytest.fail(
            f"HTMX_FILE is {'unset' if not path else f'{path!r}, which does not exist'}: the "
            "browser tests need the pinned htmx.min.js to answer the CDN URL with. "
            "Run them with `make test`, which fetches it and sets HTMX_FILE.",
            pytrace=False,
        )
    return pathlib.Path(path).read_bytes()


@pytest.fixture(scope="session")
def htmx_sse_js():
    """The pinned htmx-ext-sse sse.min.js the CDN would serve (HTMX_SSE_FILE; by default
    beside HTMX_FILE, where `make htmx` puts it)."""
    default = pathlib.Path(os.environ.get("HTMX_FILE", ".")).parent / "htmx-ext-sse-2.2.4.min.js"
    path = pathlib.Path(os.environ.get("HTMX_SSE_FILE") or default)
    if not path.is_file():
        pytest.fail(
            f"No {path}: the browser tests need the pinned htmx-ext-sse to answer its CDN URL "
            "with. Run them with `make test` (or `make htmx`), which fetches it.",
            pytrace=False,
        )
    return path.read_bytes()


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"No Chromium at {path!r} (CHROMIUM). Run the tests with `make test`, "
            "which installs Debian's chromium.",
            pytrace=False,
        )
    return path


# --- the server under test ---------------------------------------------------------------


@pytest.fixture(scope="session")
def news_server():
    """A news site on 127.0.0.1 (tests/fetch_server.py) the server may fetch."""
    with fetch_server.running() as running:
        yield running


@pytest.fixture(scope="session")
def news_site(news_server):
    """Base URL of the news site."""
    return f"http://127.0.0.1:{news_server.port}"


@pytest.fixture(scope="session")
def server(tmp_path_factory, news_site):
    """Base URL of `workbench serve` (gunicorn) on a fresh database holding the sample."""
    live = LiveServer(
        tmp_path_factory.mktemp("server"),
        password_of,
        # The one internal host the fetcher may reach: the test news site.
        env={"WORKBENCH_FETCH_ALLOW": news_site.removeprefix("http://")},
        # The pages must ask the real CDN URL for htmx over plain http.
        drop=("WORKBENCH_HTMX_URL",),
    )
    live.set_up(USERS)
    live.start(workers=1, threads=24)
    try:
        yield live.base_url
    finally:
        live.stop()


# --- the browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium_path):
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def login_state(playwright_driver, server):
    """login_state(username): the cookies of a logged-in session, for a new browser context.

    Logging in through the login form costs a slow password hash, so each user logs in
    once per test run and every browser of theirs starts with that session.
    """
    states = {}

    def state_of(username):
        if username not in states:
            client = playwright_driver.request.new_context(base_url=server)
            try:
                response = client.post(
                    "/login",
                    max_redirects=0,
                    form={"username": username, "password": password_of(username), "next": "/"},
                )
                assert response.status == 303, (
                    f"logging in as {username} gave {response.status}: {response.text()[:500]}"
                )
                states[username] = client.storage_state()
            finally:
                client.dispose()
        return states[username]

    return state_of


@pytest.fixture
def new_page(htmx_js, htmx_sse_js, browser, server, login_state):
    """Open a page in a browser of its own: new_page(user=None, javascript=True, errors=None,
    locale=None, on=None, storage_state=None, viewport=None); `on` is another server's base
    URL, whose session `storage_state` holds.

    `user` is logged in already. Console errors and uncaught exceptions are printed
    (pytest shows them when a test fails) and added to the list `errors`. `locale`
    ("es-ES"): the browser's language, which it asks pages in (Accept-Language).
    """
    contexts = []

    def serve(body):
        def answer(route):
            route.fulfill(
                status=200,
                body=body,
                content_type="application/javascript; charset=utf-8",
                headers={"Access-Control-Allow-Origin": "*"},
            )

        return answer

    def open_page(
        user=None, javascript=True, errors=None, locale=None, on=None, storage_state=None, **sizes
    ):
        context = browser.new_context(
            base_url=on or server,
            java_script_enabled=javascript,
            storage_state=login_state(user) if user is not None else storage_state,
            locale=locale,  # also the Accept-Language the browser sends
            **sizes,  # viewport=...
        )
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(HTMX_CDN_URL, serve(htmx_js))
        context.route(HTMX_SSE_CDN_URL, serve(htmx_sse_js))
        page = context.new_page()
        label = user or "anonymous"

        def on_console(message):
            if message.type == "error":
                print(f"[{label} console error] {message.text}")
                if errors is not None:
                    errors.append(message.text)

        def on_page_error(error):
            print(f"[{label} page error] {error}")
            if errors is not None:
                errors.append(str(error))

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def console_errors():
    """Console errors and uncaught exceptions of the `page` fixture's page."""
    return []


@pytest.fixture
def reviewer():
    """The username of the reviewer the `page` fixture is logged in as."""
    return REVIEWER


@pytest.fixture
def page(new_page, reviewer, console_errors):
    """A page in a browser logged in as `reviewer`."""
    return new_page(user=reviewer, errors=console_errors)


@pytest.fixture
def credentials():
    """credentials(username) -> (username, password) of a test account."""
    return lambda username: (username, password_of(username))


# --- articles to review ------------------------------------------------------------------


@pytest.fixture
def unique_sentences():
    """unique_sentences(count): sentences of a made-up news item no other test imports."""
    return news_sentences


@pytest.fixture(scope="session")
def api(playwright_driver, server, login_state):
    """An HTTP client (no browser), logged in as an admin, that imports test articles."""
    context = playwright_driver.request.new_context(
        base_url=server, storage_state=login_state("setup")
    )
    yield context
    context.dispose()


@pytest.fixture
def import_article(api, server):
    """import_article(count, title) -> Article: a new article of `count` unique sentences."""

    def import_(count=4, title="Brindlemoor council approves a footbridge"):
        sentences = news_sentences(count)
        response = api.post(
            "/articles", form={"text": " ".join(sentences), "title": title}, max_redirects=0
        )
        assert response.status == 303, f"importing the test article gave {response.status}"
        path = response.headers["location"].removeprefix(server)
        article_id = int(path.rstrip("/").rsplit("/", 1)[-1])
        return Article(id=article_id, url=f"{server}{path}", title=title, sentences=sentences)

    return import_


@pytest.fixture
def import_long_article(api, server):
    """import_long_article(count) -> (url, title): an article of `count` unique claims."""

    def import_(count):
        token = f"L{uuid.uuid4().hex[:8]}"
        text = " ".join(
            f"Inspectors logged defect {n} on footbridge {token} last week."
            for n in range(1, count + 1)
        )
        title = f"Footbridge defects {token}"
        response = api.post("/articles", form={"text": text, "title": title}, max_redirects=0)
        assert response.status == 303, f"importing the long article gave {response.status}"
        return server + response.headers["location"].removeprefix(server), title

    return import_
