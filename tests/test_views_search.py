"""Search page, bulk status, dashboard: the pages and each write with and without htmx."""

import pytest

HX = {"HX-Request": "true"}
FIRST = "The minister said exports rose 4% in March. Farmers protested in the capital."
SECOND = "Officials said the port reopened on Friday. Shipping firms welcomed the news."


@pytest.fixture
def article_ids(admin_client):
    ids = []
    for text in (FIRST, SECOND):
        location = admin_client.post("/articles", data={"text": text}).headers["Location"]
        ids.append(int(location.rsplit("/", 1)[1]))
    return ids


def test_search_page_lists_matches_across_articles(viewer_client, article_ids):
    page = viewer_client.get("/search?q=said").get_data(as_text=True)
    assert "<strong>2</strong> claims match" in page
    assert "exports rose 4%" in page and "port reopened" in page


def test_search_page_filters_live_in_the_url_and_are_kept_in_the_form(viewer_client, article_ids):
    page = viewer_client.get(f"/search?q=port&status=unverified&article={article_ids[1]}").get_data(
        as_text=True
    )
    assert 'value="port"' in page and '<option value="unverified" selected>' in page
    assert f"/export.csv?q=port&amp;article={article_ids[1]}&amp;status=unverified" in page


def test_search_as_htmx_is_the_results_partial(viewer_client, article_ids):
    body = viewer_client.get("/search?q=farmers", headers=HX).get_data(as_text=True)
    assert "<html" not in body and "Farmers protested" in body


@pytest.mark.parametrize(
    "query, status",
    [
        ("status=SOURCED", 400),
        ("flag=x", 400),
        ("article=abc", 400),
        ("since=soon", 400),
        ("page=0", 404),
    ],
)
def test_search_page_bad_filters(viewer_client, query, status):
    response = viewer_client.get(f"/search?{query}")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    # A bad filter says which; a page that is no page is the plain 404. No results either way.
    said = {
        "status": "is not a status",
        "flag": "is not a flag",
        "article": "must be an article id",
        "since": "must be a date",
        "page": "Not Found",
    }[query.split("=")[0]]
    assert said in page and 'class="claim claim--' not in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_bulk_status_for_all_matching(reviewer_client, article_ids, db, headers):
    response = reviewer_client.post(
        "/search/status",
        headers=headers,
        data={"q": "said", "new_status": "sourced", "all_matching": "1"},
    )
    assert response.status_code == 303  # htmx follows the redirect to the refreshed results
    assert response.headers["Location"] == "/search?q=said"
    statuses = dict(db.execute("select text, status from claims").fetchall())
    assert statuses["The minister said exports rose 4% in March."] == "sourced"
    assert statuses["Farmers protested in the capital."] == "unverified"
    assert db.execute("select count(*) from history where action = 'status'").fetchone()[0] == 2


def test_bulk_status_for_selected_claims(reviewer_client, article_ids, db):
    chosen = db.execute("select id from claims where text like 'Officials%'").fetchone()[0]
    reviewer_client.post(
        "/search/status",
        data={"q": "said", "new_status": "disputed", "claim": [str(chosen)]},
    )
    assert [row[0] for row in db.execute("select id from claims where status = 'disputed'")] == [
        chosen
    ]


@pytest.mark.parametrize(
    "data, code",
    [
        ({"new_status": "sourced", "all_matching": "1"}, 400),  # no filter at all
        ({"q": "said", "new_status": "SOURCED", "all_matching": "1"}, 422),
        ({"q": "said", "new_status": "sourced"}, 400),  # nothing ticked, not "every match"
        ({"q": "said", "new_status": "sourced", "flag": "bogus"}, 400),
        ({"q": "said", "all_matching": "1"}, 422),  # no new status
    ],
)
def test_bulk_status_bad_requests_change_nothing(reviewer_client, article_ids, db, data, code):
    assert reviewer_client.post("/search/status", data=data).status_code == code
    assert db.execute("select count(*) from claims where status != 'unverified'").fetchone()[0] == 0


def test_viewers_cannot_bulk_change(viewer_client, article_ids, db):
    assert (
        viewer_client.post(
            "/search/status", data={"q": "said", "new_status": "sourced"}
        ).status_code
        == 403
    )
    assert db.execute("select count(*) from claims where status != 'unverified'").fetchone()[0] == 0


def test_dashboard_shows_progress_activity_and_time_to_done(reviewer_client, article_ids, db):
    reviewer_client.post(
        "/search/status",
        data={"article": str(article_ids[0]), "new_status": "sourced", "all_matching": "1"},
    )
    page = reviewer_client.get("/dashboard").get_data(as_text=True)
    assert "<strong>2 / 2</strong> reviewed" in page
    assert '<th scope="row">ana</th>' in page and "ana: 2 changes in 14 days" in page
    assert "Median: <strong>" in page and "1 finished article" in page
    assert "<script" not in page.split("<main", 1)[1]  # readable without JavaScript
