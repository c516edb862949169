"""One mapping from errors to answers. A view raises; this module answers, the same way
for every view: a page, the small partial htmx swaps in, or JSON under /api/.

Domain errors become HTTP answers by class (DOMAIN_ANSWERS); a claim changed since the
form was loaded is the claim as it is now (409); a storage that cannot take writes is a
503 that says so; anything else a 500 that shows no traceback. After an unexpected or a
storage error the request's connection is discarded, not kept for the next request.
"""

import sqlite3

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import Conflict, Forbidden, HTTPException, NotFound, UnprocessableEntity

from ..errors import CannotUndo, InvalidInput, NotAllowed, RecordNotFound, VersionConflict
from .api import claim_json, is_api_request
from .database import discard_connection
from .responses import is_htmx
from .views.claim_pages import render_conflict

# Each domain error class and the HTTP error it is, most specific first. A missing record
# says what every 404 says; the others carry their sentence for the person who asked.
DOMAIN_ANSWERS: dict[type[Exception], type[HTTPException]] = {
    RecordNotFound: NotFound,
    NotAllowed: Forbidden,
    CannotUndo: Conflict,
    InvalidInput: UnprocessableEntity,
}

# SQLite errors that mean "the storage cannot take writes right now", not a bug:
# https://www.sqlite.org/rescode.html (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_BUSY)
UNAVAILABLE_STORAGE = (
    "database or disk is full",
    "readonly database",
    "disk i/o error",
    "database is locked",
    "unable to open database",
)


def init_app(app: Flask) -> None:
    for error_class in DOMAIN_ANSWERS:
        app.register_error_handler(error_class, answer_domain_error)
    app.register_error_handler(VersionConflict, answer_conflict)
    app.register_error_handler(sqlite3.OperationalError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def answer_domain_error(error: Exception):
    """The HTTP error a domain error is, answered as any HTTP error is (the API in JSON)."""
    answer = next(http for cls, http in DOMAIN_ANSWERS.items() if isinstance(error, cls))
    description = None if isinstance(error, RecordNotFound) else str(error)
    return current_app.handle_http_exception(answer(description=description))


def answer_conflict(conflict: VersionConflict):
    """409: someone changed the claim first; what they did, and the claim as it is now."""
    if is_api_request():
        current = conflict.current
        message = (
            f"{current.get('updated_by') or 'Someone'} changed this claim first; your change "
            "was not saved. Here is the claim as it is now."
        )
        return jsonify({"error": message, "status": 409, "claim": claim_json(current)}), 409
    return render_conflict(conflict.current)


def handle_http_error(error: HTTPException):
    """A plain page (or a small partial for htmx, or JSON for the API) that says what went
    wrong, no traceback. The error's own headers are kept (a 405's Allow, a 401's
    WWW-Authenticate)."""
    if is_api_request():
        body = jsonify({"error": error.description, "status": error.code})
        return body, error.code, error_headers(error)
    return render_template(error_template(), error=error), error.code, error_headers(error)


def error_headers(error: HTTPException) -> list[tuple[str, str]]:
    """An HTTPException's headers other than its Content-Type (the page sets its own)."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def error_template() -> str:
    return "_error.html" if is_htmx() else "error.html"


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error on %r", request.path)
    discard_connection()
    generic = HTTPException(
        description="Something went wrong on our side. Nothing you "
        "saved before this was lost; please try again."
    )
    generic.code = 500
    return render_template(error_template(), error=generic), 500


def handle_database_error(error: sqlite3.OperationalError):
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
    return render_template(error_template(), error=unavailable), 503, {"Retry-After": "60"}
