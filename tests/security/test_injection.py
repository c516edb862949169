"""Injection: user text renders as text, imported HTML is reduced to text, SQL is bound,
log lines cannot be forged, and nothing fetches a URL for an import.

SECURITY.md, "Injection" (OWASP ASVS 5.0: 1.2.1, 1.2.4, 1.3.1, 16.4.1; OWASP SSRF cheat sheet).

Most tests read one shared database (`world`, built once per module): an article per
payload, with the payload in every field a person can write. Each field gets its own
marker, so a test can tell which field leaked.
"""

import html.parser
import io
import logging
import re
import socket
from dataclasses import dataclass, field

import pytest
from markupsafe import escape

from support import FAST_HASH, id_from_location, sign_in
from workbench import create_app
from workbench.storage import db as workbench_db
from workbench.team import accounts

HX = {"HX-Request": "true"}


# MARK is replaced by the field's name, e.g. <script>alert('note-script')</script>.
XSS = {
    "script": "<script>alert('MARK')</script>",
    "img-onerror": "<img src=x onerror=alert('MARK')>",
    "attribute-breakout": "\" onmouseover=\"alert('MARK')",
    "single-quote-breakout": "' onfocus='alert(`MARK`)' autofocus='",
    "textarea-breakout": "</textarea><script>alert('MARK')</script>",
    "svg-onload": "<svg/onload=alert('MARK')>",
}
HTMX_GADGETS = {
    "htmx-load-post": '<button hx-post="/logout" hx-trigger="load">MARK</button>',
    "htmx-load-get": '<div hx-get="/export.csv" hx-trigger="load" hx-target="body">MARK</div>',
    "htmx-data-prefix": '<a data-hx-post="/users" data-hx-trigger="load">MARK</a>',
    "htmx-on": '<div hx-on:htmx:load="alert(1)" hx-delete="/articles/1/delete">MARK</div>',
}
CASES = {**XSS, **HTMX_GADGETS}
# Jinja must print these as they are: if either product shows up, a template rendered user text.
TEMPLATE_PAYLOAD = "{{ 1234*5678 }} {% print 4321*8765 %} ${7*7} MARK"
TEMPLATE_RESULTS = ("7006652", "37873565")

# Which fields each page (or htmx partial) shows; "claim" is checked claim by claim.
PAGES = {
    "index": ("/", {"title", "publisher"}),
    # The review page shows claims and counts; notes and evidence are in each row's panel.
    "article": ("/articles/{a}", {"title", "publisher", "claim"}),
    "full-text": ("/articles/{a}/text", {"title", "publisher", "claim"}),
    "activity": ("/articles/{a}/activity", {"title", "publisher", "note", "evurl"}),
    "claim": ("/claims/{c}", {"title", "claim", "note", "evtitle", "evexcerpt", "evurl"}),
    "htmx-rows": ("/articles/{a}", {"claim"}),
    "htmx-claim": ("/claims/{c}", {"claim", "note", "evtitle", "evexcerpt", "evurl"}),
    "htmx-panel": ("/claims/{c}/panel", {"note", "evtitle", "evexcerpt", "evurl"}),
    "htmx-note-response": (None, {"claim", "note"}),
    "htmx-evidence-response": (None, {"claim", "note", "evtitle", "evexcerpt", "evurl"}),
    "htmx-status-response": (None, {"claim"}),
}

SQL_PAYLOADS = ["'; drop table claims; --", '" or 1=1 --', "1' OR '1'='1", "%_\\?:name;"]
TABLES = {
    "articles",
    "claims",
    "notes",
    "evidence",
    "history",
    "users",
    "sessions",
    "login_failures",
    "setup_tokens",
}


@dataclass
class Case:
    article_id: int
    claim_id: int
    values: dict
    partials: dict = field(default_factory=dict)


@dataclass
class World:
    app: object
    db: object
    admin: object
    reviewer: object
    cases: dict
    _pages: dict = field(default_factory=dict)

    def page(self, case, kind):
        """The HTML of one page of one case (fetched once, then reused)."""
        key = (case, kind)
        if key not in self._pages:
            path, _ = PAGES[kind]
            found = self.cases[case]
            if path is None:
                self._pages[key] = found.partials[kind]
            else:
                response = self.admin.get(
                    path.format(a=found.article_id, c=found.claim_id),
                    headers=HX if kind.startswith("htmx") else {},
                )
                assert response.status_code == 200, f"{case} {kind}: {response.status_code}"
                self._pages[key] = response.get_data(as_text=True)
        return self._pages[key]

    def claim_texts(self, case, kind):
        """The claims a page shows: the article's for article pages, else the one claim."""
        found = self.cases[case]
        if kind in ("article", "full-text", "htmx-rows"):
            return [
                row[0]
                for row in self.db.execute(
                    "select text from claims where article_id = ? and is_claim = 1 "
                    "order by position",
                    [found.article_id],
                )
            ]
        return [self.db.table("claims").get(found.claim_id)["text"]]


def write_case(admin, reviewer, name, template):
    values = {
        f: template.replace("MARK", f"{f}-{name}")
        for f in ("title", "publisher", "claim", "note", "evtitle", "evexcerpt", "evurl")
    }
    values["evurl"] = "https://example.org/?q=" + values["evurl"]
    response = admin.post(
        "/articles",
        data={
            "text": f"Officials said {values['claim']} was harmless. Case {name} ends here.",
            "title": values["title"],
            "publisher": values["publisher"],
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    article_id = id_from_location(response)
    claim_id = int(
        re.search(
            r'id="claim-(\d+)"',
            admin.get(f"/articles/{article_id}", headers=HX).get_data(as_text=True),
        )[1]
    )
    case = Case(article_id, claim_id, values)
    for kind, path, data in [
        ("htmx-note-response", "notes", {"body": values["note"]}),
        (
            "htmx-evidence-response",
            "evidence",
            {
                "url": values["evurl"],
                "stance": "supports",
                "title": values["evtitle"],
                "excerpt": values["evexcerpt"],
            },
        ),
        ("htmx-status-response", "status", {"status": "disputed"}),
    ]:
        response = reviewer.post(f"/claims/{claim_id}/{path}", data=data, headers=HX)
        assert response.status_code == 200, response.get_data(as_text=True)
        case.partials[kind] = response.get_data(as_text=True)
    return case


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "DATABASE": str(tmp_path_factory.mktemp("injection") / "workbench.db"),
        }
    )
    admin, reviewer = sign_in(app, "ada", "admin"), sign_in(app, "ana", "reviewer")
    cases = {
        name: write_case(admin, reviewer, name, template)
        for name, template in [*CASES.items(), ("template", TEMPLATE_PAYLOAD)]
    }
    database = workbench_db.connect(app.config["DATABASE"])
    yield World(app, database, admin, reviewer, cases)
    database.close()


def assert_rendered_as_text(body, payload, where):
    assert payload not in body, f"{where}: the raw payload {payload!r} reached the HTML"
    assert str(escape(payload)) in body, f"{where}: the escaped payload {payload!r} is missing"


class LiveHtmx(html.parser.HTMLParser):
    """Every hx-* / data-hx-* (and the SSE extension's sse-*) attribute a browser would see,
    as (tag, name, value)."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found += [
            (tag, name, value)
            for name, value in attrs
            if name.startswith(("hx-", "data-hx-", "sse-", "data-sse-"))
        ]

    handle_startendtag = handle_starttag


# The only htmx attributes the app's own templates write.
APP_HX = {
    "hx-post": re.compile(
        r"/(claims/\d+/[a-z/]+|notes/\d+/delete|evidence/\d+/delete|history/\d+/undo"
        r"|articles/\d+/presence)"
    ),
    "hx-get": re.compile(
        r"/articles/\d+\?[A-Za-z0-9_=&%.-]*page=\d+[A-Za-z0-9_=&%.-]*|/claims/\d+/panel"
    ),
    "hx-target": re.compile(r"#(claim|panel)-\d+|closest li|next \.claim__panel"),
    "hx-swap": re.compile(r"outerHTML|innerHTML|none"),
    "hx-trigger": re.compile(r"revealed|load, every 10s, wbpresence from:body"),
    "hx-preserve": re.compile(r""),
    # Live article pages: the event stream and what each event replaces.
    "hx-ext": re.compile(r"sse"),
    "sse-connect": re.compile(r"/articles/\d+/events\?after=\d+"),
    "sse-swap": re.compile(r"claim-\d+|presence|notice|desk"),
    "hx-swap-oob": re.compile(r"true|beforeend:#article-text"),
}


def foreign_htmx(body):
    return [
        (tag, name, value)
        for tag, name, value in LiveHtmx(body).found
        if name not in APP_HX or not APP_HX[name].fullmatch(value or "")
        if not (tag == "form" and name == "hx-post" and value is None)  # posts to its action
    ]


def table_names(db):
    return {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}


def row_counts(db):
    return {
        table: db.execute(f"select count(*) from [{table}]").fetchone()[0]
        for table in sorted(TABLES)
    }


# --- stored XSS ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("case", CASES)
def test_stored_user_text_renders_as_text(world, case, kind):
    body = world.page(case, kind)
    _, fields = PAGES[kind]
    values = world.cases[case].values
    for name, value in values.items():
        assert value not in body, f"{kind}: the raw {name} payload {value!r} reached the HTML"
    for name in fields - {"claim"}:
        assert str(escape(values[name])) in body, f"{kind}: the escaped {name} is missing"
    if "claim" in fields:
        for text in world.claim_texts(case, kind):
            assert str(escape(text)) in body, f"{kind}: the claim {text!r} is missing"


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("case", HTMX_GADGETS)
def test_htmx_gadgets_in_user_text_stay_inert(world, case, kind):
    assert foreign_htmx(world.page(case, kind)) == [], (
        f"{kind}: live htmx attributes from user text"
    )


@pytest.mark.parametrize("kind", PAGES)
def test_template_syntax_in_user_text_is_not_evaluated(world, kind):
    body = world.page("template", kind)
    assert not [r for r in TEMPLATE_RESULTS if r in body], (
        f"{kind} evaluated user text as a template"
    )
    assert "{{ 1234*5678 }}" in body


@pytest.mark.parametrize("payload", XSS.values(), ids=XSS.keys())
def test_username_payloads_are_refused_and_echoed_as_text(world, payload):
    response = world.admin.post(
        "/users", data={"username": payload, "password": "long enough pw", "role": "viewer"}
    )
    assert response.status_code == 422
    assert (
        world.db.execute("select count(*) from users where username = ?", [payload]).fetchone()[0]
        == 0
    )
    assert_rendered_as_text(response.get_data(as_text=True), payload, "users form")


@pytest.mark.parametrize("payload", XSS.values(), ids=XSS.keys())
def test_login_form_echoes_the_username_as_text(world, payload):
    response = world.app.test_client().post(
        "/login", data={"username": payload, "password": "wrong password"}
    )
    assert response.status_code == 401
    assert_rendered_as_text(response.get_data(as_text=True), payload, "login form")


@pytest.mark.parametrize("payload", XSS.values(), ids=XSS.keys())
@pytest.mark.parametrize("name", ["text", "title", "publisher", "url"])
def test_refused_import_echoes_the_form_as_text(world, name, payload):
    # An empty text (or a non-http URL) is refused, and the form comes back filled in.
    data = {"text": "", "title": "", "publisher": "", "url": ""}
    data[name] = ("Some text. " + payload) if name == "text" else payload
    if name == "text":
        data["url"] = "ftp://refused.example/"
    before = row_counts(world.db)
    response = world.admin.post("/articles", data=data)
    assert response.status_code == 422
    assert_rendered_as_text(response.get_data(as_text=True), data[name], f"import form {name}")
    assert row_counts(world.db) == before


@pytest.mark.parametrize("payload", XSS.values(), ids=XSS.keys())
@pytest.mark.parametrize(
    "where", ["?status=", "?flag=", "?sort=", "status form", "htmx status form"]
)
def test_reflected_values_render_as_text(world, where, payload):
    case = world.cases["script"]
    if where.startswith("?"):
        response = world.reviewer.get(
            f"/articles/{case.article_id}", query_string={where[1:-1]: payload}
        )
    else:
        response = world.reviewer.post(
            f"/claims/{case.claim_id}/status",
            data={"status": payload},
            headers=HX if where.startswith("htmx") else {},
        )
    # A bad filter in the URL is a malformed request; a bad status in a form, a refusal.
    assert response.status_code == (400 if where.startswith("?") else 422)
    assert_rendered_as_text(response.get_data(as_text=True), payload, where)


# --- imported HTML ---------------------------------------------------------------------

HOSTILE_HTML = {
    "script": "<p>Kept sentence one.</p><script>alert(1)</script><p>Kept sentence two.</p>",
    "script-src": "<P>Kept sentence one.</P><SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "iframe": '<p>Kept sentence one.</p><iframe src="https://evil.example/">alert(1)</iframe>',
    "svg-onload": '<p>Kept sentence one.</p><svg onload="alert(1)"><script>alert(1)</script></svg>',
    "inline-handlers": '<p onclick="alert(1)">Kept sentence one.</p><img src=x onerror="alert(1)">'
    '<body onload="alert(1)">',
    "javascript-link": '<p>Kept sentence one. <a href="javascript:alert(1)">Kept link.</a></p>',
    "object-embed": '<p>Kept sentence one.</p><object data="evil.swf">alert(1)</object>'
    '<embed src="https://evil.example/x.swf">',
    "style": '<p>Kept sentence one.</p><style>p{background:url("javascript:alert(1)")}</style>',
    "math": "<p>Kept sentence one.</p>"
    '<math><mi xlink:href="javascript:alert(1)">alert(1)</mi></math>',
    "noscript-mxss": '<p>Kept sentence one.</p><noscript><p title="</noscript>'
    '<img src=x onerror=alert(1)>"></noscript>',
    "unclosed-script": "<p>Kept sentence one.</p><script>alert(1)",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'
    "<p>Kept sentence one.</p>",
    "htmx-attributes": '<p hx-get="/logout" hx-trigger="load">Kept sentence one.</p>',
}
HOSTILE_MARKERS = (
    "<",
    ">",
    "alert(",
    "javascript:",
    "evil.example",
    "onload",
    "onerror",
    "onclick",
    "hx-",
)


@pytest.mark.parametrize("name, markup", HOSTILE_HTML.items(), ids=HOSTILE_HTML.keys())
def test_imported_html_keeps_only_text(world, name, markup):
    markup += f"<p>Case {list(HOSTILE_HTML).index(name)} ends here.</p>"  # no dedup
    response = world.admin.post(
        "/articles",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(markup.encode("utf-8")), "story.html")},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    article_id = id_from_location(response)
    body = world.db.table("articles").get(article_id)["body"]
    assert "Kept sentence one." in body
    assert [m for m in HOSTILE_MARKERS if m in body] == [], f"markup left in the text: {body!r}"
    claims = " ".join(
        row[0]
        for row in world.db.execute("select text from claims where article_id = ?", [article_id])
    )
    assert [m for m in HOSTILE_MARKERS if m in claims] == []
    for path in (f"/articles/{article_id}", f"/articles/{article_id}/text"):
        page = world.admin.get(path).get_data(as_text=True)
        assert [m for m in ("alert(", "evil.example", "javascript:") if m in page] == [], path
        assert foreign_htmx(page) == [], path


def test_markup_written_as_entities_in_html_is_text_on_the_page(world):
    markup = "<p>The post said &lt;script&gt;alert(1)&lt;/script&gt; loudly.</p>"
    response = world.admin.post(
        "/articles",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(markup.encode("utf-8")), "story.html")},
    )
    article_id = id_from_location(response)
    assert "<script>alert(1)</script>" in world.db.table("articles").get(article_id)["body"]
    for path in (f"/articles/{article_id}", f"/articles/{article_id}/text"):
        assert_rendered_as_text(
            world.admin.get(path).get_data(as_text=True), "<script>alert(1)</script>", path
        )


# --- SQL -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize("name", ["title", "publisher", "text"])
def test_sql_metacharacters_in_imports_are_stored_verbatim(world, name, payload):
    case_text = f"A sentence for the {name} field, case {SQL_PAYLOADS.index(payload)}."
    data = {"text": (payload + " " + case_text) if name == "text" else case_text}
    if name != "text":
        data[name] = payload
    response = world.admin.post("/articles", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    article = world.db.table("articles").get(id_from_location(response))
    assert article["body" if name == "text" else name] == data[name]
    assert TABLES <= table_names(world.db)
    assert world.admin.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize("name", ["note", "evidence title", "evidence excerpt"])
def test_sql_metacharacters_in_reviews_are_stored_verbatim(world, name, payload):
    claim_id = world.cases["script"].claim_id
    claims_before = world.db.table("claims").count
    if name == "note":
        response = world.reviewer.post(f"/claims/{claim_id}/notes", data={"body": payload})
        stored = world.db.execute("select body from notes order by id desc").fetchone()[0]
    else:
        column = name.split()[1]
        response = world.reviewer.post(
            f"/claims/{claim_id}/evidence",
            data={"url": "https://example.org/", "stance": "supports", column: payload},
        )
        stored = world.db.execute(f"select {column} from evidence order by id desc").fetchone()[0]
    assert response.status_code == 303
    assert stored == payload
    assert TABLES <= table_names(world.db) and world.db.table("claims").count == claims_before


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
@pytest.mark.parametrize(
    "param, status",
    [
        ("status", 400),
        ("flag", 400),
        ("sort", 400),
        ("page", 404),
        ("before", 404),
    ],
)
def test_sql_metacharacters_in_query_parameters_are_refused(world, param, status, payload):
    article_id = world.cases["script"].article_id
    path = f"/articles/{article_id}" + ("/activity" if param == "before" else "")
    before = row_counts(world.db)
    response = world.reviewer.get(path, query_string={param: payload})
    assert response.status_code == status
    assert TABLES <= table_names(world.db) and row_counts(world.db) == before


@pytest.mark.parametrize("payload", SQL_PAYLOADS + ["ada' --", "ada'/*", "%", "_da", "ADA "])
def test_sql_metacharacters_in_the_login_name_never_log_in(world, payload):
    client = world.app.test_client()
    response = client.post("/login", data={"username": payload, "password": "anything at all"})
    assert response.status_code == 401
    assert client.get_cookie("workbench_session") is None
    assert TABLES <= table_names(world.db)


# --- logs ------------------------------------------------------------------------------

FORGING_NAMES = [
    "mallory\r\nINFO workbench.web.auth: login: ada",
    "mallory\nlogin: ada",
    "mallory\rlogin: ada",
    "mallory\u2028login: ada",
    "mallory\x85login: ada",
    "mallory\x1b[2Klogin: ada",
]
LINE_BREAKS = ("\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b")


def assert_one_line_records(records):
    auth = [r for r in records if r.name == "workbench.web.auth"]
    assert auth, "the auth module logged nothing for a failed login"
    for record in auth:
        message = record.getMessage()
        assert [c for c in LINE_BREAKS if c in message] == [], f"raw line break in {message!r}"


@pytest.mark.parametrize("username", FORGING_NAMES)
def test_failed_login_with_crlf_cannot_forge_log_lines(world, caplog, username):
    caplog.set_level(logging.INFO, logger="workbench.web.auth")
    world.app.test_client().post("/login", data={"username": username, "password": "wrong pw"})
    assert_one_line_records(caplog.records)


def test_throttled_login_with_crlf_cannot_forge_log_lines(world, caplog):
    caplog.set_level(logging.INFO, logger="workbench.web.auth")
    client, username = world.app.test_client(), "throttled\r\nINFO workbench.web.auth: login: ada"
    for _ in range(accounts.MAX_FAILED_LOGINS_PER_HOUR + 1):
        response = client.post("/login", data={"username": username, "password": "nope"})
    assert response.status_code == 429
    assert any("throttled" in r.getMessage() for r in caplog.records)
    assert_one_line_records(caplog.records)


# --- import by URL: fetched in a job, never by a request --------------------------------


@pytest.fixture
def network_attempts(monkeypatch):
    """Every outbound connection or DNS lookup the app tries; none is allowed to happen."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:5000/users",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "https://example.org/article",
    ],
)
def test_import_never_fetches_the_article_url(world, network_attempts, url):
    before = row_counts(world.db)
    response = world.admin.post("/articles", data={"url": url})
    assert response.status_code == 422
    assert "empty" in response.get_data(as_text=True)
    assert network_attempts == []
    assert row_counts(world.db) == before


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://169.254.169.254/latest/"])
@pytest.mark.parametrize("path, field", [("/imports/url", "url"), ("/articles", "text")])
def test_a_pasted_link_is_fetched_by_the_job_worker_never_in_the_request(
    world, network_attempts, url, path, field
):
    """The request only queues the fetch, so no address is even looked up while a server
    thread waits; the fetcher's own checks run in the job (tests/test_import_views.py)."""
    response = world.admin.post(path, data={field: url})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/jobs/")
    assert network_attempts == []


def test_only_the_import_routes_take_a_link_to_fetch(world):
    fetchers = [
        rule.rule
        for rule in world.app.url_map.iter_rules()
        if re.search(r"fetch|proxy|remote|url|from_web", rule.rule + rule.endpoint, re.I)
    ]
    assert fetchers == ["/imports/url"]
