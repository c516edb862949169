"""What an outside attack run found, each finding a test that failed before.

SECURITY.md, "Found by an outside attack run": each section below is one of its lines,
or one of the issue's low findings that line does not name (405 answers keep Allow,
logins in gunicorn's log, gunicorn trusting X-Forwarded-* from 127.0.0.1, reads and
logins on a full disk). A test's name says which behaviour it checks. Tests marked slow
run the real server (or a process on a real full disk); the others use the test client.
"""

import concurrent.futures
import contextlib
import csv
import datetime
import http.client
import io
import json
import os
import pathlib
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse

import pysbd
import pytest
from click.testing import CliRunner

from support import actor, sign_in
from workbench import cli, create_app
from workbench.exports import ExportStats, claimreview, csv_rows, json_document
from workbench.review import articles, claims, corrections, evidence, history, notes, search
from workbench.storage import clock, migrations
from workbench.storage import db as workbench_db
from workbench.team import accounts
from workbench.text import analysis, cleaning, splitter
from workbench.text.splitter import split_claims
from workbench.web import app as app_factory

HX = {"HX-Request": "true"}
TABLES = ("articles", "claims", "notes", "evidence", "history", "users", "sessions")


@pytest.fixture(autouse=True)
def _clock_stands_still(fixed_clock):
    """Tests here compare the database before and after a request that must write nothing:
    with the clock running, a session's last-seen time moved when a minute turned between
    the login and the request, and a refused write looked like a write."""


def snapshot(db):
    """Every row of every table a request could write, to compare before and after."""
    return {
        table: db.execute(f"select * from [{table}] order by rowid").fetchall() for table in TABLES
    }


def decided_claim(db, text, title, **metadata):
    """Import `text` and mark its first claim sourced; (article id, claim id)."""
    result = articles.import_article(db, text, actor=actor("ada"), title=title, **metadata)
    claim_id = db.execute(
        "select id from claims where article_id = ? order by position", [result.article_id]
    ).fetchone()[0]
    claims.set_status(db, claim_id, "sourced", actor("ana"))
    return result.article_id, claim_id


# --- JSON-LD (ClaimReview) is safe inside <script type="application/ld+json"> ----------

SCRIPT_BREAKER = "</script><script>alert(1)</script>"
UNSAFE_IN_SCRIPT = ["<", ">", "&", "\u2028", "\u2029"]


@pytest.fixture
def hostile_review(app, db):
    """A decided claim whose article title, publisher and text try to end the script."""
    decided_claim(
        db,
        f"The mayor said {SCRIPT_BREAKER} & more \u2028 here \u2029 there.",
        SCRIPT_BREAKER,
        publisher="<!-- A & B -->",
    )
    return db


def test_claimreview_download_has_no_raw_script_end_and_reads_back_exactly(
    hostile_review, viewer_client
):
    body = viewer_client.get("/export.claimreview").get_data(as_text=True)
    assert "</script" not in body.lower()
    assert not [char for char in UNSAFE_IN_SCRIPT if char in body]
    [review] = json.loads(body)
    assert review["itemReviewed"]["appearance"]["headline"] == SCRIPT_BREAKER
    assert review["itemReviewed"]["appearance"]["publisher"]["name"] == "<!-- A & B -->"
    assert SCRIPT_BREAKER in review["claimReviewed"]


def test_claimreview_for_the_command_line_and_bundles_is_escaped_too(hostile_review):
    # `workbench export --format claimreview` and bundle=1 write what this yields.
    chunks = "".join(
        claimreview.iter_claim_reviews(
            hostile_review, search.ClaimFilter(), lambda i: f"/claims/{i}", "Desk"
        )
    )
    assert "</script" not in chunks.lower() and "<" not in chunks and "&" not in chunks
    assert json.loads(chunks)[0]["itemReviewed"]["appearance"]["headline"] == SCRIPT_BREAKER


@pytest.mark.parametrize("value", [SCRIPT_BREAKER, "a & b > c < d", "\u2028\u2029", "plain"])
def test_json_for_script_round_trips_and_never_contains_markup(value):
    encoded = claimreview.json_for_script({"headline": value})
    assert not [char for char in UNSAFE_IN_SCRIPT if char in encoded]
    assert json.loads(encoded) == {"headline": value}


# --- Login time does not reveal whether a username exists ------------------------------


@pytest.fixture
def checked_hashes(monkeypatch):
    """Every stored hash a password is checked against, in order."""
    checked = []
    real = accounts.check_password_hash

    def check(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", check)
    return checked


@pytest.mark.parametrize(
    "method", ["scrypt:2048:8:1", accounts.PASSWORD_HASH_METHOD], ids=["configured", "default"]
)
@pytest.mark.slow
def test_an_unknown_user_costs_the_same_hash_as_a_real_one(memory_db, checked_hashes, method):
    accounts.create_user(memory_db, "lou", "correct horse battery", "viewer", method)
    for username in ("lou", "nobody-by-this-name"):
        assert accounts.authenticate(memory_db, username, "wrong password", method) is None
    real, dummy = (stored.split("$")[0] for stored in checked_hashes)
    assert dummy == real == method


def test_the_dummy_hash_is_made_once_on_first_use(memory_db, checked_hashes, monkeypatch):
    method = "scrypt:4096:8:1"  # used by no other test, so nothing has made its dummy yet
    made = []
    real = accounts.generate_password_hash

    def generate(password, method):
        made.append(method)
        return real(password, method=method)

    monkeypatch.setattr(accounts, "generate_password_hash", generate)
    for attempt in range(3):
        assert accounts.authenticate(memory_db, f"ghost{attempt}", "wrong password", method) is None
    assert made == [method]
    assert {stored.split("$")[0] for stored in checked_hashes} == {method}


# --- Failed logins never let a stranger lock an account out ----------------------------

OWNER_PASSWORD = "correct horse battery"
STRANGER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def log_in_from(app, address, username, password=OWNER_PASSWORD):
    """POST /login as the form does, from the client address `address`."""
    return app.test_client().post(
        "/login",
        data={"username": username, "password": password, "next": "/"},
        environ_base=address,
    )


def hammer(app, address, username, times):
    """`times` wrong passwords for `username` from `address`; their status codes."""
    return [log_in_from(app, address, username, "wrong password").status_code for _ in range(times)]


@pytest.fixture
def lou(db):
    accounts.create_user(db, "lou", OWNER_PASSWORD, "reviewer", "scrypt:1024:8:1")
    return "lou"


def test_the_limit_per_account_and_address_is_at_most_100_an_hour():
    assert 0 < accounts.MAX_FAILED_LOGINS_PER_HOUR <= 100
    assert accounts.MAX_FAILED_LOGINS_PER_HOUR <= accounts.MAX_FAILED_LOGINS_PER_ADDRESS_PER_HOUR


def test_a_stranger_hammering_an_account_does_not_lock_out_its_owner(app, lou):
    limit = accounts.MAX_FAILED_LOGINS_PER_HOUR
    assert hammer(app, STRANGER, lou, limit + 5) == [401] * limit + [429] * 5
    assert log_in_from(app, OWNER, lou).status_code == 303


def test_the_hammering_address_is_slowed_with_429_retry_after_and_what_to_do(app, lou):
    hammer(app, STRANGER, lou, accounts.MAX_FAILED_LOGINS_PER_HOUR)
    refused = log_in_from(app, STRANGER, lou)  # even the right password waits
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    page = refused.get_data(as_text=True)
    assert "Try again in" in page and "workbench set-password" in page
    assert "workbench_session" not in refused.headers.get("Set-Cookie", "")


@pytest.mark.slow
def test_one_address_guessing_across_many_accounts_is_slowed(app, db):
    per_address = accounts.MAX_FAILED_LOGINS_PER_ADDRESS_PER_HOUR
    per_account = accounts.MAX_FAILED_LOGINS_PER_HOUR
    names = [f"user{number}" for number in range(per_address // per_account + 1)]
    for name in names:
        accounts.create_user(db, name, OWNER_PASSWORD, "viewer", "scrypt:1024:8:1")
    spread = [status for name in names[:-1] for status in hammer(app, STRANGER, name, per_account)]
    assert spread == [401] * per_address
    assert log_in_from(app, STRANGER, names[-1], "wrong password").status_code == 429
    assert log_in_from(app, OWNER, names[-1]).status_code == 303


def test_forty_parallel_guesses_never_evaluate_more_than_the_limit(app, lou, monkeypatch):
    evaluated = []
    real = accounts.check_password_hash

    def slow_check(password_hash, password):
        evaluated.append(password)
        time.sleep(0.02)  # as slow as a real hash, so the guesses overlap as they did
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda _: hammer(app, STRANGER, lou, 1)[0], range(40)))
    limit = accounts.MAX_FAILED_LOGINS_PER_HOUR
    assert len(evaluated) == limit, f"{len(evaluated)} guesses evaluated, the limit is {limit}"
    assert sorted(answers) == [401] * limit + [429] * (40 - limit)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["workbench set-password", "accounts.set_password"])
def test_a_new_password_clears_the_failures_for_that_account(app, lou, monkeypatch, how):
    hammer(app, STRANGER, lou, accounts.MAX_FAILED_LOGINS_PER_HOUR)
    new_password = "a brand new passphrase"
    if how == "workbench set-password":
        monkeypatch.setenv("WORKBENCH_DB", app.config["DATABASE"])
        done = CliRunner().invoke(
            cli.cli, ["set-password", lou, "--password-stdin"], input=new_password + "\n"
        )
        assert done.exit_code == 0, done.output
    else:
        database = workbench_db.connect(app.config["DATABASE"])
        accounts.set_password(database, lou, new_password, "scrypt:1024:8:1")
        database.close()
    assert log_in_from(app, STRANGER, lou, new_password).status_code == 303


# --- Import time is linear in paragraph length -----------------------------------------

# Sentences that exercise the splitter's rules: abbreviations, decimals, clock times,
# quotations of one and of several sentences, questions and exclamations.
SENTENCES = [
    "The U.S. Senate voted 52-48 on Tuesday.",
    "Mr. Okafor met Dr. Lindqvist at 3 p.m. on Jan. 5.",
    "Revenue rose to $3.5 million, up 4.2% from 2023.",
    '"We will not back down," the mayor said.',
    "“The data are clear,” said Ms. Hale.",
    "“We tried. We failed. We will try again,” she said.",
    "The vote is set for 10 a.m. Saturday, officials said.",
    "Is the bridge safe?",
    "Nobody knows!",
    "Gen. Ortiz, the army chief, said the St. Louis office would close.",
]


def claim_spans(text):
    return [(claim.start, claim.end, claim.text) for claim in split_claims(text)]


def test_a_long_single_line_splits_exactly_as_the_same_text_in_lines():
    one_line = " ".join(SENTENCES * 25)  # about 10,600 characters, no line break
    in_lines = "\n".join(SENTENCES * 25)  # the same offsets, one sentence a line
    assert len(one_line) > 5 * 2_000
    assert claim_spans(one_line) == claim_spans(in_lines)
    assert len(claim_spans(one_line)) == 25 * (len(SENTENCES) + 2)  # the quote is three


def test_a_long_single_line_splits_exactly_as_one_unbroken_segmentation(monkeypatch):
    one_line = " ".join(SENTENCES * 25)
    pieces = claim_spans(one_line)
    monkeypatch.setattr(splitter, "MAX_SEGMENT_CHARS", 10**9)  # pysbd sees the whole line
    assert pieces == claim_spans(one_line)


def test_the_segmenter_sees_each_character_once_in_pieces_of_bounded_size(monkeypatch):
    """pysbd's time grows with the square of its input (1 MB on one line: 457 s), so it
    must only ever see short pieces, and each character once: then the work is linear."""
    seen = []
    processor = pysbd.Segmenter.processor  # what segment() runs, and the splitter too

    def measured(self, text):
        seen.append(len(text))
        return processor(self, text)

    monkeypatch.setattr(pysbd.Segmenter, "processor", measured)
    one_line = " ".join(SENTENCES * 60)  # about 25,000 characters
    split_claims(one_line)
    assert max(seen) <= 2_000, f"pysbd was given {max(seen):,} characters at once"
    assert sum(seen) <= len(one_line)


# --- An article has a documented size limit; nothing over many claims is all in memory --


def numbered_sentences(count):
    return " ".join(f"Gauge {number} rose {number + 10} centimetres." for number in range(count))


def test_the_limits_are_the_documented_defaults():
    assert cleaning.MAX_ARTICLE_CHARS == 2_000_000
    assert articles.MAX_CLAIMS == 20_000
    limits = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    assert "2,000,000 characters" in limits and "20,000 claims" in limits


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_article_over_the_claim_limit_is_refused_in_the_form_with_422(
    admin_client, db, monkeypatch, headers
):
    monkeypatch.setattr(articles, "MAX_CLAIMS", 5)
    before = snapshot(db)
    response = admin_client.post(
        "/articles", data={"text": numbered_sentences(6), "title": "Six"}, headers=headers
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "6 claims" in page and "the limit is 5" in page
    assert snapshot(db) == before
    assert admin_client.post("/articles", data={"text": numbered_sentences(5)}).status_code == 303


def test_more_paragraphs_than_claims_allowed_are_refused_before_splitting(
    admin_client, db, monkeypatch
):
    """990,000 tiny paragraphs took 88 s and 934 MB to become claims; now a count refuses
    them first (each paragraph is at least one claim)."""
    monkeypatch.setattr(articles, "MAX_CLAIMS", 100)

    def never(*args, **kwargs):
        raise AssertionError("the text was split although it has too many paragraphs")

    monkeypatch.setattr(analysis, "claim_rows", never)
    monkeypatch.setattr(splitter, "split_claims", never)
    before = snapshot(db)
    response = admin_client.post("/articles", data={"text": "Go.\n" * 101})
    assert response.status_code == 422
    assert "101 paragraphs" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_a_long_paste_with_too_many_paragraphs_is_refused_before_any_job_starts(
    admin_client, db, monkeypatch
):
    monkeypatch.setattr(articles, "MAX_CLAIMS", 1_000)
    text = "\n".join(f"Gauge {number} rose." for number in range(1_001))  # over 30,000 chars
    before = snapshot(db)
    response = admin_client.post("/articles", data={"text": text * 3})
    assert response.status_code == 422
    assert "paragraphs" in response.get_data(as_text=True)
    assert snapshot(db) == before
    assert db.execute("select count(*) from jobs").fetchone()[0] == 0


def test_an_article_over_the_character_limit_is_refused_in_the_form_with_422(
    admin_client, db, monkeypatch
):
    monkeypatch.setattr(cleaning, "MAX_ARTICLE_CHARS", 100)
    before = snapshot(db)
    response = admin_client.post("/articles", data={"text": numbered_sentences(5)})
    assert response.status_code == 422
    assert "the limit is 100" in response.get_data(as_text=True)
    assert snapshot(db) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "variable, value, text, message",
    [
        ("WORKBENCH_MAX_CLAIMS", "3", numbered_sentences(4), "4 claims; the limit is 3"),
        ("WORKBENCH_MAX_ARTICLE_CHARS", "50", numbered_sentences(4), "the limit is 50"),
    ],
    ids=["claims", "characters"],
)
def test_the_limits_are_set_by_environment_and_refused_clearly_at_the_command_line(
    tmp_path, variable, value, text, message
):
    story = tmp_path / "story.txt"
    story.write_text(text)
    env = {**os.environ, "WORKBENCH_DB": str(tmp_path / "w.db"), variable: value}
    env["WORKBENCH_INSTANCE"] = str(tmp_path / "instance")
    workbench = pathlib.Path(sys.executable).parent / "workbench"
    done = subprocess.run(
        [str(workbench), "import", str(story)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def few_sql_variables(monkeypatch):
    """Every new connection may bind at most 50 variables per statement (SQLite builds
    with the common 32,766 failed at about 33,000 claims; 50 shows it at 120)."""
    configure = workbench_db.configure

    def limited(database):
        configure(database)
        database.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)

    monkeypatch.setattr(workbench_db, "configure", limited)


@pytest.mark.parametrize(
    "path",
    [
        "/articles/{article}/text",
        "/articles/{article}",
        "/articles/{article}?hidden=1",
        "/articles/{article}/export.csv",
        "/articles/{article}/export.json",
        "/articles/{article}/export.claimreview",
        "/api/articles/{article}/claims",
        "/search?q=Gauge",
    ],
)
def test_no_page_export_or_api_call_binds_a_variable_per_claim(
    app, db, viewer_client, few_sql_variables, path
):
    result = articles.import_article(db, numbered_sentences(120), actor=actor("ada"))
    for claim_id in claim_ids_of(db, result.article_id)[:3]:
        notes.add_note(db, claim_id, "Checked with the agency.", actor("ana", "reviewer"))
    response = viewer_client.get(path.format(article=result.article_id))
    response.get_data()
    assert response.status_code == 200


def claim_ids_of(db, article_id):
    return [
        row[0]
        for row in db.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]


def test_the_json_export_streams_claim_by_claim(db):
    result = articles.import_article(db, numbered_sentences(60), actor=actor("ada"))
    ids = claim_ids_of(db, result.article_id)
    notes.add_note(db, ids[7], "Checked.", actor("ana", "reviewer"))
    stats = ExportStats()
    chunks = list(
        json_document.iter_json(db, search.ClaimFilter(article_id=result.article_id), stats)
    )
    assert len(chunks) >= 60, f"{len(chunks)} chunks for 60 claims: not streamed claim by claim"
    assert max(len(chunk) for chunk in chunks) < 2_000 + len(numbered_sentences(60))
    [article] = json.loads("".join(chunks))["articles"]
    assert [claim["id"] for claim in article["claims"]] == ids
    assert [note["body"] for note in article["claims"][7]["notes"]] == ["Checked."]
    assert [entry["action"] for entry in article["claims"][7]["history"]] == ["note"]
    assert stats.rows == 60


# --- Corrections on hidden claims, and records of deleted articles, refused first ------

FIVE_CLAIMS = (
    "The port reopened on Friday. Ships queued for hours. Officials blamed the fog. "
    "Traders said losses were heavy. The mayor promised an inquiry."
)


@pytest.fixture
def deleted_articles_records(db, reviewer_client):
    """A note and an evidence record on a claim whose article an admin then deleted."""
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    ana = actor("ana", "reviewer")
    records = {
        "notes": notes.add_note(db, claim_id, "Checked.", ana)["id"],
        "evidence": evidence.add_evidence(db, claim_id, ana, "https://example.org/", "supports")[
            "id"
        ],
    }
    articles.delete_article(db, result.article_id, actor("ada"))
    return records


@pytest.mark.parametrize("table", ["notes", "evidence"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_hiding_a_record_of_a_deleted_article_is_404_and_writes_nothing(
    db, admin_client, deleted_articles_records, table, headers
):
    before = snapshot(db)
    record_id = deleted_articles_records[table]
    response = admin_client.post(f"/{table}/{record_id}/delete", headers=headers)
    assert response.status_code == 404
    assert snapshot(db) == before


def hidden_claims(db):
    """(merged-away claim, not-a-claim claim) of a fresh article, and the article's id."""
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    ids = claim_ids_of(db, result.article_id)
    ana = actor("ana", "reviewer")
    corrections.merge_with_next(db, ids[0], ana)  # ids[1] is merged away into ids[0]
    corrections.set_not_a_claim(db, ids[3], True, ana)
    return {"merged": ids[1], "not a claim": ids[3]}


def current_version(db, claim_id):
    return db.execute("select version from claims where id = ?", [claim_id]).fetchone()[0]


CORRECTIONS = {
    "status": lambda claim, text: {"status": "disputed"},
    "split": lambda claim, text: {"at": str(text.index(" ", claim["start"]))},
    "boundaries": lambda claim, text: {"start": str(claim["start"]), "end": str(claim["end"] - 1)},
    "attribution": lambda claim, text: {"kind": "organization", "passage": "Officials"},
    "attribution/confirm": lambda claim, text: {},
    "merge": lambda claim, text: {},
    "notes": lambda claim, text: {"body": "A note on a hidden claim."},
    "evidence": lambda claim, text: {"url": "https://example.org/", "stance": "supports"},
}


HIDDEN_AND_ACTIONS = [
    (hidden, action)
    for hidden in ("merged", "not a claim")
    for action in CORRECTIONS
    # A note or evidence may say why a passage is not a claim; those of a merged passage
    # belong to the claim it was merged into.
    if hidden == "merged" or action not in ("notes", "evidence")
]


@pytest.mark.parametrize("hidden, action", HIDDEN_AND_ACTIONS)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_writes_on_a_hidden_claim_are_refused_before_anything_is_written(
    db, reviewer_client, hidden, action, headers
):
    claim_id = hidden_claims(db)[hidden]
    claim = db.table("claims").get(claim_id)
    body = db.execute("select body from articles where id = ?", [claim["article_id"]]).fetchone()[0]
    form = {**CORRECTIONS[action](claim, body), "version": str(claim["version"])}
    before = snapshot(db)
    response = reviewer_client.post(f"/claims/{claim_id}/{action}", data=form, headers=headers)
    assert response.status_code == 422, f"{action} on a {hidden} claim: {response.status_code}"
    page = response.get_data(as_text=True)
    assert "hidden" in page or "not a claim" in page or "merged" in page
    assert snapshot(db) == before


@pytest.mark.parametrize("action", ["notes", "evidence"])
def test_a_note_or_evidence_may_still_say_why_a_passage_is_not_a_claim(db, reviewer_client, action):
    claim_id = hidden_claims(db)["not a claim"]
    claim = db.table("claims").get(claim_id)
    response = reviewer_client.post(
        f"/claims/{claim_id}/{action}", data=CORRECTIONS[action](claim, "")
    )
    assert response.status_code == 303
    assert (
        db.execute(f"select count(*) from {action} where claim_id = ?", [claim_id]).fetchone()[0]
        == 1
    )


def test_a_not_a_claim_can_still_be_restored(db, reviewer_client):
    claim_id = hidden_claims(db)["not a claim"]
    response = reviewer_client.post(
        f"/claims/{claim_id}/hide",
        data={"hidden": "0", "version": str(current_version(db, claim_id))},
    )
    assert response.status_code == 303
    assert db.table("claims").get(claim_id)["is_claim"] == 1


# --- A chunked request body over the size limit is refused, never truncated -------------

LIMIT = 64 * 1024


def chunked_import(client, text):
    """An import whose body has no length (Transfer-Encoding: chunked), as gunicorn hands it
    to the app: a terminated input stream and no CONTENT_LENGTH."""
    body = urllib.parse.urlencode({"title": "Chunked", "text": text}).encode()
    return client.post(
        "/articles",
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_413_and_nothing_stored(app, admin_client, db):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    before = snapshot(db)
    response = chunked_import(admin_client, numbered_sentences(3000))  # about 120 KB
    assert response.status_code == 413
    assert snapshot(db) == before


def test_a_chunked_body_within_the_limit_is_read_whole(app, admin_client, db):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    text = numbered_sentences(600)  # about 23 KB: imported at once, not by a background job
    response = chunked_import(admin_client, text)
    assert response.status_code == 303
    assert db.execute("select body from articles where title = 'Chunked'").fetchone()[0] == text


def live_admin(server_factory, **env):
    """A started `workbench serve` with `env`, and the session cookie of an admin."""
    server = server_factory(["rita"])
    server.env.update(env)
    # Server.log_in uses the shared fixtures' password for a name.
    server.run_cli(
        "add-user",
        "ada",
        "--role",
        "admin",
        "--password-stdin",
        input="ada-concurrency-test-password\n",
    )
    server.start()
    return server, server.log_in("ada").cookie


@pytest.mark.slow
def test_a_chunked_body_over_the_limit_is_413_from_the_real_server(server_factory):
    server, cookie = live_admin(server_factory, WORKBENCH_MAX_UPLOAD_MB="1")
    body = urllib.parse.urlencode({"title": "Chunked", "text": "Word " * 300_000}).encode()
    assert send_chunked(server.port, "/articles", body, cookie) == 413
    with contextlib.closing(server.database()) as database:
        stored = database.execute("select count(*) from articles where title = 'Chunked'")
        assert stored.fetchone()[0] == 0


def send_chunked(port, path, body, cookie, chunk=64 * 1024):
    """POST `body` in chunks with no Content-Length; the status (413 may cut it short)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Cookie", f"workbench_session={cookie}")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        try:
            for start in range(0, len(body), chunk):
                part = body[start : start + chunk]
                connection.send(b"%x\r\n" % len(part) + part + b"\r\n")
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        return connection.getresponse().status
    finally:
        connection.close()


# --- Full-width and small-form formula characters are neutralised in CSV ----------------

# LibreOffice and Excel read these as = + - @ when a CSV is opened (the attack run).
WIDE_TRIGGERS = ["\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b"]
WIDE_IDS = ["fullwidth-equals", "fullwidth-plus", "fullwidth-minus", "fullwidth-at"]
WIDE_IDS += ["small-equals", "small-plus", "small-minus", "small-at"]


@pytest.mark.parametrize("trigger", WIDE_TRIGGERS, ids=WIDE_IDS)
def test_wide_and_small_formula_characters_are_neutralised_like_ascii(trigger):
    value = f'{trigger}HYPERLINK("https://evil.example")'
    assert csv_rows.neutralise(value) == "'" + value


@pytest.mark.parametrize("trigger", WIDE_TRIGGERS, ids=WIDE_IDS)
def test_a_downloaded_claim_starting_with_a_wide_formula_character_is_neutralised(
    admin_client, db, trigger
):
    text = f"{trigger}SUM(1+1) is what the post said. Then it ended."
    article_id = articles.import_article(
        db, text, actor=actor("ada"), title=trigger + "1"
    ).article_id
    body = admin_client.get(f"/articles/{article_id}/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert rows[0]["claim"] == "'" + text.split(" Then")[0]
    assert rows[0]["article_title"] == "'" + trigger + "1"


# --- Sessions have an absolute lifetime; logged-in answers are never cached -------------


def age_sessions(db, days):
    """Make every session `days` old, though used a moment ago."""
    created = clock.now() - datetime.timedelta(days=days)
    with db.conn:
        db.execute(
            "update sessions set created_at = ?, last_seen_at = ?",
            [clock.stamp(created), clock.utc_now()],
        )


@pytest.mark.parametrize("days, logged_in", [(6.9, True), (7.1, False), (30, False)])
def test_a_session_ends_seven_days_after_login_however_busy(app, db, days, logged_in):
    assert app.config["SESSION_MAX_DAYS"] == 7
    client = sign_in(app, "lou", "viewer")
    age_sessions(db, days)
    response = client.get("/")
    assert (response.status_code == 200) is logged_in, response.status_code
    assert db.table("sessions").count == (1 if logged_in else 0)


def test_the_session_lifetime_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SESSION_MAX_DAYS", "2")
    configured = create_app({"DATABASE": str(tmp_path / "w.db"), "SECRET_KEY": "x"})
    assert configured.config["SESSION_MAX_DAYS"] == 2


LOGGED_IN_ANSWERS = [
    "/",
    "/articles/{article}",
    "/articles/{article}/text",
    "/claims/{claim}",
    "/search?q=port",
    "/dashboard",
    "/articles/{article}/export.csv",
    "/articles/{article}/export.json",
    "/export.claimreview",
    "/export.csv?bundle=1",
    "/api/articles",
    "/api/claims/{claim}",
    "/api/articles/999999",
]


@pytest.mark.parametrize("path", LOGGED_IN_ANSWERS)
def test_logged_in_pages_api_answers_and_exports_are_never_stored(admin_client, db, path):
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    response = admin_client.get(path.format(article=result.article_id, claim=claim_id))
    response.get_data()
    assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_a_write_answered_to_htmx_is_never_stored(reviewer_client, db):
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    response = reviewer_client.post(
        f"/claims/{claim_id}/status", data={"status": "sourced"}, headers=HX
    )
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


# --- The CSP names the one htmx file, not a whole CDN -----------------------------------


def test_the_csp_allows_the_pinned_htmx_file_and_no_other_cdn_path(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_HTMX_URL", raising=False)
    configured = create_app({"DATABASE": str(tmp_path / "w.db"), "SECRET_KEY": "x"})
    policy = configured.test_client().get("/login").headers["Content-Security-Policy"]
    [scripts] = [d.split()[1:] for d in policy.split(";") if d.split()[0] == "script-src"]
    # htmx and its SSE extension, each by its own file.
    assert scripts == ["'self'", app_factory.HTMX_CDN_URL, app_factory.HTMX_SSE_CDN_URL]
    assert app_factory.HTMX_CDN_URL.endswith("/htmx.min.js")  # a file, not a folder or an origin
    assert app_factory.HTMX_SSE_CDN_URL.endswith("/sse.min.js")


def test_a_local_htmx_copy_needs_no_other_script_source(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HTMX_URL", "/static/htmx.min.js")
    monkeypatch.setenv("WORKBENCH_HTMX_SSE_URL", "/static/sse.min.js")
    configured = create_app({"DATABASE": str(tmp_path / "w.db"), "SECRET_KEY": "x"})
    policy = configured.test_client().get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy


# --- 405 answers keep their Allow header ------------------------------------------------


@pytest.mark.parametrize(
    "path, allowed",
    [
        ("/claims/{claim}/status", {"POST"}),
        ("/logout", {"POST"}),
        ("/login", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("/api/articles", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_405_answers_say_which_methods_are_allowed(admin_client, db, path, allowed):
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    method = "DELETE" if "GET" in allowed else "GET"
    response = admin_client.open(path.format(claim=claim_id), method=method)
    assert response.status_code == 405
    assert set(response.headers.get("Allow", "").replace(" ", "").split(",")) >= allowed


# --- NUL and BOM never reach stored text; ISO dates only; invalid UTF-8 said so ----------


@pytest.mark.parametrize("field", ["title", "publisher", "url"])
def test_nul_in_article_metadata_is_refused_with_422_and_nothing_stored(admin_client, db, field):
    value = "https://example.org/\x00x" if field == "url" else "Before\x00after"
    before = snapshot(db)
    response = admin_client.post("/articles", data={"text": FIVE_CLAIMS, field: value})
    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "text", ["\ufeffThe port reopened.", "The port\ufeff reopened."], ids=["leading", "inside"]
)
def test_a_byte_order_mark_in_pasted_text_is_dropped(admin_client, db, text):
    article_id = int(
        admin_client.post("/articles", data={"text": text, "title": "\ufeffPort"})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    article = db.table("articles").get(article_id)
    assert (article["body"], article["title"]) == ("The port reopened.", "Port")


@pytest.mark.parametrize(
    "date", ["20160325", "2016-W12-5", "2016-085", "2016-3-25", " 2016-03-25x", "2016-02-30"]
)
def test_a_date_that_is_not_yyyy_mm_dd_is_refused(admin_client, db, date):
    before = snapshot(db)
    response = admin_client.post("/articles", data={"text": FIVE_CLAIMS, "published_on": date})
    assert response.status_code == 422
    assert "2016-03-25" in response.get_data(as_text=True)  # the message shows the form
    assert snapshot(db) == before


def test_an_iso_date_is_stored_as_typed(admin_client, db):
    response = admin_client.post(
        "/articles", data={"text": FIVE_CLAIMS, "published_on": "2016-03-25"}
    )
    assert response.status_code == 303
    assert db.execute("select published_on from articles").fetchone()[0] == "2016-03-25"


def test_a_date_that_is_not_yyyy_mm_dd_is_refused_at_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    story = tmp_path / "story.txt"
    story.write_text(FIVE_CLAIMS)
    done = CliRunner().invoke(cli.cli, ["import", str(story), "--date", "2016-W12-5"])
    assert done.exit_code == 1
    assert "2016-03-25" in done.output
    assert workbench_db.connect(tmp_path / "w.db").table("articles").count == 0


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"title=Cafe&text=Caf\xe9+au+lait.", "application/x-www-form-urlencoded"),
        (b"title=Cafe&text=Caf%E9+au+lait.", "application/x-www-form-urlencoded"),
        (
            b'--XX\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
            b"Caf\xe9 au lait.\r\n--XX--\r\n",
            "multipart/form-data; boundary=XX",
        ),
    ],
    ids=["raw-bytes", "percent-encoded", "multipart"],
)
def test_invalid_utf8_in_a_paste_is_reported_as_such(admin_client, db, body, content_type):
    before = snapshot(db)
    response = admin_client.post("/articles", data=body, content_type=content_type)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "UTF-8" in page and "empty" not in page
    assert snapshot(db) == before


def test_a_percent_sign_typed_in_a_paste_is_kept(admin_client, db):
    text = "Prices rose 5%E9 and then 3% more."  # "%E9" typed, sent as %25E9
    response = admin_client.post("/articles", data={"text": text})
    assert response.status_code == 303
    assert db.execute("select body from articles").fetchone()[0] == text


# --- The database, its WAL and backups are readable by their owner only -----------------


def mode_of(path):
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_the_database_and_its_wal_and_shm_are_created_0600(tmp_path):
    previous = os.umask(0o022)  # the usual umask, which made them 0644
    try:
        database = migrations.open_migrated(tmp_path / "new.db")
        database.execute("insert into login_failures (username, at) values ('x', 'y')")
        files = [tmp_path / name for name in ("new.db", "new.db-wal", "new.db-shm")]
        files.append(tmp_path / "new.db-writer.lock")
        assert {path.name: mode_of(path) for path in files} == {
            path.name: "0o600" for path in files
        }
        database.close()
    finally:
        os.umask(previous)


def test_a_backup_is_created_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    previous = os.umask(0o022)
    try:
        done = CliRunner().invoke(cli.cli, ["backup", str(tmp_path / "copy.db")])
    finally:
        os.umask(previous)
    assert done.exit_code == 0, done.output
    assert mode_of(tmp_path / "copy.db") == "0o600"


# --- An evidence link shows its real host next to any title -----------------------------


@pytest.mark.parametrize(
    "url, host",
    [
        ("https://evil.example/bbc.co.uk/news", "evil.example"),
        ("https://www.bbc.co.uk.evil.example/", "www.bbc.co.uk.evil.example"),
        ("https://user:pass@evil.example:8443/x", "evil.example"),
        ("https://ex\u0430mple.com/", "xn--exmple-4nf.com"),  # a Cyrillic а
    ],
    ids=["path", "subdomain", "credentials", "homoglyph"],
)
@pytest.mark.parametrize("page", ["claim page", "claim panel"])
def test_an_evidence_link_shows_its_real_host_next_to_its_title(db, viewer_client, url, host, page):
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    evidence.add_evidence(db, claim_id, actor("ana"), url, "supports", title="BBC News")
    path = f"/claims/{claim_id}" + ("/panel" if page == "claim panel" else "")
    html = viewer_client.get(path, headers=HX if page == "claim panel" else {}).get_data(
        as_text=True
    )
    link = re.search(
        r'class="evidence__link">BBC News</a>\s*<span class="evidence__host"[^>]*>([^<]*)</span>',
        html,
    )
    assert link, "no host next to the evidence link"
    assert link.group(1).strip("() ") == host


# --- Logins are in the log gunicorn prints ---------------------------------------------


def post_login(port, username, password, headers=None):
    """POST /login over HTTP; (status, Set-Cookie headers)."""
    body = urllib.parse.urlencode({"username": username, "password": password})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/login",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        response = connection.getresponse()
        response.read()
        return response.status, response.msg.get_all("Set-Cookie") or []
    finally:
        connection.close()


@pytest.mark.slow
def test_logins_and_failures_are_in_the_servers_log_one_line_each(server_factory):
    server, _ = live_admin(server_factory)  # ada has logged in once
    assert post_login(server.port, "ada", "not her password")[0] == 401
    assert post_login(server.port, "nobody\nINFO forged: login: ada", "x" * 8)[0] == 401
    lines = server.log().splitlines()
    assert [line for line in lines if "login: ada" in line and "failed" not in line]
    assert [line for line in lines if "failed login for ada" in line]
    assert [line for line in lines if "failed login for nobody\\nINFO forged" in line]
    assert not [line for line in lines if line.startswith("INFO forged")]


# --- gunicorn trusts no X-Forwarded-* unless behind a proxy ------------------------------


def serve_command(monkeypatch, tmp_path, behind_proxy):
    launched = []
    monkeypatch.setattr(os, "execvp", lambda program, args: launched.append(args))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.db"))
    if behind_proxy:
        monkeypatch.setenv("WORKBENCH_BEHIND_PROXY", "1")
    else:
        monkeypatch.delenv("WORKBENCH_BEHIND_PROXY", raising=False)
    result = CliRunner().invoke(cli.cli, ["serve", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    [args] = launched
    return args


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_gives_each_worker_its_own_listening_socket(monkeypatch, tmp_path):
    assert "--reuse-port" in serve_command(monkeypatch, tmp_path, behind_proxy=False)


def test_serve_refuses_a_port_another_server_listens_on(monkeypatch, tmp_path):
    """SO_REUSEPORT would let a second server share the port silently; serve says so."""
    launched = []
    monkeypatch.setattr(os, "execvp", lambda program, args: launched.append(args))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.db"))
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(cli.cli, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"127.0.0.1:{port} is in use" in result.output and "--port" in result.output
    assert launched == []


def test_serve_tells_gunicorn_to_trust_no_forwarded_headers(monkeypatch, tmp_path):
    args = serve_command(monkeypatch, tmp_path, behind_proxy=False)
    assert "--forwarded-allow-ips" in args
    assert args[args.index("--forwarded-allow-ips") + 1] == ""


def test_serve_behind_a_proxy_leaves_gunicorns_default(monkeypatch, tmp_path):
    assert "--forwarded-allow-ips" not in serve_command(monkeypatch, tmp_path, behind_proxy=True)


@pytest.mark.slow
def test_x_forwarded_proto_from_127_0_0_1_is_ignored(server_factory, monkeypatch):
    monkeypatch.delenv("WORKBENCH_BEHIND_PROXY", raising=False)
    server, _ = live_admin(server_factory)
    status, cookies = post_login(
        server.port,
        "ada",
        "ada-concurrency-test-password",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
    )
    assert status == 303
    [session] = [cookie for cookie in cookies if cookie.startswith("workbench_session=")]
    assert "secure" not in session.lower(), "gunicorn took the request for https"


# --- An admin can purge the text of a note pasted by mistake ----------------------------

SECRET = "The door code is 4417-ZEBRA-9921"


@pytest.fixture
def leaked_note(db):
    """A note holding a secret, deleted by its author, on the first claim of an article."""
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    ana = actor("ana", "reviewer")
    note = notes.add_note(db, claim_id, SECRET, ana)
    notes.add_note(db, claim_id, "A harmless note that stays.", ana)
    notes.delete_note(db, note["id"], ana)
    return {"note": note["id"], "claim": claim_id, "article": result.article_id}


def everything_a_reader_can_get(client, db, leaked):
    """Every page, export and API answer that shows a claim's notes or history."""
    paths = [
        f"/claims/{leaked['claim']}",
        f"/articles/{leaked['article']}/activity",
        f"/articles/{leaked['article']}/export.csv",
        f"/articles/{leaked['article']}/export.json",
        f"/api/claims/{leaked['claim']}",
        "/search?q=ZEBRA",
    ]
    return {path: client.get(path).get_data(as_text=True) for path in paths}


def test_before_a_purge_the_deleted_notes_text_is_still_readable(db, viewer_client, leaked_note):
    shown = everything_a_reader_can_get(viewer_client, db, leaked_note)
    assert SECRET in shown[f"/claims/{leaked_note['claim']}"]  # in the history


def test_an_admin_purges_a_notes_text_from_the_pages_history_search_exports_and_api(
    app, db, admin_client, viewer_client, leaked_note
):
    response = admin_client.post(f"/notes/{leaked_note['note']}/purge")
    assert response.status_code == 303
    shown = everything_a_reader_can_get(viewer_client, db, leaked_note)
    assert {path: SECRET in page for path, page in shown.items()} == dict.fromkeys(shown, False)
    assert db.execute("select rowid from notes_fts where notes_fts match 'zebra'").fetchall() == []
    stored = json.dumps([list(map(str, row)) for rows in snapshot(db).values() for row in rows])
    assert "ZEBRA" not in stored
    assert "harmless note that stays" in stored


def test_a_purge_is_in_the_history_by_whom_and_when_not_what(db, admin_client, leaked_note):
    admin_client.post(f"/notes/{leaked_note['note']}/purge")
    [entry] = [
        row
        for row in history.claim_history(db, leaked_note["claim"])
        if row["action"] == "note purged"
    ]
    assert (entry["actor"], entry["after"]) == ("ada", {"note_id": leaked_note["note"]})
    assert entry["at"] and entry["before"] is None


@pytest.mark.parametrize("padding", [0, 8_000], ids=["short note", "note on overflow pages"])
def test_the_purged_text_is_gone_from_the_database_files(app, db, admin_client, padding):
    result = articles.import_article(db, FIVE_CLAIMS, actor=actor("ada"))
    claim_id = claim_ids_of(db, result.article_id)[0]
    body = "x" * padding + SECRET
    note = notes.add_note(db, claim_id, body, actor("ana", "reviewer"))
    for number in range(20):  # other notes around it, as in a real database
        notes.add_note(db, claim_id, f"Other note {number}. " * 40, actor("ana", "reviewer"))
    db.execute("pragma wal_checkpoint(truncate)")  # the secret is in the database file now
    assert admin_client.post(f"/notes/{note['id']}/purge").status_code == 303
    db.execute("pragma wal_checkpoint(truncate)")  # as SQLite's or Litestream's next one
    path = pathlib.Path(app.config["DATABASE"])
    files = [path, path.with_name(path.name + "-wal")]
    leftovers = [f.name for f in files if f.exists() and SECRET.encode() in f.read_bytes()]
    assert leftovers == []


@pytest.mark.parametrize("client", ["reviewer_client", "viewer_client"])
def test_only_an_admin_can_purge(request, db, leaked_note, client):
    someone = request.getfixturevalue(client)
    before = snapshot(db)
    response = someone.post(f"/notes/{leaked_note['note']}/purge")
    assert response.status_code == 403
    assert snapshot(db) == before


def test_workbench_purge_note_purges_from_the_command_line(app, db, leaked_note, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", app.config["DATABASE"])
    done = CliRunner().invoke(
        cli.cli, ["purge-note", str(leaked_note["note"]), "--by", "desk-admin"]
    )
    assert done.exit_code == 0, done.output
    assert SECRET not in json.dumps(history.claim_history(db, leaked_note["claim"]))
    assert history.claim_history(db, leaked_note["claim"])[-1]["actor"] == "desk-admin"
    missing = CliRunner().invoke(cli.cli, ["purge-note", "999999"])
    assert missing.exit_code == 1 and "no note 999999" in missing.output.lower()


# --- With the disk full and no request open, reads and logins still work -----------------

# Runs in its own mount namespace on a small tmpfs, so the disk really fills up (ENOSPC).
FULL_DISK = """\
import json, os, pathlib, sqlite3, sys

from workbench import create_app
from workbench.review import articles
from workbench.storage import db as workbench_db
from workbench.team import accounts
from workbench.team.accounts import User

folder = pathlib.Path(sys.argv[1])
path = folder / "w.db"
login = {"username": "lou", "password": "correct horse battery"}
app = create_app({"DATABASE": str(path), "SECRET_KEY": "x", "TESTING": True,
                  "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
setup = workbench_db.connect(path)
accounts.create_user(setup, "lou", login["password"], "reviewer", "scrypt:1024:8:1")
text = " ".join(f"Gauge {n} rose {n + 10} centimetres on Monday." for n in range(40))
article_id = articles.import_article(setup, text, actor=User(0, "setup", "admin")).article_id
claim_id = setup.execute("select min(id) from claims").fetchone()[0]
setup.close()
reviewer = app.test_client()
assert reviewer.post("/login", data=login).status_code == 303
for number in range(30):  # a day's work: the WAL grows
    reviewer.post(f"/claims/{claim_id}/notes", data={"body": f"Checked source {number}. " * 20})
# What SQLite's automatic checkpoint does every 1,000 pages: the WAL's frames are copied
# into the database, and the next write starts the WAL again from its beginning.
checkpoint = sqlite3.connect(path)
checkpoint.execute("pragma wal_checkpoint(passive)")
checkpoint.close()  # now no connection of a request or a command is open
filler = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
try:
    while True:
        os.write(filler, bytes(64 * 1024))
except OSError:
    pass  # ENOSPC: the disk is full
for size in (4096, 512, 1):
    try:
        while True:
            os.write(filler, bytes(size))
    except OSError:
        pass
print(json.dumps({
    "disk full": os.statvfs(folder).f_bavail == 0,
    "read": reviewer.get(f"/articles/{article_id}").status_code,
    "login": app.test_client().post("/login", data=login).status_code,
}))
"""


@pytest.mark.slow
def test_with_the_disk_full_and_no_connection_open_reads_and_logins_still_work(tmp_path):
    script = tmp_path / "full_disk.py"
    script.write_text(FULL_DISK)
    disk = tmp_path / "disk"
    disk.mkdir()
    # A private mount namespace: the small tmpfs is seen by this process only, and goes
    # with it.
    command = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t tmpfs -o size=3m tmpfs "$1" && exec "$2" "$3" "$1"',
        "sh",
        str(disk),
        sys.executable,
        str(script),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"disk full": True, "read": 200, "login": 303}, done.stderr[-3000:]
