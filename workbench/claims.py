"""Article text -> claims (one per sentence), each tied to exact character offsets.

Pure: no Flask, no database. `text[claim.start:claim.end] == claim.text` always holds.
"""

import re
from dataclasses import dataclass

import pysbd


@dataclass(frozen=True)
class ClaimSpan:
    """One claim: its 0-based index and its [start, end) offsets into the article text."""

    index: int
    start: int
    end: int
    text: str

    def as_dict(self):
        return {"index": self.index, "text": self.text, "start": self.start, "end": self.end}


# A sentence never runs across a paragraph break, and segmenting paragraph by paragraph
# keeps pysbd's regular expressions working on short strings (large articles stay linear).
_PARAGRAPH = re.compile(r"[^\n]+")


def split_claims(text):
    """Split `text` into sentence claims with exact offsets, in reading order."""
    spans = []
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    for paragraph in _PARAGRAPH.finditer(text):
        if not paragraph.group().strip():
            continue
        cursor = paragraph.start()
        for sentence in segmenter.segment(paragraph.group()):
            located = _locate(text, sentence, cursor, paragraph.end())
            if located is None:
                continue
            start, end = located
            spans.append(ClaimSpan(len(spans), start, end, text[start:end]))
            cursor = end
    return spans


def _locate(text, sentence, cursor, limit):
    """Find `sentence` in text[cursor:limit]; return its offsets without surrounding space.

    pysbd returns substrings of its input, but to stay exact even if it ever normalises
    white space, fall back to a match that lets white space differ.
    """
    core = sentence.strip()
    if not core:
        return None
    start = text.find(core, cursor, limit)
    if start != -1:
        return start, start + len(core)
    pattern = r"\s*".join(re.escape(chunk) for chunk in core.split())
    match = re.compile(pattern).search(text, cursor, limit)
    if match is None:
        return None
    return match.start(), match.end()
