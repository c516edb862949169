"""Rows drawn from the cache are never stale: any change to what a row shows draws it
again, whoever made the change and however (here straight in the domain, behind the
page's back)."""

import pytest

from support import actor, import_by_form
from workbench.review import corrections, notes
from workbench.review.claims import list_claims, set_status

TEXT = "The mayor opened the bridge on Monday. It cost $4.5 million. Critics called it late."


@pytest.fixture
def article_id(admin_client):
    return import_by_form(admin_client, TEXT, title="Bridge")


def row(page, claim_id):
    start = page.index(f'id="claim-{claim_id}"')
    return page[start : page.index("</li>", start)]


def test_a_status_changed_elsewhere_shows_at_once(reviewer_client, article_id, db):
    claim = list_claims(db, article_id).claims[0]
    before = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'value="unverified" aria-pressed="true"' in row(before, claim["id"])
    assert 'value="sourced" aria-pressed="true"' not in row(before, claim["id"])
    set_status(db, claim["id"], "sourced", actor("bo"))
    after = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'value="sourced" aria-pressed="true"' in row(after, claim["id"])
    assert "by bo" in row(after, claim["id"])


def test_a_note_or_a_new_source_shows_at_once(reviewer_client, article_id, db):
    claim = list_claims(db, article_id).claims[1]
    reviewer_client.get(f"/articles/{article_id}")
    notes.add_note(db, claim["id"], "Checked.", actor("bo"))
    corrections.set_attribution(db, claim["id"], actor("bo"), "organization", "The mayor")
    page = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "1 note · 0 evidence" in row(page, claim["id"])
    assert '<span class="src">The mayor</span>' in row(page, claim["id"])


def test_viewers_and_reviewers_never_share_a_row(reviewer_client, viewer_client, article_id):
    claim_row = 'type="checkbox" name="claim"'
    assert claim_row in reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    viewed = viewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert claim_row not in viewed and 'class="seg"' not in viewed


def test_a_decision_elsewhere_shows_at_once_in_a_cached_row(admin_client, reviewer_client, db):
    first = import_by_form(
        admin_client, "The bridge cost 4.5 million euros, officials said.", title="One"
    )
    second = import_by_form(
        admin_client, "Later, the bridge cost 4.5 million euros, officials said.", title="Two"
    )
    (mine,) = list_claims(db, second).claims
    (theirs,) = list_claims(db, first).claims
    reviewer_client.get(f"/articles/{second}")  # drawn, and kept, before anything is decided
    set_status(db, theirs["id"], "disputed", actor("bo"))
    page = reviewer_client.get(f"/articles/{second}").get_data(as_text=True)
    assert "disputed in “One”" in row(page, mine["id"])
