"""Streamed exports: CSV (one row per claim) and JSON (everything recorded)."""

import csv
import io
import itertools
import json

from . import search
from .db import read_snapshot

COLUMNS = (
    "article_id", "article_title", "claim_id", "position", "claim", "start", "end",
    "status", "attribution", "attribution_kind", "flags", "notes", "evidence_urls",
    "updated_by", "updated_at",
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


class ExportStats:
    """Counts what an export wrote, for its manifest."""

    def __init__(self):
        self.rows = 0


# One statement, so the whole export is one consistent snapshot even while reviewers
# write (WAL keeps the statement's read transaction on the state it started from); one
# row per (claim, note), grouped back into one row per claim as it streams.
_EXPORT_SQL = """
select c.article_id, a.title as article_title, c.id as claim_id, c.position,
       c.text as claim, c.start, c."end", c.status, c.attribution_text as attribution,
       c.attribution_kind, c.flags, c.updated_by, c.updated_at,
       (select group_concat(url, char(10)) from (
            select url from evidence where claim_id = c.id and deleted_at is null order by id
       )) as evidence_urls,
       n.author as note_author, n.body as note_body, n.created_at as note_created_at
from claims c
join articles a on a.id = c.article_id
left join notes n on n.claim_id = c.id and n.deleted_at is null
where {where}
order by c.article_id, c.position, n.id
"""


def iter_claim_rows(db, claim_filter=search.ClaimFilter()):
    """Yield one dict per claim (with its notes joined) that the filter matches."""
    where, params = search.where_clause(db, claim_filter)
    rows = db.query(_EXPORT_SQL.format(where=where), params)
    for _, group in itertools.groupby(rows, key=lambda row: row["claim_id"]):
        group = list(group)
        row = {column: group[0].get(column) for column in COLUMNS if column != "notes"}
        if row["attribution_kind"] is None:
            row["attribution_kind"] = "none"
        row["notes"] = format_notes(
            {"created_at": g["note_created_at"], "author": g["note_author"],
             "body": g["note_body"]}
            for g in group if g["note_body"] is not None
        )
        yield row


SCHEMA_VERSION = 1


def iter_json(db, claim_filter=search.ClaimFilter(), stats=None):
    """Yield a JSON document of articles with their claims, sources, flags, notes,
    evidence and history, article by article, from one read snapshot.

    With no filter but an article, every claim is included (also those marked "not a
    claim"); otherwise only the claims the filter matches.
    """
    everything = search.ClaimFilter(article_id=claim_filter.article_id) == claim_filter
    with read_snapshot(db):
        where, params = search.where_clause(db, claim_filter)
        matching = {}
        for article_id, claim_id in db.execute(
            f"select c.article_id, c.id from claims c join articles a on a.id = c.article_id "
            f"where {where}", params,
        ).fetchall():
            matching.setdefault(article_id, set()).add(claim_id)
        if everything:
            extra = db.execute(
                "select id from articles where deleted_at is null"
                + (" and id = ?" if claim_filter.article_id else ""),
                [claim_filter.article_id] if claim_filter.article_id else []).fetchall()
            for (article_id,) in extra:
                matching.setdefault(article_id, None)
        yield f'{{"schema_version": {SCHEMA_VERSION}, "articles": ['
        for number, article_id in enumerate(sorted(matching)):
            document = _article_document(db, article_id, None if everything else matching[article_id])
            if stats is not None:
                stats.rows += len(document["claims"])
            yield ("," if number else "") + json.dumps(document, ensure_ascii=False)
        yield "]}\n"


def _article_document(db, article_id, claim_ids=None):
    article = next(db.query(
        "select id, title, publisher, url, published_on, imported_at, imported_by, body "
        "from articles where id = ?", [article_id]))
    children = {"notes": {}, "evidence": {}, "history": {}}
    for name, sql in (
        ("notes", "select n.claim_id, n.id, n.author, n.body, n.created_at from notes n "
                  "join claims c on c.id = n.claim_id where c.article_id = ? "
                  "and n.deleted_at is null order by n.id"),
        ("evidence", "select e.claim_id, e.id, e.url, e.title, e.excerpt, e.stance, e.added_by, "
                     "e.added_at from evidence e join claims c on c.id = e.claim_id "
                     "where c.article_id = ? and e.deleted_at is null order by e.id"),
        ("history", "select claim_id, id, actor, action, before, after, at from history "
                    "where article_id = ? and claim_id is not null order by id"),
    ):
        for row in db.query(sql, [article_id]):
            claim_id = row.pop("claim_id")
            if name == "history":
                row["before"] = json.loads(row["before"]) if row["before"] else None
                row["after"] = json.loads(row["after"]) if row["after"] else None
            children[name].setdefault(claim_id, []).append(row)
    claims = []
    for claim in db.query(
        "select * from claims where article_id = ? order by is_claim desc, position, start",
        [article_id],
    ):
        if claim_ids is not None and claim["id"] not in claim_ids:
            continue
        claims.append({
            **claim_document(claim),
            "notes": children["notes"].get(claim["id"], []),
            "evidence": children["evidence"].get(claim["id"], []),
            "history": children["history"].get(claim["id"], []),
        })
    return {**article, "claims": claims}


def claim_document(claim):
    """A claims-table row as the JSON export and the API show it."""
    return {
        "id": claim["id"], "article_id": claim["article_id"], "position": claim["position"],
        "text": claim["text"], "start": claim["start"], "end": claim["end"],
        "status": claim["status"], "version": claim["version"],
        "is_claim": bool(claim["is_claim"]), "hidden_reason": claim["hidden_reason"],
        "attribution": None if claim["attribution_kind"] in (None, "none") else {
            "text": claim["attribution_text"], "kind": claim["attribution_kind"],
            "start": claim["attribution_start"], "end": claim["attribution_end"],
            "medium": json.loads(claim["attribution_medium"]) if claim["attribution_medium"] else None,
            "confirmed_by": claim["attribution_confirmed_by"],
        },
        "flags": claim["flags"].split() if claim["flags"] else [],
        "updated_by": claim["updated_by"], "updated_at": claim["updated_at"],
    }


def iter_csv(db, claim_filter=search.ClaimFilter(), stats=None, excel=False):
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


def _drain(buffer):
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk
