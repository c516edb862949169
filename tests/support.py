"""Helpers shared by test modules in several folders (imported as `support`)."""

import json
import re

import jinja2

from workbench.storage import db as workbench_db
from workbench.storage import migrations
from workbench.team import accounts

# Tests make many users (at N=2^10 their hashing was a tenth of the fast tier); full-strength
# scrypt (N=2^17) is tested on its own in test_access.
FAST_HASH = "scrypt:256:1:1"


class CompiledTemplates(jinja2.BytecodeCache):
    """A bytecode cache in a dict: templates compiled once, whichever app loads them."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def log_in(app, client, username, role):
    """Give `client` a logged-in session as a new user (as the login form would)."""
    database = workbench_db.connect(app.config["DATABASE"])
    try:
        user = accounts.create_user(database, username, "correct horse battery", role, FAST_HASH)
        token = accounts.start_session(database, user)
    finally:
        database.close()
    client.set_cookie("workbench_session", token)
    return client


def sign_in(app, username, role):
    """A new test client, logged in as a new user."""
    return log_in(app, app.test_client(), username, role)


def actor(username, role="admin"):
    """The user a domain call is made as (domain functions take the acting User)."""
    return accounts.User(id=0, username=username, role=role)


def id_from_location(response):
    """The id a 303 redirect points at (/articles/7 -> 7), after checking it is a 303."""
    assert response.status_code == 303, f"expected a 303 redirect, got {response.status_code}"
    return int(response.headers["Location"].rsplit("/", 1)[1])


def import_by_form(client, text, **fields):
    """Import an article through the import form; its id."""
    return id_from_location(client.post("/articles", data={"text": text, **fields}))


def cli_database(tmp_path, monkeypatch, users):
    """A database for command-line tests, named by WORKBENCH_DB (and an instance folder)
    in tmp_path, with `users` ({name: role}) added; the open connection."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    database = migrations.open_migrated(tmp_path / "cli.db")
    for name, role in users.items():
        accounts.create_user(database, name, "correct horse battery", role, FAST_HASH)
    return database


def htmx_config(script):
    """The htmx settings static/htmx-config.js gives htmx (its CONFIG, one line of JSON)."""
    return json.loads(re.search(r"const CONFIG = (\{.*\});\n", script).group(1))


# Every page an admin can open on the sample article (/articles/1), for the browser checks
# that go over the whole site (no sideways scrolling on a phone, accessibility); {claim} is
# one of its claims' ids. (/help/keys is the keyboard dialog's body, not a page: the
# accessibility test opens the dialog itself.)
EVERY_PAGE = (
    "/",
    "/articles/1",
    "/articles/1?hidden=1",
    "/articles/1/text",
    "/articles/1/activity",
    "/articles/1/desk",
    "/articles/1/adjudication",
    "/articles/1/language",
    "/articles/1/delete",
    "/claims/{claim}",
    "/articles/new",
    "/search",
    "/search?q=Palmyra",
    "/sources",
    "/links",
    "/dashboard",
    "/queue",
    "/approvals",
    "/users",
    "/account/password",
    "/account/security",
    "/users/tokens",
    "/deleted-articles",
)


def claim_ids(database, article_id):
    """The ids of an article's claims, in reading order."""
    return [
        row[0]
        for row in database.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]


def read_stream(app, client, article_id, after=None, last_event_id=None, headers=None):
    """The whole event stream of a poll (STREAM_SECONDS 0): the stream ends once it has
    been sent what waited when it opened (the history after `after`, who else is here, the
    blind review's line)."""
    app.config["STREAM_SECONDS"] = 0
    headers = dict(headers or {})
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    query = {"after": after} if after is not None else {}
    response = client.get(
        f"/articles/{article_id}/events", query_string=query, headers=headers, buffered=False
    )
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def desk_world(app, admin_client, db, text):
    """An article of `text` imported by the admin, its claims in order, an editor and two
    reviewers (eda, ana, bo) logged in: the desk's tests' starting point."""
    article_id = import_by_form(admin_client, text, title="Bridge")
    claim_ids = [
        row[0]
        for row in db.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]
    return {
        "article": article_id,
        "claims": claim_ids,
        "admin": admin_client,
        "editor": sign_in(app, "eda", "editor"),
        "ana": sign_in(app, "ana", "reviewer"),
        "bo": sign_in(app, "bo", "reviewer"),
        "db": db,
        "app": app,
    }
