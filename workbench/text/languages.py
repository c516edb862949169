"""The languages articles are read in: which one a text is in, and what reads each.

Pure. A language is supported when it has a pack: English (the parse-first engine with the
rules under it) and Spanish (the rules of cue_rules.py with the words of spanish.py). A
text in another language is split into sentences with English rules but gets no sources:
English rules would only invent them. Detection is py3langid's (a naive Bayes model over
byte n-grams, shipped inside the package), on the first few thousand characters.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..interface_languages import N_
from . import attribution, cue_rules, spanish
from .source_record import Attribution
from .splitter import ClaimSpan

DEFAULT = "en"
# Enough text to be sure of the language, little enough to stay quick on long articles.
_DETECTION_CHARS = 4000

Sources = list[tuple[Attribution | None, tuple[tuple[str, str, int, int], ...]]]


@dataclass(frozen=True)
class Language:
    """One language the workbench reads: its names, script direction and source reader."""

    code: str  # ISO 639-1
    name: str  # in English (marked N_: the interface shows it in the reader's language)
    native: str  # in itself, for the language menus
    direction: str = "ltr"
    find_sources: Callable[..., Sources] | None = None


def _english_sources(
    text: str, spans: list[ClaimSpan], only: set[int] | None = None, use_model: Any = None
) -> Sources:
    return attribution.detect_sources(text, spans, use_model=use_model, only=only)


_SPANISH_PACK = cue_rules.Pack(spanish)


def _spanish_sources(
    text: str, spans: list[ClaimSpan], only: set[int] | None = None, use_model: Any = None
) -> Sources:
    return cue_rules.detect_sources(text, spans, _SPANISH_PACK)


SUPPORTED = {
    "en": Language("en", N_("English"), "English", find_sources=_english_sources),
    "es": Language("es", N_("Spanish"), "Español", find_sources=_spanish_sources),
}
# Languages an article may be marked as, supported or not (a reviewer can correct the
# detection to any of them); names in English and in the language itself.
KNOWN = {
    **SUPPORTED,
    "fr": Language("fr", N_("French"), "Français"),
    "pt": Language("pt", N_("Portuguese"), "Português"),
    "de": Language("de", N_("German"), "Deutsch"),
    "it": Language("it", N_("Italian"), "Italiano"),
    "ar": Language("ar", N_("Arabic"), "العربية", direction="rtl"),
    "hi": Language("hi", N_("Hindi"), "हिन्दी"),
}


def language(code: str | None) -> Language:
    """The language with that code (an unknown code is shown as itself)."""
    code = (code or DEFAULT).lower()
    return KNOWN.get(code) or Language(code, code, code)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in ("en" when unsure)."""
    import py3langid  # its model loads on first use (about 0.3 s); not at import

    sample = text[:_DETECTION_CHARS]
    if sum(char.isalpha() for char in sample) < 20:
        return DEFAULT
    code, _score = py3langid.classify(sample)
    return str(code)


def find_sources(
    text: str,
    spans: list[ClaimSpan],
    code: str | None,
    only: set[int] | None = None,
    use_model: Any = None,
) -> Sources:
    """Each span's source in an article of that language; none in an unsupported one."""
    reader = language(code).find_sources
    if reader is None:
        return [(None, ()) for _ in spans]
    return reader(text, spans, only=only, use_model=use_model)
