"""The append-only history: one row per change, never updated or deleted."""

import json
from typing import Any

from sqlite_utils import Database

ACTIVITY_PAGE = 50


def record_history(
    db: Database,
    claim: dict[str, Any],
    actor: str,
    action: str,
    before: Any,
    after: Any,
    at: str,
    undoes: int | None = None,
) -> int:
    """Append one history row for a change to `claim` (call inside the write transaction,
    after the change and before renumbering); returns its id.

    The row keeps the claim's position and version as they are then, so it still reads as
    the reviewer saw it ("claim 4") after later splits renumber the claims, and an undo can
    tell whether anything changed since.
    """
    cursor = db.execute(
        "insert into history (claim_id, article_id, actor, action, before, after, at, "
        "position, version, undoes) "
        "select ?, ?, ?, ?, ?, ?, ?, position, version, ? from claims where id = ?",
        [
            claim["id"],
            claim["article_id"],
            actor,
            action,
            encode(before),
            encode(after),
            at,
            undoes,
            claim["id"],
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def redact_note(db: Database, note_id: int, replacement: str) -> None:
    """Replace a note's text in its history rows ("note", "note deleted") by `replacement`.

    The one change ever made to a history row: for text that must not be kept (a secret
    pasted by mistake, notes.purge_note). Call inside the write transaction.
    """
    for column, action in (("after", "note"), ("before", "note deleted")):
        rows = db.execute(
            f"select id, {column} from history "
            f"where action = ? and json_extract({column}, '$.note_id') = ?",
            [action, note_id],
        ).fetchall()
        for row_id, value in rows:
            entry = json.loads(value)
            entry["body"] = replacement
            db.execute(f"update history set {column} = ? where id = ?", [encode(entry), row_id])


def encode(value: Any) -> str | None:
    """A before/after value as stored: JSON, words as they are (not escaped)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def record_article_event(
    db: Database, article_id: int, actor: str, action: str, at: str, after: str | None = None
) -> int:
    """Append one history row about a whole article (import, deletion); returns its id."""
    row_id = (
        db.table("history")
        .insert(
            {"article_id": article_id, "actor": actor, "action": action, "after": after, "at": at}
        )
        .last_pk
    )
    assert isinstance(row_id, int)
    return row_id


# A history row with how its claim reads now (its position then is the row's own).
_WITH_CLAIM = (
    "select h.*, c.text as claim_text, c.is_claim as claim_is_claim, "
    "c.hidden_reason as claim_hidden_reason from history h "
    "left join claims c on c.id = h.claim_id"
)


def last_change_id(
    db: Database, claim_id: int, actor: str, action: str | None = None
) -> int | None:
    """The id of `actor`'s latest change to a claim (of `action`, if given): what an Undo
    right after it undoes."""
    sql = "select max(id) from history where claim_id = ? and actor = ?"
    params: list[Any] = [claim_id, actor]
    if action is not None:
        sql += " and action = ?"
        params.append(action)
    row = db.execute(sql, params).fetchone()
    return row[0] if row else None


def latest_entry(db: Database, claim_id: int) -> dict[str, Any] | None:
    """The claim's most recent history row (who changed it last, and how)."""
    rows = list(
        db.query("select * from history where claim_id = ? order by id desc limit 1", [claim_id])
    )
    return rows[0] if rows else None


def claim_history(db: Database, claim_id: int) -> list[dict[str, Any]]:
    """Every recorded change to a claim, oldest first, with before/after decoded."""
    rows = list(db.query(f"{_WITH_CLAIM} where h.claim_id = ? order by h.id", [claim_id]))
    for row in rows:
        row["before"] = decode(row["before"])
        row["after"] = decode(row["after"])
    return rows


def article_activity(
    db: Database, article_id: int, before_id: int | None = None, limit: int = ACTIVITY_PAGE
) -> tuple[list[dict[str, Any]], bool]:
    """The article's history, newest first, a page at a time (rows older than before_id)."""
    where, params = "h.article_id = ?", [article_id]
    if before_id is not None:
        where += " and h.id < ?"
        params.append(before_id)
    rows = list(
        db.query(f"{_WITH_CLAIM} where {where} order by h.id desc limit ?", params + [limit + 1])
    )
    for row in rows:
        row["before"] = decode(row["before"])
        row["after"] = decode(row["after"])
    return rows[:limit], len(rows) > limit


def decode(value: str | None) -> Any:
    """A stored before/after value: JSON, or the plain text the import entry stores."""
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value
