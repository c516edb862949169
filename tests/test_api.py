"""The read-only JSON API: same permissions as the pages, documented shapes."""

import pytest

TEXT = "The minister said exports rose 4% in March. Farmers protested in the capital."


@pytest.fixture
def article_id(admin_client):
    location = admin_client.post("/articles", data={"text": TEXT, "title": "Exports"}).headers[
        "Location"
    ]
    return int(location.rsplit("/", 1)[1])


def test_articles_list(viewer_client, article_id):
    data = viewer_client.get("/api/articles").get_json()
    assert [a["title"] for a in data["articles"]] == ["Exports"]
    assert data["articles"][0]["progress"]["total"] == 2


def test_article_with_its_text(viewer_client, article_id):
    data = viewer_client.get(f"/api/articles/{article_id}").get_json()
    assert data["text"] == TEXT and data["id"] == article_id


def test_claims_of_an_article_with_filters(viewer_client, article_id):
    data = viewer_client.get(f"/api/articles/{article_id}/claims?flag=number").get_json()
    assert [c["text"] for c in data["claims"]] == ["The minister said exports rose 4% in March."]
    assert data["total"] == 1 and data["filters"] == {"article": article_id, "flag": "number"}
    claim = data["claims"][0]
    assert TEXT[claim["start"] : claim["end"]] == claim["text"]
    assert claim["attribution"]["kind"] == "anonymous" and claim["status"] == "unverified"


def test_claim_with_notes_and_history(viewer_client, reviewer_client, article_id):
    claims = viewer_client.get(f"/api/articles/{article_id}/claims").get_json()["claims"]
    reviewer_client.post(f"/claims/{claims[1]['id']}/notes", data={"body": "Seen on TV."})
    data = viewer_client.get(f"/api/claims/{claims[1]['id']}").get_json()
    assert [n["body"] for n in data["notes"]] == ["Seen on TV."]
    assert [h["action"] for h in data["history"]] == ["note"]


def test_search_across_articles(viewer_client, article_id):
    data = viewer_client.get("/api/claims?q=farmers").get_json()
    assert [c["text"] for c in data["claims"]] == ["Farmers protested in the capital."]


@pytest.mark.parametrize(
    "path", ["/api/articles", "/api/articles/1", "/api/claims/1", "/api/claims?q=x"]
)
def test_logged_out_gets_401_json(client, path):
    response = client.get(path)
    assert response.status_code == 401 and response.get_json()["status"] == 401


@pytest.mark.parametrize(
    "path, code",
    [
        ("/api/articles/abc", 404),
        ("/api/articles/999999", 404),
        ("/api/claims/-1", 404),
        ("/api/claims?status=SOURCED", 400),
        ("/api/claims?page=0", 400),
    ],
)
def test_errors_are_json(viewer_client, path, code):
    response = viewer_client.get(path)
    assert response.status_code == code and response.mimetype == "application/json"
    assert response.get_json()["status"] == code and response.get_json()["error"]


def test_the_api_is_read_only(reviewer_client, article_id):
    before = reviewer_client.get(f"/api/articles/{article_id}").get_json()
    response = reviewer_client.post(f"/api/articles/{article_id}")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json() == {"error": response.get_json()["error"], "status": 405}
    assert reviewer_client.get(f"/api/articles/{article_id}").get_json() == before
