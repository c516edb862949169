"""Versions of an article: the list, what a version changed, a version's text."""

from flask import abort, flash, g, render_template, url_for
from flask_babel import gettext, ngettext

from ...errors import ArticleNotFound, ArticleRejected
from ...review import articles, versions
from ..database import get_db
from ..forms import positive_int
from ..loaders import load_article
from ..responses import navigate
from .article_header import article_summary
from .blueprint import bp


def version_target(form):
    """The article a text is a new version of: the one chosen in the import form, else the
    one imported from the same URL; None for a new article. ArticleRejected for a choice
    that is no article."""
    chosen = (form.get("new_version_of") or "").strip()
    if chosen:
        article_id = positive_int(chosen)
        if article_id is None:
            raise ArticleRejected("Choose the article this is a new version of from the list.")
        try:
            articles.get_article(get_db(), article_id, with_body=False)
        except ArticleNotFound:
            raise ArticleRejected(
                "There is no article %(id)s to add a version to.", id=article_id
            ) from None
        return article_id
    return versions.article_for_url(get_db(), form.get("url"))


def import_version(article_id, text, source_format):
    """Make the text the article's next version; to the article, saying what changed."""
    result = versions.import_new_version(
        get_db(), article_id, text, actor=g.user, source_format=source_format
    )
    if not result.created:
        flash(gettext("This is the article's current text already; nothing changed."), "info")
    else:
        message = gettext(
            "Imported version %(number)s: %(changed)s changed, %(removed)s removed, "
            "%(added)s new, %(kept)s unchanged (claims whose passage changed are marked; "
            "nothing recorded was lost).",
            number=result.number,
            changed=result.changed,
            removed=result.removed,
            added=result.added,
            kept=result.kept,
        )
        if result.undecided:
            message += " " + ngettext(
                "%(num)d decided claim now says something else: back to unverified, "
                "marked “changed since decided”.",
                "%(num)d decided claims now say something else: back to unverified, "
                "marked “changed since decided”.",
                result.undecided,
            )
        flash(message, "success")
    return navigate(url_for("workbench.show_article", article_id=article_id))


def load_version(article, number):
    """The version's number, or 404 when the article has no such version."""
    if number > article["current_version"]:
        abort(404)
    return number


@bp.get("/articles/<id:article_id>/versions")
def article_versions(article_id):
    article = load_article(article_id)
    return render_template(
        "versions/index.html",
        versions=versions.list_versions(get_db(), article["id"]),
        **article_summary(article),
    )


@bp.get("/articles/<id:article_id>/versions/<id:number>")
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


@bp.get("/articles/<id:article_id>/versions/<id:number>/text")
def version_text(article_id, number):
    article = load_article(article_id, with_body=False)
    found = load_version(article, number)
    body = versions.body_of_version(get_db(), article["id"], found)
    return render_template(
        "versions/text.html", number=found, body=body, **article_summary(article)
    )
