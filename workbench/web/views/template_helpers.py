"""What templates may use besides what a view gives them: fixed words and lists, the
formatting filters, and the row cache. Nothing here reads the database."""

import json
import urllib.parse

from flask import Flask

from ...interface_languages import N_
from ...review.history_sentences import KIND_WORDS, article_event, describe
from ...statuses import STATUSES
from ...text import attribution, flags, languages, non_claims
from ...version import __version__
from .row_cache import row_html
from .template_source import Unindented

# The roles as the interface names them (their codes stay English in data and exports).
ROLE_WORDS = {
    "viewer": N_("viewer"),
    "reviewer": N_("reviewer"),
    "editor": N_("editor"),
    "admin": N_("admin"),
}

# The statuses as the interface says them (their codes stay English in data and exports).
STATUS_WORDS = {
    "unverified": N_("unverified"),
    "sourced": N_("sourced"),
    "disputed": N_("disputed"),
}

# Decision states as a row's badge says them (none and decided need no badge).
DECISION_WORDS = {
    "proposed": "proposed",
    "approved": "approved",
    "returned": "returned",
    "changed": "changed since decided",
}

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


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension(Unindented)
    app.jinja_env.globals.update(
        describe_history=describe,
        article_event=article_event,
        KIND_WORDS=KIND_WORDS,
        FLAG_SHORT=FLAG_SHORT,
        METHOD_WORDS=METHOD_WORDS,
        row_html=row_html,
        STATUSES=STATUSES,
        DECISION_WORDS=DECISION_WORDS,
        STATUS_WORDS=STATUS_WORDS,
        ROLE_WORDS=ROLE_WORDS,
        FLAG_LABELS=flags.FLAG_LABELS,
        FLAGS=flags.FLAGS,
        APP_VERSION=__version__,
        SOURCE_CONFIDENT=attribution.CONFIDENT,
        NOT_A_CLAIM_REASONS=non_claims.REASONS,
        LANGUAGE_NAMES=lambda code: languages.language(code).name,
        LANGUAGE_CHOICES=list(languages.KNOWN.values()),
        LANGUAGE_CODES=frozenset(languages.KNOWN),
        LANGUAGE_DIRECTION=lambda code: languages.language(code).direction,
    )
    app.jinja_env.filters["host"] = url_host
    app.jinja_env.filters["fromjson"] = json.loads


def url_host(url: str | None) -> str:
    """The host a link really leads to, as a reader can check it: a look-alike letter in a
    name shows as its IDNA (xn--) form. Shown next to an evidence title, which anyone may
    word as another site."""
    host = urllib.parse.urlsplit(url or "").hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
