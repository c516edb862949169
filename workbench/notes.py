"""Notes under claims: several per claim, never overwriting each other, hidden not erased."""

from typing import Any

from sqlite_utils import Database

from .accounts import User
from .claims import claim_row, refuse_if_hidden
from .clock import utc_now
from .db import insert, write_transaction
from .errors import InvalidInput, NoteNotFound
from .hiding import hide_record
from .history import record_history

MAX_NOTE_CHARS = 10_000


def add_note(db: Database, claim_id: int, body: str | None, actor: User) -> dict[str, Any]:
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
        # Notes and evidence of a merged passage live on the claim it was merged into.
        refuse_if_hidden(claim, merged_only=True)
        now = utc_now()
        note_id = insert(
            db,
            "notes",
            {"claim_id": claim_id, "body": body, "author": actor.username, "created_at": now},
        )
        record_history(
            db, claim, actor.username, "note", None, {"note_id": note_id, "body": body}, now
        )
    return dict(db.table("notes").get(note_id))


def delete_note(db: Database, note_id: int, actor: User) -> dict[str, Any]:
    """Hide a note (never erased) and log it; only its author or an admin may."""
    return hide_record(
        db,
        "notes",
        note_id,
        actor,
        author_column="author",
        id_key="note_id",
        logged=("body",),
        action="note deleted",
        not_found=NoteNotFound,
        refusal="Only the note's author, or an admin, can delete it.",
    )
