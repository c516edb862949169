"""Deleted is not gone: the list of deleted articles and restoring one (admins)."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from ...errors import ArticleNotFound, InvalidInput
from ...review import articles
from ..auth import role_required
from ..database import get_db, positive_int
from .common import bp, is_htmx, redirect_after_write, render_partial


@bp.get("/deleted-articles")
@role_required("admin")
def deleted_articles():
    return render_template("articles/deleted.html", deleted=articles.deleted_articles(get_db()))


@bp.get("/deleted-articles/<article_id>")
@role_required("admin")
def restore_offer(article_id):
    """Offer to restore a deleted article (after importing its text again, or from the list)."""
    number = positive_int(article_id)
    if number is None:
        abort(404)
    try:
        article = articles.get_deleted_article(get_db(), number)
    except ArticleNotFound:
        try:
            articles.get_article(get_db(), number)  # restored already: show it
        except ArticleNotFound:
            abort(404)
        return redirect(url_for("workbench.show_article", article_id=number), code=303)
    return render_template(
        "articles/restore.html",
        article=article,
        after_import=request.args.get("reason") == "import",
    )


@bp.post("/articles/<article_id>/restore")
@role_required("admin")
def restore_article(article_id):
    number = positive_int(article_id)
    if number is None:
        abort(404)
    article_url = url_for("workbench.show_article", article_id=number)
    try:
        article = articles.restore_article(get_db(), number, g.user)
    except ArticleNotFound:
        abort(404)
    except InvalidInput as error:
        if is_htmx():
            return render_partial(
                "articles/_deleted_row.html", 409, article={"id": number}, message=str(error)
            )
        flash(str(error), "info")
        return redirect_after_write(article_url)
    if is_htmx():
        return render_partial("articles/_deleted_row.html", article=article, restored=True)
    flash(f"Restored “{article['title']}”, with its claims, notes and history.", "success")
    return redirect_after_write(article_url)
