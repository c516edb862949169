"""Reviewing claims: listing, statuses with version checks, notes, and their history.

Every function takes a sqlite-utils `db`; none imports Flask.
"""

import json
from dataclasses import dataclass

from .clock import utc_now
from .db import STATUSES, write_transaction

PAGE_SIZE = 100
MAX_NOTE_CHARS = 10_000


class ClaimNotFound(LookupError):
    """No claim has that id."""


class InvalidInput(ValueError):
    """A value a reviewer sent cannot be used; str(error) says why."""


class NotAllowed(PermissionError):
    """The user may not change this record (it is someone else's); str(error) says why."""


class NoteNotFound(LookupError):
    """No visible note has that id."""


class VersionConflict(Exception):
    """The claim changed since the reviewer loaded it; `current` is how it is now."""

    def __init__(self, current):
        super().__init__(f"claim {current['id']} is at version {current['version']}")
        self.current = current


@dataclass(frozen=True)
class ClaimPage:
    claims: list
    page: int
    has_next: bool


def parse_status(value):
    """The status a reviewer asked for; exactly one of STATUSES, lower case."""
    if value not in STATUSES:
        raise InvalidInput(
            f"“{value}” is not a status. Choose one of: {', '.join(STATUSES)}."
        )
    return value


def get_claim(db, claim_id, with_notes=True):
    """One claim as a dict (with its notes); ClaimNotFound if there is none."""
    rows = list(db.query("select * from claims where id = ?", [claim_id]))
    if not rows:
        raise ClaimNotFound(claim_id)
    claim = rows[0]
    if with_notes:
        attach_notes(db, [claim])
        attach_evidence(db, [claim])
    return claim


# Sort orders a reviewer can pick; only these strings ever reach the SQL (ASVS 1.2.4).
SORTS = {
    "position": "position",
    # Unattributed or anonymous claims with numbers or dates first (workbench.flags).
    "check_first": "check_first, position",
}


def list_claims(db, article_id, status=None, flag=None, sort="position", page=1,
                page_size=PAGE_SIZE, include_hidden=False):
    """A page of an article's claims, optionally of one status or flag, in a chosen order."""
    where = ["article_id = ?"]
    params = [article_id]
    if not include_hidden:
        where.append("is_claim = 1")
    if status is not None:
        where.append("status = ?")
        params.append(parse_status(status))
    if flag is not None:
        where.append("(' ' || flags || ' ') like ?")
        params.append(f"% {flag} %")
    if sort not in SORTS:
        raise InvalidInput(f"“{sort}” is not a way to sort claims.")
    # Real claims are numbered in reading order; hidden ones (no position) sort by offset.
    order = 'start, "end", id' if include_hidden else SORTS[sort]
    offset = (max(page, 1) - 1) * page_size
    claims = list(db.query(
        f"select * from claims where {' and '.join(where)} order by {order} "
        "limit ? offset ?",
        params + [page_size + 1, offset],
    ))
    has_next = len(claims) > page_size
    claims = claims[:page_size]
    attach_notes(db, claims)
    attach_evidence(db, claims)
    return ClaimPage(claims=claims, page=max(page, 1), has_next=has_next)


def flag_counts(db, article_id):
    """{flag: number of real claims carrying it} for one article.

    Grouped by the whole flags string in SQL: an article has few distinct combinations,
    so Python only tallies those, however many claims there are.
    """
    counts = {}
    for names, number in db.execute(
        "select flags, count(*) from claims where article_id = ? and is_claim = 1 "
        "group by flags", [article_id],
    ).fetchall():
        for name in (names or "").split():
            counts[name] = counts.get(name, 0) + number
    return counts


def attach_notes(db, claims):
    """Give each claim dict a "notes" list, oldest first, in one query."""
    by_id = {claim["id"]: claim for claim in claims}
    for claim in claims:
        claim["notes"] = []
    if not by_id:
        return claims
    placeholders = ", ".join("?" for _ in by_id)
    for note in db.query(
        f"select * from notes where claim_id in ({placeholders}) and deleted_at is null "
        "order by id",
        list(by_id),
    ):
        by_id[note["claim_id"]]["notes"].append(note)
    return claims


def attach_evidence(db, claims):
    """Give each claim dict an "evidence" list, oldest first, in one query."""
    by_id = {claim["id"]: claim for claim in claims}
    for claim in claims:
        claim["evidence"] = []
    if by_id:
        placeholders = ", ".join("?" for _ in by_id)
        for record in db.query(
            f"select * from evidence where claim_id in ({placeholders}) and deleted_at is null "
            "order by id", list(by_id),
        ):
            by_id[record["claim_id"]]["evidence"].append(record)
    return claims


def set_status(db, claim_id, status, reviewer, expected_version=None):
    """Set a claim's status; VersionConflict if it changed since `expected_version`."""
    status = parse_status(status)
    with write_transaction(db):
        current = claim_row(db, claim_id)
        if current["status"] == status:
            # Nothing to change, so nothing is overwritten: not a conflict.
            return get_claim(db, claim_id)
        if expected_version is not None and current["version"] != expected_version:
            raise VersionConflict(get_claim(db, claim_id))
        now = utc_now()
        db.execute(
            "update claims set status = ?, version = version + 1, updated_by = ?, "
            "updated_at = ? where id = ?",
            [status, reviewer, now, claim_id],
        )
        record_history(db, current, reviewer, "status",
                       {"status": current["status"]}, {"status": status}, now)
    return get_claim(db, claim_id)


def add_note(db, claim_id, body, author):
    """Add a note under a claim; notes never overwrite each other."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("The note is empty. Write something before saving it.")
    if len(body) > MAX_NOTE_CHARS:
        raise InvalidInput(
            f"The note is {len(body):,} characters long; the limit is {MAX_NOTE_CHARS:,}."
        )
    if "\x00" in body:
        raise InvalidInput("The note contains NUL characters.")
    with write_transaction(db):
        claim = claim_row(db, claim_id)
        now = utc_now()
        note_id = db.table("notes").insert(
            {"claim_id": claim_id, "body": body, "author": author, "created_at": now}
        ).last_pk
        record_history(db, claim, author, "note", None, {"note_id": note_id, "body": body}, now)
    return db.table("notes").get(note_id)


def delete_note(db, note_id, user):
    """Hide a note (never erased) and log it; only its author or an admin may."""
    return hide_record(db, "notes", note_id, user, author_column="author", id_key="note_id",
                       logged=("body",), action="note deleted", not_found=NoteNotFound,
                       refusal="Only the note's author, or an admin, can delete it.")


def hide_record(db, table, record_id, user, *, author_column, id_key, logged, action,
                not_found, refusal):
    """Hide a note or evidence record (deleted_at set, never erased) and log it.

    Only its author or an admin may. `table` and the column names come from code, never
    from a request.
    """
    with write_transaction(db):
        rows = list(db.query(f"select * from {table} where id = ? and deleted_at is null",
                             [record_id]))
        if not rows:
            raise not_found(record_id)
        record = rows[0]
        if record[author_column] != user.username and not user.can("admin"):
            raise NotAllowed(refusal)
        now = utc_now()
        db.execute(f"update {table} set deleted_at = ?, deleted_by = ? where id = ?",
                   [now, user.username, record_id])
        record_history(db, claim_row(db, record["claim_id"]), user.username, action,
                       {id_key: record_id, **{column: record[column] for column in logged}},
                       None, now)
    return record


def record_history(db, claim, actor, action, before, after, at):
    """Append one history row for a change to `claim` (call inside the write transaction)."""
    db.table("history").insert({
        "claim_id": claim["id"],
        "article_id": claim["article_id"],
        "actor": actor,
        "action": action,
        "before": None if before is None else json.dumps(before, ensure_ascii=False),
        "after": None if after is None else json.dumps(after, ensure_ascii=False),
        "at": at,
    })


def claim_history(db, claim_id):
    """Every recorded change to a claim, oldest first, with before/after decoded."""
    rows = list(db.query("select * from history where claim_id = ? order by id", [claim_id]))
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    return rows


def claim_row(db, claim_id):
    """id, article_id, status, version of a claim; ClaimNotFound if there is none."""
    row = db.execute(
        "select id, article_id, status, version from claims where id = ?", [claim_id]
    ).fetchone()
    if row is None:
        raise ClaimNotFound(claim_id)
    return dict(zip(("id", "article_id", "status", "version"), row))
