"""The command line's words in its reader's language: WORKBENCH_LANGUAGE, else the POSIX
LANGUAGE, LC_ALL, LC_MESSAGES and LANG (workbench.interface_languages.environment_locale).

Help texts are translated when the command's modules are imported (click takes them at
decoration time); what a command prints is translated when it prints it, in the language
of the environment it runs in. Click's own framework words ("Usage:", "Options:", "Show
this message and exit.") come from click and stay English (docs/cli.md says so)."""

import functools
import gettext as _gettext

from ..errors import say
from ..interface_languages import N_, environment_locale, translations_for

__all__ = ["N_", "_", "ngettext", "said"]


@functools.cache
def _catalogue(locale: str) -> _gettext.NullTranslations:
    return translations_for(locale)


def _(message: str) -> str:
    """`message` in the environment's language."""
    return _catalogue(environment_locale()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the environment's language."""
    return _catalogue(environment_locale()).ngettext(singular, plural, count)


def said(error: BaseException) -> str:
    """A domain error's sentence in the environment's language."""
    return say(error, _)
