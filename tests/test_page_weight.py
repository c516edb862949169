"""How heavy the article page is (at most 1.5 KB of HTML a claim, measured on a
28-claim news article). The figures on real articles come from `python -m bench.page_weight
../shared/corpus`; these tests keep the page from growing back, on sentences as long as a
news article's (see news_sentences)."""

import pytest

from support import import_by_form

SOURCES = ("Maria Okafor", "the harbour authority", "a council spokesman", "Tomas Lindqvist")


def news_sentences(count, token):
    """Sentences like a news article's: some attributed, some not, some with a quotation or
    a number, 90 to 150 characters (the corpus's claims average about 130)."""
    kinds = (
        "The council approved the {token} footbridge over the river at its meeting, after a "
        "debate that lasted most of the afternoon ({n}).",
        "“Work on section {n} of the {token} bridge will start in the spring,” {source} said.",
        "The {token} bridge will cost {cost} million pounds, according to {source}.",
        "Residents of the north bank have asked for a crossing for more than a decade, and "
        "many of them came to hear the {token} vote ({n}).",
    )
    return [
        kinds[n % len(kinds)].format(
            token=token, n=n, cost=n * 3 + 40, source=SOURCES[n % len(SOURCES)]
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def weights(reviewer_client, admin_client):
    """Bytes of the article page for 14 and 28 claims, as a reviewer and as an admin (who
    also sees the Desk and Delete links)."""
    found = {}
    for count in (14, 28):
        token = f"W{count}"
        article = import_by_form(admin_client, " ".join(news_sentences(count, token)), title=token)
        admin_client.get(f"/articles/{article}")  # shows, and so ends, "Imported … claims."
        for who, client in (("reviewer", reviewer_client), ("admin", admin_client)):
            page = client.get(f"/articles/{article}").get_data()
            assert page.count(b'<li class="claim ') == count
            assert b"Imported" not in page  # the import's message is not counted
            found[(who, count)] = len(page)
    return found


def test_a_28_claim_news_article_is_under_1_5_kb_a_claim(weights):
    for who in ("reviewer", "admin"):
        per_claim = weights[(who, 28)] / 28
        print(f"\n28 claims as {who}: {per_claim:,.0f} bytes a claim")
        assert per_claim <= 1536, f"{per_claim:,.0f} bytes a claim as {who}"


def test_each_claim_adds_its_row_and_passage_and_little_else(weights):
    # What one more claim costs: its row and its passage beside it (1,079 bytes when this
    # was written, a quarter of them the sentence itself, twice). The same input gives the
    # same bytes, so the bound is tight: an empty panel back in every row (58) fails it.
    added = (weights[("reviewer", 28)] - weights[("reviewer", 14)]) / 14
    print(f"\none claim more: {added:,.0f} bytes")
    assert added <= 1100, f"one claim more adds {added:,.0f} bytes"
