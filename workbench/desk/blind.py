"""Blind double review: two or more reviewers each decide every claim of an article without
seeing the others' statuses or notes; when the last is done, their decisions are revealed.

Until then each decision lives only in blind_decisions, read back to its own author: the
claims keep their status (no status change is allowed), notes are refused, and the
history holds nothing of them, so no page, API answer, export or event can show them.
Only how many claims each reviewer has decided is public (the "Done:" line): each
decision marks its article (events.mark_blind_progress) for the live pages to count again.
At the reveal every reviewer's decision becomes a history row, claims on which all agree
take that status (a proposal where decisions need approval), and the rest wait for an
editor on the adjudication page.

A revealed review is a record: the claims it covered are kept as the reviewers read them
(blind_review_claims: position and text, written at the reveal), and its figures and
adjudication page are drawn from those, so a later version of the article, which may
edit or remove its claims, changes neither.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import InvalidInput, NotAllowed
from ..review.claims import claim_row, get_claim, in_blind_review, write_status
from ..review.history import record_history
from ..review.notes import check_note_body
from ..statuses import STATUSES, parse_status
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from ..team.assignments import assign
from .events import mark_blind_progress

# The history names this actor for statuses the reviewers agreed on.
AGREED_ACTOR = "blind review"


@dataclass(frozen=True)
class Review:
    id: int
    article_id: int
    reviewers: tuple[str, ...]
    started_by: str
    started_at: str
    revealed_at: str | None

    @property
    def is_open(self) -> bool:
        return self.revealed_at is None


def start(db: Database, article_id: int, reviewers: list[str], actor: User) -> Review:
    """An editor starts a blind double review of a whole article by 2+ reviewers, who
    are assigned all its claims."""
    if not actor.can("editor"):
        raise NotAllowed("Only editors start a blind double review.")
    names = list(dict.fromkeys(name.strip() for name in reviewers if name.strip()))
    if len(names) < 2:
        raise InvalidInput("A blind double review needs at least two reviewers.")
    if in_blind_review(db, article_id):
        raise InvalidInput("This article is under blind review already.")
    assign(db, article_id, names, actor)  # checks the names and the article
    with write_transaction(db):
        if in_blind_review(db, article_id):
            raise InvalidInput("This article is under blind review already.")
        now = utc_now()
        review_id = insert(
            db,
            "blind_reviews",
            {"article_id": article_id, "started_by": actor.username, "started_at": now},
        )
        canonical = [
            db.execute(
                "select username from users where username = ? collate nocase", [n]
            ).fetchone()[0]
            for n in names
        ]
        db.table("blind_reviewers").insert_all(
            {"review_id": review_id, "reviewer": name} for name in canonical
        )
        db.table("history").insert(
            {
                "article_id": article_id,
                "actor": actor.username,
                "action": "blind review started",
                "after": json.dumps({"reviewers": canonical}),
                "at": now,
            }
        )
    review = latest(db, article_id)
    assert review is not None
    return review


def latest(db: Database, article_id: int) -> Review | None:
    """The article's most recent blind review (open or revealed), or None."""
    row = db.execute(
        "select id, article_id, started_by, started_at, revealed_at from blind_reviews "
        "where article_id = ? order by id desc limit 1",
        [article_id],
    ).fetchone()
    if row is None:
        return None
    names = tuple(
        name
        for (name,) in db.execute(
            "select reviewer from blind_reviewers where review_id = ? "
            "order by reviewer collate nocase",
            [row[0]],
        ).fetchall()
    )
    return Review(row[0], row[1], names, row[2], row[3], row[4])


def open_review(db: Database, article_id: int) -> Review | None:
    """The article's blind review while it is open, else None."""
    review = latest(db, article_id)
    return review if review is not None and review.is_open else None


def articles_reviewed(db: Database, article_ids: list[int]) -> set[int]:
    """Those of `article_ids` that have had a blind review (open or revealed): one query,
    so the articles that never had one need no look at their latest."""
    return {
        article_id
        for (article_id,) in db.execute(
            "select distinct article_id from blind_reviews "
            "where article_id in (select value from json_each(?))",
            [json.dumps(article_ids)],
        )
    }


def is_reviewer(review: Review | None, user: User | None) -> bool:
    """True when `user` is one of the review's blind reviewers."""
    return (
        review is not None
        and user is not None
        and user.username.lower() in (name.lower() for name in review.reviewers)
    )


def decide(
    db: Database, claim_id: int, actor: User, status: str | None = None, note: str | None = None
) -> dict[str, Any]:
    """Record the actor's own blind status and/or note on a claim; the last decision of
    the last reviewer reveals them all. Returns the actor's decision on that claim."""
    if status is not None:
        status = parse_status(status)
    if note is not None:
        note = check_note_body(note)
    if status is None and note is None:
        raise InvalidInput("Choose a status or write a note.")
    with write_transaction(db):
        claim = claim_row(db, claim_id)
        review = open_review(db, claim["article_id"])
        if review is None:
            raise InvalidInput("This article is not under blind review.")
        if not is_reviewer(review, actor):
            raise NotAllowed("Only the reviewers named for this blind review decide its claims.")
        if db.execute("select is_claim from claims where id = ?", [claim_id]).fetchone()[0] != 1:
            raise InvalidInput("That passage is not a claim.")
        name = _canonical(review, actor.username)
        db.execute(
            "insert into blind_decisions (review_id, claim_id, reviewer, status, note, "
            "decided_at) values (?, ?, ?, ?, ?, ?) on conflict (review_id, claim_id, reviewer) "
            "do update set status = coalesce(excluded.status, status), "
            "note = coalesce(excluded.note, note), decided_at = excluded.decided_at",
            [review.id, claim_id, name, status, note, utc_now()],
        )
        mark_blind_progress(db, review.article_id)
        if _all_done(db, review):
            _reveal(db, review)
    return own_decisions(db, review.id, name).get(claim_id, {})


def own_decisions(db: Database, review_id: int, username: str) -> dict[int, dict[str, Any]]:
    """{claim_id: {"status", "note", "decided_at"}}: one reviewer's own blind decisions."""
    return {
        row["claim_id"]: row
        for row in db.query(
            "select claim_id, status, note, decided_at from blind_decisions "
            "where review_id = ? and reviewer = ? collate nocase",
            [review_id, username],
        )
    }


def progress(db: Database, review: Review) -> dict[str, int]:
    """{reviewer: claims decided}; the claims in all is the article's real claims."""
    done = dict.fromkeys(review.reviewers, 0)
    for name, count in db.execute(
        "select d.reviewer, count(*) from blind_decisions d join claims c on c.id = d.claim_id "
        "where d.review_id = ? and d.status is not null and c.is_claim = 1 group by d.reviewer",
        [review.id],
    ).fetchall():
        done[name] = count
    return done


def claim_total(db: Database, article_id: int) -> int:
    """How many real claims the article has (what each reviewer must decide)."""
    return int(
        db.execute(
            "select count(*) from claims where article_id = ? and is_claim = 1", [article_id]
        ).fetchone()[0]
    )


def _canonical(review: Review, username: str) -> str:
    return next(name for name in review.reviewers if name.lower() == username.lower())


def _all_done(db: Database, review: Review) -> bool:
    total = claim_total(db, review.article_id)
    return all(count >= total for count in progress(db, review).values())


def _reveal(db: Database, review: Review) -> None:
    """The claims as reviewed kept as the record; every decision into the history (in the
    order made), agreed statuses onto the claims."""
    now = utc_now()
    db.execute("update blind_reviews set revealed_at = ? where id = ?", [now, review.id])
    db.execute(
        "insert into blind_review_claims (review_id, claim_id, position, text) "
        "select ?, id, position, text from claims where article_id = ? and is_claim = 1",
        [review.id, review.article_id],
    )
    decisions = list(
        db.query(
            "select d.*, c.article_id from blind_decisions d join claims c on c.id = d.claim_id "
            "join blind_review_claims f on f.review_id = d.review_id and f.claim_id = d.claim_id "
            "where d.review_id = ? order by d.decided_at, d.claim_id",
            [review.id],
        )
    )
    by_claim: dict[int, set[str]] = {}
    for row in decisions:
        record_history(
            db,
            {"id": row["claim_id"], "article_id": row["article_id"]},
            row["reviewer"],
            "blind decision",
            None,
            {"status": row["status"], "note": row["note"], "review": review.id},
            row["decided_at"],
        )
        by_claim.setdefault(row["claim_id"], set()).add(row["status"])
    system = User(id=0, username=AGREED_ACTOR, role="reviewer")
    for status in STATUSES:
        agreed = [cid for cid, chosen in by_claim.items() if chosen == {status}]
        if agreed:
            write_status(
                db,
                "select value from json_each(?)",
                [json.dumps(agreed)],
                status,
                system,
                bulk=False,
                extra={"agreed_by": list(review.reviewers)},
            )
    db.table("history").insert(
        {
            "article_id": review.article_id,
            "actor": AGREED_ACTOR,
            "action": "blind review revealed",
            "after": json.dumps({"reviewers": list(review.reviewers)}),
            "at": now,
        }
    )


def decisions_by_claim(db: Database, review: Review) -> dict[int, dict[str, dict[str, Any]]]:
    """{claim_id: {reviewer: {"status", "note"}}}: every decision on the claims the review
    covered, once revealed only (the same whatever the article's claims became since)."""
    if review.is_open:
        raise NotAllowed("The decisions stay hidden until every reviewer is done.")
    found: dict[int, dict[str, dict[str, Any]]] = {}
    for row in db.query(
        "select d.claim_id, d.reviewer, d.status, d.note from blind_decisions d "
        "join blind_review_claims f on f.review_id = d.review_id and f.claim_id = d.claim_id "
        "where d.review_id = ?",
        [review.id],
    ):
        found.setdefault(row["claim_id"], {})[row["reviewer"]] = row
    return found


def disagreements(db: Database, review: Review) -> list[dict[str, Any]]:
    """Claims on which the reviewers differ, in the order and words the reviewers read
    them, each with every reviewer's status and note, whether an editor has adjudicated
    it yet, and the claim's words now (`text_now`, when a later version changed them)."""
    decided = decisions_by_claim(db, review)
    differing = [
        cid for cid, rows in decided.items() if len({r["status"] for r in rows.values()}) > 1
    ]
    if not differing:
        return []
    claims = list(
        db.query(
            "select c.id, c.article_id, c.status, c.decision_state, c.version, c.is_claim, "
            "f.position, f.text, c.text as text_now, "
            "exists (select 1 from history h where h.claim_id = c.id "
            "and h.action = 'adjudicate' and h.id > (select coalesce(max(id), 0) from history "
            "where action = 'blind review revealed' and article_id = c.article_id)) "
            "as adjudicated from claims c join blind_review_claims f on f.claim_id = c.id "
            "and f.review_id = ? where c.id in (select value from json_each(?)) "
            "order by f.position",
            [review.id, json.dumps(differing)],
        )
    )
    for claim in claims:
        claim["decisions"] = decided[claim["id"]]
        if claim["text_now"] == claim["text"]:
            claim["text_now"] = None
    return claims


def to_adjudicate(db: Database, review: Review) -> tuple[int, int]:
    """(claims the reviewers of a revealed review disagreed on, those of them no editor
    has ruled on yet)."""
    found = disagreements(db, review)
    return len(found), sum(1 for claim in found if not claim["adjudicated"])


def adjudicate(
    db: Database, claim_id: int, status: str, note: str | None, actor: User
) -> dict[str, Any]:
    """An editor's final status for a claim the blind reviewers disagreed on, with a note;
    their own decisions stay in the history beside it."""
    if not actor.can("editor"):
        raise NotAllowed("Only editors adjudicate.")
    status = parse_status(status)
    body = check_note_body(note, InvalidInput("Say why: the adjudication note is empty."))
    with write_transaction(db):
        claim = claim_row(db, claim_id)
        review = latest(db, claim["article_id"])
        if review is None:
            raise InvalidInput("This article has had no blind review.")
        if review.is_open:
            raise InvalidInput("The blind review is not finished: every reviewer must decide.")
        now = utc_now()
        insert(
            db,
            "notes",
            {"claim_id": claim_id, "body": body, "author": actor.username, "created_at": now},
        )
        changed = write_status(
            db,
            "select ? as id",
            [claim_id],
            status,
            actor,
            bulk=False,
            action="adjudicate",
            extra={"note": body},
        )
        if not changed.count:
            # The status stands (e.g. kept as it is): the ruling is still recorded.
            record_history(
                db,
                claim,
                actor.username,
                "adjudicate",
                {"status": claim["status"]},
                {"status": status, "note": body},
                now,
            )
    return get_claim(db, claim_id)
