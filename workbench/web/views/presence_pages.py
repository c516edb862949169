"""A reader leaving an article: their page says so as it closes (static/review.js sends a
beacon on pagehide), so others stop seeing them at once rather than 30 seconds later."""

from flask import g, make_response, redirect, url_for

from ...desk import presence
from ..database import get_db
from ..loaders import load_article
from ..responses import is_htmx
from .blueprint import bp


@bp.post("/articles/<id:article_id>/presence/leave")
def presence_leave(article_id):
    """Forget the reader on the article (a beacon as the page closes, or the plain form)."""
    article = load_article(article_id, with_body=False)
    presence.leave(get_db(), article["id"], g.user)
    if is_htmx():
        return make_response("", 204)
    return redirect(url_for("workbench.index"), code=303)
