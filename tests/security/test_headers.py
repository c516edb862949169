"""Security headers on every kind of response, the pinned htmx script, htmx's own config,
and templates that need neither inline script nor |safe.

SECURITY.md, "Headers" (OWASP ASVS 5.0: 3.4.3, 3.6.1; htmx's security notes).
"""

import html.parser
import pathlib
import re

import pytest

from support import FAST_HASH, htmx_config, sign_in
from workbench import create_app
from workbench.web import app as app_factory

HX = {"HX-Request": "true"}

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"
HTMX_ORIGIN = "https://cdn.jsdelivr.net"  # the CDN's whole origin: never allowed as such
# The CDN files a page may load, by exact URL: htmx and its server-sent events extension.
CDN_SCRIPTS = {app_factory.HTMX_CDN_URL, app_factory.HTMX_SSE_CDN_URL}


@pytest.fixture(scope="module")
def responses(tmp_path_factory):
    """One response of every kind the app sends, made once for the whole module."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("WORKBENCH_HTMX_URL", raising=False)  # the CDN copy, as deployed
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "PASSWORD_HASH_METHOD": FAST_HASH,
                "DATABASE": str(tmp_path_factory.mktemp("headers") / "workbench.db"),
            }
        )
    admin, anonymous = sign_in(app, "ada", "admin"), app.test_client()
    location = admin.post("/articles", data={"text": "One claim here. Another one there."}).headers[
        "Location"
    ]
    claim = re.search(r'id="claim-(\d+)"', admin.get(location).get_data(as_text=True))[1]
    made = {
        "page": admin.get("/"),
        "article page": admin.get(location),
        "htmx partial": admin.get(location, headers=HX),
        "htmx write": admin.post(f"/claims/{claim}/status", data={"status": "sourced"}, headers=HX),
        "redirect after write": admin.post(f"/claims/{claim}/notes", data={"body": "A note."}),
        "csv": admin.get("/export.csv"),
        "json": admin.get("/export.json"),
        "404 page": admin.get("/articles/999999"),
        "htmx 404": admin.get("/articles/999999", headers=HX),
        "403 cross-site": admin.post(
            f"/claims/{claim}/notes", data={"body": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
        ),
        "405": admin.get(f"/claims/{claim}/status"),
        "login page": anonymous.get("/login"),
        "login redirect": anonymous.get("/"),
        "static css": anonymous.get("/static/app.css"),
        "static js": anonymous.get("/static/app.js"),
        "static htmx config": anonymous.get("/static/htmx-config.js"),
    }
    for response in made.values():
        response.get_data()  # read streamed bodies (the exports) to the end
    return made


HTML_KINDS = [
    "page",
    "article page",
    "htmx partial",
    "htmx write",
    "404 page",
    "htmx 404",
    "403 cross-site",
    "login page",
]
ALL_KINDS = HTML_KINDS + [
    "redirect after write",
    "csv",
    "json",
    "405",
    "login redirect",
    "static css",
    "static js",
    "static htmx config",
]


def csp(response):
    policy = response.headers.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy header"
    return {
        name.lower(): values
        for name, *values in (
            directive.split() for directive in policy.split(";") if directive.strip()
        )
    }


# --- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_csp_allows_no_inline_script_or_eval(responses, kind):
    sources = [value for values in csp(responses[kind]).values() for value in values]
    unsafe = [
        s
        for s in sources
        if s.lower() in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'")
    ]
    assert unsafe == []


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_csp_scripts_come_only_from_this_site_and_the_two_pinned_cdn_files(responses, kind):
    policy = csp(responses[kind])
    assert "'self'" in policy["script-src"]
    # Exact files, never the CDN's whole origin (SECURITY.md: "names the one htmx file").
    assert set(policy["script-src"]) == {"'self'"} | CDN_SCRIPTS, policy["script-src"]
    assert HTMX_ORIGIN not in policy["script-src"]
    assert policy.get("default-src") == ["'self'"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_csp_forbids_framing_and_plugins(responses, kind):
    policy = csp(responses[kind])
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_nosniff(responses, kind):
    assert responses[kind].headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_referrer_policy(responses, kind):
    assert responses[kind].headers.get("Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )


def test_the_kinds_of_response_are_what_they_claim(responses):
    # Guards the table above: each response really is the kind its name says.
    statuses = {kind: response.status_code for kind, response in responses.items()}
    assert statuses == {
        "page": 200,
        "article page": 200,
        "htmx partial": 200,
        "htmx write": 200,
        "redirect after write": 303,
        "csv": 200,
        "json": 200,
        "404 page": 404,
        "htmx 404": 404,
        "403 cross-site": 403,
        "405": 405,
        "login page": 200,
        "login redirect": 302,
        "static css": 200,
        "static js": 200,
        "static htmx config": 200,
    }


def test_an_unexpected_error_page_has_the_headers_too(app, viewer_client, monkeypatch):
    from workbench.review import articles

    monkeypatch.setattr(articles, "list_articles", lambda *a, **k: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = viewer_client.get("/")
    assert response.status_code == 500
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- the htmx script and its config ----------------------------------------------------


class Tags(html.parser.HTMLParser):
    """Attributes of every <script> and <meta>, and the text inside each <script>."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.scripts, self.metas, self._in_script = [], [], False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append({**dict(attrs), "text": ""})
            self._in_script = True
        elif tag == "meta":
            self.metas.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["text"] += data


def htmx_script(responses):
    scripts = [
        s
        for s in Tags(responses["page"].get_data(as_text=True)).scripts
        if "/htmx.org@" in s.get("src", "")
    ]
    assert len(scripts) == 1, scripts
    return scripts[0]


def sse_script(responses):
    scripts = [
        s
        for s in Tags(responses["page"].get_data(as_text=True)).scripts
        if "/htmx-ext-sse@" in s.get("src", "")
    ]
    assert len(scripts) == 1, scripts
    return scripts[0]


def test_the_sse_extension_is_pinned_with_subresource_integrity(responses):
    script = sse_script(responses)
    assert re.fullmatch(
        r"https://cdn\.jsdelivr\.net/npm/htmx-ext-sse@\d+\.\d+\.\d+/dist/sse\.min\.js",
        script["src"],
    ), script["src"]
    assert script["src"] == app_factory.HTMX_SSE_CDN_URL
    assert script.get("integrity") == app_factory.HTMX_SSE_INTEGRITY
    assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", script["integrity"])
    assert script.get("crossorigin") == "anonymous"


def test_htmx_is_pinned_to_an_exact_version(responses):
    src = htmx_script(responses)["src"]
    assert re.fullmatch(
        r"https://cdn\.jsdelivr\.net/npm/htmx\.org@2\.0\.\d+/dist/htmx\.min\.js", src
    ), src
    assert f"htmx.org@{app_factory.HTMX_VERSION}/" in src


def test_htmx_script_carries_subresource_integrity(responses):
    script = htmx_script(responses)
    assert script.get("integrity") == app_factory.HTMX_INTEGRITY
    assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", script["integrity"])
    assert script.get("crossorigin") == "anonymous"


def test_every_script_is_a_file_from_this_site_or_the_pinned_htmx(responses):
    for script in Tags(responses["page"].get_data(as_text=True)).scripts:
        assert script["text"].strip() == "", "inline script"
        src = script.get("src", "")
        assert src.startswith("/static/") or src in CDN_SCRIPTS, src


def test_htmx_config_is_locked_down(responses):
    # The settings are a static script run after htmx (in document order) and before htmx
    # reads the page (it starts on DOMContentLoaded, after every deferred script).
    sources = [s.get("src", "") for s in Tags(responses["page"].get_data(as_text=True)).scripts]
    assert sources.index("/static/htmx-config.js") > sources.index(app_factory.HTMX_CDN_URL)
    assert all("defer" in s for s in Tags(responses["page"].get_data(as_text=True)).scripts)
    config = htmx_config(responses["static htmx config"].get_data(as_text=True))
    assert {
        key: config.get(key)
        for key in ("selfRequestsOnly", "allowScriptTags", "allowEval", "includeIndicatorStyles")
    } == {
        "selfRequestsOnly": True,
        "allowScriptTags": False,
        "allowEval": False,
        "includeIndicatorStyles": False,
    }


# --- templates -------------------------------------------------------------------------


def template_sources():
    """(name, source without Jinja comments) of every template file."""
    return [
        (
            str(path.relative_to(TEMPLATES)),
            re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S),
        )
        for path in sorted(TEMPLATES.rglob("*.html"))
    ]


FORBIDDEN_IN_TEMPLATES = {
    "hx-on": re.compile(r"\b(data-)?hx-on\b", re.I),
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I),
    "<style>": re.compile(r"<style\b", re.I),
    "style=": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("what", FORBIDDEN_IN_TEMPLATES)
def test_no_template_needs_inline_script_or_style(what):
    pattern = FORBIDDEN_IN_TEMPLATES[what]
    found = [name for name, source in template_sources() if pattern.search(source)]
    assert found == [], f"{what} in {found}: the CSP blocks it (or htmx would run it)"


def test_no_template_marks_anything_safe():
    found = [
        name
        for name, source in template_sources()
        if re.search(r"\|\s*safe\b|autoescape\s+false|\bMarkup\s*\(", source)
    ]
    assert found == [], f"|safe or autoescape false in {found}"


def test_templates_exist_to_scan():
    assert len(template_sources()) >= 10


@pytest.mark.parametrize("kind", HTML_KINDS)
def test_rendered_html_has_no_inline_script_or_style(responses, kind):
    body = responses[kind].get_data(as_text=True)
    found = [what for what, pattern in FORBIDDEN_IN_TEMPLATES.items() if pattern.search(body)]
    assert found == []
