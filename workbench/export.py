"""Streamed exports of claim statuses: CSV, one row per claim."""

import csv
import io
import itertools

COLUMNS = (
    "article_id", "article_title", "claim_id", "position", "claim", "start", "end",
    "status", "notes", "updated_by", "updated_at",
)

# Cells starting with these run as formulas in Excel, LibreOffice and Google Sheets.
# https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
ROWS_PER_CHUNK = 500


def neutralise(value):
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def format_notes(notes):
    """All of a claim's notes in one cell, one per line: [time] author: text."""
    return "\n".join(f"[{n['created_at']}] {n['author']}: {n['body']}" for n in notes)


# One statement, so the whole export is one consistent snapshot even while reviewers
# write (WAL keeps the statement's read transaction on the state it started from); one
# row per (claim, note), grouped back into one row per claim as it streams.
_EXPORT_SQL = """
select c.article_id, a.title as article_title, c.id as claim_id, c.position,
       c.text as claim, c.start, c."end", c.status, c.updated_by, c.updated_at,
       n.author as note_author, n.body as note_body, n.created_at as note_created_at
from claims c
join articles a on a.id = c.article_id
left join notes n on n.claim_id = c.id and n.deleted_at is null
where c.is_claim = 1 and a.deleted_at is null {article_filter}
order by c.article_id, c.position, n.id
"""


def iter_claim_rows(db, article_id=None):
    """Yield one dict per claim (with its notes joined) for the export."""
    params = []
    article_filter = ""
    if article_id is not None:
        article_filter = "and c.article_id = ?"
        params.append(article_id)
    rows = db.query(_EXPORT_SQL.format(article_filter=article_filter), params)
    for _, group in itertools.groupby(rows, key=lambda row: row["claim_id"]):
        group = list(group)
        row = {column: group[0].get(column) for column in COLUMNS if column != "notes"}
        row["notes"] = format_notes(
            {"created_at": g["note_created_at"], "author": g["note_author"],
             "body": g["note_body"]}
            for g in group if g["note_body"] is not None
        )
        yield row


def iter_csv(db, article_id=None):
    """Yield the CSV export in chunks of text: header first, RFC 4180 quoting."""
    buffer = io.StringIO()
    # Every text cell is quoted (RFC 4180 quoting; OWASP also advises quoting neutralised
    # cells), numbers are not; \r\n line endings are what the RFC and Excel expect.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, row in enumerate(iter_claim_rows(db, article_id), start=1):
        writer.writerow([neutralise(row[column]) for column in COLUMNS])
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer):
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk
