"""Copying a decision: a claim takes the status and evidence of the same claim reviewed in
another article (workbench/memory/matching.py found the pair), as one change undo takes back."""

from typing import Any

from sqlite_utils import Database

from ..errors import ClaimNotFound, InvalidInput, VersionConflict
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from ..team.accounts import User
from .claims import claim_row, get_claim, in_blind_review, write_status
from .history import record_history


def copy_review(
    db: Database,
    claim_id: int,
    from_claim_id: int,
    actor: User,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Give a claim the status and evidence of the same claim reviewed in another article,
    as one change (one history row, "copied from claim N"; undo takes it all back).

    Refused while the claim's article is under blind review: a copied status would wait
    unwritten while its evidence showed, with no history row and no undo, and the other
    reviewers would read it."""
    with write_transaction(db):
        current = claim_row(db, claim_id)
        if in_blind_review(db, current["article_id"]):
            raise InvalidInput(
                "This article is under blind review: a review is copied in once every "
                "reviewer is done. Reviewers decide each claim themselves."
            )
        if expected_version is not None and current["version"] != expected_version:
            raise VersionConflict(get_claim(db, claim_id))
        matched = db.execute(
            "select 1 from claim_matches where claim_id = ? and other_id = ?",
            [claim_id, from_claim_id],
        ).fetchone()
        if not matched:
            raise InvalidInput("That claim is not one this claim matches; nothing was copied.")
        source = _reviewed_claim(db, from_claim_id)
        if not db.execute("select is_claim from claims where id = ?", [claim_id]).fetchone()[0]:
            raise InvalidInput("This is not a claim now; restore it before copying a review.")
        now = utc_now()
        evidence_ids = _copy_evidence(db, source["id"], claim_id, actor, now)
        copied = {"copied_from": from_claim_id, "evidence_ids": evidence_ids}
        if source["status"] != current["status"]:
            written = write_status(
                db, "select ? as id", [claim_id], source["status"], actor, bulk=False, extra=copied
            )
            if written.count != 1:  # evidence goes only with the history row undo takes back
                raise InvalidInput("This claim's status cannot change now; nothing was copied.")
        elif evidence_ids:
            db.execute("update claims set version = version + 1 where id = ?", [claim_id])
            record_history(db, current, actor.username, "copied evidence", None, copied, now)
        else:
            raise InvalidInput("This claim has that decision and its evidence already.")
    return get_claim(db, claim_id)


def _reviewed_claim(db: Database, claim_id: int) -> dict[str, Any]:
    rows = list(
        db.query(
            "select c.id, c.status from claims c join articles a on a.id = c.article_id "
            "where c.id = ? and c.is_claim = 1 and a.deleted_at is null",
            [claim_id],
        )
    )
    if not rows:
        raise ClaimNotFound(claim_id)
    if rows[0]["status"] == "unverified":
        raise InvalidInput("That claim has not been reviewed; there is no decision to copy.")
    return rows[0]


def _copy_evidence(db: Database, from_id: int, to_id: int, actor: User, now: str) -> list[int]:
    """Copies of the other claim's evidence (links not already on this claim); their ids."""
    ids = []
    for record in db.query(
        "select url, title, excerpt, stance from evidence where claim_id = ? "
        "and deleted_at is null and url not in "
        "(select url from evidence where claim_id = ? and deleted_at is null) "
        "order by id",
        [from_id, to_id],
    ):
        cursor = db.execute(
            "insert into evidence (claim_id, url, title, excerpt, stance, added_by, added_at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [
                to_id,
                record["url"],
                record["title"],
                record["excerpt"],
                record["stance"],
                actor.username,
                now,
            ],
        )
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
    return ids
