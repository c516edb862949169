"""Flags: what a reviewer should look at in a claim (workbench.flags)."""

import pytest

from workbench.text.flags import FLAG_LABELS, FLAGS, check_first_rank, claim_flags
from workbench.text.splitter import split_claims

# Each case: claim text, attribution kind, the flags expected (always in FLAGS order).
FLAG_TABLE = [
    # Sourcing
    pytest.param("The river rose overnight.", None, ["unattributed"], id="no-source"),
    pytest.param("The river rose overnight.", "none", ["unattributed"], id="kind-none"),
    pytest.param("The river rose overnight.", "anonymous", ["anonymous_source"], id="anonymous"),
    pytest.param("The river rose overnight.", "named_person", [], id="named-source"),
    # Quotations
    pytest.param("“We will win,” she said.", "named_person", ["direct_quote"], id="opening-quote"),
    pytest.param(
        'He said, "We will win."', "named_person", ["direct_quote"], id="after-speech-verb"
    ),
    pytest.param(
        "Tonight we proved them wrong,” Whitfield said.",
        "named_person",
        ["direct_quote"],
        id="closing-half-of-a-quote",
    ),
    pytest.param(
        "He called the deal “a patch on a long-term problem that will not hold.”",
        "named_person",
        ["direct_quote"],
        id="long-quoted-phrase",
    ),
    pytest.param(
        "He cut his rating to “hold” from “buy”.",
        "named_person",
        [],
        id="quoted-terms-are-not-quotes",
    ),
    # Numbers
    pytest.param("Revenue was $3.5 million.", "organization", ["number"], id="money"),
    pytest.param("Profit rose 4.2%.", "organization", ["number"], id="percent"),
    pytest.param("Turnout was 2,300 voters.", "organization", ["number"], id="thousands-comma"),
    pytest.param("The meeting starts at 3 p.m.", "organization", ["number"], id="time"),
    pytest.param("Seven people were hurt.", "organization", ["number"], id="spelled-out"),
    pytest.param(
        "Relics date back thousands of years.", "organization", ["number"], id="thousands-of"
    ),
    pytest.param("He sent 1800 troops.", "named_person", ["number"], id="year-like-count"),
    pytest.param("It is the seventh largest city.", "organization", [], id="ordinal-word"),
    pytest.param("The second-in-command was killed.", "organization", [], id="second-in-command"),
    pytest.param("It lies on the 13th floor.", "organization", [], id="ordinal-digits"),
    pytest.param("It is one of the best preserved.", "organization", [], id="one-is-a-pronoun"),
    # Dates
    pytest.param("Talks resume on Thursday.", "organization", ["date"], id="weekday"),
    pytest.param(
        "The city fell in May 2015.", "organization", ["date"], id="month-year-not-a-number"
    ),
    pytest.param("Talks resume in May.", "organization", ["date"], id="in-may"),
    pytest.param("It may rain.", "organization", [], id="may-is-a-verb"),
    pytest.param("Sales have doubled since 2019.", "organization", ["date"], id="year-in-context"),
    pytest.param("The plant opened in the 1990s.", "organization", ["date"], id="decade"),
    pytest.param(
        "The fort was built in the 13th century.", "organization", ["date"], id="century-digits"
    ),
    pytest.param(
        "The temple dates from the first century.", "organization", ["date"], id="century-words"
    ),
    pytest.param("The vote is on Jan. 5.", "organization", ["date"], id="abbreviated-month"),
    pytest.param("The vote is on 5 January 2024.", "organization", ["date"], id="day-month-year"),
    pytest.param("The log is dated 2024-02-29.", "document", ["date"], id="iso-leap-day"),
    pytest.param("The log is dated 5/14/2023.", "document", ["date"], id="slashed-date"),
    pytest.param(
        "It cost $40 on Jan. 5, 2024.", "organization", ["number", "date"], id="number-and-date"
    ),
    # Impossible dates
    pytest.param(
        "Strikes began on September 31, 2015.",
        "organization",
        ["date", "impossible_date"],
        id="september-31",
    ),
    pytest.param(
        "The vote is set for February 30.",
        None,
        ["unattributed", "date", "impossible_date"],
        id="february-30",
    ),
    pytest.param(
        "The law took effect on 31 April 2020.",
        "document",
        ["date", "impossible_date"],
        id="31-april",
    ),
    pytest.param(
        "The filing is dated Feb. 29, 2023.",
        "document",
        ["date", "impossible_date"],
        id="feb-29-not-a-leap-year",
    ),
    pytest.param("The filing is dated Feb. 29, 2024.", "document", ["date"], id="feb-29-leap-year"),
    pytest.param(
        "The filing is dated February 29, 1900.",
        "document",
        ["date", "impossible_date"],
        id="1900-was-not-a-leap-year",
    ),
    pytest.param(
        "The filing is dated February 29, 2000.", "document", ["date"], id="2000-was-a-leap-year"
    ),
    pytest.param(
        "The filing is dated Feb. 29.", "document", ["date"], id="feb-29-without-a-year-may-exist"
    ),
    pytest.param(
        "The log shows 2023-02-30.", "document", ["date", "impossible_date"], id="iso-february-30"
    ),
    pytest.param(
        "The log shows 2023-13-01.", "document", ["date", "impossible_date"], id="iso-month-13"
    ),
    pytest.param(
        "It closes on Nov. 31.", "document", ["date", "impossible_date"], id="november-31"
    ),
    pytest.param(
        "It was signed on 31/31/2020.",
        "document",
        ["date", "impossible_date"],
        id="slashed-impossible-either-way",
    ),
]


@pytest.mark.parametrize("text, kind, expected", FLAG_TABLE)
def test_claim_flags(text, kind, expected):
    assert claim_flags(text, kind) == expected


def test_every_flag_has_a_label():
    assert list(FLAG_LABELS) == list(FLAGS)
    assert FLAG_LABELS["impossible_date"] == "impossible date"


# check_first_rank: 0 = unattributed or anonymous with figures, 1 = other figures, 2 = rest.
@pytest.mark.parametrize(
    "flags, kind, rank",
    [
        (["unattributed", "number"], None, 0),
        (["unattributed", "date", "impossible_date"], "none", 0),
        (["anonymous_source", "date"], "anonymous", 0),
        (["number"], "named_person", 1),
        (["direct_quote", "date"], "organization", 1),
        (["date"], "document", 1),
        (["unattributed"], None, 2),
        (["anonymous_source", "direct_quote"], "anonymous", 2),
        ([], "named_person", 2),
    ],
)
def test_check_first_rank(flags, kind, rank):
    assert check_first_rank(flags, kind) == rank


# The sample article, claim by claim, with the kinds workbench.attribution gives them.
SAMPLE_FLAGS = [
    ("none", ["unattributed", "date"]),  # Friday
    ("anonymous", ["anonymous_source", "direct_quote"]),
    ("named_person", ["direct_quote"]),
    ("named_person", ["direct_quote", "date"]),  # 13th century
    ("anonymous", ["anonymous_source", "date"]),  # on Friday
    ("none", ["unattributed", "date"]),  # May 2015; “Pearl of the Desert,” is a name
    ("none", ["unattributed", "number"]),  # thousands of years
    ("none", ["unattributed"]),
    ("named_person", ["direct_quote", "number"]),  # 600 meters
    ("organization", ["date"]),  # September 2015
    ("organization", ["date"]),  # first century
    ("none", ["unattributed", "date"]),  # Thursday
    ("none", ["unattributed"]),
    ("none", ["unattributed", "date", "impossible_date"]),  # September 31, 2015
    ("none", ["unattributed"]),
    ("none", ["unattributed"]),  # "seventh largest" is an ordinal
    ("anonymous", ["anonymous_source", "date"]),  # "second-in-command" is not a number
]


@pytest.mark.parametrize(
    "number, kind, expected",
    [(number, kind, flags) for number, (kind, flags) in enumerate(SAMPLE_FLAGS, start=1)],
)
def test_sample_article_flags(sample_text, number, kind, expected):
    claim = split_claims(sample_text)[number - 1]
    assert claim_flags(claim.text, kind) == expected, f"claim {number}: {claim.text}"


def test_sample_article_impossible_date_is_september_31(sample_text):
    impossible = [
        claim.text
        for claim in split_claims(sample_text)
        if "impossible_date" in claim_flags(claim.text, None)
    ]
    assert impossible == [
        "Russia has been conducting combat sorties against the positions of "
        "terrorists in Syria, particularly Palmyra recently, since September "
        "31, 2015."
    ]
