"""Article pages: the list, the claim list, full text, activity, deletion (import is in
import_pages.py)."""

from dataclasses import dataclass

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from ...desk import blind, events, presence
from ...errors import ClaimNotFound, InvalidInput, NeedsConfirmation
from ...memory import matching
from ...review import articles, claims, corrections, history, search, versions
from ...storage import read_cache
from ..auth import role_required, safe_next
from ..database import get_db
from ..forms import form_int, page_number, positive_int, single_form_value
from ..interface_locale import interface_locale, translated
from ..loaders import claim_filter_from, load_article
from ..responses import is_htmx, render_page_or_partial, render_partial
from .article_header import article_summary
from .blueprint import bp
from .desk_context import desk_context
from .template_helpers import STATUS_WORDS


@bp.get("/")
def index():
    page = page_number()
    db = get_db()

    def draw():
        listed = articles.list_articles(db, page=page)
        html = render_template(
            "articles/_article_list.html",
            articles=listed.articles,
            page=listed.page,
            has_next=listed.has_next,
        )
        return ArticleListing(articles=len(listed.articles), html=Markup(html))

    # The same for every reader of a language: counted and drawn again only after the
    # database changed.
    listing = read_cache.remembered(db, ("article-list", page, interface_locale()), draw)
    return render_template("articles/index.html", listing=listing, page=page)


@dataclass(frozen=True)
class ArticleListing:
    """A page of the article list, drawn (HTML), and how many articles it shows."""

    articles: int
    html: Markup


def list_options():
    """The article page's filters and order, from the query string (an allow-list each).

    The same filter parser as search and exports; the page adds only its order and
    whether to show hidden claims.
    """
    claim_filter = claim_filter_from({name: request.args.get(name) for name in ("status", "flag")})
    sort = request.args.get("sort") or "position"
    if sort not in claims.SORTS:
        abort(400, description=_("“%(sort)s” is not a way to sort claims.", sort=sort))
    return {
        "status": claim_filter.status,
        "flag": claim_filter.flag,
        "sort": sort,
        "include_hidden": request.args.get("hidden") == "1",
    }


@bp.get("/articles/<id:article_id>")
def show_article(article_id):
    """The review page: the article's text beside its claims, a page of claims at a time
    (htmx brings the next page, and the text around it, when the list is scrolled)."""
    article = load_article(article_id, with_body=False)
    options = list_options()
    page = page_number()
    db = get_db()
    desk = desk_context(article["id"])
    can_review = g.user.can("reviewer")
    column = claims_column(db, article, options, page, can_review, desk)
    if is_htmx():
        return render_partial("articles/_claims_more.html", column=column)
    article_id = article["id"]
    return render_page_or_partial(
        "articles/show.html",
        "articles/_claims_more.html",
        desk=desk,
        column=column,
        options=options,
        can_review=can_review,
        page_url=request.full_path.rstrip("?"),
        version_info=versions.version_summary(db, article_id, article["current_version"]),
        # Hidden passages by why (passages gone in a newer version are listed on "what
        # changed" instead): "Show 1 not-a-claim · 1 merged".
        hidden_counts=read_cache.remembered(
            db, ("hidden-counts", article_id), lambda: articles.hidden_counts(db, article_id)
        ),
        status=options["status"],
        flag_counts=read_cache.remembered(
            db, ("flag-counts", article_id), lambda: claims.flag_counts(db, article_id)
        ),
        events_after=events.newest_id(db),
        people=presence.present(db, article_id, besides=g.user.username),
        **article_summary(article),
    )


@dataclass(frozen=True)
class ClaimsColumn:
    """A page of claim rows and the article text around them, drawn (HTML)."""

    rows: Markup
    text: Markup
    empty: bool


def claims_column(db, article, options, page, can_review, desk):
    """The page's claim rows and the text beside them, drawn once while the database is
    unchanged: a reread of an unchanged article costs its header, not its 100 rows.

    The rows differ by reader only through what the key holds: whether they may review,
    under blind review whether they are a reviewer (then their own decisions show), and
    the language of the page.
    """
    blind_reader = g.user.username if desk["blind_open"] and desk["blind_reviewer"] else None
    key = (
        "claims-column",
        article["id"],
        tuple(sorted(options.items())),
        page,
        can_review,
        desk["blind_open"],
        blind_reader,
        interface_locale(),
    )

    def draw():
        claims_page = claims.list_claims(db, article["id"], page=page, counts_only=True, **options)
        matching.reviewed_elsewhere(db, claims_page.claims)
        windows = articles.text_windows(db, article["id"], claims_page.claims)
        rows = render_template(
            "articles/_claims_page.html",
            article=article,
            claims_page=claims_page,
            options=options,
            can_review=can_review,
            in_article=True,
            desk=desk,
        )
        text = render_template("articles/_text_windows.html", windows=windows)
        return ClaimsColumn(rows=Markup(rows), text=Markup(text), empty=not claims_page.claims)

    return read_cache.remembered(db, key, draw)


@bp.post("/articles/<id:article_id>/bulk")
@role_required("reviewer")
def bulk_article(article_id):
    """Change the ticked claims of an article at once: a status, or "not a claim"."""
    article = load_article(article_id, with_body=False)
    chosen = [number for number in map(positive_int, request.form.getlist("claim")) if number]
    fallback = url_for("workbench.show_article", article_id=article["id"])
    back = safe_next(request.form.get("next"), fallback)
    if not chosen:
        flash(_("Tick the claims to change first."), "error")
        return redirect(back, code=303)
    review = blind.open_review(get_db(), article["id"])
    if blind.is_reviewer(review, g.user) and request.form.get("not_a_claim") != "1":
        status = single_form_value("status")
        try:
            for claim_id in chosen:
                blind.decide(get_db(), claim_id, g.user, status=status)
        except ClaimNotFound:
            abort(422, description=_("One of those is not a claim of this article."))
        flash(_("Saved your blind decision on %(n)s claims.", n=len(chosen)), "success")
        return redirect(back, code=303)
    if request.form.get("not_a_claim") == "1":
        changed, batch = corrections.set_not_a_claim_many(get_db(), article["id"], chosen, g.user)
        what = _("“not a claim”")
    else:
        status = single_form_value("status")
        result = claims.set_status_many(
            get_db(), search.ClaimFilter(article_id=article["id"]), status, g.user, chosen
        )
        changed, batch = result.count, result.batch
        what = _("“%(status)s”", status=_(STATUS_WORDS[status]))
    message = ngettext(
        "Set %(num)d claim to %(what)s.", "Set %(num)d claims to %(what)s.", changed, what=what
    )
    flash(message, f"undo:{batch}" if changed and batch else "success")
    return redirect(back, code=303)


@bp.get("/articles/<id:article_id>/text")
def article_text(article_id):
    return text_page(load_article(article_id))


def text_page(article, **form):
    """The whole article with its claims highlighted, and the form to add one."""
    listed = claims.claim_marks(get_db(), article["id"])
    return render_template(
        "articles/text.html",
        segments=articles.highlight_segments(article["body"], listed),
        form=form,
        **article_summary(article),
    )


@bp.get("/articles/<id:article_id>/delete")
@role_required("admin")
def confirm_delete_article(article_id):
    """Ask before deleting: a page of its own, so the article page does not carry the
    question (and its form) for the rare admin who deletes."""
    article = load_article(article_id, with_body=False)
    counts = articles.progress(get_db(), [article["id"]]).get(article["id"]) or {}
    return render_template(
        "articles/delete.html", article=article, claim_count=counts.get("total", 0)
    )


@bp.post("/articles/<id:article_id>/delete")
@role_required("admin")
def delete_article(article_id):
    article = load_article(article_id)
    articles.delete_article(get_db(), article["id"], g.user)
    flash(
        _(
            "Deleted “%(title)s”. Its claims, notes and history are kept in the database.",
            title=article["title"],
        ),
        "info",
    )
    return redirect(url_for("workbench.index"), code=303)


@bp.get("/articles/<id:article_id>/activity")
def article_activity(article_id):
    article = load_article(article_id)
    before = request.args.get("before")
    before_id = positive_int(before) if before is not None else None
    if before is not None and before_id is None:
        abort(404)  # no such page of the activity
    entries, has_more = history.article_activity(get_db(), article["id"], before_id)
    return render_template(
        "articles/activity.html", entries=entries, has_more=has_more, **article_summary(article)
    )


@bp.post("/articles/<id:article_id>/claims")
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
        claim = corrections.add_claim(
            get_db(),
            article["id"],
            start,
            end,
            g.user,
            overlap_confirmed=request.form.get("overlap_confirmed") == "1",
        )
    except InvalidInput as error:
        # The full text again, with the passage kept and the reason beside the form.
        return text_page(
            article,
            error=translated(error),
            passage=passage,
            confirm_overlap=isinstance(error, NeedsConfirmation),
        ), 422
    flash(_("Added claim %(position)s.", position=claim["position"]), "success")
    return redirect(url_for("workbench.show_claim", claim_id=claim["id"]), code=303)
