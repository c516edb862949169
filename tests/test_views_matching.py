"""Claims already checked elsewhere on the review page: the mark in the row, the panel's
list, copying a decision with and without htmx, and the page staying light."""

import re

import pytest

from support import actor, import_by_form, sign_in
from workbench.review import claims, search

HX = {"HX-Request": "true"}
FIRST = "The ministry said 42 people died in the floods. Roads were closed for a week."
SECOND = "Rescuers worked through the night. 42 people died in the floods, the ministry said."


@pytest.fixture
def pair(admin_client, reviewer_client, db):
    first = import_by_form(admin_client, FIRST, title="Floods: the first report")
    reviewed = db.execute("select min(id) from claims where article_id = ?", [first]).fetchone()[0]
    reviewer_client.post(f"/claims/{reviewed}/status", data={"status": "disputed"})
    reviewer_client.post(
        f"/claims/{reviewed}/evidence",
        data={"url": "https://example.org/toll", "stance": "contradicts"},
    )
    second = import_by_form(admin_client, SECOND, title="Floods: later")
    copy = db.execute(
        "select id from claims where article_id = ? and text like '42%'", [second]
    ).fetchone()[0]
    return {"first": first, "reviewed": reviewed, "second": second, "copy": copy}


def test_the_row_says_where_the_claim_was_reviewed(viewer_client, pair):
    page = viewer_client.get(f"/articles/{pair['second']}").get_data(as_text=True)
    mark = re.search(r'<a class="seen[^>]*>([^<]*)</a>', page)
    assert mark and mark.group(1) == "disputed in “Floods: the first rep…”"
    assert f'href="/claims/{pair["reviewed"]}"' in mark.group(0)


def test_the_panel_lists_the_match_and_offers_the_copy_to_reviewers(
    reviewer_client, viewer_client, pair
):
    panel = reviewer_client.get(f"/claims/{pair['copy']}/panel", headers=HX).get_data(as_text=True)
    assert "Checked elsewhere" in panel and "Copy this decision and its evidence" in panel
    page = viewer_client.get(f"/claims/{pair['copy']}").get_data(as_text=True)
    assert "Checked elsewhere" in page and "copy-review" not in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_copying_the_decision_with_its_evidence(reviewer_client, db, pair, headers):
    response = reviewer_client.post(
        f"/claims/{pair['copy']}/copy-review",
        data={"from": str(pair["reviewed"]), "version": "1", "next": f"/articles/{pair['second']}"},
        headers=headers,
    )
    claim = db.table("claims").get(pair["copy"])
    assert claim["status"] == "disputed"
    urls = [
        row[0] for row in db.execute("select url from evidence where claim_id = ?", [pair["copy"]])
    ]
    assert urls == ["https://example.org/toll"]
    if headers:
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and f'id="claim-{pair["copy"]}"' in body
        assert "copied the review of" in body and "/undo" in body
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == f"/articles/{pair['second']}#claim-{pair['copy']}"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_copying_onto_a_changed_claim_is_a_conflict(reviewer_client, db, pair, headers):
    reviewer_client.post(f"/claims/{pair['copy']}/status", data={"status": "sourced"})
    response = reviewer_client.post(
        f"/claims/{pair['copy']}/copy-review",
        data={"from": str(pair["reviewed"]), "version": "1"},
        headers=headers,
    )
    assert response.status_code == 409
    assert db.table("claims").get(pair["copy"])["status"] == "sourced"


@pytest.mark.parametrize(
    "source, status",
    [("abc", 400), ("999", 422), ("self", 422)],
    ids=["malformed", "missing", "no match"],
)
def test_copying_from_a_claim_that_is_not_a_match_is_refused(
    reviewer_client, db, pair, source, status
):
    source = str(pair["copy"]) if source == "self" else source
    response = reviewer_client.post(f"/claims/{pair['copy']}/copy-review", data={"from": source})
    assert response.status_code == status
    assert db.table("claims").get(pair["copy"])["status"] == "unverified"


def test_the_review_page_stays_under_1_5_kb_a_claim_with_every_mark(
    admin_client, reviewer_client, db
):
    sentences = [
        f"The council approved plan number {n} for the harbour district on Monday."
        for n in range(100)
    ]
    first = import_by_form(
        admin_client, " ".join(sentences), title="Harbour plans: the council's list of approvals"
    )
    ids = [row[0] for row in db.execute("select id from claims where article_id = ?", [first])]
    claims.set_status_many(db, search.ClaimFilter(article_id=first), "disputed", actor("ana"))
    second = import_by_form(
        admin_client, " ".join(reversed(sentences)) + " One more.", title="Harbour"
    )
    page = admin_client.get(f"/articles/{second}").get_data(as_text=True)
    rows = page.count('<li class="claim ')
    assert rows == 100 and len(ids) == 100
    assert page.count("seen--disputed") == 100  # "One more." is on the next page
    print(f"\nreview page with a mark on every row: {len(page.encode()) / rows:.0f} bytes a claim")
    assert len(page.encode()) / rows <= 1536, f"{len(page.encode()) / rows:.0f} bytes a claim"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_copying_a_review_during_a_blind_review_is_refused_and_writes_nothing(
    app, reviewer_client, db, pair, headers
):
    """The copied status used to wait unwritten while the copied evidence was stored with
    no history row and no undo, for every other blind reviewer to read."""
    editor = sign_in(app, "eda", "editor")
    sign_in(app, "bo", "reviewer")
    started = editor.post(f"/articles/{pair['second']}/blind", data={"reviewer": ["ana", "bo"]})
    assert started.status_code == 303
    before = db.execute("select max(id) from history").fetchone()[0]
    response = reviewer_client.post(
        f"/claims/{pair['copy']}/copy-review",
        data={"from": str(pair["reviewed"]), "version": "1"},
        headers=headers,
    )
    assert response.status_code == 422
    assert "under blind review" in response.get_data(as_text=True)
    assert (
        db.execute("select count(*) from evidence where claim_id = ?", [pair["copy"]]).fetchone()[0]
        == 0
    )
    assert db.execute("select max(id) from history").fetchone()[0] == before
