"""Lines of an article that are not claims: its headline and sub-heads, bylines, datelines
standing alone, photo credits and "Updated at ..." stamps.

Pure: stdlib only. A line is judged whole (one paragraph that is one span): from the
page's structure where the article came from a web page (the lines that were headings
there), and from its shape in any text. Such lines are kept, as every line is, but marked
"not a claim" with the reason, which a reviewer can undo.
"""

import re
from collections.abc import Sequence

from ..interface_languages import N_
from .splitter import ClaimSpan

# The reason stored with each: what the reviewer reads next to the line.
# Shown to reviewers (N_: translated where it is shown).
REASONS = {
    "headline": N_("a headline"),
    "sub-head": N_("a sub-heading"),
    "byline": N_("a byline"),
    "dateline": N_("a dateline"),
    "credit": N_("a photo or video credit"),
    "timestamp": N_("a publication or update time"),
}

_MAX_HEADING_WORDS = 15
_MAX_BYLINE_WORDS = 12
_TERMINAL = re.compile(r"[.!?…:;][\"”’')\]]*$")
_BYLINE = re.compile(
    r"^(?:By|BY|Written by|Reporting by|Words by)\s+[A-Z][\w.'’-]*(?:[\s,]+[\w.'’&-]+){0,10}$"
)
_CREDIT = re.compile(
    r"^(?:(?:Photo|Photos|Photograph|Image|Images|Picture|Video|Illustration|Graphic|Credit)"
    r"(?:\s+credit)?\s*(?::|by\b)|\(?(?:AP|AFP|Reuters|EPA|Getty)\s+(?:Photo|Images)\b)"
    r"|(?:/\s*(?:AP|AFP|Reuters|EPA|Getty Images|Shutterstock))\)?$"
    r"|\((?:AP|AFP|Reuters|EPA)\s+Photo/[^)]*\)$",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(
    r"^(?:Updated|Published|Posted|Last updated|First published|Modified)\b[^.!?]{0,80}"
    r"(?:\d|a\.m\.|p\.m\.|ago)",
    re.IGNORECASE,
)
# "WASHINGTON (AP) —" or "LONDON, March 4 --" alone on its line.
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w.]*\.?(?:\s+\d{1,2})?)?"
    r"(?:\s*\((?:AP|AFP|Reuters|[A-Z][\w. ]{1,30})\))?\s*(?:—|–|--|-)?\s*$"
)


def non_claim_reasons(
    text: str, spans: Sequence[ClaimSpan], headings: Sequence[str] = ()
) -> dict[int, str]:
    """span index -> the reason it is not a claim (a key of REASONS), for the spans that
    are a whole line of one of these kinds. `headings` are the texts of the page's
    headings (a line that reads the same was one)."""
    reasons: dict[int, str] = {}
    heading_texts = {_folded(heading) for heading in headings}
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    first_line = _first_nonempty_line(text, line_starts)
    by_line: dict[int, list[ClaimSpan]] = {}
    for span in spans:
        by_line.setdefault(_line_of(line_starts, span.start), []).append(span)
    for line, members in by_line.items():
        line_end = line_starts[line + 1] - 1 if line + 1 < len(line_starts) else len(text)
        content = text[line_starts[line] : line_end].strip()
        if len(members) > 1:
            # "The dam in 2018. (AP Photo/Evan Vucci)": a caption ends with its credit.
            if _CREDIT.search(members[-1].text.strip()):
                reasons.update((span.index, "credit") for span in members)
            continue  # sentences of a paragraph: prose
        reason = _reason(content, _folded(content) in heading_texts, line == first_line)
        if reason is not None:
            reasons[members[0].index] = reason
    return reasons


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _reason(line: str, was_heading: bool, is_first: bool) -> str | None:
    words = line.split()
    if _TIMESTAMP.match(line):
        return "timestamp"
    if _CREDIT.search(line) and len(words) <= _MAX_HEADING_WORDS:
        return "credit"
    if len(words) <= _MAX_BYLINE_WORDS and _BYLINE.match(line):
        return "byline"
    if _DATELINE.match(line) and len(words) <= 6:
        return "dateline"
    if was_heading:
        return "headline" if is_first else "sub-head"
    if is_first and len(words) <= _MAX_HEADING_WORDS and not _TERMINAL.search(line):
        return "headline"
    return None


def _first_nonempty_line(text: str, line_starts: list[int]) -> int:
    for number, start in enumerate(line_starts):
        end = line_starts[number + 1] if number + 1 < len(line_starts) else len(text)
        if text[start:end].strip():
            return number
    return 0


def _line_of(line_starts: list[int], offset: int) -> int:
    low, high = 0, len(line_starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if line_starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low
