"""The CSV a viewer downloads: no formulas for spreadsheets, RFC 4180 quoting, safe headers,
and one consistent, complete snapshot even while reviewers write.

SECURITY.md, "Export" (OWASP CSV Injection; RFC 4180; SQLite WAL isolation).

The trade-off of neutralising: a cell that starts with = + - @ tab CR LF or NUL gets a
leading apostrophe, so a spreadsheet shows text instead of running a formula. A reader of
the raw CSV sees the apostrophe too ("-5 %" comes back as "'-5 %"); that is the price of
never running what a stranger typed into an article.
"""

import csv
import datetime
import io
import re

import pytest

from support import actor, id_from_location
from workbench.exports import csv_rows
from workbench.review import claims, notes
from workbench.storage import db as workbench_db

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\x00"]
TRIGGER_IDS = ["equals", "plus", "minus", "at", "tab", "cr", "lf", "nul"]
FORMULA = "cmd|' /C calc'!A0"
NUMERIC = {"article_id", "claim_id", "position", "start", "end"}


def insert_article(db, claim_count, title="Snapshot"):
    """An article with `claim_count` claims, written straight to the database (fast)."""
    with db.conn:
        article_id = (
            db.table("articles")
            .insert(
                {
                    "title": title,
                    "body": "x",
                    "content_hash": f"hash-{title}-{claim_count}",
                    "imported_at": "2026-01-01T00:00:00Z",
                    "imported_by": "test",
                }
            )
            .last_pk
        )
        db.table("claims").insert_all(
            (
                {
                    "article_id": article_id,
                    "position": i,
                    "start": i,
                    "end": i + 1,
                    "text": f"Claim number {i}.",
                }
                for i in range(1, claim_count + 1)
            ),
            batch_size=500,
        )
    return article_id


def claim_ids(db, article_id=None):
    where, params = (
        ("where article_id = ? and is_claim = 1", [article_id])
        if article_id
        else ("where is_claim = 1", [])
    )
    return [row[0] for row in db.execute(f"select id from claims {where} order by id", params)]


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


# --- formulas --------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS, ids=TRIGGER_IDS)
def test_neutralise_prefixes_every_formula_trigger(trigger):
    assert csv_rows.neutralise(trigger + FORMULA) == "'" + trigger + FORMULA


@pytest.mark.parametrize(
    "value", ["Plain text", "'already quoted", " =leading space", 42, None, ""]
)
def test_neutralise_leaves_other_values_alone(value):
    assert csv_rows.neutralise(value) == value


@pytest.mark.parametrize("trigger", TRIGGERS, ids=TRIGGER_IDS)
def test_no_downloaded_cell_starts_with_a_formula_trigger(admin_client, db, trigger):
    """Every text the export reads is set to a formula straight in the database."""
    value = trigger + FORMULA
    article_id = insert_article(db, 2)
    first = claim_ids(db, article_id)[0]
    with db.conn:
        db.execute("update articles set title = ? where id = ?", [value, article_id])
        db.execute(
            "update claims set text = ?, attribution_text = ?, attribution_kind = ?, "
            "flags = ?, updated_by = ?, updated_at = ? where id = ?",
            [value, value, value, value, value, value, first],
        )
        db.table("notes").insert(
            {"claim_id": first, "body": value, "author": value, "created_at": value}
        )
        db.table("evidence").insert(
            {
                "claim_id": first,
                "url": value,
                "stance": "supports",
                "added_by": "ana",
                "added_at": "2026-01-01T00:00:00Z",
            }
        )
    rows = as_dicts(
        read_csv(admin_client.get(f"/articles/{article_id}/export.csv").get_data(as_text=True))
    )
    row = next(r for r in rows if r["claim_id"] == str(first))
    assert (row["claim"], row["article_title"]) == ("'" + value, "'" + value)
    dangerous = [
        (r["claim_id"], column, cell)
        for r in rows
        for column, cell in r.items()
        if column not in NUMERIC and cell.startswith(tuple(TRIGGERS))
    ]
    assert dangerous == []


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_formulas_typed_into_the_app_are_neutralised(admin_client, db, trigger):
    title, sentence, note = (f'{trigger}HYPERLINK("https://evil.example/{n}")' for n in range(3))
    response = admin_client.post(
        "/articles",
        data={"title": title, "text": f"{trigger}SUM(1+1) is what the post said. Then it ended."},
    )
    article_id = id_from_location(response)
    first = claim_ids(db, article_id)[0]
    admin_client.post(f"/claims/{first}/notes", data={"body": note})
    rows = as_dicts(
        read_csv(admin_client.get(f"/articles/{article_id}/export.csv").get_data(as_text=True))
    )
    stored = db.table("claims").get(first)["text"]
    assert stored.startswith(trigger), "the splitter should keep the claim as typed"
    assert rows[0]["claim"] == "'" + stored
    assert {r["article_title"] for r in rows} == {"'" + title}
    assert rows[0]["notes"].endswith(f"ada: {note}") and not rows[0]["notes"].startswith(trigger)


# --- RFC 4180 --------------------------------------------------------------------------

TRICKY_TITLE = 'He said "no, never", then left'
TRICKY_NOTE = 'Line one, "quoted"\r\nLine two\nLine three\rLine four,,""'
TRICKY_URL = 'https://example.org/a,b?q="x",y'


@pytest.fixture
def tricky_article(admin_client, db):
    response = admin_client.post(
        "/articles",
        data={
            "title": TRICKY_TITLE,
            "text": 'The minister said "yes, of course" twice. Costs, she added, were "fine".',
        },
    )
    article_id = id_from_location(response)
    for claim in claim_ids(db, article_id):
        admin_client.post(f"/claims/{claim}/notes", data={"body": TRICKY_NOTE})
        admin_client.post(
            f"/claims/{claim}/evidence", data={"url": TRICKY_URL, "stance": "supports"}
        )
        admin_client.post(
            f"/claims/{claim}/evidence",
            data={"url": "https://example.org/second", "stance": "contradicts"},
        )
    return article_id


def test_commas_quotes_and_newlines_read_back_identically(admin_client, db, tricky_article):
    text = admin_client.get(f"/articles/{tricky_article}/export.csv").get_data(as_text=True)
    rows = as_dicts(read_csv(text))
    claims = list(
        db.query(
            "select * from claims where article_id = ? and is_claim = 1 order by position",
            [tricky_article],
        )
    )
    assert [r["claim"] for r in rows] == [c["text"] for c in claims]
    assert {r["article_title"] for r in rows} == {TRICKY_TITLE}
    for row, claim in zip(rows, claims, strict=True):
        note = next(db.table("notes").rows_where("claim_id = ?", [claim["id"]]))
        assert row["notes"] == f"[{note['created_at']}] ada: {TRICKY_NOTE}"
        assert row["evidence_urls"] == f"{TRICKY_URL}\nhttps://example.org/second"


@pytest.mark.parametrize("path", ["/export.csv", "/articles/{id}/export.csv"])
def test_every_row_has_the_headers_column_count(admin_client, tricky_article, path):
    text = admin_client.get(path.format(id=tricky_article)).get_data(as_text=True)
    header, *rows = read_csv(text)
    assert header == list(csv_rows.COLUMNS)
    assert rows and {len(row) for row in rows} == {len(header)}
    assert text.endswith("\r\n"), "the last record must be complete"


# --- download headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/export.csv", "text/csv; charset=utf-8"),
        ("/articles/{id}/export.csv", "text/csv; charset=utf-8"),
        ("/export.json", "application/json; charset=utf-8"),
        ("/articles/{id}/export.json", "application/json; charset=utf-8"),
    ],
)
def test_download_headers_name_a_safe_attachment(admin_client, tricky_article, path, content_type):
    response = admin_client.get(path.format(id=tricky_article))
    assert response.headers["Content-Type"] == content_type
    assert re.fullmatch(
        r'attachment; filename="[A-Za-z0-9._-]+"', response.headers["Content-Disposition"]
    ), response.headers["Content-Disposition"]


def test_a_filename_made_from_the_title_keeps_only_safe_characters(admin_client, db):
    article_id = insert_article(db, 1, title='evil"; filename="x.exe\r\nSet-Cookie: a=b')
    disposition = admin_client.get(f"/articles/{article_id}/export.csv").headers[
        "Content-Disposition"
    ]
    day = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert disposition == f'attachment; filename="evil-filename-x-exe-set-cookie-a-b-{day}.csv"'


# --- snapshot and completeness ---------------------------------------------------------

CLAIMS = 2 * csv_rows.ROWS_PER_CHUNK + 37  # three chunks, the last one partial


def write_while_exporting(app, db, article_id):
    """Commit, from another connection, changes an export already under way must not see."""
    writer = workbench_db.connect(app.config["DATABASE"])
    try:
        ids = claim_ids(writer, article_id)
        for claim in (ids[0], ids[-1]) * 25:
            notes.add_note(writer, claim, "late note", actor("ana"))
        claims.set_status(writer, ids[-1], "disputed", actor("ana"))
        insert_article(writer, 3, title="Imported meanwhile")
    finally:
        writer.close()
    assert db.execute("select count(*) from notes where body = 'late note'").fetchone()[0] == 50


def assert_the_snapshot_before_the_writes(text, ids):
    rows = as_dicts(read_csv(text))
    assert len(rows) == len(ids), f"{len(rows)} rows for {len(ids)} claims"
    assert [int(r["claim_id"]) for r in rows] == ids
    assert [r for r in rows if "late note" in r["notes"] or r["status"] != "unverified"] == []


def test_csv_from_one_connection_is_one_snapshot(app, db):
    """One SELECT is one read transaction: every row, even those read after other
    connections commit, shows the database as it was when the export began (WAL)."""
    article_id = insert_article(db, CLAIMS)
    ids = claim_ids(db)
    reader = workbench_db.connect(app.config["DATABASE"])
    try:
        chunks = csv_rows.iter_csv(reader)
        first = next(chunks)
        assert first.count("Claim number") == csv_rows.ROWS_PER_CHUNK, "the export is not streamed"
        write_while_exporting(app, db, article_id)
        text = first + "".join(chunks)
    finally:
        reader.close()
    assert_the_snapshot_before_the_writes(text, ids)


def test_downloaded_csv_is_one_snapshot(app, admin_client, db):
    article_id = insert_article(db, CLAIMS)
    ids = claim_ids(db)
    response = admin_client.get("/export.csv", buffered=False)
    chunks = iter(response.response)
    try:
        first = next(chunks)
        write_while_exporting(app, db, article_id)
        text = (first + b"".join(chunks)).decode("utf-8")
    finally:
        response.close()
    assert_the_snapshot_before_the_writes(text, ids)


def test_a_large_export_is_never_truncated(admin_client, db):
    article_id = insert_article(db, CLAIMS)
    for claim in claim_ids(db, article_id)[::97]:
        notes.add_note(db, claim, "one note", actor("ana"))
        notes.add_note(db, claim, "and another", actor("ana"))
    text = admin_client.get("/export.csv").get_data(as_text=True)
    rows = as_dicts(read_csv(text))
    assert len(rows) == len(claim_ids(db)) == CLAIMS
    assert rows[-1]["claim"] == f"Claim number {CLAIMS}."
