"""How much of a page's article an extraction kept, and how much else: token-level F1.

The measure of the article-extraction benchmark (docs/performance.md): word tokens of the
extracted text against those of the expected body, counted as bags (a word kept twice
where it appears once counts once).
"""

import collections
import dataclasses
import re

_WORD = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True)
class BodyScore:
    """Precision, recall and F1 of an extraction's word tokens against the expected body."""

    precision: float
    recall: float
    f1: float
    extracted_tokens: int
    expected_tokens: int


def word_tokens(text: str) -> collections.Counter:
    """The text's words, case-folded, with their counts."""
    return collections.Counter(_WORD.findall(text.casefold()))


def body_score(extracted: str, expected: str) -> BodyScore:
    """Token-level precision, recall and F1 of `extracted` against `expected`."""
    got, want = word_tokens(extracted), word_tokens(expected)
    overlap = sum((got & want).values())
    got_total, want_total = sum(got.values()), sum(want.values())
    precision = overlap / got_total if got_total else 0.0
    recall = overlap / want_total if want_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1, got_total, want_total)
