"""Lines that are not claims: headline, sub-heads, bylines, datelines, credits and time
stamps, from the page's headings and from their shape (workbench.text.non_claims)."""

import pytest

from workbench.text.html_article import extract_article
from workbench.text.non_claims import REASONS, non_claim_reasons
from workbench.text.splitter import split_claims

PLAIN = """Court rules the dam must go
By JANE DOE Associated Press
Updated 3:45 PM EST, March 4, 2019
WASHINGTON (AP) —
The court ruled on Monday that the dam must be removed, a spokesman said. It was old.
Photo: Ana Lind/Reuters
Lind said the decision came after years of litigation."""


def reasons_by_text(text, headings=()):
    spans = split_claims(text)
    found = non_claim_reasons(text, spans, headings)
    return {span.text: found.get(span.index) for span in spans}


def test_the_shape_of_a_line_says_what_it_is():
    assert reasons_by_text(PLAIN) == {
        "Court rules the dam must go": "headline",
        "By JANE DOE Associated Press": "byline",
        "Updated 3:45 PM EST, March 4, 2019": "timestamp",
        "WASHINGTON (AP) —": "dateline",
        "The court ruled on Monday that the dam must be removed, a spokesman said.": None,
        "It was old.": None,
        "Photo: Ana Lind/Reuters": "credit",
        "Lind said the decision came after years of litigation.": None,
    }


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the bridge was safe.",
        "By the end of the year, prices had doubled.",  # "By" but no name
        "Posted workers at the plant said they were not paid.",
        "NEW YORK is the largest city in the United States.",
    ],
)
def test_prose_stays_a_claim(line):
    text = f"The first sentence of the article.\n{line}"
    assert reasons_by_text(text)[line] is None


def test_a_caption_ending_in_its_credit_is_a_credit_line_by_line():
    text = "The first sentence.\nThe dam in 2018. (AP Photo/Evan Vucci)\nThe last sentence."
    found = reasons_by_text(text)
    assert found["The dam in 2018."] == found["(AP Photo/Evan Vucci)"] == "credit"
    assert found["The last sentence."] is None


def test_a_question_that_was_a_heading_on_the_page_is_a_sub_head():
    html = (
        "<html><head><title>Court rules on dam</title></head><body><article>"
        "<h1>Court rules on dam</h1>"
        "<p>The court ruled on Monday that the dam must be removed, a spokesman said.</p>"
        "<h2>What did the prosecutors say?</h2>"
        "<p>Prosecutors said the ruling was fair. They will not appeal.</p>"
        "</article></body></html>"
    )
    article = extract_article(html)
    assert "What did the prosecutors say?" in article.headings
    found = reasons_by_text(article.text, article.headings)
    assert found["What did the prosecutors say?"] == "sub-head"
    assert found["Prosecutors said the ruling was fair."] is None
    # Without the page's structure, a question is prose.
    assert reasons_by_text(article.text)["What did the prosecutors say?"] is None


def test_every_reason_has_words_for_the_reviewer():
    assert set(REASONS) == {"headline", "sub-head", "byline", "dateline", "credit", "timestamp"}
    assert all(REASONS.values())
