"""The words the page's scripts show or announce, in the reader's language.

Scripts hold no words of their own: base.html puts this table on <body
data-interface-words='…'> (JSON in an attribute: data, not code, so the strict CSP has
nothing to allow), and static/app.js's `Words.say(key, values)` reads it, filling in
%(name)s values. A word that depends on a count is a pair {"one", "other"}: the script
picks by the count, as gettext's plural forms do for 1 and for 2 or more."""

from typing import Any

from flask import Flask
from flask_babel import get_translations
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..interface_languages import N_

# A claim's status as an announcement says it ("Claim 3 set to sourced").
STATUS_WORDS = {
    "sourced": N_("sourced"),
    "disputed": N_("disputed"),
    "unverified": N_("unverified"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["interface_words"] = interface_words_json


# {id of a catalogue: (the catalogue, its words as JSON)}: the words are the same on every
# page of a language, and drawing them took a tenth of the article page's time.
_DRAWN: dict[int, tuple[Any, Markup]] = {}


def interface_words_json() -> Markup:
    """interface_words() as JSON for an HTML attribute, drawn once per catalogue."""
    catalogue = get_translations()
    drawn = _DRAWN.get(id(catalogue))
    if drawn is None or drawn[0] is not catalogue:
        drawn = _DRAWN[id(catalogue)] = (catalogue, htmlsafe_json_dumps(interface_words()))
    return drawn[1]


# The catalogue's text as written, placeholders kept for the script to fill in (Flask-Babel's
# own gettext would fill them). Named as gettext's own so the catalogue finds the messages.
def gettext(message: str) -> str:
    return str(get_translations().gettext(message))


def ngettext(singular: str, plural: str) -> dict[str, str]:
    """Both forms of a counted message: for one, and for two or more."""
    words = get_translations()
    return {
        "one": words.ngettext(singular, plural, 1),
        "other": words.ngettext(singular, plural, 2),
    }


def interface_words() -> dict[str, object]:
    """Every word static/*.js shows, translated for this request."""
    return {
        # keys.js: the screen reader's announcement of a status set from the keyboard.
        "statusSet": gettext("Claim %(position)s set to %(status)s"),
        "status": {status: gettext(word) for status, word in STATUS_WORDS.items()},
        "keysUnavailable": gettext("The list of keyboard shortcuts could not be loaded."),
        # review.js: the bulk bar over ticked claims.
        "bulkNone": gettext("Tick claims (x, shift-click for a range) to change several at once."),
        "bulkTicked": ngettext("%(num)d claim ticked", "%(num)d claims ticked"),
        "bulkMatching": ngettext("%(num)d claim matching", "%(num)d claims matching"),
        "bulkVerbNone": gettext("Set the ticked claims to"),
        "bulkVerbTicked": ngettext("Set the %(num)d claim to", "Set the %(num)d claims to"),
        "bulkVerbMatching": ngettext("Set all %(num)d claim to", "Set all %(num)d claims to"),
        # review.js: the bar over a claim's panel on a phone, which closes it (app.css).
        "close": gettext("Close"),
        # passkeys.js: what went wrong with a passkey.
        "passkeyCancelled": gettext("The passkey request was cancelled or timed out."),
        "serverAnswered": gettext("The server answered %(status)s."),
    }
