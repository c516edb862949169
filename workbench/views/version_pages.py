"""Versions of an article: the list, what a version changed, a version's text."""

from flask import abort, render_template

from .. import versions
from ..errors import InvalidInput
from ..web import get_db, load_article, positive_int
from .common import article_summary, bp


def load_version(article, number):
    """The version's number, or 404 when the article has no such version."""
    found = positive_int(number)
    if found is None or found > article["current_version"]:
        abort(404)
    return found


@bp.get("/articles/<article_id>/versions")
def article_versions(article_id):
    article = load_article(article_id)
    return render_template(
        "versions/index.html",
        versions=versions.list_versions(get_db(), article["id"]),
        **article_summary(article),
    )


@bp.get("/articles/<article_id>/versions/<number>")
def version_changes(article_id, number):
    """What one version changed: claims changed (word by word), removed and new."""
    article = load_article(article_id, with_body=False)
    found = load_version(article, number)
    db = get_db()
    return render_template(
        "versions/changes.html",
        number=found,
        version=versions.version_summary(db, article["id"], found),
        changes=versions.version_changes(db, article["id"], found),
        **article_summary(article),
    )


@bp.get("/articles/<article_id>/versions/<number>/text")
def version_text(article_id, number):
    article = load_article(article_id, with_body=False)
    found = load_version(article, number)
    try:
        body = versions.body_of_version(get_db(), article["id"], found)
    except InvalidInput:
        abort(404)
    return render_template(
        "versions/text.html", number=found, body=body, **article_summary(article)
    )
