"""Word stems for searching articles in languages SQLite's own stemmer does not know.

Pure: the Snowball stemmers (snowballstemmer, pure Python). SQLite's FTS5 `porter`
tokenizer stems English only; for an article in Spanish each claim also keeps its words'
Spanish stems, and a search looks them up too, so "protestaron" finds "protesta". Stems
are stored without accents, as the tokenizer folds a search's words.
"""

import re
import unicodedata
from functools import cache
from typing import Any

import snowballstemmer

# The languages whose stems are kept, by the Snowball stemmer's name; English is left to
# SQLite's porter tokenizer.
STEMMED = {"es": "spanish", "pt": "portuguese", "fr": "french", "it": "italian", "de": "german"}
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _stemmer(name: str) -> Any:
    return snowballstemmer.stemmer(name)


def claim_stems(text: str, language: str | None) -> str | None:
    """The stems of a claim's words in its article's language, or None when that
    language's search needs none (English) or has no stemmer."""
    name = STEMMED.get((language or "").lower())
    if name is None:
        return None
    words = [word.lower() for word in _WORD.findall(text)]
    return " ".join(_folded(stem) for stem in _stemmer(name).stemWords(words)) or None


def query_stems(word: str) -> list[str]:
    """The stems a searched word may have in any stemmed language, distinct, in order."""
    lower = word.lower()
    found = dict.fromkeys(_folded(_stemmer(name).stemWord(lower)) for name in STEMMED.values())
    return [stem for stem in found if stem]


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
