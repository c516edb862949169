"""Notes under claims: several per claim, never overwriting each other, hidden not erased."""

from typing import Any

from sqlite_utils import Database

from ..errors import InvalidInput, NotAllowed, NoteNotFound
from ..storage.clock import utc_now
from ..storage.db import erasing, insert, write_transaction
from ..team.accounts import User
from ..team.assignments import assign_mentions
from .claims import claim_row, in_blind_review, refuse_if_hidden
from .hiding import hide_record
from .history import record_history, redact_note

MAX_NOTE_CHARS = 10_000
# What a purged note, and every copy of it in the history, says instead of its text.
PURGED_BODY = "[text purged]"


def check_note_body(body: str | None, empty: InvalidInput | None = None) -> str:
    """A note's text, stripped; InvalidInput if it is empty (`empty`, when the caller says
    what is missing), too long or holds NUL."""
    body = (body or "").strip()
    if not body:
        raise empty or InvalidInput("The note is empty. Write something before saving it.")
    if len(body) > MAX_NOTE_CHARS:
        raise InvalidInput(
            "The note is %(length)s characters long; the limit is %(limit)s.",
            length=format(len(body), ","),
            limit=format(MAX_NOTE_CHARS, ","),
        )
    if "\x00" in body:
        raise InvalidInput("The note contains NUL characters.")
    return body


def add_note(db: Database, claim_id: int, body: str | None, actor: User) -> dict[str, Any]:
    """Add a note under a claim; notes never overwrite each other. An @name in it puts the
    claim in that user's queue (workbench.team.assignments)."""
    body = check_note_body(body)
    with write_transaction(db):
        claim = claim_row(db, claim_id)
        # Notes and evidence of a merged passage live on the claim it was merged into.
        refuse_if_hidden(claim, merged_only=True)
        if in_blind_review(db, claim["article_id"]):
            # The reviewers would read each other's reasons: theirs go with their decisions.
            raise InvalidInput(
                "This article is under blind review: notes stay private until every reviewer "
                "is done. Reviewers write theirs with their decision."
            )
        now = utc_now()
        note_id = insert(
            db,
            "notes",
            {"claim_id": claim_id, "body": body, "author": actor.username, "created_at": now},
        )
        record_history(
            db, claim, actor.username, "note", None, {"note_id": note_id, "body": body}, now
        )
        assign_mentions(db, claim, body, actor, now)
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
        refusal=NotAllowed("Only the note's author, or an admin, can delete it."),
    )


def purge_note(db: Database, note_id: int, actor: User) -> dict[str, Any]:
    """Replace a note's text everywhere it is kept, for a secret pasted by mistake.

    Admins only. The note, its history rows and the search index lose the text (so the
    exports and the API do too), and freed pages are zeroed; a new history row records
    that it was purged, by whom and when, not what. A deleted note can be purged too.
    """
    if not actor.can("admin"):
        raise NotAllowed("Only an admin can purge a note's text.")
    with erasing(db), write_transaction(db):
        row = db.execute("select claim_id, purged_at from notes where id = ?", [note_id]).fetchone()
        if row is None:
            raise NoteNotFound(note_id)
        claim_id, purged_at = row
        if purged_at is None:
            now = utc_now()
            db.execute(
                "update notes set body = ?, purged_at = ?, purged_by = ? where id = ?",
                [PURGED_BODY, now, actor.username, note_id],
            )
            redact_note(db, note_id, PURGED_BODY)
            record_history(
                db,
                claim_row(db, claim_id),
                actor.username,
                "note purged",
                None,
                {"note_id": note_id},
                now,
            )
            # The index keeps a deleted entry's words until its segments are merged.
            # https://www.sqlite.org/fts5.html#the_optimize_command
            db.execute("insert into notes_fts (notes_fts) values ('optimize')")
    return dict(db.table("notes").get(note_id))
