"""Who may do what: POST-only writes, cross-site refusal, login, roles, IDOR, sessions,
cookies, passwords, redirects, setup, error pages, the debugger and the secret key.

SECURITY.md, "Who may do what" (OWASP ASVS 5.0: 3.3, 3.5.1, 3.5.3, 6.2, 7.2.4, 7.4.1,
8.2.1, 8.2.2, 11.4.2, 13.4.2). Route tables come from the app's own URL map, so a route
added later is covered without editing this file.
"""

import datetime
import html.parser
import io
import os
import pathlib
import re
import stat
import urllib.parse
from dataclasses import dataclass

import pytest

from support import id_from_location
from workbench import create_app
from workbench.storage import db as workbench_db
from workbench.team import accounts

HX = {"HX-Request": "true"}
PASSWORD = "correct horse battery"

ARTICLE = (
    "The mayor opened the bridge on Monday. It cost $4.5 million. "
    "Critics called the zanzibarine project late."
)
SECRET_WORDS = ("zanzibarine", "The mayor opened")  # claim text no outsider may see

# Endpoints anyone may use: their own rules are tested on their own below.
# The site icon carries no data: anyone may fetch it, as they may the stylesheet.
PUBLIC = {"auth.login", "auth.setup", "static", "workbench.favicon", "workbench.reset_password"}
# The ways in besides a password alone (web/sign_in.py): the second step after one, a
# passkey, single sign-on and the page after signing out of it (tests/test_sign_in_*.py).
PUBLIC |= {
    "sign_in.second_step",
    "sign_in.second_step_passkey_options",
    "sign_in.passkey_options",
    "sign_in.passkey_sign_in",
    "sign_in.sso_start",
    "sign_in.sso_callback",
    "sign_in.signed_out",
}
# What everyone does to their own sign-in, whatever their role: second factors and tokens
# (a viewer's token still cannot write: tests/test_api_tokens.py).
OWN_SECURITY = {
    "workbench.create_token",
    "workbench.revoke_token",
    "workbench.totp_setup",
    "workbench.totp_confirm",
    "workbench.totp_remove",
    "workbench.new_recovery_codes",
    "workbench.passkey_options",
    "workbench.passkey_register",
    "workbench.passkey_remove",
    "workbench.interface_language",  # the language their own pages speak
}
# Enough for every write route to be well formed, so the only reason to refuse is who asks.
WRITE_DATA = {
    "status": "sourced",
    "body": "A note.",
    "url": "https://example.org/",
    "stance": "supports",
    "text": "A brand new article. With two claims.",
    "username": "eve",
    "password": "long enough pw",
    "role": "admin",
    "hidden": "1",
    "at": "4",
    "start": "0",
    "end": "3",
    "passage": "The mayor",
    "kind": "named",
    "next": "/",
    "reviewer": "ana",
    "note": "Needs a second source.",
    "needs_approval": "on",
}
# Desk routes by the least role that may use them; every route of the desk's
# modules must be in one of these (test_every_desk_route_has_a_role_here).
EDITOR_ENDPOINTS = {
    "workbench.article_desk",
    "workbench.assign_article",
    "workbench.set_article_approval",
    "workbench.set_desk_approval",
    "workbench.start_blind_review",
    "workbench.approvals",
    "workbench.approve_claim",
    "workbench.return_claim",
    "workbench.approve_article",
    "workbench.adjudication",
    "workbench.adjudicate_claim",
}
REVIEWER_ENDPOINTS = {"workbench.my_queue"}
# Any logged-in user: the event stream reads what the page shows; a heartbeat (and the
# page saying it left) only says who is on the article (a viewer too), never changes the work.
LOGGED_IN_ENDPOINTS = {
    "workbench.article_events",
    "workbench.presence_heartbeat",
    "workbench.presence_leave",
}
CONVERTER = re.compile(r"<(?:[^<>]*:)?([a-z_]+)>")
TABLES = (
    "articles",
    "claims",
    "notes",
    "evidence",
    "history",
    "users",
    "setup_tokens",
    "snapshots",
    "jobs",
    "assignments",
    "blind_reviews",
    "blind_reviewers",
    "blind_decisions",
    "desk_settings",
)
# A saved page for the preview and snapshot routes.
PAGE = (
    b"<html><head><title>Ferry timetable</title></head><body><article>"
    b"<p>The ferry now leaves at seven. The council changed the timetable.</p>"
    b"</article></body></html>"
)


# --- fixtures and helpers --------------------------------------------------------------


@pytest.fixture
def ids(admin_client, reviewer_client, db):
    """One of everything, for a test that writes: an article, a note and evidence by ana."""
    return make_ids(admin_client, reviewer_client, db)


def make_ids(admin, reviewer, db):
    response = admin.post("/articles", data={"text": ARTICLE, "title": "Bridge"})
    article_id = id_from_location(response)
    claim_id = db.execute(
        "select min(id) from claims where article_id = ?", [article_id]
    ).fetchone()[0]
    reviewer.post(f"/claims/{claim_id}/notes", data={"body": "Called the press office."})
    reviewer.post(
        f"/claims/{claim_id}/evidence",
        data={"url": "https://example.org/minutes", "stance": "supports"},
    )
    reviewer.post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    preview = admin.post(
        "/imports/file",
        data={"file": (io.BytesIO(PAGE), "ferry.html")},
        content_type="multipart/form-data",
    )
    # Queued and never run (no worker in these tests): nothing is fetched.
    job = admin.post("/imports/url", data={"url": "https://example.org/story"})
    return {
        "article_id": article_id,
        "claim_id": claim_id,
        "note_id": db.execute("select max(id) from notes").fetchone()[0],
        "evidence_id": db.execute("select max(id) from evidence").fetchone()[0],
        # ana's status change: what an undo would undo.
        "history_id": db.execute("select max(id) from history where action = 'status'").fetchone()[
            0
        ],
        "preview_id": id_from_location(preview),
        "username": "ana",  # the account the admin's user-management routes act on
        "job_id": id_from_location(job),
    }


@dataclass
class Site:
    app: object
    db: object
    admin: object
    reviewer: object
    viewer: object
    editor: object
    ids: dict


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A shared app for the tests that are refused (and so change nothing) or only read."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "DATABASE": str(tmp_path_factory.mktemp("access") / "workbench.db"),
        }
    )
    admin, reviewer, viewer, editor = (
        sign_in(app, name, role)
        for name, role in (
            ("ada", "admin"),
            ("ana", "reviewer"),
            ("vic", "viewer"),
            ("eda", "editor"),
        )
    )
    database = workbench_db.connect(app.config["DATABASE"])
    yield Site(app, database, admin, reviewer, viewer, editor, make_ids(admin, reviewer, database))
    database.close()


def fill(rule, ids):
    """A concrete path for a URL rule: ids from `ids`, csv for the export format."""
    values = {
        "export_format": "csv",
        "token": "not-a-token",
        "filename": "app.css",
        "number": 1,
        "decision_id": 1,
        "snapshot_id": 1,
        "token_id": 1,
        "passkey_id": 1,
        **ids,
    }
    return CONVERTER.sub(lambda match: str(values[match[1]]), rule.rule)


def rules(app, method, exclude=PUBLIC):
    """Every URL rule answering `method`, deletes and logout last (they end what others use)."""
    found = [
        rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint not in exclude
    ]
    return sorted(
        found, key=lambda rule: ("delete" in rule.rule or "logout" in rule.rule, rule.rule)
    )


def snapshot(db):
    """Everything a request could change, sessions included (but not their last-seen time)."""
    state = {
        table: db.execute(f"select * from [{table}] order by rowid").fetchall() for table in TABLES
    }
    state["sessions"] = db.execute("select token_hash, user_id from sessions order by 1").fetchall()
    state["login_failures"] = db.execute("select count(*) from login_failures").fetchone()[0]
    return state


def make_user(db, username, role="reviewer", password=PASSWORD, method="scrypt:1024:8:1"):
    return accounts.create_user(db, username, password, role, method)


def sign_in(app, username, role):
    database = workbench_db.connect(app.config["DATABASE"])
    try:
        token = accounts.start_session(database, make_user(database, username, role))
    finally:
        database.close()
    client = app.test_client()
    client.set_cookie("workbench_session", token)
    return client


def session_token(client):
    cookie = client.get_cookie("workbench_session")
    return cookie.value if cookie else None


def client_with_token(app, token):
    client = app.test_client()
    client.set_cookie("workbench_session", token)
    return client


def is_logged_in(client):
    return client.get("/").status_code == 200


def cookies_set(response):
    """{name: {attribute: value}} from every Set-Cookie header, attribute names lower case."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = [part.strip() for part in header.split(";")]
        name, value = name_value.split("=", 1)
        found[name] = {
            "value": value,
            **{
                a.split("=", 1)[0].lower(): (a.split("=", 1)[1] if "=" in a else True)
                for a in attributes
            },
        }
    return found


def live(cookies):
    """Cookies that carry a value (not the expired ones that delete a cookie)."""
    return {
        name: attrs
        for name, attrs in cookies.items()
        if attrs["value"] and attrs.get("max-age") != "0"
    }


# --- POST only -------------------------------------------------------------------------


def test_every_state_changing_route_accepts_only_post(app):
    # Forms (login, setup, users, a reset link, one's own password) may show on GET;
    # everything else that writes is POST only.
    forms = {
        "auth.login",
        "auth.setup",
        "auth.users",
        "workbench.reset_password",
        "workbench.change_password",
        "sign_in.second_step",
    }
    mixed = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and "GET" in rule.methods and rule.endpoint not in forms
    ]
    assert mixed == []
    assert {"PUT", "PATCH", "DELETE"}.isdisjoint(
        set().union(*(rule.methods for rule in app.url_map.iter_rules()))
    )


def test_get_on_write_routes_is_405_and_changes_nothing(site):
    before = snapshot(site.db)
    wrong = {}
    # A path may also be a page that asks first (GET /articles/1/delete); that page is a
    # GET route of its own, and test_get_with_write_parameters_changes_nothing covers it.
    asking = {rule.rule for rule in rules(site.app, "GET")}
    for rule in rules(site.app, "POST"):
        if "GET" in rule.methods or rule.rule in asking:
            continue
        response = site.admin.get(fill(rule, site.ids), query_string=WRITE_DATA)
        if response.status_code != 405:
            wrong[rule.rule] = response.status_code
    assert wrong == {}
    assert snapshot(site.db) == before


def test_get_with_write_parameters_changes_nothing(app, admin_client, db, ids):
    token = accounts.create_setup_token(db)
    before = snapshot(db)
    for rule in rules(app, "GET", exclude={"static"}):
        admin_client.get(fill(rule, {**ids, "token": token}), query_string=WRITE_DATA)
    app.test_client().get("/login", query_string={"username": "ada", "password": PASSWORD})
    assert snapshot(db) == before


# --- cross-site forgery ----------------------------------------------------------------

CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://localhost:8080"},
    {"Origin": "https://localhost"},
]
SAME_SITE = [
    {},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
    {"Origin": "http://localhost"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
]


def header_ids(headers):
    return ",".join(f"{k}={v}" for k, v in headers.items()) or "no-headers"


@pytest.mark.parametrize("headers", CROSS_SITE, ids=header_ids)
def test_cross_site_writes_are_403_and_change_nothing(site, headers):
    before = snapshot(site.db)
    allowed = {}
    for rule in rules(site.app, "POST", exclude={"static"}):
        response = site.admin.post(fill(rule, site.ids), data=WRITE_DATA, headers=headers)
        if response.status_code != 403:
            allowed[rule.rule] = response.status_code
    assert allowed == {}, f"cross-site POSTs not refused: {allowed}"
    assert snapshot(site.db) == before
    assert is_logged_in(site.admin), "a cross-site logout must not end the session"


@pytest.mark.parametrize("headers", CROSS_SITE, ids=header_ids)
def test_cross_site_login_does_not_log_in(site, headers):
    client = site.app.test_client()
    response = client.post(
        "/login", data={"username": "ana", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 403
    assert session_token(client) is None


@pytest.mark.parametrize("headers", SAME_SITE, ids=header_ids)
def test_same_origin_and_header_less_writes_pass(app, admin_client, db, ids, headers):
    refused = {}
    for rule in rules(app, "POST", exclude={"static", "auth.login", "auth.setup", "auth.logout"}):
        response = admin_client.post(fill(rule, ids), data=WRITE_DATA, headers=headers)
        if response.status_code == 403:
            refused[rule.rule] = response.get_data(as_text=True)[-300:]
    assert refused == {}


@pytest.mark.parametrize("headers", SAME_SITE, ids=header_ids)
def test_same_origin_note_is_saved(reviewer_client, db, ids, headers):
    response = reviewer_client.post(
        f"/claims/{ids['claim_id']}/notes", data={"body": "Same site."}, headers=headers
    )
    assert response.status_code == 303
    assert db.execute("select count(*) from notes where body = 'Same site.'").fetchone()[0] == 1


# --- logged out ------------------------------------------------------------------------


def every_variant(rule, ids):
    """Concrete paths for a rule: one per choice of an any(...) converter (csv, json, ...)."""
    path = fill(rule, ids)
    choices = re.search(r"<any\(([^)]*)\):[a-z_]+>", rule.rule)
    if not choices:
        return [path]
    options = [option.strip() for option in choices[1].split(",")]
    return [path[: path.rindex(options[0])] + option for option in options]


def shows_login_or_nothing(response):
    """302 to the login page, or 401; either way none of the claims' text."""
    body = response.get_data(as_text=True)
    if any(word in body for word in SECRET_WORDS):
        return False
    if response.status_code == 302:
        return response.headers["Location"].startswith("/login")
    return response.status_code == 401


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_logged_out_pages_partials_and_exports_show_no_data(site, headers):
    client = site.app.test_client()
    leaked = {}
    for rule in rules(site.app, "GET"):
        for path in every_variant(rule, site.ids):
            response = client.get(path, headers=headers)
            if not shows_login_or_nothing(response):
                leaked[path] = response.status_code
    assert leaked == {}, f"answered a logged-out request with something else: {leaked}"


def test_logged_out_htmx_requests_are_told_where_to_log_in(site):
    response = site.app.test_client().get(f"/articles/{site.ids['article_id']}", headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_logged_out_writes_change_nothing(site):
    client = site.app.test_client()
    before = snapshot(site.db)
    wrong = {}
    for rule in rules(site.app, "POST"):
        response = client.post(fill(rule, site.ids), data=WRITE_DATA)
        if not shows_login_or_nothing(response):
            wrong[rule.rule] = response.status_code
    assert wrong == {}
    assert snapshot(site.db) == before


def test_a_forged_session_cookie_is_logged_out(site):
    for token in ("", "x", "' or 1=1 --", "a" * 43, "a" * 3000):
        response = client_with_token(site.app, token).get(f"/articles/{site.ids['article_id']}")
        assert response.status_code == 302, token
        assert response.headers["Location"].startswith("/login?next="), token


# --- roles -----------------------------------------------------------------------------


def test_viewer_cannot_write(site):
    before = snapshot(site.db)
    allowed = {}
    # Everyone may log out and change their own password; the presence heartbeat and
    # leaving are not writes to the work (see test_a_viewers_heartbeat_changes_only_presence).
    exempt = {
        "auth.logout",
        "workbench.change_password",
        "workbench.presence_heartbeat",
        "workbench.presence_leave",
    }
    exempt |= OWN_SECURITY
    for rule in rules(site.app, "POST", exclude=PUBLIC | exempt):
        response = site.viewer.post(fill(rule, site.ids), data=WRITE_DATA)
        if response.status_code != 403:
            allowed[rule.rule] = response.status_code
    for path in ("/articles/new", "/users"):
        if (status := site.viewer.get(path).status_code) != 403:
            allowed[f"GET {path}"] = status
    assert allowed == {}, f"a viewer was not refused: {allowed}"
    assert snapshot(site.db) == before


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/articles/new"),
        ("POST", "/articles"),
        ("POST", "/articles/{article_id}/delete"),
        ("GET", "/users"),
        ("POST", "/users"),
    ],
)
def test_reviewer_cannot_import_delete_or_manage_users(site, method, path):
    before = snapshot(site.db)
    response = site.reviewer.open(path.format(**site.ids), method=method, data=WRITE_DATA)
    assert response.status_code == 403
    assert snapshot(site.db) == before


class Controls(html.parser.HTMLParser):
    """Where a page lets its reader write: POST form actions and hx-post/put/patch/delete
    targets, plus links to the admin-only pages."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.targets = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.targets.append(attrs.get("action") or "")
        # A bare hx-post posts to the form's own action (static/app.js).
        self.targets += [
            value or attrs.get("action") or ""
            for name, value in attrs.items()
            if name in ("hx-post", "hx-put", "hx-patch", "hx-delete")
        ]
        if tag == "a" and (
            attrs.get("href") in ("/articles/new", "/users", "/approvals")
            or re.fullmatch(r"/articles/\d+/(desk|adjudication)", attrs.get("href") or "")
        ):
            self.targets.append(attrs["href"])


@pytest.mark.parametrize(
    "role, forbidden",
    [
        # Any write but logging out and the presence heartbeat (and leaving).
        ("viewer", re.compile(r"^(?!/logout$|/articles/\d+/presence(/leave)?$)")),
        (
            "reviewer",
            re.compile(
                r"^/(articles|articles/\d+/(delete|restore)|users|articles/new|imports/.*"
                r"|previews/.*|deleted-articles.*"
                r"|articles/\d+/(assign|approval|blind|approve-all|desk|adjudication)"
                r"|claims/\d+/(approve|return|adjudicate)|desk/approval|approvals)$"
            ),
        ),
    ],
)
@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/articles/{article_id}",
        "/articles/{article_id}/text",
        "/articles/{article_id}/activity",
        "/claims/{claim_id}",
    ],
)
def test_pages_show_no_controls_the_role_cannot_use(site, role, forbidden, page):
    client = getattr(site, role)
    targets = Controls(client.get(page.format(**site.ids)).get_data(as_text=True)).targets
    assert [t for t in targets if forbidden.match(t)] == [], (
        f"a {role} is offered controls that answer 403"
    )


# --- the desk's roles ---------------------------------------------------------


def desk_rules(app):
    desk_modules = ("desk_pages", "live", "presence_pages")
    return [
        rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "__module__", "").rsplit(".", 1)[-1]
        in desk_modules
    ]


def test_every_desk_route_has_a_role_here(site):
    listed = EDITOR_ENDPOINTS | REVIEWER_ENDPOINTS | LOGGED_IN_ENDPOINTS
    assert {rule.endpoint for rule in desk_rules(site.app)} == listed


def call(client, rule, ids):
    method = "POST" if "POST" in rule.methods else "GET"
    return client.open(fill(rule, ids), method=method, data=WRITE_DATA, buffered=False)


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_only_editors_and_admins_use_editor_routes(site, role):
    before = snapshot(site.db)
    allowed = {}
    for rule in desk_rules(site.app):
        if rule.endpoint in EDITOR_ENDPOINTS:
            response = call(getattr(site, role), rule, site.ids)
            if response.status_code != 403:
                allowed[rule.rule] = response.status_code
    assert allowed == {}, f"a {role} was not refused: {allowed}"
    assert snapshot(site.db) == before


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_may_open_every_desk_page(site, role):
    refused = {}
    for rule in desk_rules(site.app):
        if "GET" in rule.methods and rule.endpoint != "workbench.article_events":
            response = getattr(site, role).get(fill(rule, site.ids))
            if response.status_code != 200:
                refused[rule.rule] = response.status_code
    assert refused == {}


def test_a_viewer_has_no_queue(site):
    refused = site.viewer.get("/queue")
    assert refused.status_code == 403
    assert "This needs the reviewer role; you are a viewer." in refused.get_data(as_text=True)
    queue = site.reviewer.get("/queue")
    assert queue.status_code == 200 and "<h1>My queue</h1>" in queue.get_data(as_text=True)


def test_a_viewers_heartbeat_changes_only_presence(site):
    before = snapshot(site.db)
    response = site.viewer.post(f"/articles/{site.ids['article_id']}/presence", headers=HX)
    assert response.status_code == 204
    assert snapshot(site.db) == before
    assert (
        site.db.execute("select count(*) from presence where username = 'vic'").fetchone()[0] == 1
    )
    leave = site.viewer.post(f"/articles/{site.ids['article_id']}/presence/leave", headers=HX)
    assert leave.status_code == 204
    assert snapshot(site.db) == before
    assert (
        site.db.execute("select count(*) from presence where username = 'vic'").fetchone()[0] == 0
    )


# --- IDOR ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["notes", "evidence"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_reviewer_cannot_delete_another_reviewers_record(app, db, ids, kind, headers):
    record_id = ids["note_id" if kind == "notes" else "evidence_id"]
    other = sign_in(app, "bea", "reviewer")
    response = other.post(f"/{kind}/{record_id}/delete", headers=headers)
    assert response.status_code == 403
    assert db.table(kind).get(record_id)["deleted_at"] is None
    page = other.get(f"/claims/{ids['claim_id']}").get_data(as_text=True)
    assert (
        "Called the press office." if kind == "notes" else "https://example.org/minutes"
    ) in page
    assert f'action="/{kind}/{record_id}/delete"' not in page, "bea is offered a delete button"


@pytest.mark.parametrize("kind", ["notes", "evidence"])
def test_admin_can_delete_any_reviewers_record(admin_client, db, ids, kind):
    record_id = ids["note_id" if kind == "notes" else "evidence_id"]
    assert admin_client.post(f"/{kind}/{record_id}/delete").status_code == 303
    assert db.table(kind).get(record_id)["deleted_by"] == "ada"


# --- sessions --------------------------------------------------------------------------


def log_in_with_form(client, username, password=PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_login_ignores_a_session_id_chosen_by_someone_else(client, db):
    make_user(db, "lou")
    client.set_cookie("workbench_session", "attacker-chosen-token")
    assert log_in_with_form(client, "lou").status_code == 303
    assert session_token(client) not in (None, "attacker-chosen-token")


def test_session_id_is_renewed_at_login_and_the_old_one_ends(app, client, db):
    make_user(db, "lou")
    log_in_with_form(client, "lou")
    first = session_token(client)
    log_in_with_form(client, "lou")
    second = session_token(client)
    assert first and second and first != second
    assert not is_logged_in(client_with_token(app, first)), "the pre-login session still works"
    assert is_logged_in(client)


def test_session_tokens_are_not_stored_in_the_database(client, db):
    make_user(db, "lou")
    log_in_with_form(client, "lou")
    token = session_token(client)
    stored = [value for row in db.execute("select * from sessions") for value in row]
    assert token not in stored


def test_logout_ends_the_session_on_the_server(app, client, db):
    make_user(db, "lou")
    log_in_with_form(client, "lou")
    copied = client_with_token(app, session_token(client))
    assert is_logged_in(copied)
    assert client.post("/logout").status_code == 303
    response = copied.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.table("sessions").count == 0


@pytest.mark.parametrize("idle_minutes, logged_in", [(29, True), (31, False), (60 * 24, False)])
def test_idle_sessions_end(app, client, db, idle_minutes, logged_in):
    app.config["SESSION_IDLE_MINUTES"] = 30
    make_user(db, "lou")
    log_in_with_form(client, "lou")
    last_seen = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=idle_minutes)
    with db.conn:
        db.execute(
            "update sessions set last_seen_at = ?", [last_seen.strftime("%Y-%m-%dT%H:%M:%SZ")]
        )
    assert is_logged_in(client) is logged_in


# --- cookies ---------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(client, db):
    make_user(db, "lou")
    cookie = cookies_set(log_in_with_form(client, "lou"))["workbench_session"]
    assert cookie.get("httponly") is True
    assert str(cookie.get("samesite")).lower() == "lax"
    assert cookie.get("path") == "/"


@pytest.mark.parametrize(
    "secure_config, base_url",
    [
        (True, "http://localhost"),
        (False, "https://localhost"),
        (True, "https://localhost"),
    ],
    ids=["config", "https", "both"],
)
def test_session_cookie_is_secure_under_tls(app, client, db, secure_config, base_url):
    app.config["SESSION_COOKIE_SECURE"] = secure_config
    make_user(db, "lou")
    cookie = cookies_set(log_in_with_form(client, "lou", base_url=base_url))["workbench_session"]
    assert cookie.get("secure") is True


def test_every_cookie_set_over_https_is_secure_httponly_and_lax(app, db):
    client = app.test_client()
    make_user(db, "lou")
    responses = [
        log_in_with_form(client, "lou", base_url="https://localhost"),
        client.post("/logout", base_url="https://localhost"),
    ]
    cookies = {}
    for response in responses:
        cookies.update(live(cookies_set(response)))
    assert cookies, "no cookie was set"
    weak = {
        name: attrs
        for name, attrs in cookies.items()
        if attrs.get("secure") is not True
        or attrs.get("httponly") is not True
        or str(attrs.get("samesite")).lower() != "lax"
    }
    assert weak == {}, f"cookies set over https without Secure, HttpOnly or SameSite=Lax: {weak}"


# --- passwords -------------------------------------------------------------------------


def test_password_hash_method_is_scrypt_at_owasp_strength():
    name, n, r, p = accounts.PASSWORD_HASH_METHOD.split(":")
    assert name == "scrypt"
    assert int(n) >= 2**17 and int(r) >= 8 and int(p) >= 1


def test_the_app_hashes_with_it_by_default(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "w.db"), "SECRET_KEY": "x"})
    assert app.config["PASSWORD_HASH_METHOD"] == accounts.PASSWORD_HASH_METHOD


@pytest.mark.slow
def test_a_created_users_hash_uses_the_full_strength_method(memory_db):
    accounts.create_user(memory_db, "strong", "a long password", "viewer")  # real default, ~0.4 s
    stored = next(memory_db.table("users").rows)["password_hash"]
    assert stored.startswith(accounts.PASSWORD_HASH_METHOD + "$")


@pytest.mark.parametrize(
    "password",
    ["a" * 8, "b" * 64, "c" * 128, "aaaaaaaa", "password", "ñandú 🐦 ok", "        "],
    ids=["8", "64", "128", "one-letter", "no-digits", "unicode", "spaces"],
)
def test_passwords_of_8_to_128_characters_without_composition_rules_are_accepted(
    app, admin_client, db, password
):
    response = admin_client.post(
        "/users", data={"username": "newbie", "password": password, "role": "viewer"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert db.execute("select role from users where username = 'newbie'").fetchone() == ("viewer",)
    logged_in = log_in_with_form(app.test_client(), "newbie", password)
    assert logged_in.status_code == 303 and "workbench_session=" in logged_in.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "password", ["a" * 7, "b" * 129, "", "short"], ids=["7", "129", "empty", "5"]
)
def test_passwords_outside_8_to_128_characters_are_refused(admin_client, db, password):
    response = admin_client.post(
        "/users", data={"username": "newbie", "password": password, "role": "viewer"}
    )
    assert response.status_code == 422
    assert "8 to 128" in response.get_data(as_text=True)
    assert db.execute("select count(*) from users where username = 'newbie'").fetchone()[0] == 0


def test_unknown_user_and_wrong_password_get_the_same_answer(app, db):
    make_user(db, "lou")
    answers = []
    for username in ("lou", "zed"):  # a real user with a wrong password, then no such user
        response = log_in_with_form(app.test_client(), username, "not the password")
        answers.append(
            (
                response.status_code,
                response.get_data(as_text=True).replace(f'value="{username}"', ""),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 401


def test_failed_logins_are_throttled_even_for_the_right_password(app, db):
    assert accounts.MAX_FAILED_LOGINS_PER_HOUR <= 100
    make_user(db, "lou")
    client = app.test_client()
    for _ in range(accounts.MAX_FAILED_LOGINS_PER_HOUR):
        assert log_in_with_form(client, "lou", "wrong password").status_code == 401
    response = log_in_with_form(client, "lou")
    assert response.status_code == 429
    assert session_token(client) is None


# --- open redirects --------------------------------------------------------------------

OFF_SITE = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "///evil.example",
    "http://localhost@evil.example",
]


def where_a_browser_goes(location):
    """Resolve a Location header the way a browser does (WHATWG URL: tabs and newlines are
    dropped, a backslash is a slash, surrounding spaces and controls are trimmed)."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(33)))))
    return urllib.parse.urlsplit(
        urllib.parse.urljoin("http://localhost/login", cleaned.replace("\\", "/"))
    )


def follow_next(site, where, target):
    if where == "login form":
        return site.app.test_client().post(
            "/login", data={"username": "ana", "password": PASSWORD, "next": target}
        )
    if where == "login page when logged in":
        return site.reviewer.get("/login", query_string={"next": target})
    status = (
        "disputed"
        if site.db.table("claims").get(site.ids["claim_id"])["status"] != "disputed"
        else "sourced"
    )
    return site.reviewer.post(
        f"/claims/{site.ids['claim_id']}/status", data={"status": status, "next": target}
    )


@pytest.mark.parametrize("where", ["login form", "login page when logged in", "status form"])
def test_next_never_leaves_the_site(site, where):
    escaped = {}
    for target in OFF_SITE:
        response = follow_next(site, where, target)
        location = response.headers.get("Location", "")
        landing = where_a_browser_goes(location)
        if response.status_code not in (302, 303) or (landing.scheme, landing.netloc) != (
            "http",
            "localhost",
        ):
            escaped[target] = (response.status_code, location)
    assert escaped == {}, f"next= values that left the site (or failed): {escaped}"


# --- first-admin setup -----------------------------------------------------------------


def test_setup_link_creates_one_admin_once_then_404s(app, client, db):
    token = accounts.create_setup_token(db)
    assert client.get(f"/setup/{token}").status_code == 200
    response = client.post(f"/setup/{token}", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 303 and session_token(client)
    assert [(u.username, u.role) for u in accounts.list_users(db)] == [("root", "admin")]
    other = app.test_client()
    assert other.get(f"/setup/{token}").status_code == 404
    assert (
        other.post(f"/setup/{token}", data={"username": "root2", "password": PASSWORD}).status_code
        == 404
    )
    assert accounts.count_users(db) == 1
    assert db.table("setup_tokens").count == 0, "a used setup link must be destroyed"


@pytest.mark.parametrize("token", ["wrong", "a" * 500, "%00"])
def test_a_wrong_setup_token_is_404(client, db, token):
    accounts.create_setup_token(db)
    assert (
        client.post(f"/setup/{token}", data={"username": "root", "password": PASSWORD}).status_code
        == 404
    )
    assert accounts.count_users(db) == 0


# --- errors, debugger, secret key ------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_an_unexpected_error_shows_a_generic_page(app, viewer_client, monkeypatch, headers):
    from workbench.review import articles

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals at /srv/workbench/db.py line 42")

    monkeypatch.setattr(articles, "list_articles", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = viewer_client.get("/", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert not [
        leak
        for leak in ("secret internals", "Traceback", "RuntimeError", "db.py", "Werkzeug Debugger")
        if leak in body
    ]
    assert "Something went wrong" in body


def test_debug_is_off_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"DATABASE": str(tmp_path / "w.db"), "SECRET_KEY": "x"})
    assert app.debug is False


def test_serve_runs_gunicorn_and_never_the_debugger(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from workbench import cli

    launched = []
    monkeypatch.setattr(os, "execvp", lambda program, args: launched.append(args))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.db"))
    result = CliRunner().invoke(cli.cli, ["serve"])
    assert result.exit_code == 0, result.output
    [args] = launched
    assert args[1:3] == ["-m", "gunicorn"]
    assert not [a for a in args if re.search(r"debug|reload|flask", a, re.I)]


def test_no_module_starts_the_werkzeug_debugger():
    package = pathlib.Path(__file__).resolve().parents[2] / "workbench"
    found = {
        path.name: hit
        for path in package.rglob("*.py")
        if (
            hit := re.findall(
                r"\bapp\.run\(|run_simple|DebuggedApplication|use_debugger|"
                r"debug\s*=\s*True|DEBUG\W+True",
                path.read_text(),
            )
        )
    }
    assert found == {}


def new_install(tmp_path, monkeypatch, name):
    instance = tmp_path / name
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(instance))
    monkeypatch.delenv("WORKBENCH_SECRET_KEY", raising=False)
    return create_app({"DATABASE": str(instance / "w.db")}), instance


def test_each_install_generates_its_own_secret_key(tmp_path, monkeypatch):
    first, _ = new_install(tmp_path, monkeypatch, "one")
    second, _ = new_install(tmp_path, monkeypatch, "two")
    keys = first.config["SECRET_KEY"], second.config["SECRET_KEY"]
    assert keys[0] != keys[1]
    known = {"", "dev", "secret", "test-secret", "change-me", "changeme", "development"}
    assert not known & set(keys) and min(len(k) for k in keys) >= 32


def test_the_secret_key_file_is_private_and_kept_across_restarts(tmp_path, monkeypatch):
    app, instance = new_install(tmp_path, monkeypatch, "one")
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again, _ = new_install(tmp_path, monkeypatch, "one")
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
