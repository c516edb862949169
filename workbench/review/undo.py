"""Undo a change: a new change that puts back what the old one replaced.

Nothing is erased: the undo is history rows of its own (with `undoes` pointing at the row
undone). It is refused when the claim changed since (someone else's change is never
silently reverted), when the change was undone already, and when it is not the
reviewer's own (admins may undo anyone's).
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import CannotUndo, HistoryNotFound, InvalidInput, NotAllowed, VersionConflict
from ..interface_languages import N_
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from ..team.accounts import User
from ..text import analysis
from . import corrections
from .claims import bump_version, get_claim, write_status
from .history import decode, record_history

# The actions an undo knows how to reverse, and what it says it undid (N_: translated
# where it is shown).
UNDOABLE = {
    "status": N_("status change"),
    "not a claim": N_("“not a claim”"),
    "restored": N_("restore"),
    "split": N_("split"),
    "merge": N_("merge"),
    "attribution": N_("source change"),
    "attribution confirmed": N_("source confirmation"),
    "boundaries": N_("boundary change"),
    "copied evidence": N_("copied evidence"),
}
BULK_CHANGE = N_("bulk change")


@dataclass(frozen=True)
class Undone:
    article_id: int
    claim_ids: list[int]  # the claims put back, the undone change's own claim first
    what: str  # "status change", "merge"...


def undoable_entry(db: Database, history_id: int) -> dict[str, Any]:
    """The history row to undo, decoded; HistoryNotFound if there is none."""
    rows = list(
        db.query(
            "select h.* from history h join articles a on a.id = h.article_id "
            "where h.id = ? and a.deleted_at is null and h.claim_id is not null",
            [history_id],
        )
    )
    if not rows:
        raise HistoryNotFound(history_id)
    entry = rows[0]
    entry["before"] = decode(entry["before"])
    entry["after"] = decode(entry["after"])
    return entry


def undo(db: Database, history_id: int, actor: User) -> Undone:
    """Reverse the change recorded in history row `history_id` (a whole bulk change when
    it was one), as a new change by `actor`. Every refusal is CannotUndo: whatever the
    reason, the change stands and something since is in its way."""
    try:
        return _undo(db, history_id, actor)
    except CannotUndo:
        raise
    except InvalidInput as refused:
        raise CannotUndo(refused.message, **refused.values) from refused


def _undo(db: Database, history_id: int, actor: User) -> Undone:
    with write_transaction(db):
        entry = undoable_entry(db, history_id)
        if entry["action"] not in UNDOABLE:
            raise InvalidInput("That change cannot be undone.")
        if entry["actor"] != actor.username and not actor.can("admin"):
            raise NotAllowed("You can undo your own changes only.")
        if db.execute("select 1 from history where undoes = ?", [history_id]).fetchone():
            raise InvalidInput("That change was undone already.")
        if _before_the_current_version(db, entry):
            raise InvalidInput(
                "That change was made on an earlier version of the article; its offsets "
                "belong to that text, so it cannot be undone now."
            )
        if entry["batch"] is not None and entry["action"] == "status":
            return _undo_bulk_status(db, entry, actor)
        if entry["batch"] is not None:
            return _undo_bulk_hiding(db, entry, actor)
        _check_unchanged(db, entry["claim_id"], entry["version"])
        claim_ids = _REVERSE[entry["action"]](db, entry, actor)
    return Undone(entry["article_id"], claim_ids, UNDOABLE[entry["action"]])


def _before_the_current_version(db: Database, entry: dict[str, Any]) -> bool:
    """True when a newer version of the article was imported after this change."""
    row = db.execute(
        "select max(history_id) from article_versions where article_id = ?",
        [entry["article_id"]],
    ).fetchone()
    return row[0] is not None and entry["id"] < row[0]


def _check_unchanged(db: Database, claim_id: int, version: int | None) -> None:
    current = get_claim(db, claim_id)
    if version is None or current["version"] != version:
        # Someone (maybe the same reviewer) changed the claim since: undoing now would
        # overwrite that change without anyone seeing it.
        raise VersionConflict(current)


def _undo_status(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    # A review copied from another article brought its evidence: that goes back too.
    _hide_copied_evidence(db, entry, actor)
    write_status(
        db,
        "select ? as id",
        [entry["claim_id"]],
        entry["before"]["status"],
        actor,
        bulk=False,
        undoes=entry["id"],
    )
    return [entry["claim_id"]]


def _hide_copied_evidence(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    ids = (entry["after"] or {}).get("evidence_ids") or []
    db.execute(
        "update evidence set deleted_at = ?, deleted_by = ? where deleted_at is null "
        "and claim_id = ? and id in (select value from json_each(?))",
        [utc_now(), actor.username, entry["claim_id"], json.dumps(ids)],
    )
    return list(ids)


def _undo_copied_evidence(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    claim = corrections.full_claim(db, entry["claim_id"])
    hidden = _hide_copied_evidence(db, entry, actor)
    db.execute("update claims set version = version + 1 where id = ?", [claim["id"]])
    record_history(
        db,
        claim,
        actor.username,
        "copied evidence removed",
        {"evidence_ids": hidden},
        {"undo_of": entry["id"]},
        utc_now(),
        undoes=entry["id"],
    )
    return [claim["id"]]


def _undo_bulk_status(db: Database, entry: dict[str, Any], actor: User) -> Undone:
    """Every claim of a bulk change back to its own earlier status, or none of them."""
    rows = db.execute(
        "select h.id, h.claim_id, h.version, c.version, json_extract(h.before, '$.status') "
        "from history h join claims c on c.id = h.claim_id where h.batch = ? order by h.id",
        [entry["batch"]],
    ).fetchall()
    changed_since = [claim_id for _, claim_id, then, now, _ in rows if then != now]
    if changed_since:
        raise VersionConflict(get_claim(db, changed_since[0]))
    by_status: dict[str, list[int]] = {}
    for _, claim_id, _, _, status in rows:
        by_status.setdefault(status, []).append(claim_id)
    for status, ids in by_status.items():
        write_status(
            db,
            "select value from json_each(?)",
            [json.dumps(ids)],
            status,
            actor,
            bulk=True,
            undoes=entry["id"],
        )
    return Undone(entry["article_id"], [claim_id for _, claim_id, *_ in rows], BULK_CHANGE)


def _undo_bulk_hiding(db: Database, entry: dict[str, Any], actor: User) -> Undone:
    """Every claim a bulk "not a claim" hid is a claim again, or none of them is."""
    rows = list(db.query("select * from history where batch = ? order by id", [entry["batch"]]))
    for row in rows:
        _check_unchanged(db, row["claim_id"], row["version"])
    for row in rows:
        _undo_hiding(db, {**row, "before": decode(row["before"])}, actor)
    return Undone(entry["article_id"], [row["claim_id"] for row in rows], BULK_CHANGE)


def _undo_hiding(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    hidden = not entry["before"]["is_claim"]
    claim = corrections.full_claim(db, entry["claim_id"])
    corrections.apply_hidden(db, claim, hidden, actor, utc_now(), undoes=entry["id"])
    corrections.renumber(db, claim["article_id"])
    if not hidden:
        corrections.reannotate(db, claim["article_id"], [claim["id"]])
    return [claim["id"]]


def _set_extent(
    db: Database, claim: dict[str, Any], start: int, end: int, actor: User, now: str
) -> None:
    body = corrections.article_body(db, claim["article_id"])
    bump_version(db, claim["id"], start=start, end=end, text=body[start:end])


def _restore_extent(
    db: Database, claim: dict[str, Any], entry: dict[str, Any], actor: User, now: str
) -> None:
    """The claim back to the passage it had before `entry`, recorded as its undo."""
    before = entry["before"]
    _set_extent(db, claim, before["start"], before["end"], actor, now)
    record_history(
        db,
        claim,
        actor.username,
        "boundaries",
        corrections.snapshot(claim),
        {**before, "undo_of": entry["id"]},
        now,
        undoes=entry["id"],
    )


def _undo_boundaries(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    claim = corrections.full_claim(db, entry["claim_id"])
    _restore_extent(db, claim, entry, actor, utc_now())
    corrections.renumber(db, claim["article_id"])
    corrections.reannotate(db, claim["article_id"], [claim["id"]])
    return [claim["id"]]


def _undo_split(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    """The two parts become one claim again; the second part is hidden as merged."""
    claim = corrections.full_claim(db, entry["claim_id"])
    second = corrections.full_claim(db, entry["after"]["second"]["claim_id"])
    if not second["is_claim"]:
        raise InvalidInput("The second part of that split is no longer a claim; restore it first.")
    before = entry["before"]
    now = utc_now()
    _set_extent(db, claim, before["start"], before["end"], actor, now)
    bump_version(db, second["id"], is_claim=0, hidden_reason="merged", merged_into=claim["id"])
    moved = {
        table: corrections.move_children(db, table, second["id"], claim["id"])
        for table in ("notes", "evidence")
    }
    record_history(
        db,
        claim,
        actor.username,
        "merge",
        corrections.snapshot(claim),
        {
            **before,
            "merged_claim_id": second["id"],
            "undo_of": entry["id"],
            "moved_note_ids": moved["notes"],
            "moved_evidence_ids": moved["evidence"],
            "moved_notes": len(moved["notes"]),
            "moved_evidence": len(moved["evidence"]),
        },
        now,
        undoes=entry["id"],
    )
    record_history(
        db,
        second,
        actor.username,
        "merged into",
        {**corrections.snapshot(second), "status": second["status"]},
        {"claim_id": claim["id"], "undo_of": entry["id"]},
        now,
    )
    corrections.renumber(db, claim["article_id"])
    corrections.reannotate(db, claim["article_id"], [claim["id"]])
    return [claim["id"]]


def _undo_merge(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    """The merged claim comes back with its own notes and evidence; the first shrinks back."""
    claim = corrections.full_claim(db, entry["claim_id"])
    other = corrections.full_claim(db, entry["after"]["merged_claim_id"])
    now = utc_now()
    _restore_extent(db, claim, entry, actor, now)
    bump_version(db, other["id"], is_claim=1, hidden_reason=None, merged_into=None)
    for table, key in (("notes", "moved_note_ids"), ("evidence", "moved_evidence_ids")):
        ids = entry["after"].get(key) or []
        db.execute(
            f"update {table} set claim_id = ? where claim_id = ? and id in "
            "(select value from json_each(?))",
            [other["id"], claim["id"], json.dumps(ids)],
        )
    record_history(
        db,
        other,
        actor.username,
        "restored",
        {"is_claim": False},
        {"is_claim": True, "undo_of": entry["id"]},
        now,
    )
    corrections.renumber(db, claim["article_id"])
    corrections.reannotate(db, claim["article_id"], [claim["id"], other["id"]])
    return [claim["id"], other["id"]]


def _undo_attribution(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    claim = corrections.full_claim(db, entry["claim_id"])
    before = entry["before"]
    fields = {
        "attribution_text": before["text"],
        "attribution_kind": before["kind"] or "none",
        "attribution_start": before["start"],
        "attribution_end": before["end"],
        "attribution_confirmed_by": before.get("confirmed_by"),
        **analysis.flag_fields(
            claim["text"], before["kind"], corrections.language_of(db, claim["article_id"])
        ),
    }
    now = utc_now()
    bump_version(db, claim["id"], **fields)
    record_history(
        db,
        claim,
        actor.username,
        "attribution",
        corrections.attribution_snapshot(claim),
        {key: before[key] for key in ("text", "kind", "start", "end")} | {"undo_of": entry["id"]},
        now,
        undoes=entry["id"],
    )
    return [claim["id"]]


def _undo_confirmation(db: Database, entry: dict[str, Any], actor: User) -> list[int]:
    claim = corrections.full_claim(db, entry["claim_id"])
    now = utc_now()
    bump_version(db, claim["id"], attribution_confirmed_by=None)
    record_history(
        db,
        claim,
        actor.username,
        "attribution unconfirmed",
        {"confirmed_by": claim["attribution_confirmed_by"]},
        {"undo_of": entry["id"]},
        now,
        undoes=entry["id"],
    )
    return [claim["id"]]


_REVERSE = {
    "status": _undo_status,
    "not a claim": _undo_hiding,
    "restored": _undo_hiding,
    "split": _undo_split,
    "merge": _undo_merge,
    "attribution": _undo_attribution,
    "attribution confirmed": _undo_confirmation,
    "boundaries": _undo_boundaries,
    "copied evidence": _undo_copied_evidence,
}
