"""Deleted is not gone: the list of deleted articles and restoring one (admins)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...errors import ArticleNotFound, InvalidInput
from ...review import articles
from ..auth import role_required
from ..database import get_db
from ..interface_locale import translated
from ..responses import is_htmx, redirect_after_write, render_partial
from .blueprint import bp


@bp.get("/deleted-articles")
@role_required("admin")
def deleted_articles():
    return render_template("articles/deleted.html", deleted=articles.deleted_articles(get_db()))


@bp.get("/deleted-articles/<id:article_id>")
@role_required("admin")
def restore_offer(article_id):
    """Offer to restore a deleted article (after importing its text again, or from the list)."""
    try:
        article = articles.get_deleted_article(get_db(), article_id)
    except ArticleNotFound:
        articles.get_article(get_db(), article_id, with_body=False)  # restored already: show it
        return redirect(url_for("workbench.show_article", article_id=article_id), code=303)
    return render_template(
        "articles/restore.html",
        article=article,
        after_import=request.args.get("reason") == "import",
    )


@bp.post("/articles/<id:article_id>/restore")
@role_required("admin")
def restore_article(article_id):
    article_url = url_for("workbench.show_article", article_id=article_id)
    try:
        article = articles.restore_article(get_db(), article_id, g.user)
    except InvalidInput as error:
        # Restored already, or in the way of another: said beside the row, or on the page.
        if is_htmx():
            return render_partial(
                "articles/_deleted_row.html",
                409,
                article={"id": article_id},
                message=translated(error),
            )
        flash(translated(error), "info")
        return redirect_after_write(article_url)
    if is_htmx():
        return render_partial("articles/_deleted_row.html", article=article, restored=True)
    flash(
        _("Restored “%(title)s”, with its claims, notes and history.", title=article["title"]),
        "success",
    )
    return redirect_after_write(article_url)
