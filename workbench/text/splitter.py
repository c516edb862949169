"""Article text -> claims (one per sentence), each tied to exact character offsets.

Pure: no Flask, no database. `text[claim.start:claim.end] == claim.text` always holds.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pysbd
from pysbd.lang.english import English
from pysbd.lang.spanish import Spanish

# The languages whose pysbd rules are used; any other text is split with English rules.
_SEGMENTER_LANGUAGES = {"en": "en", "es": "es"}


@dataclass(frozen=True)
class ClaimSpan:
    """One claim: its 0-based index and its [start, end) offsets into the article text."""

    index: int
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, int | str]:
        return {"index": self.index, "text": self.text, "start": self.start, "end": self.end}


# A sentence never runs across a paragraph break, and segmenting paragraph by paragraph
# keeps pysbd's regular expressions working on short strings (large articles stay linear).
_PARAGRAPH = re.compile(r"[^\n]+")


def split_claims(text: str, language: str = "en") -> list[ClaimSpan]:
    """Split `text` into sentence claims with exact offsets, in reading order; `language`
    chooses pysbd's rules (its abbreviations: "Sr.", "Dña." in Spanish)."""
    bounds = []
    segmenter = pysbd.Segmenter(
        language=_SEGMENTER_LANGUAGES.get(language, "en"), clean=False, char_span=False
    )
    for paragraph in _PARAGRAPH.finditer(text):
        if not paragraph.group().strip():
            continue
        cursor = paragraph.start()
        found = []
        for sentence, limit in _segmented(segmenter, text, paragraph.start(), paragraph.end()):
            located = _locate(text, sentence, cursor, limit)
            if located is None:
                continue
            found.append(located)
            cursor = located[1]
        found = _join_after_clock_times(text, found)
        found = _join_comma_continuations(text, found)
        pieces = []
        for start, end in found:
            pieces.extend(_split_inside_quotation(text, start, end))
        bounds.extend(_without_wordless(text, pieces))
    return [
        ClaimSpan(index, start, end, text[start:end]) for index, (start, end) in enumerate(bounds)
    ]


# pysbd keeps a multi-sentence quotation whole ("“We tried. We failed,” she said." is
# one sentence to it), but each sentence of a quote is a claim of its own. Inside quotation
# marks, split after . ! ? followed by a capitalised word, unless the word before the stop
# is an abbreviation (pysbd's own list) or an initial.
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS) | frozenset(
    Spanish.Abbreviation.ABBREVIATIONS
)
_STOP_THEN_CAPITAL = re.compile(r"[.!?](?=\s+[\"“‘']?[A-Z])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _split_inside_quotation(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    piece_start = start
    for stop in _STOP_THEN_CAPITAL.finditer(text, start, end):
        cut = stop.end()
        if not _inside_quotation(text, start, stop.start()) or _is_abbreviation(
            text, start, stop.start()
        ):
            continue
        pieces.append((piece_start, cut))
        piece_start = cut + (len(text[cut:end]) - len(text[cut:end].lstrip()))
    pieces.append((piece_start, end))
    return pieces


def _inside_quotation(text: str, start: int, position: int) -> bool:
    """True when `position` is between an opening and its closing quotation mark."""
    before = text[start:position]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _is_abbreviation(text: str, start: int, stop: int) -> bool:
    word = _WORD_BEFORE.search(text, start, stop)
    if word is None:
        return False
    token = word.group(1).lower()
    return len(token) == 1 or token in _ABBREVIATIONS or "." in token


_WORD_CHARACTER = re.compile(r"\w")


def _without_wordless(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A paragraph's pieces with those that hold no word (a lone quotation mark left
    where straight and curly marks mix, a row of asterisks) joined to the piece before,
    else to the one after; a paragraph of no word at all is no claim."""
    joined: list[tuple[int, int]] = []
    pending_start = None
    for start, end in pieces:
        if _WORD_CHARACTER.search(text, start, end) is None:
            if joined:
                joined[-1] = (joined[-1][0], end)
            elif pending_start is None:
                pending_start = start
            continue
        if pending_start is not None:
            start, pending_start = pending_start, None
        joined.append((start, end))
    return joined


# "at 10 a.m. Saturday": pysbd ends a sentence at a.m./p.m. before a capital; a weekday,
# month or time zone after the clock time continues the sentence.
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_CONTINUES_TIME = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|"
    r"Sept?\.|Oct\.|Nov\.|Dec\.|[A-Z]{2,4}T\b|GMT\b|UTC\b|local\s+time)"
)


def _join_after_clock_times(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in bounds:
        if (
            joined
            and _CLOCK_END.search(text, joined[-1][0], joined[-1][1])
            and _CONTINUES_TIME.match(text, start)
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


# "Her book, Who Decides?, sold well": pysbd ends a sentence at a question or exclamation
# mark inside a title; a piece that then starts with a comma or semicolon continues it
# (the corpus annotation guide's segmentation rule for `?,`).
_CONTINUATION = re.compile(r"[,;]")


def _join_comma_continuations(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in bounds:
        if joined and _CONTINUATION.match(text, start):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _locate(text: str, sentence: str, cursor: int, limit: int) -> tuple[int, int] | None:
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


# pysbd's time grows with the square of the string it is given (measured: one line of
# 50K characters took 1.5 s, of 1 MB 457 s), so a paragraph longer than this is cut into
# pieces first, each ending where a sentence surely ends: after . ! ? (and any closing
# quote or bracket), white space and a capital, unless the word before the stop is an
# abbreviation or an initial (the rule the quotation splitting uses), preferably outside
# quotation marks. Lacking one, a piece ends at white space. A 1 MB single line then
# imports as fast as with line breaks.
MAX_SEGMENT_CHARS = 2_000
_SAFE_CUT = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z])")
_SPACES = re.compile(r"\s+")
_LONGEST_ABBREVIATION = 40  # characters looked back for the word before a stop


def _segmented(
    segmenter: pysbd.Segmenter, text: str, start: int, end: int
) -> Iterator[tuple[str, int]]:
    """pysbd's sentences of text[start:end], each with the end of the piece it came from.

    pysbd's processor alone: Segmenter.segment() then finds every sentence again by a
    regex compiled per sentence and run from the piece's start (half its time, and
    quadratic in a piece's length); _locate finds them, onwards from the cursor.
    """
    for piece_start, piece_end in _pieces(text, start, end):
        for sentence in segmenter.processor(text[piece_start:piece_end]).process():
            yield sentence, piece_end


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """[start, end) as consecutive (start, end) pieces of at most MAX_SEGMENT_CHARS."""
    while end - start > MAX_SEGMENT_CHARS:
        cut = _safe_cut(text, start, start + MAX_SEGMENT_CHARS)
        yield start, cut
        start = cut
    yield start, end


def _safe_cut(text: str, start: int, limit: int) -> int:
    """Where a piece starting at `start` ends: after its last sure sentence end before
    `limit` outside quotation marks (pysbd reads a quote cut in two differently), else
    inside them, else after its last white space, else at `limit`."""
    outside = inside = None
    for stop in _SAFE_CUT.finditer(text, start, limit):
        if _is_abbreviation(text, max(start, stop.start() - _LONGEST_ABBREVIATION), stop.start()):
            continue
        if _inside_quotation(text, start, stop.end()):
            inside = stop.end()
        else:
            outside = stop.end()
    cut = outside or inside
    if cut is None:
        for space in _SPACES.finditer(text, start + 1, limit):
            cut = space.end()
    return cut if cut is not None and cut > start else limit
