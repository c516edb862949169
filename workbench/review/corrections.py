"""Reviewers correct the machine: claim boundaries, splits, merges, new claims, "not a
claim", and attributions. The article text itself never changes; every operation keeps
`body[claim.start:claim.end] == claim.text` and is recorded in the history.
"""

import json
import re
from typing import Any

from sqlite_utils import Database

from ..errors import InvalidInput, NeedsConfirmation, VersionConflict
from ..memory import matching
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from ..text import analysis, attribution, languages
from .claims import bump_version, claim_row, get_claim, refuse_if_hidden
from .history import record_history

ATTRIBUTION_KINDS = attribution.KINDS


def article_body(db: Database, article_id: int) -> str:
    return db.execute("select body from articles where id = ?", [article_id]).fetchone()[0]


def language_of(db: Database, article_id: int) -> str:
    """The language an article is read in (its sources and flags follow it)."""
    row = db.execute("select language from articles where id = ?", [article_id]).fetchone()
    return row[0] if row and row[0] else languages.DEFAULT


def full_claim(db: Database, claim_id: int) -> dict[str, Any]:
    claim_row(db, claim_id)  # ClaimNotFound if missing
    return next(db.query("select * from claims where id = ?", [claim_id]))


def _check_version(db: Database, claim: dict[str, Any], expected_version: int | None) -> None:
    if expected_version is not None and claim["version"] != expected_version:
        raise VersionConflict(get_claim(db, claim["id"]))


def trimmed_span(body: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) inside the body with surrounding white space removed; refuse empty."""
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(body):
        raise InvalidInput(
            "A claim must be a passage inside the article (0 to %(length)s).", length=len(body)
        )
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise InvalidInput("That passage is only white space; a claim needs words.")
    return start, end


def locate_passage(body: str, passage: str | None, near: int) -> tuple[int, int]:
    """Offsets of `passage` in the article: the occurrence nearest to offset `near`."""
    passage = (passage or "").strip()
    if not passage:
        raise InvalidInput("Give the passage exactly as it appears in the article.")
    # White space may differ (a browser turns CRLF into LF, copying may fold line breaks).
    pattern = re.compile(r"\s+".join(re.escape(word) for word in passage.split()))
    matches = [(match.start(), match.end()) for match in pattern.finditer(body)]
    if not matches:
        raise InvalidInput(
            "That passage is not in the article text. Copy it exactly, including punctuation."
        )
    return min(matches, key=lambda span: abs(span[0] - near))


def snapshot(claim: dict[str, Any]) -> dict[str, Any]:
    return {"start": claim["start"], "end": claim["end"], "text": claim["text"]}


def renumber(db: Database, article_id: int) -> None:
    """Real claims are numbered 1..n in reading order; hidden ones have no position."""
    db.execute(
        "update claims set position = null where article_id = ? and is_claim = 0", [article_id]
    )
    # UPDATE ... FROM ranks once: a correlated subquery ranked the whole article again
    # for every claim (2.6 s for 1,000 claims in the bench).
    db.execute(
        """with ranked as (
               select id, row_number() over (order by start, "end", id) as rank
               from claims where article_id = :article and is_claim = 1)
           update claims set position = ranked.rank from ranked
           where claims.id = ranked.id and claims.position is not ranked.rank""",
        {"article": article_id},
    )


def reannotate(db: Database, article_id: int, claim_ids: list[int]) -> None:
    """Recompute source and flags for the given claims, with the article as context.

    A source a reviewer set or confirmed is theirs: only its flags are recomputed.
    """
    body = article_body(db, article_id)
    rows = list(
        db.query(
            'select id, start, "end", text, attribution_kind, attribution_confirmed_by '
            "from claims where article_id = ? and is_claim = 1",
            [article_id],
        )
    )
    spans, ordered = analysis.spans_from_rows(rows)
    wanted = set(claim_ids)
    # The write lock is held: only the changed claims' sentences go to the parser (a split
    # in a 642-claim article held it 0.94 s when every sentence could).
    only = {index for index, row in enumerate(ordered) if row["id"] in wanted}
    language = language_of(db, article_id)
    annotated = analysis.annotate(body, spans, only=only, language=language)
    for row, fields in zip(ordered, annotated, strict=True):
        if row["id"] not in wanted:
            continue
        if row["attribution_confirmed_by"]:
            fields = analysis.flag_fields(row["text"], row["attribution_kind"], language)
        db.table("claims").update(row["id"], fields)
    # Their text may have changed: what they match in other articles too.
    matching.index_claims(db, claim_ids)


def edit_boundaries(
    db: Database,
    claim_id: int,
    start: int,
    end: int,
    actor: User,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Move a claim's start and end; its text follows the article."""
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        refuse_if_hidden(claim)
        _check_version(db, claim, expected_version)
        body = article_body(db, claim["article_id"])
        start, end = trimmed_span(body, start, end)
        if (start, end) == (claim["start"], claim["end"]):
            return get_claim(db, claim_id)
        now = utc_now()
        bump_version(db, claim_id, start=start, end=end, text=body[start:end])
        record_history(
            db,
            claim,
            actor.username,
            "boundaries",
            snapshot(claim),
            {"start": start, "end": end, "text": body[start:end]},
            now,
        )
        renumber(db, claim["article_id"])
        reannotate(db, claim["article_id"], [claim_id])
    return get_claim(db, claim_id)


def split_claim(
    db: Database, claim_id: int, at: int, actor: User, expected_version: int | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a claim at article offset `at`: it keeps the first part, a new claim the rest.

    The new claim starts unverified; notes, evidence and status stay with the first part.
    """
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        refuse_if_hidden(claim)
        _check_version(db, claim, expected_version)
        body = article_body(db, claim["article_id"])
        if not isinstance(at, int) or not claim["start"] < at < claim["end"]:
            raise InvalidInput("Choose a split point inside the claim.")
        left = trimmed_span(body, claim["start"], at)
        right = trimmed_span(body, at, claim["end"])
        now = utc_now()
        bump_version(db, claim_id, start=left[0], end=left[1], text=body[left[0] : left[1]])
        new_id = insert(
            db,
            "claims",
            {
                "article_id": claim["article_id"],
                "position": claim["position"],
                "start": right[0],
                "end": right[1],
                "text": body[right[0] : right[1]],
                "status": "unverified",
                "version": 1,
                "is_claim": 1,
            },
        )
        record_history(
            db,
            claim,
            actor.username,
            "split",
            snapshot(claim),
            {
                "first": {"claim_id": claim_id, "text": body[left[0] : left[1]]},
                "second": {"claim_id": new_id, "text": body[right[0] : right[1]]},
            },
            now,
        )
        record_history(
            db,
            {"id": new_id, "article_id": claim["article_id"]},
            actor.username,
            "created by split",
            {"claim_id": claim_id},
            {"start": right[0], "end": right[1], "text": body[right[0] : right[1]]},
            now,
        )
        renumber(db, claim["article_id"])
        reannotate(db, claim["article_id"], [claim_id, new_id])
    return get_claim(db, claim_id), get_claim(db, new_id)


def merge_with_next(
    db: Database, claim_id: int, actor: User, expected_version: int | None = None
) -> dict[str, Any]:
    """Join a claim with the next claim in reading order.

    The next claim is hidden (reason "merged", never erased) and its notes and evidence
    move to the merged claim, so nothing anyone recorded disappears.
    """
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        refuse_if_hidden(claim)
        _check_version(db, claim, expected_version)
        after = list(
            db.query(
                "select * from claims where article_id = ? and is_claim = 1 and id != ? "
                'and (start > ? or (start = ? and id > ?)) order by start, "end", id limit 1',
                [claim["article_id"], claim_id, claim["start"], claim["start"], claim_id],
            )
        )
        if not after:
            raise InvalidInput(
                "This is the last claim of the article; there is nothing to merge it with."
            )
        following = after[0]
        body = article_body(db, claim["article_id"])
        start = min(claim["start"], following["start"])
        end = max(claim["end"], following["end"])
        now = utc_now()
        bump_version(db, claim_id, start=start, end=end, text=body[start:end])
        bump_version(
            db,
            following["id"],
            is_claim=0,
            hidden_reason="merged",
            merged_into=claim_id,
        )
        moved_notes = move_children(db, "notes", following["id"], claim_id)
        moved_evidence = move_children(db, "evidence", following["id"], claim_id)
        record_history(
            db,
            claim,
            actor.username,
            "merge",
            snapshot(claim),
            {
                "start": start,
                "end": end,
                "text": body[start:end],
                "merged_claim_id": following["id"],
                "moved_notes": len(moved_notes),
                "moved_evidence": len(moved_evidence),
                # Which ones, so an undo can move them back.
                "moved_note_ids": moved_notes,
                "moved_evidence_ids": moved_evidence,
            },
            now,
        )
        record_history(
            db,
            following,
            actor.username,
            "merged into",
            {**snapshot(following), "status": following["status"]},
            {"claim_id": claim_id},
            now,
        )
        renumber(db, claim["article_id"])
        reannotate(db, claim["article_id"], [claim_id])
    return get_claim(db, claim_id)


def move_children(db: Database, table: str, from_claim: int, to_claim: int) -> list[int]:
    """Move a claim's notes or evidence to another claim; the ids moved."""
    ids = [row[0] for row in db.execute(f"select id from {table} where claim_id = ?", [from_claim])]
    db.execute(f"update {table} set claim_id = ? where claim_id = ?", [to_claim, from_claim])
    return ids


def add_claim(
    db: Database,
    article_id: int,
    start: int,
    end: int,
    actor: User,
    overlap_confirmed: bool = False,
) -> dict[str, Any]:
    """A new claim from a passage of the article a reviewer selected.

    A passage that overlaps claims already there is added only when the reviewer has
    confirmed it (NeedsConfirmation names those claims): two claims over the same words
    are usually a slip of the selection.
    """
    with write_transaction(db):
        body = article_body(db, article_id)
        start, end = trimmed_span(body, start, end)
        duplicate = db.execute(
            'select id from claims where article_id = ? and start = ? and "end" = ? '
            "and is_claim = 1",
            [article_id, start, end],
        ).fetchone()
        if duplicate:
            raise InvalidInput("That passage is already a claim.")
        overlapping = [
            row[0]
            for row in db.execute(
                "select position from claims where article_id = ? and is_claim = 1 and start < ? "
                'and "end" > ? order by position',
                [article_id, end, start],
            )
        ]
        if overlapping and not overlap_confirmed:
            names = ", ".join(str(position) for position in overlapping)
            if len(overlapping) > 1:
                raise NeedsConfirmation(
                    "That passage overlaps claims %(names)s. Tick “add it anyway” to keep "
                    "both, or select a passage outside it.",
                    names=names,
                )
            raise NeedsConfirmation(
                "That passage overlaps claim %(names)s. Tick “add it anyway” to keep both, or "
                "select a passage outside it.",
                names=names,
            )
        now = utc_now()
        claim_id = insert(
            db,
            "claims",
            {
                "article_id": article_id,
                "position": 0,
                "start": start,
                "end": end,
                "text": body[start:end],
                "status": "unverified",
                "version": 1,
                "is_claim": 1,
            },
        )
        record_history(
            db,
            {"id": claim_id, "article_id": article_id},
            actor.username,
            "added",
            None,
            {"start": start, "end": end, "text": body[start:end]},
            now,
        )
        renumber(db, article_id)
        reannotate(db, article_id, [claim_id])
    return get_claim(db, claim_id)


def apply_hidden(
    db: Database,
    claim: dict[str, Any],
    hidden: bool,
    actor: User,
    now: str,
    *,
    undoes: int | None = None,
    bulk: bool = False,
) -> int:
    """Mark a claim "not a claim" or a claim again, with its history row (the caller holds
    the write transaction and renumbers); returns the history row's id."""
    bump_version(
        db,
        claim["id"],
        is_claim=0 if hidden else 1,
        hidden_reason="not_a_claim" if hidden else None,
    )
    after: dict[str, Any] = {"is_claim": not hidden}
    if bulk:
        after["bulk"] = True
    if undoes is not None:
        after["undo_of"] = undoes
    return record_history(
        db,
        claim,
        actor.username,
        "not a claim" if hidden else "restored",
        {"is_claim": bool(claim["is_claim"])},
        after,
        now,
        undoes=undoes,
    )


def set_not_a_claim(
    db: Database, claim_id: int, hidden: bool, actor: User, expected_version: int | None = None
) -> dict[str, Any]:
    """Mark a claim "not a claim" (kept, left out of progress and exports) or restore it."""
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        _check_version(db, claim, expected_version)
        if bool(hidden) == (not claim["is_claim"]):
            return get_claim(db, claim_id)
        if not hidden and claim["removed_in_version"] is not None:
            raise InvalidInput(
                "This passage is not in version %(version)s of the article or later, so it "
                "cannot be a claim of it again.",
                version=claim["removed_in_version"],
            )
        if not hidden and claim["hidden_reason"] == "merged":
            raise InvalidInput(
                "This passage was merged into another claim; split that claim instead."
            )
        apply_hidden(db, claim, bool(hidden), actor, utc_now())
        renumber(db, claim["article_id"])
        if not hidden:
            reannotate(db, claim["article_id"], [claim_id])
    return get_claim(db, claim_id)


def set_not_a_claim_many(
    db: Database, article_id: int, claim_ids: list[int], actor: User
) -> tuple[int, int | None]:
    """Mark several claims of an article "not a claim" at once, as one batch of history
    (undone together); (how many changed, the batch)."""
    with write_transaction(db):
        targets = [
            claim
            for claim in db.query(
                "select * from claims where article_id = ? and is_claim = 1 and id in "
                "(select value from json_each(?))",
                [article_id, json.dumps(claim_ids)],
            )
        ]
        if not targets:
            return 0, None
        now = utc_now()
        batch = None
        for claim in targets:
            row_id = apply_hidden(db, claim, True, actor, now, bulk=True)
            batch = batch or row_id
            db.execute("update history set batch = ? where id = ?", [batch, row_id])
        renumber(db, article_id)
    return len(targets), batch


def attribution_snapshot(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": claim["attribution_text"],
        "kind": claim["attribution_kind"],
        "start": claim["attribution_start"],
        "end": claim["attribution_end"],
        "confirmed_by": claim["attribution_confirmed_by"],
    }


def set_attribution(
    db: Database,
    claim_id: int,
    actor: User,
    kind: str | None,
    passage: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """A reviewer's source for a claim: a passage of the article and its kind, or none."""
    if kind not in ATTRIBUTION_KINDS:
        raise InvalidInput(
            "“%(kind)s” is not a kind of source. Choose one of: %(kinds)s.",
            kind=kind,
            kinds=", ".join(ATTRIBUTION_KINDS),
        )
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        refuse_if_hidden(claim)
        _check_version(db, claim, expected_version)
        typed = " ".join((passage or "").split())
        if kind == "none" and typed:
            # Words in the box but a kind that says there is no source: saving would drop
            # them without a word, whether they were typed now or are the source the claim
            # has (the kind switched to "none"). Only an empty box says "no source".
            if typed == " ".join((claim["attribution_text"] or "").split()):
                raise InvalidInput(
                    "The source box still says “%(typed)s” but the kind is now “none”. Empty "
                    "the box to say the article gives no source, or choose what kind of "
                    "source it is; nothing was changed.",
                    typed=typed,
                )
            raise InvalidInput(
                "You typed the source “%(typed)s” but chose the kind “none”. Choose what kind "
                "of source it is, or empty the field to say the article gives none.",
                typed=typed,
            )
        if kind == "none":
            fields = analysis.attribution_fields(None)
        else:
            body = article_body(db, claim["article_id"])
            start, end = locate_passage(body, passage, claim["start"])
            fields = {
                "attribution_text": body[start:end],
                "attribution_kind": kind,
                "attribution_start": start,
                "attribution_end": end,
                "attribution_medium": None,
            }
        fields.update(
            analysis.flag_fields(
                claim["text"],
                fields["attribution_kind"],
                language_of(db, claim["article_id"]),
            )
        )
        fields["attribution_confirmed_by"] = actor.username
        fields["attribution_method"] = "reviewer"
        fields["attribution_confidence"] = None  # a person chose it
        fields["attribution_candidates"] = _candidates_after(claim, fields)
        now = utc_now()
        bump_version(db, claim_id, **fields)
        record_history(
            db,
            claim,
            actor.username,
            "attribution",
            attribution_snapshot(claim),
            {
                "text": fields["attribution_text"],
                "kind": fields["attribution_kind"],
                "start": fields["attribution_start"],
                "end": fields["attribution_end"],
            },
            now,
        )
    return get_claim(db, claim_id)


def _candidates_after(claim: dict[str, Any], fields: dict[str, Any]) -> str | None:
    """The sentence's other candidate sources once a reviewer chose one: the old source
    joins them, the chosen one leaves them (JSON, as stored)."""
    candidates = json.loads(claim["attribution_candidates"] or "[]")
    if claim["attribution_kind"] not in (None, "none") and claim["attribution_text"]:
        candidates.insert(
            0,
            {
                "text": claim["attribution_text"],
                "kind": claim["attribution_kind"],
                "start": claim["attribution_start"],
                "end": claim["attribution_end"],
            },
        )
    chosen = (fields["attribution_start"], fields["attribution_end"])
    kept, seen = [], {chosen}
    for candidate in candidates:
        key = (candidate["start"], candidate["end"])
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return json.dumps(kept, ensure_ascii=False) if kept else None


def confirm_attribution(
    db: Database, claim_id: int, actor: User, expected_version: int | None = None
) -> dict[str, Any]:
    """A reviewer agrees with the detected source; it is kept through later re-analysis."""
    with write_transaction(db):
        claim = full_claim(db, claim_id)
        refuse_if_hidden(claim)
        _check_version(db, claim, expected_version)
        now = utc_now()
        bump_version(db, claim_id, attribution_confirmed_by=actor.username)
        record_history(
            db,
            claim,
            actor.username,
            "attribution confirmed",
            None,
            {"text": claim["attribution_text"], "kind": claim["attribution_kind"]},
            now,
        )
    return get_claim(db, claim_id)


def medium_of(claim: dict[str, Any]) -> dict[str, Any] | None:
    """The decoded medium ("state television" in "...said citing a military source")."""
    return json.loads(claim["attribution_medium"]) if claim.get("attribution_medium") else None
