"""Bad input gets a clear 4xx and nothing is stored; valid text comes back byte-identical.

SECURITY.md, "Bad input" (OWASP ASVS 5.0: 1.2.2, 2.2.1, 5.2.1, 15.3.3, 16.5.1).

The tests share one database (`world`, built once per module). A test that is refused
compares every table before and after; a test that writes takes a claim no other test
has touched (`world.fresh_claim()`) and looks only at its own rows.
"""

import csv
import io
import itertools
import re
from dataclasses import dataclass, field

import pytest

from support import FAST_HASH, id_from_location, sign_in
from workbench import create_app
from workbench.review.notes import MAX_NOTE_CHARS
from workbench.storage import db as workbench_db

HX = {"HX-Request": "true"}

TABLES = ("articles", "claims", "notes", "evidence", "history", "users")
SPARE_CLAIMS = 60


@dataclass
class World:
    app: object
    db: object
    admin: object
    reviewer: object
    viewer: object
    article_id: int
    claim_id: int  # never changed by any test
    _spare: object = field(default=None)

    def fresh_claim(self):
        """A claim no other test has used."""
        return next(self._spare)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "DATABASE": str(tmp_path_factory.mktemp("bad-input") / "workbench.db"),
        }
    )
    admin, reviewer, viewer = (
        sign_in(app, name, role)
        for name, role in (("ada", "admin"), ("ana", "reviewer"), ("vic", "viewer"))
    )
    text = " ".join(f"Sentence number {i} is here." for i in range(1, SPARE_CLAIMS + 2))
    article_id = id_from_location(admin.post("/articles", data={"text": text, "title": "Spare"}))
    database = workbench_db.connect(app.config["DATABASE"])
    claims = [
        row[0]
        for row in database.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]
    # One note and one evidence record, so an unknown id is not just an empty table.
    reviewer.post(f"/claims/{claims[0]}/notes", data={"body": "Checked."})
    reviewer.post(
        f"/claims/{claims[0]}/evidence", data={"url": "https://example.org/", "stance": "supports"}
    )
    yield World(app, database, admin, reviewer, viewer, article_id, claims[0], iter(claims[1:]))
    database.close()


def snapshot(db):
    """Every row of every table a request could write, to compare before and after."""
    return {
        table: db.execute(f"select * from [{table}] order by rowid").fetchall() for table in TABLES
    }


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


# --- size limit ------------------------------------------------------------------------


def test_a_size_limit_is_configured_by_default(world):
    assert world.app.config["MAX_CONTENT_LENGTH"], "MAX_CONTENT_LENGTH must be set (ASVS 5.2.1)"


@pytest.mark.parametrize(
    "path, data",
    [
        ("/articles", {"text": "A long sentence. " * 1000}),
        ("/articles", {"file": (io.BytesIO(b"A long sentence. " * 1000), "big.txt")}),
        ("/claims/{claim}/notes", {"body": "x" * 20_000}),
        (
            "/claims/{claim}/evidence",
            {"url": "https://example.org/", "stance": "supports", "excerpt": "x" * 20_000},
        ),
    ],
    ids=["paste", "upload", "note", "evidence"],
)
def test_request_over_the_size_limit_is_413_and_nothing_stored(world, monkeypatch, path, data):
    monkeypatch.setitem(world.app.config, "MAX_CONTENT_LENGTH", 4096)
    before = snapshot(world.db)
    response = world.admin.post(
        path.format(claim=world.claim_id), data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert snapshot(world.db) == before


# --- statuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"status": "SOURCED"},
        {"status": "Sourced"},
        {"status": " sourced"},
        {"status": "sourced "},
        {"status": "verified"},
        {"status": ""},
        {"status": "sourced\x00"},
        {},
        {"status": ["sourced", "sourced"]},
        {"status": ["sourced", "disputed"]},
    ],
    ids=[
        "upper",
        "title-case",
        "leading-space",
        "trailing-space",
        "other-word",
        "empty",
        "nul",
        "missing",
        "twice-same",
        "twice-different",
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_bad_status_is_refused_with_a_message_and_the_claim_unchanged(world, data, headers):
    before = snapshot(world.db)
    response = world.reviewer.post(f"/claims/{world.claim_id}/status", data=data, headers=headers)
    body = response.get_data(as_text=True)
    if isinstance(data.get("status"), list):  # the field twice: a malformed request
        assert response.status_code == 400
        assert "more than once" in body, body
    else:  # a well-formed request for a status that does not exist
        assert response.status_code == 422
        assert "not a status" in body, body
    assert snapshot(world.db) == before, "a refused status must not touch the claim or its history"


@pytest.mark.parametrize(
    "version",
    ["abc", "-1", "0", "1.5", "", ["1", "1"], "9" * 40],
    ids=["abc", "negative", "zero", "decimal", "empty", "twice", "huge"],
)
def test_malformed_version_is_refused_and_the_claim_unchanged(world, version):
    before = snapshot(world.db)
    response = world.reviewer.post(
        f"/claims/{world.claim_id}/status", data={"status": "sourced", "version": version}
    )
    assert response.status_code == 400
    assert snapshot(world.db) == before


@pytest.mark.parametrize("status", ["SOURCED", "sourced ", "all", "unverified,sourced"])
def test_unknown_status_filter_is_400(world, status):
    response = world.viewer.get(f"/articles/{world.article_id}", query_string={"status": status})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a status" in page and "Traceback" not in page


# --- ids -------------------------------------------------------------------------------

BAD_IDS = [
    "abc",
    "-1",
    "0",
    "999999",
    "1.5",
    "1e3",
    "0x1",
    " 1",
    "%20",
    "1%00",
    "١",
    "9" * 18,
    "9" * 19,
    "9" * 400,
]
# Well-formed values for every write, so the id is the only thing wrong with a request.
WRITE_DATA = {
    "status": "sourced",
    "body": "A note.",
    "url": "https://example.org/",
    "stance": "supports",
    "hidden": "1",
    "at": "4",
    "start": "0",
    "end": "3",
    "passage": "Sentence number",
    "kind": "named",
}
CONVERTER = re.compile(r"<(?:[^<>]*:)?([a-z_]+)>")


def routes_with_an_id(app):
    """(method, path template) for every URL rule that takes an id, from the app's URL map."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if any(name.endswith("_id") for name in rule.arguments):
            path = CONVERTER.sub(lambda m: "{id}" if m[1].endswith("_id") else "csv", rule.rule)
            for method in sorted(rule.methods & {"GET", "POST"}):
                yield method, path


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_unknown_or_malformed_ids_are_404_on_every_route(world, bad_id):
    before = snapshot(world.db)
    routes = list(routes_with_an_id(world.app))
    assert len(routes) >= 11
    wrong = {}
    for method, route in routes:
        response = world.admin.open(
            route.format(id=bad_id), method=method, data=WRITE_DATA if method == "POST" else None
        )
        if response.status_code != 404 or "Traceback" in response.get_data(as_text=True):
            wrong[f"{method} {route}"] = response.status_code
    assert wrong == {}, f"id {bad_id!r} did not give a clean 404 on: {wrong}"
    assert snapshot(world.db) == before


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=1.5",
        "page=",
        "page=" + "9" * 18,
        "page=" + "9" * 17,
        "page=" + "9" * 40,
    ],
    ids=["abc", "negative", "zero", "decimal", "empty", "18-digits", "17-digits", "40-digits"],
)
def test_malformed_or_huge_page_numbers_never_500(world, query):
    response = world.viewer.get(f"/articles/{world.article_id}?{query}")
    assert response.status_code == 404, (
        f"?{query} gave {response.status_code}: a page number that is not one, or past "
        "any real page, must be a 404, not an SQLite integer overflow"
    )
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("before", ["abc", "-1", "0", "9" * 19, "9" * 18])
def test_malformed_activity_cursor_never_500(world, before):
    response = world.viewer.get(f"/articles/{world.article_id}/activity?before={before}")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


# --- mass assignment -------------------------------------------------------------------

FORGED = {
    "version": "99",
    "created_at": "1999-01-01T00:00:00Z",
    "updated_at": "1999-01-01T00:00:00Z",
    "added_at": "1999-01-01T00:00:00Z",
    "imported_at": "1999-01-01T00:00:00Z",
    "reviewer": "mallory",
    "updated_by": "mallory",
    "added_by": "mallory",
    "author": "mallory",
    "imported_by": "mallory",
    "deleted_at": "1999-01-01T00:00:00Z",
    "deleted_by": "mallory",
    "role": "admin",
    "id": "4242",
    "claim_id": "4242",
    "article_id": "4242",
    "user_id": "1",
    "position": "77",
    "start": "5",
    "end": "6",
    "is_claim": "0",
    "content_hash": "forged",
    "password_hash": "plain",
    "source_format": "forged",
}


def roles(db):
    return dict(db.execute("select username, role from users").fetchall())


def test_extra_fields_are_ignored_on_status(world):
    claim = world.fresh_claim()
    before = world.db.table("claims").get(claim)
    data = {**FORGED, "status": "sourced", "version": str(before["version"])}
    assert world.reviewer.post(f"/claims/{claim}/status", data=data).status_code == 303
    after = world.db.table("claims").get(claim)
    assert after["status"] == "sourced" and after["version"] == before["version"] + 1
    assert after["updated_by"] == "ana" and not after["updated_at"].startswith("1999")
    unchanged = ("id", "article_id", "position", "start", "end", "text", "is_claim")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert roles(world.db)["ana"] == "reviewer"


def test_extra_fields_are_ignored_on_notes(world):
    claim = world.fresh_claim()
    assert (
        world.reviewer.post(
            f"/claims/{claim}/notes", data={**FORGED, "body": "Real note."}
        ).status_code
        == 303
    )
    note = next(world.db.table("notes").rows_where("claim_id = ?", [claim]))
    assert (note["body"], note["author"], note["deleted_at"], note["deleted_by"]) == (
        "Real note.",
        "ana",
        None,
        None,
    )
    assert note["id"] != 4242 and not note["created_at"].startswith("1999")
    assert roles(world.db)["ana"] == "reviewer"


def test_extra_fields_are_ignored_on_evidence(world):
    claim = world.fresh_claim()
    data = {**FORGED, "url": "https://example.org/x", "stance": "supports"}
    assert world.reviewer.post(f"/claims/{claim}/evidence", data=data).status_code == 303
    record = next(world.db.table("evidence").rows_where("claim_id = ?", [claim]))
    assert (record["added_by"], record["deleted_at"]) == ("ana", None)
    assert record["id"] != 4242 and not record["added_at"].startswith("1999")


def test_extra_fields_are_ignored_on_import(world):
    text = "Forged fields are ignored. Only the form's own fields count."
    article = world.db.table("articles").get(
        id_from_location(world.admin.post("/articles", data={**FORGED, "text": text}))
    )
    assert (article["imported_by"], article["source_format"], article["deleted_at"]) == (
        "ada",
        "paste",
        None,
    )
    assert article["id"] != 4242 and article["content_hash"] != "forged"
    assert not article["imported_at"].startswith("1999")
    claims = list(world.db.table("claims").rows_where("article_id = ?", [article["id"]]))
    assert {(c["status"], c["version"], c["updated_by"], c["is_claim"]) for c in claims} == {
        ("unverified", 1, None, 1)
    }


def test_extra_fields_are_ignored_on_users(world):
    data = {**FORGED, "username": "newbie", "password": "long enough pw", "role": "viewer"}
    assert world.admin.post("/users", data=data).status_code == 303
    user = next(world.db.table("users").rows_where("username = 'newbie'"))
    assert user["role"] == "viewer" and user["id"] != 4242
    assert not user["created_at"].startswith("1999")
    assert user["password_hash"].startswith(FAST_HASH + "$")


# --- unusable text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "empty"),
        ({"text": " \r\n\t\u00a0 "}, "empty"),
        ({"text": "Looks fine.\x00 Then a NUL."}, "NUL"),
        ({"file": (io.BytesIO(b""), "empty.txt")}, "empty"),
        (
            {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "photo.png")},
            "not a supported file type",
        ),
        ({"file": (io.BytesIO(b"\x7fELF\x02\x01\x01\x00\x00\x00"), "notes.txt")}, "binary"),
        ({"file": (io.BytesIO(b"Cut off \xe2\x82"), "a.txt")}, "UTF-8"),
        ({"file": (io.BytesIO(b"Overlong \xc0\xaf slash."), "a.txt")}, "UTF-8"),
        ({"file": (io.BytesIO(b"Surrogate \xed\xa0\x80 here."), "a.txt")}, "UTF-8"),
        # UTF-16 without a byte-order mark: every other byte of Latin text is NUL.
        ({"file": (io.BytesIO("Wide text.".encode("utf-16-le")), "a.txt")}, "binary"),
    ],
    ids=[
        "empty",
        "whitespace",
        "nul-in-paste",
        "empty-file",
        "image",
        "elf-as-txt",
        "truncated-utf8",
        "overlong-utf8",
        "surrogate",
        "utf-16-without-bom",
    ],
)
def test_unusable_article_is_refused_with_a_message(world, data, message):
    before = snapshot(world.db)
    response = world.admin.post("/articles", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(world.db) == before


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Café au lait, à 9 h.", "latin-1"),
        ("“Café” — au lait.", "cp1252"),
        ("Wide text, café.", "utf-16"),
    ],
    ids=["latin-1", "windows-1252", "utf-16-with-bom"],
)
def test_declared_or_recognisable_encodings_are_stored_as_text_without_bom(world, data, encoding):
    response = world.admin.post(
        "/articles",
        data={"file": (io.BytesIO(data.encode(encoding)), "a.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert world.db.table("articles").get(id_from_location(response))["body"] == data


@pytest.mark.parametrize("name", ["title", "publisher"])
def test_nul_in_article_metadata_is_refused_or_stored_verbatim(world, name):
    value = "Before\x00after"
    before = snapshot(world.db)
    response = world.admin.post(
        "/articles", data={"text": f"A sentence for the {name}.", name: value}
    )
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert snapshot(world.db) == before
    else:
        assert world.db.table("articles").get(id_from_location(response))[name] == value
        assert world.admin.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    "path, data",
    [
        ("/claims/{claim}/notes", {"body": "Checked\x00 with the office."}),
        ("/claims/{claim}/evidence", {"url": "https://example.org/\x00", "stance": "supports"}),
        (
            "/claims/{claim}/evidence",
            {"url": "https://example.org/", "stance": "supports", "title": "Ti\x00tle"},
        ),
        (
            "/claims/{claim}/evidence",
            {"url": "https://example.org/", "stance": "supports", "excerpt": "\x00"},
        ),
    ],
    ids=["note", "evidence-url", "evidence-title", "evidence-excerpt"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_nul_in_notes_and_evidence_is_refused(world, path, data, headers):
    before = snapshot(world.db)
    response = world.reviewer.post(path.format(claim=world.claim_id), data=data, headers=headers)
    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)
    assert snapshot(world.db) == before


def test_a_one_megabyte_note_is_refused_and_nothing_stored(world):
    before = snapshot(world.db)
    response = world.reviewer.post(
        f"/claims/{world.claim_id}/notes", data={"body": "x" * 1_000_000}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "limit" in body or "Too Large" in body
    assert snapshot(world.db) == before


def test_a_note_at_the_limit_is_stored_whole(world):
    claim, body = world.fresh_claim(), "y" * MAX_NOTE_CHARS
    assert world.reviewer.post(f"/claims/{claim}/notes", data={"body": body}).status_code == 303
    assert next(world.db.table("notes").rows_where("claim_id = ?", [claim]))["body"] == body


# --- valid text round trip -------------------------------------------------------------

UNICODE_ARTICLE = (
    "Le café coûte 3 € à Zürich. 🧪 Tests pass 👩\u200d👩\u200d👧 with family emoji.\r\n"
    "قال الوزير إن الجسر جاهز.\r\n"
    "נאמר שהגשר מוכן \u200f(RTL mark)\u200f today.\r\n"
    "Combining: Za\u0308hlen e\u0301te\u0301 n\u0303o stay decomposed.\r\n"
)
UNIQUE = itertools.count()


def upload(world, text, **fields):
    text += f"Upload {next(UNIQUE)}.\r\n"  # each test its own article (no dedup)
    data = {"file": (io.BytesIO(text.encode("utf-8")), "world.txt"), **fields}
    return text, id_from_location(
        world.admin.post("/articles", data=data, content_type="multipart/form-data")
    )


def test_uploaded_unicode_text_is_byte_identical_in_the_db(world):
    text, article_id = upload(world, UNICODE_ARTICLE)
    article = world.db.table("articles").get(article_id)
    assert article["body"].encode("utf-8") == text.encode("utf-8")
    for claim in world.db.table("claims").rows_where("article_id = ?", [article_id]):
        assert claim["text"] == article["body"][claim["start"] : claim["end"]]


def test_uploaded_unicode_text_is_byte_identical_in_the_csv(world):
    title = "Zürich 🧪 قال e\u0301"
    _, article_id = upload(world, UNICODE_ARTICLE, title=title)
    rows = csv_rows(world.admin.get(f"/articles/{article_id}/export.csv"))
    stored = [
        row[0]
        for row in world.db.execute(
            "select text from claims where article_id = ? and is_claim = 1 order by position",
            [article_id],
        )
    ]
    assert [row["claim"].encode("utf-8") for row in rows] == [s.encode("utf-8") for s in stored]
    assert {row["article_title"] for row in rows} == {title}
    joined = " ".join(stored)
    for piece in ("👩\u200d👩\u200d👧", "قال الوزير", "\u200f", "Za\u0308hlen", "e\u0301te\u0301"):
        assert piece in joined, f"{piece!r} lost on the way to the CSV"


@pytest.mark.parametrize(
    "body",
    [
        "Emoji 🧪👩\u200d👩\u200d👧 and RTL قال الوزير \u200fמוכן",
        "Combining e\u0301 and Za\u0308hlen, not normalised",
        "Line one\r\nLine two\r\n\r\nLine four",
    ],
    ids=["emoji-rtl", "combining", "crlf"],
)
def test_note_text_is_byte_identical_in_the_db_and_the_csv(world, body):
    claim = world.fresh_claim()
    assert world.reviewer.post(f"/claims/{claim}/notes", data={"body": body}).status_code == 303
    note = next(world.db.table("notes").rows_where("claim_id = ?", [claim]))
    assert note["body"].encode("utf-8") == body.encode("utf-8")
    rows = csv_rows(world.reviewer.get(f"/articles/{world.article_id}/export.csv"))
    cell = next(row["notes"] for row in rows if row["claim_id"] == str(claim))
    assert cell == f"[{note['created_at']}] ana: {body}"


# --- evidence URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://example.org/file.txt",
        "mailto:desk@example.org",
        "/relative/path",
        "relative/path",
        "//evil.example/x",
        "example.org/page",
        "http:/one-slash",
        "https://",
        "http://",
        "",
    ],
)
def test_evidence_url_that_is_not_http_is_refused(world, url):
    before = snapshot(world.db)
    response = world.reviewer.post(
        f"/claims/{world.claim_id}/evidence", data={"url": url, "stance": "supports"}
    )
    assert response.status_code == 422
    assert "http" in response.get_data(as_text=True)
    assert snapshot(world.db) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a",
        "https://example.org/b?q=1&r=2#frag",
        "HTTPS://Example.org/C",
        "https://[2001:db8::1]/v6",
    ],
)
def test_http_and_https_evidence_urls_are_saved(world, url):
    claim = world.fresh_claim()
    response = world.reviewer.post(
        f"/claims/{claim}/evidence", data={"url": url, "stance": "contradicts"}
    )
    assert response.status_code == 303
    record = next(world.db.table("evidence").rows_where("claim_id = ?", [claim]))
    assert (record["url"], record["stance"]) == (url, "contradicts")
