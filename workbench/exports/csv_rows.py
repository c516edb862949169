"""The CSV export: one row per claim, streamed, safe to open in a spreadsheet."""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from sqlite_utils import Database

from ..review import search
from . import ExportStats

_EVERYTHING = search.ClaimFilter()

COLUMNS = (
    "article_id",
    "article_title",
    "claim_id",
    "position",
    "claim",
    "start",
    "end",
    "status",
    "decision_state",
    "attribution",
    "attribution_kind",
    "attribution_confidence",
    "article_language",
    "flags",
    "notes",
    "evidence_urls",
    "evidence_stances",
    "evidence_titles",
    "updated_by",
    "updated_at",
    "assignees",
)

# Cells starting with these run as formulas in Excel, LibreOffice and Google Sheets.
# https://owasp.org/www-community/attacks/CSV_Injection . Spreadsheets also read the
# full-width (U+FF1D = U+FF0B + U+FF0D - U+FF20 @) and small (U+FE66 = U+FE62 + U+FE63 -
# U+FE6B @) forms as the ASCII ones.
FORMULA_TRIGGERS = (
    *("=", "+", "-", "@", "\t", "\r", "\n", "\x00"),
    *("\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b"),
)
ROWS_PER_CHUNK = 500


def neutralise(value: Any) -> Any:
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def format_notes(notes: Iterable[dict[str, Any]]) -> str:
    """All of a claim's notes in one cell, one per line: [time] author: text."""
    return "\n".join(f"[{n['created_at']}] {n['author']}: {n['body']}" for n in notes)


# One statement, so the whole export is one consistent snapshot even while reviewers
# write (WAL keeps the statement's read transaction on the state it started from); one
# row per (claim, note), grouped back into one row per claim as it streams.
_EXPORT_SQL = """
select c.article_id, a.title as article_title, c.id as claim_id, c.position,
       c.text as claim, c.start, c."end", c.status, c.attribution_text as attribution,
       c.attribution_kind, round(c.attribution_confidence, 2) as attribution_confidence,
       a.language as article_language, c.flags, c.updated_by, c.updated_at, c.decision_state,
       (select group_concat(assignee, ' ') from (
            select assignee from assignments where claim_id = c.id order by id
       )) as assignees,
       (select group_concat(url, char(10)) from (
            select url from evidence where claim_id = c.id and deleted_at is null order by id
       )) as evidence_urls,
       -- Line n of each of these three cells is about the same evidence link.
       (select group_concat(stance, char(10)) from (
            select stance from evidence where claim_id = c.id and deleted_at is null order by id
       )) as evidence_stances,
       (select group_concat(title, char(10)) from (
            select replace(replace(coalesce(title, ''), char(13), ' '), char(10), ' ') as title
            from evidence where claim_id = c.id and deleted_at is null order by id
       )) as evidence_titles,
       n.author as note_author, n.body as note_body, n.created_at as note_created_at
from claims c
join articles a on a.id = c.article_id
left join notes n on n.claim_id = c.id and n.deleted_at is null
where {where}
order by c.article_id, c.position, n.id
"""


def iter_claim_rows(
    db: Database,
    claim_filter: search.ClaimFilter = _EVERYTHING,
) -> Iterator[dict[str, Any]]:
    """Yield one dict per claim (with its notes joined) that the filter matches."""
    where, params = search.where_clause(db, claim_filter)
    rows = db.query(_EXPORT_SQL.format(where=where), params)
    for _, grouped in itertools.groupby(rows, key=lambda row: row["claim_id"]):
        group = list(grouped)
        row = {column: group[0].get(column) for column in COLUMNS if column != "notes"}
        if row["attribution_kind"] is None:
            row["attribution_kind"] = "none"
        row["notes"] = format_notes(
            {"created_at": g["note_created_at"], "author": g["note_author"], "body": g["note_body"]}
            for g in group
            if g["note_body"] is not None
        )
        yield row


def iter_csv(
    db: Database,
    claim_filter: search.ClaimFilter = _EVERYTHING,
    stats: ExportStats | None = None,
    excel: bool = False,
) -> Iterator[str]:
    """Yield the CSV export in chunks of text: header first, RFC 4180 quoting.

    excel=True starts with a UTF-8 byte-order mark, which Excel needs to read UTF-8.
    """
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    # Every text cell is quoted (RFC 4180 quoting; OWASP also advises quoting neutralised
    # cells), numbers are not; \r\n line endings are what the RFC and Excel expect.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, row in enumerate(iter_claim_rows(db, claim_filter), start=1):
        writer.writerow([neutralise(row[column]) for column in COLUMNS])
        if stats is not None:
            stats.rows = count
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk
