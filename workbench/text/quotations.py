"""Quotations in an article: where each begins and ends, across sentences and paragraphs.

Pure: stdlib only. Within a paragraph, marks pair in order, opening and closing in turn,
whatever their shape (pages mix straight and curly marks: `“It was late."`, and misplace
them: `con el fin de" olvidarnos ... historia "`); a paragraph whose first mark can only
close goes on with a quote begun before it, and an opening curly mark inside an open quote
starts a new one. News style leaves a quotation open at the end of a paragraph when the
next paragraph goes on with the same speaker and opens with a mark again: such paragraphs
form one chain, and every sentence of a chain has one speaker.
"""

import re
from dataclasses import dataclass

# Double quotation marks only: single ones are also apostrophes ("don't", "the 1990s'").
OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
MARKS = OPENING_MARKS + CLOSING_MARKS + '"'
_MARK = re.compile(f"[{MARKS}\n]")
_OPENS_BEFORE = frozenset(" \t\n([{—–-/")
_CLOSES_AFTER = frozenset(" \t\n.,;:!?)]}—–-…")


@dataclass(frozen=True)
class Quotation:
    """text[start:end] is one quotation, marks included; `chain` numbers the quotations
    that continue one another across paragraphs (a quote reopened after a paragraph
    break has the chain of the one left open before it)."""

    start: int
    end: int
    chain: int
    closed: bool  # False when the paragraph ended before a closing mark


def find_quotations(text: str, dialogue_dashes: bool = False) -> list[Quotation]:
    """Every quotation in `text`, in order. With `dialogue_dashes` (Spanish, Portuguese),
    a paragraph opening with a dash is speech too, but for the tags set off by dashes
    inside it: "—Nos vamos mañana —dijo la portavoz—. Está decidido." """
    found = _marked_quotations(text)
    if not dialogue_dashes:
        return found
    dialogue = _dialogue_quotations(text, chain=max((q.chain for q in found), default=-1) + 1)
    covered = [(q.start, q.end) for q in found]
    dialogue = [
        q for q in dialogue if not any(start < q.end and q.start < end for start, end in covered)
    ]
    return sorted(found + dialogue, key=lambda q: q.start)


_DIALOGUE_LINE = re.compile(r"^[^\S\n]*[—―–]", re.M)
# A dash that opens the writer's tag: a space, the dash, then a lower-case word.
_TAG_OPENS = re.compile(r"\s[—―–](?=[^\W\d_])")
_TAG_CLOSES = re.compile(r"[—―–]|$", re.M)


def _dialogue_quotations(text: str, chain: int) -> list[Quotation]:
    found: list[Quotation] = []
    for line in _DIALOGUE_LINE.finditer(text):
        end = text.find("\n", line.end())
        end = len(text) if end == -1 else end
        position = line.end()
        while position < end:
            tag = _TAG_OPENS.search(text, position, end)
            if tag is None or not text[tag.end()].islower():
                found.append(Quotation(position, end, chain, True))
                break
            found.append(Quotation(position, tag.start(), chain, True))
            closing = _TAG_CLOSES.search(text, tag.end(), end)
            position = closing.end() if closing and closing.start() < end else end
        chain += 1
    return found


def _marked_quotations(text: str) -> list[Quotation]:
    found: list[Quotation] = []
    chain = -1
    left_open = False
    for paragraph in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        first = True
        for mark in _MARK.finditer(text, paragraph.start(), paragraph.end()):
            position = mark.start()
            if opened is None:
                if first and _closes(text, position) and text[paragraph.start() : position].strip():
                    # The paragraph's first mark closes: it goes on with a quote begun
                    # before it ("... we won," she said.), from the paragraph's start.
                    if not left_open:
                        chain += 1
                    found.append(Quotation(paragraph.start(), position + 1, chain, True))
                else:
                    starts_paragraph = not text[paragraph.start() : position].strip()
                    if not (first and starts_paragraph and left_open):
                        chain += 1  # a new quote, unless it reopens one left open
                    opened = position
            elif _reopens(text, position):
                # An opening curly mark inside a quote: the first one was never closed.
                found.append(Quotation(opened, position, chain, False))
                chain += 1
                opened = position
            else:
                found.append(Quotation(opened, position + 1, chain, True))
                opened = None
            first = False
            left_open = False
        if opened is not None:
            found.append(Quotation(opened, paragraph.end(), chain, False))
            left_open = True
        else:
            left_open = False
    return found


def _closes(text: str, position: int) -> bool:
    """True when a mark can only close: a closing glyph, or a mark after a word and
    before a space, punctuation or the end ("won," she)."""
    mark = text[position]
    if mark in CLOSING_MARKS:
        return True
    if mark in OPENING_MARKS:
        return False
    before = text[position - 1] if position else "\n"
    after = text[position + 1] if position + 1 < len(text) else "\n"
    return before not in _OPENS_BEFORE and (after in _CLOSES_AFTER or after in CLOSING_MARKS)


def _reopens(text: str, position: int) -> bool:
    """An opening glyph that stands where a quote opens, while one is open."""
    before = text[position - 1] if position else "\n"
    return text[position] in OPENING_MARKS and before in _OPENS_BEFORE


def blank_quotations(text: str, quotations: list[Quotation]) -> str:
    """`text` with every quotation (marks included) replaced by NUL characters.

    Offsets are kept; what a speaker says is hidden from the rules that look for sources.
    """
    chars = list(text)
    for quotation in quotations:
        chars[quotation.start : quotation.end] = "\x00" * (quotation.end - quotation.start)
    return "".join(chars)


def quotation_at(quotations: list[Quotation], offset: int) -> Quotation | None:
    """The quotation holding `offset`, or None (quotations are in order)."""
    low, high = 0, len(quotations)
    while low < high:
        middle = (low + high) // 2
        if quotations[middle].end <= offset:
            low = middle + 1
        else:
            high = middle
    if low < len(quotations) and quotations[low].start <= offset:
        return quotations[low]
    return None
