"""The interface in the reader's language: the locale of each request (the account's
choice, else the browser's Accept-Language, else English), the catalogues behind
gettext in templates and views, and dates and numbers as that locale writes them."""

import datetime
import decimal
import os
from typing import Any

from babel.dates import format_skeleton
from flask import Flask, current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import Babel, format_decimal, get_locale, get_translations, gettext
from markupsafe import Markup

from ..errors import say
from ..interface_languages import (
    DEFAULT_LOCALE,
    LOCALES,
    TRANSLATIONS_DIR,
    direction,
    known_locale,
)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    # Languages with no catalogue yet that a browser may still ask for, to try the layout
    # in them (e.g. "ar": right to left, words in English): WORKBENCH_INTERFACE_TRIAL_LOCALES.
    app.config.setdefault(
        "INTERFACE_TRIAL_LOCALES",
        tuple(os.environ.get("WORKBENCH_INTERFACE_TRIAL_LOCALES", "").replace(",", " ").split()),
    )
    Babel(app, locale_selector=request_locale)
    # Templates call gettext a hundred times a page. Flask-Babel's callables find the
    # request's catalogue again at each call (g, the locale's name, a cache) and Jinja's
    # new-style wrappers add a second context call: the article page took twice as long.
    # These do what the wrappers do (a Markup, then the values put in: %% is always
    # undone) with the catalogue found once per request and locale.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )
    app.jinja_env.globals.update(
        gettext=_gettext, _=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext
    )
    # {% trans %} blocks are one line of words however the template wraps them, as the
    # catalogue holds them (tests/message_catalogue.py extracts them trimmed too).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        interface_locale=interface_locale,
        interface_direction=lambda: direction(interface_locale()),
        INTERFACE_LOCALES=LOCALES,
    )
    app.jinja_env.filters["when"] = readable_time
    app.jinja_env.filters["number"] = readable_number


def request_locale() -> str:
    """The account's chosen language, else the best of the browser's, else English (also
    outside a request, where live pages are drawn under force_locale)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    user = g.get("user")
    chosen = known_locale(getattr(user, "language", None))
    if chosen:
        return chosen
    trial = current_app.config.get("INTERFACE_TRIAL_LOCALES", ())
    return request.accept_languages.best_match([*LOCALES, *trial]) or DEFAULT_LOCALE


def request_translations() -> Any:
    """This request's catalogue, kept beside Flask-Babel's locale for the request: found
    again only when the locale changes (force_locale gives it a new Locale object). Read
    through the app context itself: `g`'s proxy costs more than the lookup."""
    context = _cv_app.get(None)
    state = getattr(context.g, "_flask_babel", None) if context is not None else None
    if state is not None:
        kept = getattr(state, "workbench_translations", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
    translations = get_translations()
    state = getattr(context.g, "_flask_babel", None) if context is not None else None
    if state is not None:
        state.workbench_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def _gettext(message: str, **values: Any) -> Markup:
    text = request_translations().ugettext(message)
    if not values and "%" not in text:
        return Markup(text)  # what "% {}" would give, without building it again
    return Markup(text) % values


def _ngettext(singular: str, plural: str, num: int, **values: Any) -> Markup:
    values.setdefault("num", num)
    return Markup(request_translations().ungettext(singular, plural, num)) % values


def _pgettext(context: str, message: str, **values: Any) -> Markup:
    return Markup(request_translations().upgettext(context, message)) % values


def _npgettext(context: str, singular: str, plural: str, num: int, **values: Any) -> Markup:
    values.setdefault("num", num)
    return Markup(request_translations().unpgettext(context, singular, plural, num)) % values


def interface_locale() -> str:
    """The language this request's pages speak ('en', 'es')."""
    try:  # the locale Flask-Babel settled on for this request (or forced), when it has
        settled = g._flask_babel.babel_locale
        if settled is not None:
            return str(settled.language)
    except (AttributeError, RuntimeError):
        pass
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def translated(error: BaseException) -> str:
    """An error's sentence in the reader's language."""
    return say(error, gettext)


def readable_time(stamp: str | None) -> str:
    """A stored UTC time (2026-11-26T16:05:00Z) as the reader's locale writes a date and
    time to the minute, with its zone: '2026-11-26 16:05 UTC' in English (the desk's
    sortable form), '26 nov 2026, 16:05 UTC' in Spanish. The exact time stays in
    datetime=."""
    if not stamp or len(stamp) < 16:
        return stamp or ""
    if interface_locale() == DEFAULT_LOCALE:
        return f"{stamp[:10]} {stamp[11:16]} UTC"
    try:
        moment = datetime.datetime.fromisoformat(stamp[:16])
    except ValueError:
        return stamp
    locale = get_locale()
    day = format_skeleton("yMMMd", moment, locale=locale)  # each locale's own order
    return f"{day}, {format_skeleton('Hm', moment, locale=locale)} UTC"


def readable_number(value: float | int | None, places: int | None = None) -> str:
    """A count or a figure as the reader's locale groups and points it (1,234.5 / 1234,5);
    with `places`, rounded to that many decimals, all shown (0.40 / 0,40)."""
    if value is None:
        return ""
    if places is None:
        return format_decimal(value)
    rounded = decimal.Decimal(f"{value:.{places}f}")  # rounded as Python's "%.2f" rounds
    return format_decimal(rounded, format="#,##0" + ("." + "0" * places if places else ""))
