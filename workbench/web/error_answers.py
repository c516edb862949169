"""One mapping from errors to answers. A view raises; this module answers, the same way
for every view: a page, the small partial htmx swaps in, or JSON under /api/.

Domain errors become HTTP answers by class (DOMAIN_ANSWERS); a claim changed since the
form was loaded is the claim as it is now (409); a storage that cannot take writes is a
503 that says so; anything else a 500 that shows no traceback. After an unexpected or a
storage error the request's connection is discarded, not kept for the next request.

Pages say it in the reader's language (the error's name, and its sentence when it has
one of ours); the API answers in English, for the programs that read it (docs/api.md).
"""

import sqlite3
from types import SimpleNamespace

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import Conflict, Forbidden, HTTPException, NotFound, UnprocessableEntity

from ..errors import CannotUndo, InvalidInput, NotAllowed, RecordNotFound, VersionConflict
from ..interface_languages import DEFAULT_LOCALE, N_
from .api import claim_json, is_api_request
from .database import discard_connection
from .interface_locale import interface_locale, translated
from .refusals import refusal, sentence_of
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


# The name of each error a page may show, as the interface says it (HTTP's own phrases).
HTTP_NAMES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    413: N_("Request Entity Too Large"),
    422: N_("Unprocessable Entity"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
    502: N_("Bad Gateway"),
    503: N_("Service Unavailable"),
}

# What a page says for an error that carries no sentence of ours, in a language other
# than English (English pages keep the web framework's own words).
PLAIN_DESCRIPTIONS = {
    400: N_("The request could not be understood: something in it is malformed."),
    401: N_("Sign in to see this page."),
    403: N_("You may not see or do this."),
    404: N_("There is nothing at this address. Check the link, or go back to the articles."),
    405: N_("This address does not take that kind of request."),
    409: N_("This clashes with a change made in the meantime."),
    413: N_("What was sent is larger than the workbench accepts."),
    422: N_("This cannot be done as asked."),
    429: N_("Too many requests: wait a moment and try again."),
    502: N_("Another server did not answer as it should."),
}


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
    if isinstance(error, RecordNotFound):
        return current_app.handle_http_exception(answer())
    return current_app.handle_http_exception(refusal(answer.code or 500, error))


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
    return render_error(error), error.code, error_headers(error)


def shown(error: HTTPException) -> SimpleNamespace:
    """The error as a page shows it, in the reader's language: its code, its name and
    what it says (its sentence; a message of the catalogue; else our plain words)."""
    code = error.code or 500
    name = gettext(HTTP_NAMES[code]) if code in HTTP_NAMES else error.name
    sentence = sentence_of(error)
    description: str | None
    if sentence is not None:
        description = translated(sentence)
    elif error.description and error.description != type(error).description:
        description = gettext(error.description)
    elif code in PLAIN_DESCRIPTIONS and interface_locale() != DEFAULT_LOCALE:
        description = gettext(PLAIN_DESCRIPTIONS[code])
    else:
        description = error.description
    return SimpleNamespace(code=code, name=name, description=description)


def error_headers(error: HTTPException) -> list[tuple[str, str]]:
    """An HTTPException's headers other than its Content-Type (the page sets its own)."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def error_template() -> str:
    return "_error.html" if is_htmx() else "error.html"


def render_error(error: HTTPException) -> str:
    """The error page (or partial), its name and sentence in the reader's language."""
    said = shown(error)
    return render_template(
        error_template(), error=said, name=said.name, description=said.description
    )


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error on %r", request.path)
    discard_connection()
    generic = HTTPException(
        description=gettext(
            "Something went wrong on our side. Nothing you saved before this was lost; "
            "please try again."
        )
    )
    generic.code = 500
    return render_error(generic), 500


def handle_database_error(error: sqlite3.OperationalError):
    if not any(marker in str(error).lower() for marker in UNAVAILABLE_STORAGE):
        return handle_unexpected_error(error)
    current_app.logger.error("Database unavailable on %r: %s", request.path, error)
    discard_connection()
    unavailable = HTTPException(
        description=gettext(
            "The database cannot save changes right now (the disk may be full or read-only). "
            "Nothing from this request was saved, and nothing saved before is lost. "
            "Try again in a minute; if it keeps happening, tell whoever runs the workbench."
        )
    )
    unavailable.code = 503
    return render_error(unavailable), 503, {"Retry-After": "60"}
