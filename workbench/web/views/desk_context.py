"""What a claim row needs to know about the desk: is the article under blind review, is
the reader one of its reviewers (then the row shows their own decision), does it need
approval. One query or two per page or row, never one per claim."""

from flask import g

from ...desk import blind, decisions
from ..database import get_db


def desk_context(article_id, db=None, user=None):
    """{"blind_open", "blind_reviewer", "mine": {claim_id: decision}, "review",
    "needs_approval"} for rows of this article, as `user` (default: the request's) sees them.
    """
    db = db or get_db()
    user = user or g.get("user")
    review = blind.latest(db, article_id)
    is_open = review is not None and review.is_open
    reviewer = review is not None and review.is_open and blind.is_reviewer(review, user)
    return {
        "review": review,
        "blind_open": is_open,
        "blind_reviewer": reviewer,
        "mine": blind.own_decisions(db, review.id, user.username)
        if review is not None and reviewer
        else {},
        "needs_approval": decisions.needs_approval(db, article_id),
    }
