"""The claim panel says how a source was found, whether anyone confirmed it, and offers
the sentence's other candidate sources as one-click choices."""

import pytest

from support import import_by_form

TEXT = "Mayor Jane Doe told reporters on Monday that Police Chief John Roe had resigned."
HX = {"HX-Request": "true"}


def offered(panel, name):
    """True when the panel offers `name` as a one-click candidate source."""
    return f'type="hidden" name="passage" value="{name}"' in panel


@pytest.fixture
def claim_id(admin_client, db):
    article_id = import_by_form(admin_client, TEXT, title="Resignation")
    return db.execute("select id from claims where article_id = ?", [article_id]).fetchone()[0]


def test_the_panel_says_how_the_source_was_found_and_that_it_is_unconfirmed(
    reviewer_client, claim_id
):
    panel = reviewer_client.get(f"/claims/{claim_id}/panel", headers=HX).get_data(as_text=True)
    assert "<strong>Jane Doe</strong> (person), found by the sentence&#39;s grammar" in panel
    assert "detected, not yet confirmed" in panel
    assert offered(panel, "John Roe")  # the sentence's other candidate, one click away


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_one_click_on_a_candidate_makes_it_the_source(reviewer_client, claim_id, db, headers):
    response = reviewer_client.post(
        f"/claims/{claim_id}/attribution",
        data={"passage": "John Roe", "kind": "named_person", "version": "1"},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    claim = db.table("claims").get(claim_id)
    assert (claim["attribution_text"], claim["attribution_kind"]) == ("John Roe", "named_person")
    assert (claim["attribution_method"], claim["attribution_confirmed_by"]) == ("reviewer", "ana")
    panel = reviewer_client.get(f"/claims/{claim_id}/panel", headers=HX).get_data(as_text=True)
    assert "set by a reviewer" in panel and "confirmed by ana" in panel
    assert not offered(panel, "John Roe")  # the chosen one is the source now
    assert offered(panel, "Jane Doe")  # and the detected one is on offer instead
