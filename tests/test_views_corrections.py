"""Correction routes, sources and flags on the pages: each write with and without htmx."""

import csv
import io
import re

import pytest

from support import id_from_location

HX = {"HX-Request": "true"}
TEXT = (
    "Officials said the dam opened on September 31, 2015. It holds 4 billion litres. "
    "The river rose."
)


@pytest.fixture
def article_id(admin_client):
    response = admin_client.post("/articles", data={"text": TEXT, "title": "Dam"})
    return id_from_location(response)


def claim_rows(db, article_id):
    return list(db.query("select * from claims where article_id = ? order by start", [article_id]))


def test_article_page_shows_source_and_flags(reviewer_client, article_id):
    page = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert '<span class="src">Officials</span>' in page
    assert "impossible date" in page and "no source" in page


def test_flag_filter_and_check_first_order(reviewer_client, article_id):
    page = reviewer_client.get(f"/articles/{article_id}?flag=impossible_date").get_data(
        as_text=True
    )
    assert page.count('class="claim claim--') == 1 and "September 31" in page
    ordered = reviewer_client.get(f"/articles/{article_id}?sort=check_first").get_data(as_text=True)
    # the unattributed claim with a number comes before the anonymous-source one and the rest
    assert ordered.index("4 billion litres") < ordered.index("The river rose.")


@pytest.mark.parametrize("query", ["flag=bogus", "sort=position;drop", "sort=id"])
def test_unknown_filters_are_400(reviewer_client, article_id, query):
    response = reviewer_client.get(f"/articles/{article_id}?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a flag" in page or "is not a way to sort claims" in page, page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_split_route(reviewer_client, article_id, db, headers):
    second = claim_rows(db, article_id)[1]  # "It holds 4 billion litres."
    at = second["start"] + second["text"].index("4 billion")
    response = reviewer_client.post(
        f"/claims/{second['id']}/split", data={"at": str(at), "version": "1"}, headers=headers
    )
    assert response.status_code == (200 if headers else 303)
    assert [c["text"] for c in claim_rows(db, article_id)][1:3] == ["It holds", "4 billion litres."]


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_merge_route(reviewer_client, article_id, db, headers):
    first = claim_rows(db, article_id)[0]
    response = reviewer_client.post(
        f"/claims/{first['id']}/merge", data={"version": "1"}, headers=headers
    )
    assert response.status_code == (200 if headers else 303)
    assert db.table("claims").get(first["id"])["text"].endswith("It holds 4 billion litres.")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_boundaries_route_by_passage(reviewer_client, article_id, db, headers):
    last = claim_rows(db, article_id)[-1]
    response = reviewer_client.post(
        f"/claims/{last['id']}/boundaries",
        data={"passage": "river rose.", "version": "1"},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    assert db.table("claims").get(last["id"])["text"] == "river rose."


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_hide_and_restore_route(reviewer_client, article_id, db, headers):
    last = claim_rows(db, article_id)[-1]
    reviewer_client.post(f"/claims/{last['id']}/hide", data={"hidden": "1"}, headers=headers)
    assert db.table("claims").get(last["id"])["is_claim"] == 0
    page = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    row = f'id="claim-{last["id"]}"'
    assert row not in page and "Show 1 not-a-claim" in page
    shown = reviewer_client.get(f"/articles/{article_id}?hidden=1").get_data(as_text=True)
    assert row in shown and "Not a claim: left out of progress and exports" in shown
    reviewer_client.post(f"/claims/{last['id']}/hide", data={"hidden": "0"}, headers=headers)
    assert db.table("claims").get(last["id"])["is_claim"] == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_attribution_routes(reviewer_client, article_id, db, headers):
    last = claim_rows(db, article_id)[-1]
    response = reviewer_client.post(
        f"/claims/{last['id']}/attribution",
        data={"kind": "anonymous", "passage": "Officials"},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    row = db.table("claims").get(last["id"])
    assert (row["attribution_text"], row["attribution_kind"], row["attribution_confirmed_by"]) == (
        "Officials",
        "anonymous",
        "ana",
    )
    first = claim_rows(db, article_id)[0]
    reviewer_client.post(f"/claims/{first['id']}/attribution/confirm", headers=headers)
    assert db.table("claims").get(first["id"])["attribution_confirmed_by"] == "ana"


@pytest.mark.parametrize(
    "data",
    [
        {"start": "0", "end": "9", "passage": "Officials"},  # offsets from a selection
        {"passage": "Officials said"},  # no JavaScript: the passage alone
    ],
)
def test_add_claim_route(reviewer_client, article_id, db, data):
    response = reviewer_client.post(
        f"/articles/{article_id}/claims", data={**data, "overlap_confirmed": "1"}
    )
    assert response.status_code == 303 and response.headers["Location"].startswith("/claims/")
    added = db.table("claims").get(id_from_location(response))
    assert added["text"] == data["passage"]


def test_add_claim_with_a_passage_not_in_the_article(reviewer_client, article_id, db):
    before = db.table("claims").count
    response = reviewer_client.post(
        f"/articles/{article_id}/claims", data={"passage": "Invented words"}
    )
    assert response.status_code == 422 and db.table("claims").count == before
    page = response.get_data(as_text=True)
    assert "not in the article" in page
    assert ">Invented words</textarea>" in page  # the passage is kept to correct it


def test_an_overlapping_claim_is_added_only_when_confirmed(reviewer_client, article_id, db):
    before = db.table("claims").count
    passage = db.table("claims").get(claim_rows(db, article_id)[0]["id"])["text"][:20]
    refused = reviewer_client.post(f"/articles/{article_id}/claims", data={"passage": passage})
    assert refused.status_code == 422 and db.table("claims").count == before
    page = refused.get_data(as_text=True)
    assert "overlaps claim 1" in page and 'name="overlap_confirmed"' in page
    added = reviewer_client.post(
        f"/articles/{article_id}/claims", data={"passage": passage, "overlap_confirmed": "1"}
    )
    assert added.status_code == 303 and db.table("claims").count == before + 1


@pytest.mark.parametrize(
    "path, data, status",
    [
        ("split", {"at": "abc"}, 400),  # malformed: not a number at all
        ("split", {}, 422),  # well-formed, but no split point chosen
        ("hide", {"hidden": "maybe"}, 400),
        ("attribution", {"kind": "celebrity", "passage": "Officials"}, 422),
        ("boundaries", {"start": "-4", "end": "2"}, 400),
    ],
)
def test_bad_correction_input_is_4xx_and_changes_nothing(
    reviewer_client, article_id, db, path, data, status
):
    first = claim_rows(db, article_id)[0]
    response = reviewer_client.post(f"/claims/{first['id']}/{path}", data=data)
    assert response.status_code == status
    assert db.table("claims").get(first["id"])["version"] == 1


def test_stale_correction_is_409(reviewer_client, article_id, db):
    first = claim_rows(db, article_id)[0]
    reviewer_client.post(
        f"/claims/{first['id']}/status", data={"status": "sourced", "version": "1"}
    )
    response = reviewer_client.post(
        f"/claims/{first['id']}/merge", data={"version": "1"}, headers=HX
    )
    assert response.status_code == 409 and "not saved" in response.get_data(as_text=True)


def test_viewers_cannot_correct(viewer_client, article_id, db):
    first = claim_rows(db, article_id)[0]
    for path in ("split", "merge", "hide", "boundaries", "attribution", "attribution/confirm"):
        assert (
            viewer_client.post(f"/claims/{first['id']}/{path}", data={"at": "3"}).status_code == 403
        )
    assert (
        viewer_client.post(f"/articles/{article_id}/claims", data={"passage": "x"}).status_code
        == 403
    )
    assert db.table("claims").get(first["id"])["version"] == 1


def history_entries(page):
    """The claim page's history, one sentence an entry (its time left out)."""
    entries = re.findall(r'<li class="history__entry">(.*?)</li>', page, re.S)
    return [" ".join(re.sub(r"<time.*?</time>|<[^>]+>", " ", e).split()) for e in entries]


def test_claim_page_history_shows_corrections(reviewer_client, article_id, db):
    first = claim_rows(db, article_id)[0]
    before = reviewer_client.get(f"/claims/{first['id']}").get_data(as_text=True)
    assert history_entries(before) == []
    reviewer_client.post(
        f"/claims/{first['id']}/attribution", data={"kind": "organization", "passage": "Officials"}
    )
    page = reviewer_client.get(f"/claims/{first['id']}").get_data(as_text=True)
    assert history_entries(page) == [
        "ana set the source of this claim to Officials (organisation), was Officials (anonymous)"
    ]


def test_csv_has_source_and_flag_columns(reviewer_client, article_id):
    rows = list(
        csv.DictReader(
            io.StringIO(
                reviewer_client.get(f"/articles/{article_id}/export.csv").get_data(as_text=True),
                newline="",
            )
        )
    )
    assert (rows[0]["attribution"], rows[0]["attribution_kind"]) == ("Officials", "anonymous")
    assert "impossible_date" in rows[0]["flags"].split(" ")
    assert rows[1]["attribution_kind"] == "none" and rows[1]["attribution"] == ""


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_switching_the_kind_to_none_with_the_source_in_the_box_is_refused_and_kept(
    reviewer_client, article_id, db, headers
):
    first = claim_rows(db, article_id)[0]
    assert (first["attribution_text"], first["attribution_kind"]) == ("Officials", "anonymous")
    response = reviewer_client.post(
        f"/claims/{first['id']}/attribution",
        data={"kind": "none", "passage": "Officials", "version": str(first["version"])},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The source box still says “Officials” but the kind is now “none”" in body
    assert 'name="passage" value="Officials"' in body
    assert re.search(r'<option value="none" selected>', body)  # the choice kept, to correct
    after = db.table("claims").get(first["id"])
    assert (after["attribution_text"], after["attribution_kind"]) == ("Officials", "anonymous")
    assert after["version"] == first["version"]
