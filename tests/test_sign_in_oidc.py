"""Single sign-on against a real OpenID provider (npm's certified oidc-provider, started
on 127.0.0.1 by tests/oidc_server.py): the whole Authorization Code flow with PKCE, and
what must fail — a provider under another issuer name, a replayed code or callback, an
expired ID token, a tampered signature — plus who may come in and with what role."""

import datetime
import urllib.parse

import pytest
from oidc_server import ACCOUNTS, environment_for, sign_in_at_provider, start_provider

from workbench.storage import clock
from workbench.team import oidc

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def provider():
    running = start_provider()
    yield running
    running.stop()


@pytest.fixture
def sso(app, provider):
    """The app with single sign-on at the provider; new people join as reviewers."""
    app.config["OIDC"] = oidc.settings_from(
        environment_for(provider.issuer, WORKBENCH_OIDC_NEW_USERS="reviewer")
    )
    return app


def configure(app, provider, **settings):
    app.config["OIDC"] = oidc.settings_from(environment_for(provider.issuer, **settings))


def start(client):
    """Press "Sign in with Newsroom ID": the provider's authorization URL."""
    response = client.get("/login/sso?next=/search")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def callback(client, url):
    parts = urllib.parse.urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_as(client):
    """The username the top bar shows, or None when the client is not signed in."""
    page = client.get("/")
    if page.status_code != 200:
        return None
    body = page.get_data(as_text=True)
    marker = 'title="Your password, second factor, API tokens and security log">'
    return body.split(marker, 1)[1].split("<", 1)[0] if marker in body else None


def users(app):
    from workbench.storage.db import connect

    database = connect(app.config["DATABASE"])
    try:
        return {
            row[0]: (row[1], row[2])
            for row in database.execute("select username, role, active from users")
        }
    finally:
        database.close()


def test_a_full_sign_in_with_pkce_state_and_nonce(sso):
    client = sso.test_client()
    authorize = start(client)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert authorize.startswith(sso.config["OIDC"].issuer + "/auth?")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/login/sso/callback"]

    answer = callback(client, sign_in_at_provider(authorize, "alice"))

    assert answer.status_code == 303 and answer.headers["Location"] == "/search"
    assert signed_in_as(client) == "alice"
    assert users(sso)["alice"] == ("reviewer", 1)
    security = client.get("/account/security").get_data(as_text=True)
    assert "Account created by single sign-on" in security and "(single sign-on)" in security


def test_the_second_sign_in_finds_the_same_account(sso):
    for _ in range(2):
        client = sso.test_client()
        callback(client, sign_in_at_provider(start(client), "bob"))
        assert signed_in_as(client) == "bob"
    assert [name for name in users(sso) if name.startswith("bob")] == ["bob"]


def test_a_provider_under_another_issuer_name_is_refused(app, provider):
    # The same provider reached as "localhost": its discovery document names 127.0.0.1.
    port = urllib.parse.urlsplit(provider.issuer).port
    app.config["OIDC"] = oidc.settings_from(
        environment_for(f"http://localhost:{port}", WORKBENCH_OIDC_NEW_USERS="reviewer")
    )
    answer = app.test_client().get("/login/sso")
    assert answer.status_code == 502
    assert "calls itself by another name" in answer.get_data(as_text=True)


def test_an_id_token_from_another_issuer_is_refused(sso, provider, monkeypatch):
    """The ID token itself is checked against the issuer this workbench trusts."""
    tokens = []
    real_exchange = oidc.exchange_code

    def keep(*args):
        tokens.append(real_exchange(*args))
        return tokens[-1]

    monkeypatch.setattr(oidc, "exchange_code", keep)
    client = sso.test_client()
    authorize = start(client)
    nonce = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)["nonce"][0]
    callback(client, sign_in_at_provider(authorize, "alice"))
    settings = sso.config["OIDC"]
    document = oidc.metadata(settings)
    id_token = tokens[0]["id_token"]
    assert oidc.verify_id_token(settings, document, id_token, nonce)["sub"] == "alice"
    elsewhere = oidc.Settings(**{**settings.__dict__, "issuer": "http://127.0.0.1:1"})
    with pytest.raises(oidc.SignInRefused):
        oidc.verify_id_token(elsewhere, document, id_token, nonce)
    with pytest.raises(oidc.SignInRefused):
        oidc.verify_id_token(settings, document, id_token, "another sign-in's nonce")


def test_a_replayed_callback_signs_nobody_in(sso):
    client = sso.test_client()
    returned = sign_in_at_provider(start(client), "alice")
    assert callback(client, returned).status_code == 303
    client.post("/logout")
    # Even with the state cookie back (copied along with the URL), the state is used up.
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(returned).query)["state"][0]
    client.set_cookie("workbench_sso_state", state, path="/login/sso")

    replay = callback(client, returned)

    assert replay.status_code == 403
    assert "used already, or it expired" in replay.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_a_replayed_code_is_refused_by_the_provider(sso):
    """An old code under a fresh state: the workbench exchanges it, the provider refuses."""
    client = sso.test_client()
    first = sign_in_at_provider(start(client), "alice")
    assert callback(client, first).status_code == 303
    client.post("/logout")
    old_code = urllib.parse.parse_qs(urllib.parse.urlsplit(first).query)["code"][0]
    fresh_state = urllib.parse.parse_qs(urllib.parse.urlsplit(start(client)).query)["state"][0]

    replay = client.get(
        "/login/sso/callback?" + urllib.parse.urlencode({"code": old_code, "state": fresh_state})
    )

    assert replay.status_code == 403
    assert "did not accept this sign-in" in replay.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_a_callback_from_another_browser_is_refused(sso):
    """Login CSRF: a callback whose state this browser never started."""
    returned = sign_in_at_provider(start(sso.test_client()), "mallory")
    victim = sso.test_client()
    answer = callback(victim, returned)
    assert answer.status_code == 403
    assert "not started in this browser" in answer.get_data(as_text=True)
    assert signed_in_as(victim) is None


def test_an_expired_id_token_is_refused(sso, monkeypatch):
    # The workbench's clock two hours ahead: the provider's one-hour ID token has expired.
    ahead = clock.system_time() + datetime.timedelta(hours=2)
    monkeypatch.setattr(clock, "source", lambda: ahead)
    client = sso.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "alice"))
    assert answer.status_code == 403
    assert "did not check out" in answer.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_a_tampered_signature_is_refused(sso, monkeypatch):
    """The provider's real answer, its ID token's signature changed on the way (as a
    man in the middle of the back channel would)."""
    real_exchange = oidc.exchange_code

    def tampered(*args):
        token = real_exchange(*args)
        header, payload, signature = token["id_token"].split(".")
        flipped = ("A" if signature[10] != "A" else "B").join([signature[:10], signature[11:]])
        return {**token, "id_token": ".".join([header, payload, flipped])}

    monkeypatch.setattr(oidc, "exchange_code", tampered)
    client = sso.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "alice"))
    assert answer.status_code == 403
    assert "did not check out" in answer.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_a_tampered_payload_under_the_real_signature_is_refused(sso, monkeypatch):
    real_exchange = oidc.exchange_code

    def tampered(*args):
        token = real_exchange(*args)
        header, payload, signature = token["id_token"].split(".")
        other = oidc.jwt.decode(
            token["id_token"],
            oidc.KeySet.import_key_set(oidc._cached(oidc.metadata(sso.config["OIDC"])["jwks_uri"])),
        ).claims | {"sub": "admin"}
        import base64
        import json

        forged = base64.urlsafe_b64encode(json.dumps(other).encode()).rstrip(b"=").decode()
        return {**token, "id_token": ".".join([header, forged, signature])}

    monkeypatch.setattr(oidc, "exchange_code", tampered)
    client = sso.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "alice"))
    assert answer.status_code == 403
    assert signed_in_as(client) is None


def test_unknown_people_are_refused_when_the_admin_says_so(app, provider):
    configure(app, provider, WORKBENCH_OIDC_NEW_USERS="refuse")
    client = app.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "bob"))
    assert answer.status_code == 403
    assert "no account on this workbench" in answer.get_data(as_text=True)
    assert "bob" not in users(app)


def test_unknown_people_wait_for_approval(app, provider, admin_client):
    configure(app, provider, WORKBENCH_OIDC_NEW_USERS="approve")
    client = app.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "bob"))
    assert "waits for an admin" in answer.get_data(as_text=True)
    assert users(app)["bob"] == ("reviewer", 0)
    assert signed_in_as(client) is None
    # An admin activates the account under Users; then the same sign-in lets bob in.
    assert admin_client.post("/users/bob/active", data={"active": "1"}).status_code == 303
    callback(client, sign_in_at_provider(start(client), "bob"))
    assert signed_in_as(client) == "bob"


def test_email_domains_limit_who_may_sign_in(app, provider):
    configure(
        app,
        provider,
        WORKBENCH_OIDC_NEW_USERS="reviewer",
        WORKBENCH_OIDC_ALLOWED_DOMAINS="newsroom.example",
    )
    client = app.test_client()
    answer = callback(client, sign_in_at_provider(start(client), "mallory"))
    assert answer.status_code == 403
    assert "elsewhere.example may not sign in" in answer.get_data(as_text=True)
    callback(client, sign_in_at_provider(start(client), "bob"))
    assert signed_in_as(client) == "bob"


def test_groups_give_roles_and_limit_who_may_sign_in(app, provider):
    configure(
        app,
        provider,
        WORKBENCH_OIDC_NEW_USERS="reviewer",
        WORKBENCH_OIDC_ROLE_GROUPS="editor=desk-editors",
        WORKBENCH_OIDC_ALLOWED_GROUPS="desk-editors",
    )
    client = app.test_client()
    callback(client, sign_in_at_provider(start(client), "alice"))
    assert users(app)["alice"] == ("editor", 1)
    refused = callback(client, sign_in_at_provider(start(app.test_client()), "bob"))
    assert refused.status_code == 403
    assert "bob" not in users(app)


def test_password_login_can_be_switched_off(sso):
    sso.config["PASSWORD_LOGIN"] = False
    page = sso.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Newsroom ID" in page and 'name="password"' not in page
    refused = sso.test_client().post("/login", data={"username": "x", "password": "y" * 10})
    assert refused.status_code == 403


def test_signing_out_offers_the_providers_end_session(sso):
    client = sso.test_client()
    callback(client, sign_in_at_provider(start(client), "alice"))
    out = client.post("/logout")
    assert out.headers["Location"] == "/logged-out"
    page = client.get("/logged-out").get_data(as_text=True)
    end = sso.config["OIDC"].issuer + "/session/end?"
    assert end in page and "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in page
    assert signed_in_as(client) is None
    assert ACCOUNTS["alice"]["email"] not in page
