"""Quotations across sentences and paragraphs, with straight and curly marks read by where
they stand (workbench.text.quotations), and no claim made of a lone mark."""

import pytest

from workbench.text.quotations import blank_quotations, find_quotations, quotation_at
from workbench.text.splitter import split_claims


def quoted_texts(text):
    return [text[q.start : q.end] for q in find_quotations(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we won" today.', ['"we won"']),
        ("He said “we won” today.", ["“we won”"]),
        # Mixed: a curly opening closed by a straight mark, and the reverse.
        ('“It was late," she said. "We left.”', ['“It was late,"', '"We left.”']),
        # A closing mark used for both: its place says which it is.
        ("”We won,” he said.", ["”We won,”"]),
        ("Il a dit « nous avons gagné » hier.", ["« nous avons gagné »"]),
    ],
    ids=["straight", "curly", "mixed", "closing-used-as-opening", "guillemets"],
)
def test_marks_pair_by_where_they_stand(text, expected):
    assert quoted_texts(text) == expected


def test_a_quote_left_open_at_a_paragraph_end_continues_into_the_next_paragraph():
    text = '"We trained for months.\n"Nobody is hurt," she said.\nThe match ended.'
    quotes = find_quotations(text)
    assert [text[q.start : q.end] for q in quotes] == [
        '"We trained for months.',
        '"Nobody is hurt,"',
    ]
    assert quotes[0].chain == quotes[1].chain and not quotes[0].closed


def test_a_new_quote_in_a_later_paragraph_is_another_chain():
    text = '"We won," he said.\n"They lost," she said.'
    first, second = find_quotations(text)
    assert first.chain != second.chain


def test_blanking_keeps_every_offset():
    text = 'He said "we won" today.'
    narration = blank_quotations(text, find_quotations(text))
    assert len(narration) == len(text)
    assert narration == "He said \x00\x00\x00\x00\x00\x00\x00\x00 today."


def test_quotation_at_finds_the_quote_holding_an_offset():
    text = 'A "b" c "d" e'
    quotes = find_quotations(text)
    assert quotation_at(quotes, text.index("d")) == quotes[1]
    assert quotation_at(quotes, text.index("c")) is None


@pytest.mark.parametrize(
    "text, claims",
    [
        (
            'He said: "We will win. We always win.\n"\nThe match ended.',
            ['He said: "We will win.', "We always win.", "The match ended."],
        ),
        ("A.\n* * *\nB.", ["A.", "B."]),
    ],
    ids=["lone-mark-on-its-own-line", "asterisks"],
)
def test_a_piece_without_a_word_is_never_a_claim(text, claims):
    assert [claim.text for claim in split_claims(text)] == claims
