"""What every route shares: htmx-or-page responses, input parsing, loading, errors."""

import re
import urllib.parse
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from ...intake import snapshots
from ...review import articles
from ...storage import read_cache
from ..database import discard_connection, get_db, positive_int

# One blueprint for the pages, spread over modules by area; endpoint names stay
# "workbench.<view>" wherever a view lives.
bp = Blueprint("workbench", __name__)


@bp.get("/favicon.ico")
def favicon():
    """The site icon where browsers and feed readers look for it without a <link>."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/help/keys")
def keys_help():
    """The keyboard shortcuts dialog, fetched by static/keys.js when "?" is pressed."""
    return render_template("_keys_help.html")


def is_htmx():
    """An htmx request that wants a partial (a boosted one wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_page_or_partial(page_template, partial_template, http_status=200, **context):
    """The partial for htmx, the full page otherwise; caches must keep them apart."""
    template = partial_template if is_htmx() else page_template
    response = Response(render_template(template, **context), status=http_status)
    response.headers["Vary"] = "HX-Request"
    return response


def render_partial(template, http_status=200, **context):
    """A partial for htmx (the same URL answers plain requests differently)."""
    response = Response(render_template(template, **context), status=http_status)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect_after_write(url):
    """303 See Other: the browser fetches the page to show with a GET."""
    return redirect(url, code=303)


def referring_path():
    """The path and query of the page on this site a form was posted from (its Referer),
    or None. Rows on a long page carry no return address of their own: the browser's
    Referer says where the reviewer was (Referrer-Policy same-origin sends it here)."""
    referrer = urlsplit(request.headers.get("Referer", ""))
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if path.startswith("/") and not path.startswith("//") else None


def navigate(location):
    """After a write that leads to another page: htmx is told to go there (a full page
    load, HX-Redirect), a plain form post gets a 303."""
    if is_htmx():
        response = Response(status=200, headers={"HX-Redirect": location})
        response.headers["Vary"] = "HX-Request"
        return response
    return redirect(location, code=303)


def single_form_value(name):
    """A form field sent exactly once; 400 when it is repeated."""
    values = request.form.getlist(name)
    if len(values) > 1:
        abort(400, description=f"The field “{name}” was sent more than once.")
    return values[0] if values else None


def form_int(name):
    """An integer form field (offsets may be 0); 400 when present but not a number."""
    value = single_form_value(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value):
        abort(400, description=f"“{name}” must be a whole number.")
    return int(value)


def expected_version():
    """The claim version the form was loaded with (None if not sent); 400 if not a number
    or sent twice. A row's status form carries it in its action's query string (one
    hidden field fewer in each of a page's rows), other forms as a field."""
    values = request.form.getlist("version") + request.args.getlist("version")
    if len(values) > 1:
        abort(400, description="The field “version” was sent more than once.")
    value = values[0] if values else None
    if value is None:
        return None
    version = positive_int(value)
    if version is None:
        abort(400, description="The claim version sent with the form is not a number.")
    return version


def article_summary(article):
    """What every article page's header shows: progress and evidence counts (counted
    again only after the database changed)."""
    db = get_db()
    article_id = article["id"]

    def count():
        return {
            "counts": articles.progress(db, [article_id]).get(article_id),
            "evidence_counts": articles.evidence_counts(db, article_id),
            "snapshot": snapshots.snapshot_info(db, article_id),
        }

    return {"article": article, **read_cache.remembered(db, ("article-summary", article_id), count)}


def url_host(url):
    """The host a link really leads to, as a reader can check it: a look-alike letter in a
    name shows as its IDNA (xn--) form. Shown next to an evidence title, which anyone may
    word as another site (issue 10)."""
    host = urllib.parse.urlsplit(url or "").hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def readable_time(stamp):
    """2026-11-26T16:05:00Z -> 2026-11-26 16:05 UTC (the exact time stays in datetime=)."""
    if not stamp or len(stamp) < 16:
        return stamp or ""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


# --- errors ----------------------------------------------------------------------------


def handle_http_error(error):
    """A plain page (or a small partial for htmx) that says what went wrong, no traceback.

    The error's own headers are kept (a 405's Allow, a 401's WWW-Authenticate).
    """
    template = "_error.html" if is_htmx() else "error.html"
    return render_template(template, error=error), error.code, error_headers(error)


def error_headers(error):
    """An HTTPException's headers other than its Content-Type (the page sets its own)."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def handle_unexpected_error(error):
    current_app.logger.exception("Unhandled error on %r", request.path)
    discard_connection()
    template = "_error.html" if is_htmx() else "error.html"
    generic = HTTPException(
        description="Something went wrong on our side. Nothing you "
        "saved before this was lost; please try again."
    )
    generic.code = 500
    return render_template(template, error=generic), 500


# SQLite errors that mean "the storage cannot take writes right now", not a bug:
# https://www.sqlite.org/rescode.html (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_BUSY)
UNAVAILABLE_STORAGE = (
    "database or disk is full",
    "readonly database",
    "disk i/o error",
    "database is locked",
    "unable to open database",
)


def handle_database_error(error):
    if not any(marker in str(error).lower() for marker in UNAVAILABLE_STORAGE):
        return handle_unexpected_error(error)
    current_app.logger.error("Database unavailable on %r: %s", request.path, error)
    discard_connection()
    unavailable = HTTPException(
        description=(
            "The database cannot save changes right now (the disk may be full or read-only). "
            "Nothing from this request was saved, and nothing saved before is lost. "
            "Try again in a minute; if it keeps happening, tell whoever runs the workbench."
        )
    )
    unavailable.code = 503
    template = "_error.html" if is_htmx() else "error.html"
    return render_template(template, error=unavailable), 503, {"Retry-After": "60"}
