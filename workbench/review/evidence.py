"""Evidence records on claims: a link, what it says, and whether it supports the claim."""

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from ..errors import EvidenceNotFound, InvalidInput, NotAllowed
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from .articles import is_web_url
from .claims import claim_row, in_blind_review, refuse_if_hidden
from .hiding import hide_record
from .history import record_history

STANCES = ("supports", "contradicts")
MAX_TITLE_CHARS = 300
MAX_EXCERPT_CHARS = 5_000


def add_evidence(
    db: Database,
    claim_id: int,
    actor: User,
    url: str | None,
    stance: str | None,
    title: str | None = None,
    excerpt: str | None = None,
    *,
    attach: Callable[[Database, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Attach an evidence link to a claim; only http(s) URLs (OWASP ASVS 1.2.2).

    Refused while the claim's article is under blind review, as notes are: its stance,
    title and excerpt are a reviewer's reasons, which the others must not read before the
    reveal. `attach(db, record)` runs inside the transaction, for what must be stored
    with the evidence or not at all (the job that archives its link)."""
    url = (url or "").strip()
    if not is_web_url(url):
        raise InvalidInput("The evidence URL must be a full http:// or https:// address.")
    if stance not in STANCES:
        raise InvalidInput("Say whether the evidence supports or contradicts the claim.")
    title = (title or "").strip() or None
    excerpt = (excerpt or "").strip() or None
    if title and len(title) > MAX_TITLE_CHARS:
        raise InvalidInput("The title is longer than %(limit)s characters.", limit=MAX_TITLE_CHARS)
    if excerpt and len(excerpt) > MAX_EXCERPT_CHARS:
        raise InvalidInput(
            "The excerpt is longer than %(limit)s characters.", limit=format(MAX_EXCERPT_CHARS, ",")
        )
    if any("\x00" in (value or "") for value in (url, title, excerpt)):
        raise InvalidInput("The evidence contains NUL characters.")
    with write_transaction(db):
        claim = claim_row(db, claim_id)
        # Notes and evidence of a merged passage live on the claim it was merged into.
        refuse_if_hidden(claim, merged_only=True)
        if in_blind_review(db, claim["article_id"]):
            raise InvalidInput(
                "This article is under blind review: evidence, like notes, is added once "
                "every reviewer is done, so no reviewer reads another's reasons. Reviewers "
                "put their links in the note of their decision."
            )
        now = utc_now()
        record = {
            "claim_id": claim_id,
            "url": url,
            "title": title,
            "excerpt": excerpt,
            "stance": stance,
            "added_by": actor.username,
            "added_at": now,
        }
        evidence_id = insert(db, "evidence", record)
        record_history(
            db,
            claim,
            actor.username,
            "evidence",
            None,
            {"evidence_id": evidence_id, "url": url, "stance": stance, "title": title},
            now,
        )
        stored = dict(db.table("evidence").get(evidence_id))
        if attach is not None:
            attach(db, stored)
    return stored


def delete_evidence(db: Database, evidence_id: int, actor: User) -> dict[str, Any]:
    """Hide an evidence record (never erased) and log it; only its author or an admin."""
    return hide_record(
        db,
        "evidence",
        evidence_id,
        actor,
        author_column="added_by",
        id_key="evidence_id",
        logged=("url",),
        action="evidence deleted",
        not_found=EvidenceNotFound,
        refusal=NotAllowed(
            "Only the reviewer who added this evidence, or an admin, can remove it."
        ),
    )
