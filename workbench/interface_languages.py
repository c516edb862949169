"""The languages the interface speaks, and how code below the web marks its messages.

Messages are written in English in the code and translated where a person sees them: a
template through gettext, an error by the web layer or the command line (errors.py keeps
each message's English text and its values apart), a word from a fixed table by the
template that shows it. `N_` only marks a string for the catalogue, so a module that
must not know who is reading can still have its words translated."""

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

# The catalogues: translations/<locale>/LC_MESSAGES/messages.po, compiled to .mo.
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DOMAIN = "messages"

# Each language the interface can be read in, named in itself (what a chooser shows).
LOCALES = {"en": "English", "es": "Español"}
DEFAULT_LOCALE = "en"

# Scripts written right to left: the page's dir="rtl" (the layout uses logical CSS
# properties, so it mirrors by itself).
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "yi", "dv", "ps", "sd", "ug"})


def N_(message: str) -> str:
    """Mark `message` for the catalogue; it is translated where it is shown."""
    return message


def direction(locale: str | None) -> str:
    """'rtl' for a locale written right to left, else 'ltr'."""
    return "rtl" if (locale or "").split("_")[0].split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def known_locale(value: str | None) -> str | None:
    """`value` ('es', 'es_ES', 'es-MX.UTF-8') as one of LOCALES, or None."""
    base = (value or "").split(".")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LOCALES else None


def environment_locale(environ: Mapping[str, str] = os.environ) -> str:
    """The command line's language: WORKBENCH_LANGUAGE, else the POSIX order LANGUAGE,
    LC_ALL, LC_MESSAGES, LANG (the first that names a language we have), else English."""
    for name in ("WORKBENCH_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in environ.get(name, "").split(":"):
            locale = known_locale(value)
            if locale:
                return locale
    return DEFAULT_LOCALE


def translations_for(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of `locale` (English: the messages as written)."""
    return gettext.translation(
        DOMAIN, localedir=TRANSLATIONS_DIR, languages=[locale], fallback=True
    )
