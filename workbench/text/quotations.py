"""Quotations in an article: where each begins and ends, across sentences and paragraphs.

Pure: stdlib only. Straight marks, curly marks and guillemets are read by where they
stand rather than by their shape (pages mix them: `“It was late."`): a mark at a
paragraph's start or after a space or an opening bracket opens; one before a space,
punctuation or the paragraph's end closes; in between, marks alternate. Within a paragraph
they pair in order. News style leaves a quotation open at the end of a paragraph when the
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


def find_quotations(text: str) -> list[Quotation]:
    """Every quotation in `text`, in order."""
    found: list[Quotation] = []
    chain = -1
    left_open = False
    for paragraph in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        first = True
        for mark in _MARK.finditer(text, paragraph.start(), paragraph.end()):
            position = mark.start()
            if _opens(text, position, opened is not None):
                if opened is not None:
                    found.append(Quotation(opened, position, chain, False))
                # A paragraph that opens with a mark goes on with a quote left open.
                starts_paragraph = not text[paragraph.start() : position].strip()
                if not (first and starts_paragraph and left_open):
                    chain += 1
                opened = position
            elif opened is not None:
                found.append(Quotation(opened, position + 1, chain, True))
                opened = None
            else:
                # A closing mark with nothing open: the quote ran from the paragraph's start.
                if not left_open:
                    chain += 1
                found.append(Quotation(paragraph.start(), position + 1, chain, True))
            first = False
            left_open = False
        if opened is not None:
            found.append(Quotation(opened, paragraph.end(), chain, False))
            left_open = True
        else:
            left_open = False
    return found


def _opens(text: str, position: int, is_open: bool) -> bool:
    """True when the mark at `position` opens a quotation."""
    mark = text[position]
    before = text[position - 1] if position else "\n"
    after = text[position + 1] if position + 1 < len(text) else "\n"
    looks_opening = before in _OPENS_BEFORE or before in OPENING_MARKS
    looks_closing = after in _CLOSES_AFTER or after in CLOSING_MARKS or after == '"'
    if looks_opening and not looks_closing:
        return True
    if looks_closing and not looks_opening:
        return False
    if mark in OPENING_MARKS:
        return True
    if mark in CLOSING_MARKS:
        return False
    return not is_open


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
