"""Personal API tokens: made on the security page (shown once, stored as a digest),
read or read+write, with an expiry and a rate limit; the API takes them as Bearer, the
browser's pages never; writes through them are the pages' writes (history, 409s);
their owner and admins revoke them, and every step is in the owner's security log."""

import datetime
import hashlib
import re

import pytest

from support import import_by_form, log_in
from workbench.storage import clock
from workbench.storage.db import connect

HTMX = {"HX-Request": "true"}


def make_token(client, name="Nightly export", scope="read", days="30", headers=None):
    """Post the security page's form; the token the answer shows (once)."""
    response = client.post(
        "/account/tokens", data={"name": name, "scope": scope, "days": days}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r'value="(wbt_[^"]+)"', response.get_data(as_text=True))[1]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def article(app, admin_client, sample_text):
    return import_by_form(admin_client, sample_text, title="Palmyra")


@pytest.fixture
def reviewer(app):
    return log_in(app, app.test_client(), "rita", "reviewer")


def first_claim(client, article, token):
    claims = client.get(f"/api/articles/{article}/claims", headers=bearer(token)).get_json()
    return claims["claims"][0]


@pytest.mark.parametrize("headers", [None, HTMX], ids=["plain", "htmx"])
def test_a_token_is_shown_once_and_stored_as_a_digest(app, reviewer, headers):
    token = make_token(reviewer, headers=headers)
    database = connect(app.config["DATABASE"])
    stored = database.execute("select token_hash, scope, name from api_tokens").fetchall()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "read", "Nightly export")]
    assert token not in str(database.execute("select * from api_tokens").fetchall())
    again = reviewer.get("/account/security").get_data(as_text=True)
    assert token not in again and "Nightly export" in again


def test_a_token_reads_the_api_and_never_the_pages(client, reviewer, article):
    token = make_token(reviewer)
    assert client.get("/api/articles", headers=bearer(token)).status_code == 200
    page = client.get(f"/articles/{article}", headers=bearer(token))
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_a_wrong_or_malformed_token_is_401_with_bearer_challenge(client):
    for header in ("Bearer wbt_nope", "Bearer ", "bearer wbt_" + "x" * 300):
        answer = client.get("/api/articles", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.headers["WWW-Authenticate"].startswith("Bearer"), header
        assert answer.get_json()["status"] == 401


def test_other_authorization_schemes_are_not_tokens(client, reviewer):
    """A proxy's Basic credentials neither sign a script in nor spoil a browser's session."""
    basic = {"Authorization": "Basic dXNlcjpwYXNz"}
    assert client.get("/api/articles", headers=basic).status_code == 401
    assert reviewer.get("/api/articles", headers=basic).status_code == 200


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_write_token_sets_a_status_with_history_and_conflicts(client, reviewer, article, headers):
    token = make_token(reviewer, scope="write")
    claim = first_claim(client, article, token)
    answer = client.post(
        f"/api/claims/{claim['id']}/status",
        json={"status": "disputed", "version": claim["version"]},
        headers={**bearer(token), **headers},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "disputed" and answer.get_json()["history_id"]
    history = client.get(f"/api/claims/{claim['id']}", headers=bearer(token)).get_json()["history"]
    assert history[-1]["actor"] == "rita" and history[-1]["action"] == "status"
    stale = client.post(
        f"/api/claims/{claim['id']}/status",
        json={"status": "sourced", "version": claim["version"]},
        headers={**bearer(token), **headers},
    )
    assert stale.status_code == 409
    assert stale.get_json()["claim"]["status"] == "disputed"


def test_a_note_through_the_api(client, reviewer, article):
    token = make_token(reviewer, scope="write")
    claim = first_claim(client, article, token)
    answer = client.post(
        f"/api/claims/{claim['id']}/notes",
        json={"body": "Checked the ministry's PDF."},
        headers=bearer(token),
    )
    assert answer.status_code == 201 and answer.get_json()["author"] == "rita"
    bad = client.post(f"/api/claims/{claim['id']}/notes", json={"body": 7}, headers=bearer(token))
    assert bad.status_code == 400


def test_a_read_token_and_a_viewer_cannot_write(app, client, reviewer, article):
    token = make_token(reviewer, scope="read")
    claim = first_claim(client, article, token)
    refused = client.post(
        f"/api/claims/{claim['id']}/status", json={"status": "sourced"}, headers=bearer(token)
    )
    assert refused.status_code == 403 and "may only read" in refused.get_json()["error"]
    viewer = log_in(app, app.test_client(), "vic", "viewer")
    viewer_token = make_token(viewer, scope="write")
    refused = client.post(
        f"/api/claims/{claim['id']}/status",
        json={"status": "sourced"},
        headers=bearer(viewer_token),
    )
    assert refused.status_code == 403
    assert first_claim(client, article, token)["status"] == claim["status"]


def test_bad_write_input_is_refused_and_changes_nothing(client, reviewer, article):
    token = make_token(reviewer, scope="write")
    claim = first_claim(client, article, token)
    path = f"/api/claims/{claim['id']}/status"
    for body, status in (
        ({"status": "SOURCED!"}, 422),
        ({"status": "sourced", "version": "abc"}, 400),
        ({"status": "sourced", "version": True}, 400),
        ({}, 400),
    ):
        assert client.post(path, json=body, headers=bearer(token)).status_code == status, body
    assert (
        client.post(
            path, data="[1]", headers={**bearer(token), "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert first_claim(client, article, token)["version"] == claim["version"]


def test_an_expired_token_stops_working(client, reviewer, monkeypatch):
    token = make_token(reviewer, days="1")
    assert client.get("/api/articles", headers=bearer(token)).status_code == 200
    later = clock.system_time() + datetime.timedelta(days=1, minutes=1)
    monkeypatch.setattr(clock, "source", lambda: later)
    assert client.get("/api/articles", headers=bearer(token)).status_code == 401


def test_bad_token_forms_are_refused_with_a_message(reviewer):
    for fields, message in (
        ({"name": "", "scope": "read", "days": "30"}, "a name"),
        ({"name": "x", "scope": "admin", "days": "30"}, "scope"),
        ({"name": "x", "scope": "read", "days": "9999"}, "1 to 366 days"),
    ):
        answer = reviewer.post("/account/tokens", data=fields)
        assert answer.status_code == 422 and message in answer.get_data(as_text=True), fields


def test_the_rate_limit_is_per_token(app, client, reviewer, fixed_clock):
    app.config["API_TOKEN_PER_MINUTE"] = 3
    first, second = make_token(reviewer, name="one"), make_token(reviewer, name="two")
    answers = [client.get("/api/articles", headers=bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/articles", headers=bearer(first))
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/api/articles", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_owner_revokes_a_token(client, reviewer, headers):
    token = make_token(reviewer)
    token_id = re.search(
        r"/account/tokens/(\d+)/revoke", reviewer.get("/account/security").get_data(as_text=True)
    )[1]
    answer = reviewer.post(f"/account/tokens/{token_id}/revoke", headers=headers)
    assert answer.status_code == (200 if headers else 303)
    assert client.get("/api/articles", headers=bearer(token)).status_code == 401


def test_an_admin_revokes_anyones_token_and_others_cannot(app, client, reviewer, admin_client):
    token = make_token(reviewer)
    listed = admin_client.get("/users/tokens").get_data(as_text=True)
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listed)[1]
    other = log_in(app, app.test_client(), "otto", "editor")
    assert other.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/articles", headers=bearer(token)).status_code == 200
    revoked = admin_client.post(f"/account/tokens/{token_id}/revoke", data={"from": "admin"})
    assert revoked.headers["Location"] == "/users/tokens"
    assert client.get("/api/articles", headers=bearer(token)).status_code == 401
    log = reviewer.get("/account/security").get_data(as_text=True)
    assert "API token revoked" in log and "by ada" in log


def test_the_security_log_records_creation_and_each_new_address(app, reviewer):
    token = make_token(reviewer)
    app.test_client().get("/api/articles", headers=bearer(token))
    app.test_client().get("/api/articles", headers=bearer(token))
    app.test_client().get(
        "/api/articles", headers=bearer(token), environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    page = reviewer.get("/account/security").get_data(as_text=True)
    assert page.count("API token used from a new address") == 2
    assert "203.0.113.9" in page and "API token created" in page
    listed = reviewer.get("/account/security").get_data(as_text=True)
    assert "from 203.0.113.9" in listed  # the token's last use


def test_a_token_exports_under_the_api_and_not_the_page(client, reviewer, article):
    token = make_token(reviewer)
    export = client.get(f"/api/articles/{article}/export.csv", headers=bearer(token))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "claim_id" in export.get_data(as_text=True).splitlines()[0]
    page = client.get(f"/articles/{article}/export.csv", headers=bearer(token))
    assert page.status_code == 302
    assert client.get("/api/export.json", headers=bearer(token)).status_code == 200
