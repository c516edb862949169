"""Hiding a note or an evidence record: deleted_at is set, nothing is ever erased."""

from typing import Any

from sqlite_utils import Database

from ..errors import NotAllowed
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from ..team.accounts import User
from .claims import claim_row
from .history import record_history


def hide_record(
    db: Database,
    table: str,
    record_id: int,
    actor: User,
    *,
    author_column: str,
    id_key: str,
    logged: tuple[str, ...],
    action: str,
    not_found: type[LookupError],
    refusal: NotAllowed,
) -> dict[str, Any]:
    """Hide a note or evidence record (deleted_at set, never erased) and log it.

    Only its author or an admin may. `table` and the column names come from code, never
    from a request.
    """
    with write_transaction(db):
        # A record of a deleted article is as missing as its article (hiding one
        # was saved, then answered 404).
        rows = list(
            db.query(
                f"select r.* from {table} r join claims c on c.id = r.claim_id "
                "join articles a on a.id = c.article_id "
                "where r.id = ? and r.deleted_at is null and a.deleted_at is null",
                [record_id],
            )
        )
        if not rows:
            raise not_found(record_id)
        record = rows[0]
        if record[author_column] != actor.username and not actor.can("admin"):
            raise refusal
        now = utc_now()
        db.execute(
            f"update {table} set deleted_at = ?, deleted_by = ? where id = ?",
            [now, actor.username, record_id],
        )
        record_history(
            db,
            claim_row(db, record["claim_id"]),
            actor.username,
            action,
            {id_key: record_id, **{column: record[column] for column in logged}},
            None,
            now,
        )
    return record
