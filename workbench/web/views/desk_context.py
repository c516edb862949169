"""What a claim row needs to know about the desk: is the article under blind review, is
the reader one of its reviewers (then the row shows their own decision). One query or
two per page or row, never one per claim."""

from typing import Any

from flask import g

from ...desk import blind
from ...storage import read_cache
from ..database import get_db

# What a row of an article not under blind review needs to know of the desk.
NOT_BLIND: dict[str, Any] = {
    "review": None,
    "blind_open": False,
    "blind_reviewer": False,
    "mine": {},
    "progress": {},
}


def desk_context(article_id, db=None, user=None):
    """{"blind_open", "blind_reviewer", "mine": {claim_id: decision}, "review",
    "progress": {reviewer: claims decided}} for rows of this article, as `user` (default:
    the request's) sees them. The progress is the open review's, so the reviewer's "Done:"
    line is drawn again with each of their decisions (the status answer's parts).
    """
    db = db or get_db()
    return desk_context_of(db, blind.latest(db, article_id), user or g.get("user"))


def desk_context_of(db, review, user):
    """desk_context for the article whose latest blind review (or None) is `review`: one
    query for a reviewer of an open review, none otherwise."""
    is_open = review is not None and review.is_open
    reviewer = review is not None and review.is_open and blind.is_reviewer(review, user)
    return {
        "review": review,
        "blind_open": is_open,
        "blind_reviewer": reviewer,
        "mine": blind.own_decisions(db, review.id, user.username)
        if review is not None and reviewer
        else {},
        "progress": blind.progress(db, review) if review is not None and is_open else {},
    }


def blind_line_context(db, desk, can_adjudicate):
    """What the line over an article's claims needs (templates/desk/_blind_line.html):
    `desk` as desk_context_of drew it and, for a revealed review, how many of the claims
    its reviewers disagreed on are still to adjudicate. Counts only, nobody's status: the
    same line goes to every open page of the article (live_drawing.draw_blind_lines)."""
    review = desk["review"]
    adjudication = None
    if review is not None and not review.is_open:
        found, left = read_cache.remembered(
            db, ("to-adjudicate", review.id), lambda: blind.to_adjudicate(db, review)
        )
        adjudication = {"disagreements": found, "left": left}
    return {"desk": desk, "adjudication": adjudication, "can_adjudicate": can_adjudicate}
