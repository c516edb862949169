"""Routes, thin on purpose: request -> domain functions -> template.

One URL, two representations (the Hypermedia Systems contact app): an htmx request gets
the partial it swaps in, a plain request the full page or a 303 redirect.
"""

import json
import sqlite3

from werkzeug.exceptions import HTTPException

from ...memory import matching
from ...review import articles
from ...review.history_sentences import KIND_WORDS, article_event, describe
from ...statuses import STATUSES
from ...text import flags
from ...version import __version__
from ..database import get_db
from . import (  # noqa: F401  (routes)
    account_pages,
    article_pages,
    claim_pages,
    desk_pages,
    export_downloads,
    import_pages,
    job_pages,
    link_pages,
    live,
    restore_pages,
    search_pages,
    source_pages,
    version_pages,
)
from .common import (
    bp,
    handle_database_error,
    handle_http_error,
    handle_unexpected_error,
    readable_time,
    url_host,
)
from .row_cache import row_html
from .template_source import Unindented

# Decision states as a row's badge says them (none and decided need no badge).
DECISION_WORDS = {"proposed": "proposed", "approved": "approved", "returned": "returned"}

# The flags as a dense row shows them; FLAG_LABELS has the long form, for titles.
FLAG_SHORT = {
    "unattributed": "no source",
    "anonymous_source": "anonymous",
    "direct_quote": "quote",
    "number": "number",
    "date": "date",
    "impossible_date": "impossible date",
}


# How a source was found (workbench.text.attribution.METHODS), as the claim panel says it.
METHOD_WORDS = {
    "rule": "the rules (a reporting verb or phrase)",
    "parse": "the sentence's grammar (the parser)",
    "entity": "the name's type (the entity recogniser)",
    "back-reference": "a name earlier in the article",
    "quotation": "the quotation the sentence belongs to",
}


def init_app(app):
    app.jinja_env.add_extension(Unindented)
    app.register_blueprint(bp)
    app.register_error_handler(sqlite3.OperationalError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.jinja_env.globals.update(
        describe_history=describe,
        article_event=article_event,
        KIND_WORDS=KIND_WORDS,
        FLAG_SHORT=FLAG_SHORT,
        METHOD_WORDS=METHOD_WORDS,
        row_html=row_html,
        STATUSES=STATUSES,
        DECISION_WORDS=DECISION_WORDS,
        FLAG_LABELS=flags.FLAG_LABELS,
        FLAGS=flags.FLAGS,
        APP_VERSION=__version__,
    )
    app.jinja_env.globals["article_choices"] = lambda: articles.article_titles(get_db())
    # A row drawn alone (after a write) finds its claim reviewed elsewhere itself; a page
    # of rows attaches them all in one query (matching.reviewed_elsewhere).
    app.jinja_env.globals["elsewhere_of"] = lambda claim: matching.reviewed_elsewhere(
        get_db(), [dict(claim)]
    )[0]["elsewhere"]
    app.jinja_env.filters["when"] = readable_time
    app.jinja_env.filters["host"] = url_host
    app.jinja_env.filters["fromjson"] = json.loads
