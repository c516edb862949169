"""Flask's signed cookie carries only flash messages (web/auth.py SessionInterface): a
request without one opens an empty session without checking a signature; a message still
reaches the next page once, and a cookie that is not ours is ignored."""

import base64
import json

import pytest

from support import actor, claim_ids
from workbench.review import articles

TEXT = "The council approved the harbour plan on Monday, officials said."


@pytest.fixture
def claim_id(db):
    result = articles.import_article(db, TEXT, actor=actor("ada"), title="Harbour plan")
    return claim_ids(db, result.article_id)[0]


def flash_cookie(client):
    return client.get_cookie("session")


def test_a_request_without_a_message_sets_no_cookie(reviewer_client, claim_id):
    response = reviewer_client.get(f"/claims/{claim_id}")
    assert response.status_code == 200
    assert flash_cookie(reviewer_client) is None
    assert not any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_a_message_reaches_the_next_page_once(reviewer_client, claim_id):
    response = reviewer_client.post(
        f"/claims/{claim_id}/status",
        data={"status": "sourced"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303
    assert flash_cookie(reviewer_client) is not None
    page = reviewer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Set claim 1 to “sourced”." in page
    again = reviewer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Set claim 1 to “sourced”." not in again


def test_a_cookie_that_is_not_ours_is_ignored(reviewer_client, claim_id):
    message = {"_flashes": [{" t": ["info", "A forged message"]}]}
    payload = base64.urlsafe_b64encode(json.dumps(message).encode()).decode().rstrip("=")
    reviewer_client.set_cookie("session", f"{payload}.aBcDeF.not-our-signature")
    response = reviewer_client.get(f"/claims/{claim_id}")
    assert response.status_code == 200
    assert "A forged message" not in response.get_data(as_text=True)
