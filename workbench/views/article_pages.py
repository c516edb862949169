"""Article pages: the list, import, the claim list, full text, activity, deletion."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from .. import articles, claims, corrections, history, search, versions
from ..auth import role_required, safe_next
from ..errors import ArticleNotFound, ArticleRejected, InvalidInput
from ..text.cleaning import text_from_paste, text_from_upload
from ..web import get_db, load_article, positive_int
from .common import (
    article_summary,
    bp,
    form_int,
    is_htmx,
    render_page_or_partial,
    render_partial,
    single_form_value,
)


@bp.get("/")
def index():
    page = positive_int(request.args.get("page", "1"))
    if page is None:
        abort(404)
    listed = articles.list_articles(get_db(), page=page)
    return render_template(
        "articles/index.html", articles=listed.articles, page=listed.page, has_next=listed.has_next
    )


@bp.get("/articles/new")
@role_required("admin")
def new_article():
    return render_template(
        "articles/new.html",
        form={"new_version_of": request.args.get("new_version_of", "")},
        article_choices=articles.article_titles(get_db()),
    )


@bp.post("/articles")
@role_required("admin")
def import_article():
    form = request.form
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            text, source_format = text_from_upload(upload.filename, upload.read())
        else:
            text, source_format = text_from_paste(form.get("text")), "paste"
        target = version_target(form)
        if target is not None:
            return import_version(target, text, source_format)
        result = articles.import_article(
            get_db(),
            text,
            actor=g.user,
            source_format=source_format,
            title=form.get("title"),
            publisher=form.get("publisher"),
            url=form.get("url"),
            published_on=form.get("published_on"),
        )
    except ArticleRejected as error:
        return render_template(
            "articles/new.html",
            form=form,
            error=str(error),
            article_choices=articles.article_titles(get_db()),
        ), 422
    if result.created:
        flash(f"Imported {result.claim_count} claims.", "success")
    else:
        flash("This article was imported before; here it is.", "info")
    return redirect(url_for("workbench.show_article", article_id=result.article_id), code=303)


def version_target(form):
    """The article this text is a new version of: the one chosen in the form, else the
    one imported from the same URL (when its text differs); None for a new article."""
    chosen = (form.get("new_version_of") or "").strip()
    if chosen:
        article_id = positive_int(chosen)
        if article_id is None:
            raise ArticleRejected("Choose the article this is a new version of from the list.")
        try:
            articles.get_article(get_db(), article_id, with_body=False)
        except ArticleNotFound:
            raise ArticleRejected(
                f"There is no article {article_id} to add a version to."
            ) from None
        return article_id
    return versions.article_for_url(get_db(), form.get("url"))


def import_version(article_id, text, source_format):
    """Make the text the article's next version; to the article, with what changed."""
    result = versions.import_new_version(
        get_db(), article_id, text, actor=g.user, source_format=source_format
    )
    if not result.created:
        flash("This is the article's current text already; nothing changed.", "info")
    else:
        flash(
            f"Imported version {result.number}: {result.changed} changed, "
            f"{result.removed} removed, {result.added} new, {result.kept} unchanged "
            "(claims whose passage changed are marked; nothing recorded was lost).",
            "success",
        )
    return redirect(url_for("workbench.show_article", article_id=article_id), code=303)


def list_options():
    """The article page's filters and order, from the query string (an allow-list each).

    The same filter parser as search and exports; the page adds only its order and
    whether to show hidden claims.
    """
    try:
        claim_filter = search.parse_filter(
            {name: request.args.get(name) for name in ("status", "flag")}
        )
    except InvalidInput as error:
        abort(400, description=str(error))
    sort = request.args.get("sort") or "position"
    if sort not in claims.SORTS:
        abort(400, description=f"“{sort}” is not a way to sort claims.")
    return {
        "status": claim_filter.status,
        "flag": claim_filter.flag,
        "sort": sort,
        "include_hidden": request.args.get("hidden") == "1",
    }


@bp.get("/articles/<article_id>")
def show_article(article_id):
    """The review page: the article's text beside its claims, a page of claims at a time
    (htmx brings the next page, and the text around it, when the list is scrolled)."""
    article = load_article(article_id, with_body=False)
    options = list_options()
    page = positive_int(request.args.get("page", "1"))
    if page is None:
        abort(404)
    db = get_db()
    claims_page = claims.list_claims(db, article["id"], page=page, counts_only=True, **options)
    context = {
        "article": article,
        "claims_page": claims_page,
        "options": options,
        "windows": articles.text_windows(db, article["id"], claims_page.claims),
        "can_review": g.user.can("reviewer"),
        "return_to": request.full_path.rstrip("?"),
        "in_article": True,
    }
    if is_htmx():
        return render_partial("articles/_claims_page.html", text_oob=True, **context)
    return render_page_or_partial(
        "articles/show.html",
        "articles/_claims_page.html",
        version_info=versions.version_summary(db, article["id"], article["current_version"]),
        status=options["status"],
        flag_counts=claims.flag_counts(db, article["id"]),
        **{**context, **article_summary(article)},
    )


@bp.post("/articles/<article_id>/bulk")
@role_required("reviewer")
def bulk_article(article_id):
    """Change the ticked claims of an article at once: a status, or "not a claim"."""
    article = load_article(article_id, with_body=False)
    chosen = [number for number in map(positive_int, request.form.getlist("claim")) if number]
    fallback = url_for("workbench.show_article", article_id=article["id"])
    back = safe_next(request.form.get("next"), fallback)
    if not chosen:
        flash("Tick the claims to change first.", "error")
        return redirect(back, code=303)
    try:
        if request.form.get("not_a_claim") == "1":
            changed, batch = corrections.set_not_a_claim_many(
                get_db(), article["id"], chosen, g.user
            )
            what = "“not a claim”"
        else:
            status = single_form_value("status")
            result = claims.set_status_many(
                get_db(), search.ClaimFilter(article_id=article["id"]), status, g.user, chosen
            )
            changed, batch = result.count, result.batch
            what = f"“{status}”"
    except InvalidInput as error:
        abort(422, description=str(error))
    message = f"Set {changed} claim{'' if changed == 1 else 's'} to {what}."
    flash(message, f"undo:{batch}" if changed and batch else "success")
    return redirect(back, code=303)


@bp.get("/articles/<article_id>/text")
def article_text(article_id):
    article = load_article(article_id)
    listed = claims.list_claims(get_db(), article["id"], page_size=10**9).claims
    return render_template(
        "articles/text.html",
        segments=articles.highlight_segments(article["body"], listed),
        **article_summary(article),
    )


@bp.post("/articles/<article_id>/delete")
@role_required("admin")
def delete_article(article_id):
    article = load_article(article_id)
    articles.delete_article(get_db(), article["id"], g.user)
    flash(
        f"Deleted “{article['title']}”. Its claims, notes and history are kept in the database.",
        "info",
    )
    return redirect(url_for("workbench.index"), code=303)


@bp.get("/articles/<article_id>/activity")
def article_activity(article_id):
    article = load_article(article_id)
    before = request.args.get("before")
    before_id = positive_int(before) if before is not None else None
    if before is not None and before_id is None:
        abort(404)
    entries, has_more = history.article_activity(get_db(), article["id"], before_id)
    return render_template(
        "articles/activity.html", entries=entries, has_more=has_more, **article_summary(article)
    )


@bp.post("/articles/<article_id>/claims")
@role_required("reviewer")
def add_claim(article_id):
    article = load_article(article_id)
    start, end = form_int("start"), form_int("end")
    passage = request.form.get("passage")
    try:
        if (
            start is None
            or end is None
            or (passage and article["body"][start:end].strip() != passage.strip())
        ):
            # No selection offsets (no JavaScript), or they do not match the passage.
            start, end = corrections.locate_passage(article["body"], passage, start or 0)
        claim = corrections.add_claim(get_db(), article["id"], start, end, g.user)
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("workbench.article_text", article_id=article["id"]), code=303)
    flash(f"Added claim {claim['position']}.", "success")
    return redirect(url_for("workbench.show_claim", claim_id=claim["id"]), code=303)
