"""Routes: request -> articles/review -> template. Thin on purpose.

One URL, two representations (the Hypermedia Systems contact app): an htmx request gets
the partial it swaps in, a plain request the full page or a 303 redirect.
"""

import json
import re
import sqlite3
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, url_for)
from werkzeug.exceptions import HTTPException

from . import articles, corrections, evidence, export, flags, review
from .auth import role_required, safe_next
from .db import STATUSES, connect, get_db
from .importer import ArticleRejected, text_from_paste, text_from_upload

bp = Blueprint("workbench", __name__)

def is_htmx():
    """An htmx request that wants a partial (a boosted one wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_page_or_partial(page, partial, http_status=200, **context):
    """The partial for htmx, the full page otherwise; caches must keep them apart."""
    template = partial if is_htmx() else page
    response = Response(render_template(template, **context), status=http_status)
    response.headers["Vary"] = "HX-Request"
    return response


def after_write(partial, redirect_to, **context):
    """htmx gets the updated partial; a plain form post gets a 303 to the page to show."""
    if is_htmx():
        response = Response(render_template(partial, **context))
        response.headers["Vary"] = "HX-Request"
        return response
    return redirect(redirect_to, code=303)


MAX_ID = 2**31 - 1  # far above any real id or page, and page * page size still fits SQLite


def positive_int(value):
    """An id or page number from a URL or form; None for anything else (abc, -1, 1.5, 10**20)."""
    if value is None or not re.fullmatch(r"[0-9]{1,10}", str(value)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def single_form_value(name):
    """A form field sent exactly once; 400 when it is repeated."""
    values = request.form.getlist(name)
    if len(values) > 1:
        abort(400, description=f"The field “{name}” was sent more than once.")
    return values[0] if values else None


# --- articles --------------------------------------------------------------------------

@bp.get("/")
def index():
    return render_template("articles/index.html", articles=articles.list_articles(get_db()))


@bp.get("/articles/new")
@role_required("admin")
def new_article():
    return render_template("articles/new.html", form={})


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
        result = articles.import_article(
            get_db(), text, imported_by=g.user.username, source_format=source_format,
            title=form.get("title"), publisher=form.get("publisher"), url=form.get("url"),
            published_on=form.get("published_on"),
        )
    except ArticleRejected as error:
        return render_template("articles/new.html", form=form, error=str(error)), 422
    if result.created:
        flash(f"Imported {result.claim_count} claims.", "success")
    else:
        flash("This article was imported before; here it is.", "info")
    return redirect(url_for("workbench.show_article", article_id=result.article_id), code=303)


def load_article(article_id):
    article_id = positive_int(article_id)
    if article_id is None:
        abort(404)
    try:
        return articles.get_article(get_db(), article_id)
    except articles.ArticleNotFound:
        abort(404)


def article_summary(article):
    """What every article page's header shows: progress and evidence counts."""
    db = get_db()
    return {"article": article, "counts": articles.progress(db, [article["id"]]).get(article["id"]),
            "evidence_counts": articles.evidence_counts(db, article["id"])}


def status_filter():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400, description=f"“{status}” is not a status. Choose one of: {', '.join(STATUSES)}.")
    return status


def list_options():
    """The article page's filters and order, from the query string (an allow-list each)."""
    flag = request.args.get("flag") or None
    if flag is not None and flag not in flags.FLAGS:
        abort(400, description=f"“{flag}” is not a flag. Choose one of: {', '.join(flags.FLAGS)}.")
    sort = request.args.get("sort") or "position"
    if sort not in review.SORTS:
        abort(400, description=f"“{sort}” is not a way to sort claims.")
    return {"status": status_filter(), "flag": flag, "sort": sort,
            "include_hidden": request.args.get("hidden") == "1"}


@bp.get("/articles/<article_id>")
def show_article(article_id):
    article = load_article(article_id)
    options = list_options()
    page = positive_int(request.args.get("page", "1"))
    if page is None:
        abort(404)
    claims_page = review.list_claims(get_db(), article["id"], page=page, **options)
    return render_page_or_partial(
        "articles/show.html", "articles/_claims_page.html",
        claims_page=claims_page, options=options, status=options["status"],
        flag_counts=review.flag_counts(get_db(), article["id"]), **article_summary(article),
    )


@bp.get("/articles/<article_id>/text")
def article_text(article_id):
    article = load_article(article_id)
    claims = review.list_claims(get_db(), article["id"], page_size=10**9).claims
    return render_template(
        "articles/text.html", segments=articles.highlight_segments(article["body"], claims),
        **article_summary(article),
    )


@bp.post("/articles/<article_id>/delete")
@role_required("admin")
def delete_article(article_id):
    article = load_article(article_id)
    articles.delete_article(get_db(), article["id"], g.user)
    flash(f"Deleted “{article['title']}”. Its claims, notes and history are kept in the "
          "database.", "info")
    return redirect(url_for("workbench.index"), code=303)


@bp.get("/articles/<article_id>/activity")
def article_activity(article_id):
    article = load_article(article_id)
    before = request.args.get("before")
    before_id = positive_int(before) if before is not None else None
    if before is not None and before_id is None:
        abort(404)
    entries, has_more = articles.activity(get_db(), article["id"], before_id)
    return render_template("articles/activity.html", entries=entries, has_more=has_more,
                           **article_summary(article))


# --- claims ----------------------------------------------------------------------------

def load_claim(claim_id):
    """The claim, or 404 (also when its article was deleted)."""
    claim_id = positive_int(claim_id)
    if claim_id is None:
        abort(404)
    try:
        claim = review.get_claim(get_db(), claim_id)
        articles.get_article(get_db(), claim["article_id"])
    except (review.ClaimNotFound, articles.ArticleNotFound):
        abort(404)
    return claim


def claim_return_url(claim):
    fallback = url_for("workbench.show_article", article_id=claim["article_id"])
    return safe_next(request.form.get("next"), fallback) + f"#claim-{claim['id']}"


@bp.get("/claims/<claim_id>")
def show_claim(claim_id):
    claim = load_claim(claim_id)
    return render_page_or_partial("claims/show.html", "articles/_claim.html",
                                  **claim_page_context(claim))


def claim_page_context(claim, **extra):
    article = articles.get_article(get_db(), claim["article_id"])
    return {"claim": claim, "article": article,
            "history": review.claim_history(get_db(), claim["id"]),
            "split_points": split_points(claim), "kinds": corrections.ATTRIBUTION_KINDS,
            "medium": corrections.medium_of(claim), **extra}


def split_points(claim):
    """(word, offset) for every word of a claim after the first: where it can be split."""
    return [(match.group(), claim["start"] + match.start())
            for match in re.finditer(r"\S+", claim["text"]) if match.start() > 0]


def form_int(name):
    """An integer form field (offsets may be 0); 400 when present but not a number."""
    value = single_form_value(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value):
        abort(400, description=f"“{name}” must be a whole number.")
    return int(value)


def expected_version():
    value = single_form_value("version")
    if value is None:
        return None
    version = positive_int(value)
    if version is None:
        abort(400, description="The claim version sent with the form is not a number.")
    return version


def correction(claim_id, operation):
    """Run one correction on a claim; the claim (or its error) is what the reviewer sees."""
    claim = load_claim(claim_id)
    try:
        result = operation(claim)
    except review.InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    except review.VersionConflict as conflict:
        return render_conflict(conflict.current)
    if isinstance(result, tuple):
        result = result[0]
    fallback = url_for("workbench.show_claim", claim_id=result["id"])
    return after_write("articles/_claim.html", safe_next(request.form.get("next"), fallback),
                       claim=result, next=request.form.get("next"))


@bp.post("/claims/<claim_id>/boundaries")
@role_required("reviewer")
def edit_claim_boundaries(claim_id):
    def operation(claim):
        start, end = form_int("start"), form_int("end")
        if start is None or end is None:
            body = articles.get_article(get_db(), claim["article_id"])["body"]
            start, end = corrections.locate_passage(body, request.form.get("passage"),
                                                    claim["start"])
        return corrections.edit_boundaries(get_db(), claim["id"], start, end, g.user,
                                           expected_version())
    return correction(claim_id, operation)


@bp.post("/claims/<claim_id>/split")
@role_required("reviewer")
def split_claim(claim_id):
    def operation(claim):
        at = form_int("at")
        if at is None:
            raise review.InvalidInput("Choose where to split the claim.")
        return corrections.split_claim(get_db(), claim["id"], at, g.user, expected_version())
    return correction(claim_id, operation)


@bp.post("/claims/<claim_id>/merge")
@role_required("reviewer")
def merge_claim(claim_id):
    return correction(claim_id, lambda claim: corrections.merge_with_next(
        get_db(), claim["id"], g.user, expected_version()))


@bp.post("/claims/<claim_id>/hide")
@role_required("reviewer")
def hide_claim(claim_id):
    hidden = single_form_value("hidden")
    if hidden not in ("1", "0"):
        abort(400, description="Say whether this is a claim (hidden=0) or not (hidden=1).")
    return correction(claim_id, lambda claim: corrections.set_not_a_claim(
        get_db(), claim["id"], hidden == "1", g.user, expected_version()))


@bp.post("/claims/<claim_id>/attribution")
@role_required("reviewer")
def set_claim_attribution(claim_id):
    return correction(claim_id, lambda claim: corrections.set_attribution(
        get_db(), claim["id"], g.user, single_form_value("kind"),
        request.form.get("passage"), expected_version()))


@bp.post("/claims/<claim_id>/attribution/confirm")
@role_required("reviewer")
def confirm_claim_attribution(claim_id):
    return correction(claim_id, lambda claim: corrections.confirm_attribution(
        get_db(), claim["id"], g.user, expected_version()))


@bp.post("/articles/<article_id>/claims")
@role_required("reviewer")
def add_claim(article_id):
    article = load_article(article_id)
    start, end = form_int("start"), form_int("end")
    passage = request.form.get("passage")
    try:
        if start is None or end is None or (
                passage and article["body"][start:end].strip() != passage.strip()):
            # No selection offsets (no JavaScript), or they do not match the passage.
            start, end = corrections.locate_passage(article["body"], passage, start or 0)
        claim = corrections.add_claim(get_db(), article["id"], start, end, g.user)
    except review.InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("workbench.article_text", article_id=article["id"]), code=303)
    flash(f"Added claim {claim['position']}.", "success")
    return redirect(url_for("workbench.show_claim", claim_id=claim["id"]), code=303)


@bp.post("/claims/<claim_id>/status")
@role_required("reviewer")
def set_claim_status(claim_id):
    claim = load_claim(claim_id)
    status = single_form_value("status")
    expected_version = single_form_value("version")
    if expected_version is not None:
        expected_version = positive_int(expected_version)
        if expected_version is None:
            abort(400, description="The claim version sent with the form is not a number.")
    try:
        claim = review.set_status(get_db(), claim["id"], status, g.user.username,
                                  expected_version)
    except review.InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    except review.VersionConflict as conflict:
        return render_conflict(conflict.current)
    partial = "articles/_claim.html"
    counts = None
    if on_article_page(claim["article_id"]):
        partial = "articles/_claim_with_progress.html"
        counts = articles.progress(get_db(), [claim["article_id"]]).get(claim["article_id"])
    return after_write(partial, claim_return_url(claim), claim=claim, counts=counts,
                       next=request.form.get("next"))


def on_article_page(article_id):
    """True when htmx says the request comes from that article's claim list."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path == url_for("workbench.show_article", article_id=article_id)


@bp.post("/claims/<claim_id>/notes")
@role_required("reviewer")
def add_claim_note(claim_id):
    claim = load_claim(claim_id)
    try:
        review.add_note(get_db(), claim["id"], request.form.get("body"), g.user.username)
    except review.InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    claim = review.get_claim(get_db(), claim["id"])
    return after_write("articles/_claim.html", claim_return_url(claim), claim=claim,
                       next=request.form.get("next"))


@bp.post("/claims/<claim_id>/evidence")
@role_required("reviewer")
def add_claim_evidence(claim_id):
    claim = load_claim(claim_id)
    form = request.form
    try:
        evidence.add_evidence(get_db(), claim["id"], g.user, form.get("url"), form.get("stance"),
                              form.get("title"), form.get("excerpt"))
    except review.InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    claim = review.get_claim(get_db(), claim["id"])
    return after_write("articles/_claim.html", claim_return_url(claim), claim=claim,
                       next=form.get("next"))


@bp.post("/notes/<note_id>/delete")
@role_required("reviewer")
def delete_note(note_id):
    note_id = positive_int(note_id)
    if note_id is None:
        abort(404)
    try:
        note = review.delete_note(get_db(), note_id, g.user)
    except review.NoteNotFound:
        abort(404)
    except review.NotAllowed as error:
        abort(403, description=str(error))
    claim = load_claim(note["claim_id"])
    return after_write("articles/_claim.html", claim_return_url(claim), claim=claim,
                       next=request.form.get("next"))


@bp.post("/evidence/<evidence_id>/delete")
@role_required("reviewer")
def delete_evidence(evidence_id):
    evidence_id = positive_int(evidence_id)
    if evidence_id is None:
        abort(404)
    try:
        record = evidence.delete_evidence(get_db(), evidence_id, g.user)
    except evidence.EvidenceNotFound:
        abort(404)
    except review.NotAllowed as error:
        abort(403, description=str(error))
    claim = load_claim(record["claim_id"])
    return after_write("articles/_claim.html", claim_return_url(claim), claim=claim,
                       next=request.form.get("next"))


def render_claim_error(claim, message, status):
    """The claim with a message in place (htmx) or on its own page (plain form)."""
    return render_page_or_partial(
        "claims/show.html", "articles/_claim.html", http_status=status,
        **claim_page_context(claim, error=message, next=request.form.get("next")))


def render_conflict(current):
    who = current.get("updated_by") or "another reviewer"
    message = (f"{who} changed this claim to “{current['status']}” at "
               f"{readable_time(current.get('updated_at'))}; your change was not saved. "
               "Here is the claim as it is now: choose again if you still disagree.")
    return render_claim_error(current, message, 409)


# --- exports ---------------------------------------------------------------------------

EXPORT_FORMATS = {
    "csv": (export.iter_csv, "text/csv; charset=utf-8"),
    "json": (export.iter_json, "application/json; charset=utf-8"),
}


def export_response(export_format, filename, article_id=None):
    produce, content_type = EXPORT_FORMATS[export_format]
    database_path = current_app.config["DATABASE"]

    def generate():
        # Flask closes the request's connection before a streamed body is sent, so the
        # generator opens and closes its own (STYLE.md, convention 6).
        db = connect(database_path)
        try:
            yield from produce(db, article_id)
        finally:
            db.close()

    return Response(generate(), headers={
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.get("/articles/<article_id>/export.<any(csv, json):export_format>")
def export_article(article_id, export_format):
    article = load_article(article_id)
    return export_response(export_format, f"article-{article['id']}-claims.{export_format}",
                           article["id"])


@bp.get("/export.<any(csv, json):export_format>")
def export_all(export_format):
    return export_response(export_format, f"claims.{export_format}")


def readable_time(stamp):
    """2026-11-26T16:05:00Z -> 2026-11-26 16:05 UTC (the exact time stays in datetime=)."""
    if not stamp or len(stamp) < 16:
        return stamp or ""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


# --- errors ----------------------------------------------------------------------------

def handle_http_error(error):
    """A plain page (or a small partial for htmx) that says what went wrong, no traceback."""
    template = "_error.html" if is_htmx() else "error.html"
    return render_template(template, error=error), error.code


def handle_unexpected_error(error):
    current_app.logger.exception("Unhandled error on %r", request.path)
    template = "_error.html" if is_htmx() else "error.html"
    generic = HTTPException(description="Something went wrong on our side. Nothing you "
                                        "saved before this was lost; please try again.")
    generic.code = 500
    return render_template(template, error=generic), 500


# SQLite errors that mean "the storage cannot take writes right now", not a bug:
# https://www.sqlite.org/rescode.html (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_BUSY)
UNAVAILABLE_STORAGE = ("database or disk is full", "readonly database", "disk i/o error",
                       "database is locked", "unable to open database")


def handle_database_error(error):
    if not any(marker in str(error).lower() for marker in UNAVAILABLE_STORAGE):
        return handle_unexpected_error(error)
    current_app.logger.error("Database unavailable on %r: %s", request.path, error)
    unavailable = HTTPException(description=(
        "The database cannot save changes right now (the disk may be full or read-only). "
        "Nothing from this request was saved, and nothing saved before is lost. "
        "Try again in a minute; if it keeps happening, tell whoever runs the workbench."))
    unavailable.code = 503
    template = "_error.html" if is_htmx() else "error.html"
    return render_template(template, error=unavailable), 503, {"Retry-After": "60"}


def init_app(app):
    app.register_blueprint(bp)
    app.register_error_handler(sqlite3.OperationalError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.jinja_env.globals.update(STATUSES=STATUSES, FLAG_LABELS=flags.FLAG_LABELS,
                                 FLAGS=flags.FLAGS)
    app.jinja_env.filters["when"] = readable_time
    app.jinja_env.filters["fromjson"] = json.loads
