"""The splitter: article text -> sentence claims with exact offsets."""

import pytest

from workbench.text.splitter import split_claims


def sentences(text):
    return [claim.text for claim in split_claims(text)]


# Each case: (text, expected sentences). News-style sentences written for these tests,
# covering pysbd's "golden rules": abbreviations, decimals, quotes, ellipses, lists.
CASES = [
    pytest.param(
        "The U.S. Senate voted 52-48 on Tuesday. The bill now goes to the House.",
        ["The U.S. Senate voted 52-48 on Tuesday.", "The bill now goes to the House."],
        id="abbreviation-us",
    ),
    pytest.param(
        "Mr. Okafor met Dr. Lindqvist at 3 p.m. on Jan. 5. They spoke for an hour.",
        ["Mr. Okafor met Dr. Lindqvist at 3 p.m. on Jan. 5.", "They spoke for an hour."],
        id="titles-times-months",
    ),
    pytest.param(
        "Revenue rose to $3.5 million, up 4.2% from 2023. Profit fell.",
        ["Revenue rose to $3.5 million, up 4.2% from 2023.", "Profit fell."],
        id="decimals-money-percent",
    ),
    pytest.param(
        '"We will not back down," the mayor said. "Not now, not ever."',
        ['"We will not back down," the mayor said.', '"Not now, not ever."'],
        id="straight-quotes",
    ),
    pytest.param(
        "“The data are clear,” said Ms. Hale. “Prices are falling.”",
        ["“The data are clear,” said Ms. Hale.", "“Prices are falling.”"],
        id="curly-quotes",
    ),
    pytest.param(
        "He paused... Then he resigned. The board accepted.",
        ["He paused...", "Then he resigned.", "The board accepted."],
        id="ellipsis",
    ),
    pytest.param(
        "Acme Corp. and Widget Inc. announced a merger. Shares jumped.",
        ["Acme Corp. and Widget Inc. announced a merger.", "Shares jumped."],
        id="company-abbreviations",
    ),
    pytest.param(
        "Did the minister know? Officials would not say! The inquiry continues.",
        ["Did the minister know?", "Officials would not say!", "The inquiry continues."],
        id="question-exclamation",
    ),
    pytest.param(
        "“We tried. We failed,” she said. Then she left.",
        ["“We tried.", "We failed,” she said.", "Then she left."],
        id="multi-sentence-quote",
    ),
    pytest.param(
        '"Mr. Okafor left. Dr. Lindqvist stayed," the clerk said.',
        ['"Mr. Okafor left.', 'Dr. Lindqvist stayed," the clerk said.'],
        id="abbreviations-inside-a-quote",
    ),
    pytest.param(
        "The Senate reconvenes at 10 a.m. Saturday. Talks resume at 9 a.m. EST on Monday.",
        ["The Senate reconvenes at 10 a.m. Saturday.", "Talks resume at 9 a.m. EST on Monday."],
        id="clock-time-before-weekday",
    ),
    pytest.param(
        "The vote ended at 5 p.m. Lawmakers went home.",
        ["The vote ended at 5 p.m.", "Lawmakers went home."],
        id="clock-time-ends-sentence",
    ),
    pytest.param(
        "First paragraph ends here\nSecond paragraph starts here.",
        ["First paragraph ends here", "Second paragraph starts here."],
        id="paragraph-without-full-stop",
    ),
    pytest.param(
        "Windows line endings.\r\nStill two sentences.\r\n",
        ["Windows line endings.", "Still two sentences."],
        id="crlf",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_splits_news_sentences(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text", [case.values[0] for case in CASES])
def test_every_claim_is_its_exact_slice_of_the_text(text):
    for claim in split_claims(text):
        assert text[claim.start : claim.end] == claim.text


def test_claims_are_in_order_without_overlap_and_trimmed():
    text = "  One sentence here.   Another one follows.  \n\n  A third, alone.  "
    claims = split_claims(text)
    assert [c.index for c in claims] == [0, 1, 2]
    for before, after in zip(claims, claims[1:], strict=False):  # neighbours: one shorter
        assert before.end <= after.start
    for claim in claims:
        assert claim.text == claim.text.strip()


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_blank_text_has_no_claims(text):
    assert split_claims(text) == []


def test_repeated_sentences_get_their_own_offsets():
    text = "Prices rose. Prices rose. Prices rose."
    assert [(c.start, c.end) for c in split_claims(text)] == [(0, 12), (13, 25), (26, 38)]


def test_sample_article_is_exactly_its_17_sentences(sample_text):
    claims = split_claims(sample_text)
    assert len(claims) == 17
    assert claims[0].text.startswith("Syrian forces made a major advance")
    assert (
        claims[5].text
        == "Daesh overran the “Pearl of the Desert,” the title the city is known with, in May 2015."
    )
    assert claims[6].text.startswith("The terrorists have blown up UNESCO-listed temples")
    assert claims[-1].text.endswith("killed in a US airstrike on Thursday.")


def test_as_dict_is_what_extract_prints():
    claim = split_claims("Hello there. General Kenobi.")[1]
    assert claim.as_dict() == {"index": 1, "text": "General Kenobi.", "start": 13, "end": 28}
