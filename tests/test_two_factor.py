"""Two-factor sign-in for password accounts: an authenticator app (RFC 6238) enrolled by
a QR code drawn here, ten single-use recovery codes stored as digests, the second step
after the password (throttled like it), and the admin's rule that editors and admins
must have a second factor. Passkeys in the browser: tests/browser/test_sign_in_in_browser.py."""

import datetime
import hashlib
import logging
import re
import urllib.parse

import pyotp
import pytest

from support import FAST_HASH
from workbench.storage import clock
from workbench.storage.db import connect
from workbench.team import accounts, security_log

HTMX = {"HX-Request": "true"}
PASSWORD = "correct horse battery"


@pytest.fixture
def database(app):
    db = connect(app.config["DATABASE"])
    yield db
    db.close()


def sign_in_with_password(client, username):
    return client.post("/login", data={"username": username, "password": PASSWORD})


def enrol(client, headers=None):
    """Set up an authenticator app through the pages; (secret, recovery codes)."""
    page = client.post("/account/totp/new", headers=headers).get_data(as_text=True)
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page)[1]
    # The code of the workbench's own time (a test's clock may stand still while real time
    # crosses into the next 30-second step: a code of that step would use it up).
    answer = client.post(
        "/account/totp", data={"code": pyotp.TOTP(secret).at(clock.now())}, headers=headers
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    codes = re.findall(
        r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", answer.get_data(as_text=True)
    )
    return secret, codes


def next_step(monkeypatch, moment, secret):
    """Half a minute later: the clock moves to the next 30-second step; its code."""
    later = moment + datetime.timedelta(seconds=30)
    monkeypatch.setattr(clock, "source", lambda: later)
    return pyotp.TOTP(secret).at(later)


@pytest.fixture
def rita(app, database, fixed_clock):
    accounts.create_user(database, "rita", PASSWORD, "reviewer", FAST_HASH)
    client = app.test_client()
    assert sign_in_with_password(client, "rita").status_code == 303
    return client


@pytest.mark.parametrize("headers", [None, HTMX], ids=["plain", "htmx"])
def test_enrolment_shows_a_qr_code_drawn_here_and_codes_once(rita, database, headers):
    page = rita.post("/account/totp/new", headers=headers).get_data(as_text=True)
    qr = re.search(r'src="data:image/svg\+xml[^"]*"', page)
    assert qr, "the QR code is an image drawn by the server"
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page)[1]
    wrong = rita.post("/account/totp", data={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    answer = rita.post(
        "/account/totp", data={"code": pyotp.TOTP(secret).at(clock.now())}, headers=headers
    )
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", answer.get_data(as_text=True))
    assert len(set(codes)) == 10
    stored = {row[0] for row in database.execute("select code_hash from recovery_codes")}
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code in rita.get("/account/security").get_data(as_text=True) for code in codes)


def test_the_qr_code_is_an_svg_drawn_here(rita):
    page = rita.post("/account/totp/new").get_data(as_text=True)
    uri = re.search(r'src="(data:image/svg\+xml[^"]*)"', page)[1]
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    assert svg.lstrip().startswith("<svg") and "<path" in svg


def test_sign_in_asks_for_the_code_after_the_password(app, rita, fixed_clock, monkeypatch):
    secret, _ = enrol(rita)
    code = next_step(monkeypatch, fixed_clock, secret)
    client = app.test_client()
    step = sign_in_with_password(client, "rita")
    assert step.headers["Location"].startswith("/login/second-step")
    assert client.get("/").status_code == 302  # not signed in yet
    assert "authenticator app" in client.get(step.headers["Location"]).get_data(as_text=True)
    wrong = client.post("/login/second-step", data={"code": "123456"})
    assert wrong.status_code == 401
    done = client.post("/login/second-step", data={"code": code})
    assert done.status_code == 303 and client.get("/").status_code == 200
    log = client.get("/account/security").get_data(as_text=True)
    assert "password and authenticator app" in log and "Wrong second-factor code" in log


def test_a_code_works_once(app, rita, fixed_clock, monkeypatch):
    secret, _ = enrol(rita)
    # Enrolment used this step's code: typed again to sign in, it is refused.
    client = app.test_client()
    sign_in_with_password(client, "rita")
    assert (
        client.post(
            "/login/second-step", data={"code": pyotp.TOTP(secret).at(fixed_clock)}
        ).status_code
        == 401
    )
    code = next_step(monkeypatch, fixed_clock, secret)
    assert client.post("/login/second-step", data={"code": code}).status_code == 303
    again = app.test_client()
    sign_in_with_password(again, "rita")
    assert again.post("/login/second-step", data={"code": code}).status_code == 401


def test_a_recovery_code_works_once(app, rita, database):
    _, codes = enrol(rita)
    first = app.test_client()
    sign_in_with_password(first, "rita")
    assert first.post("/login/second-step", data={"code": codes[0].upper()}).status_code == 303
    again = app.test_client()
    sign_in_with_password(again, "rita")
    assert again.post("/login/second-step", data={"code": codes[0]}).status_code == 401
    assert (
        database.execute("select count(*) from recovery_codes where used_at is null").fetchone()[0]
        == 9
    )


def test_the_second_step_needs_the_password_first(client):
    assert client.get("/login/second-step").status_code == 303
    answer = client.post("/login/second-step", data={"code": "123456"})
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
    client.set_cookie("workbench_pending", "forged", path="/login")
    assert client.post("/login/second-step", data={"code": "123456"}).status_code == 303


def test_the_login_throttle_covers_the_second_step(app, rita, monkeypatch):
    enrol(rita)
    monkeypatch.setattr(accounts, "MAX_FAILED_LOGINS_PER_HOUR", 3)
    client = app.test_client()
    sign_in_with_password(client, "rita")
    answers = [
        client.post("/login/second-step", data={"code": "000000"}).status_code for _ in range(4)
    ]
    assert answers == [401, 401, 401, 429]


def went_to_security_page(answer, headers):
    """A write that leads back to the security page: HX-Redirect for htmx, else a 303."""
    if headers:
        return answer.status_code == 200 and answer.headers["HX-Redirect"] == "/account/security"
    return answer.status_code == 303 and answer.headers["Location"] == "/account/security"


@pytest.mark.parametrize("headers", [None, HTMX], ids=["plain", "htmx"])
def test_removing_the_app_logs_it(app, rita, headers):
    enrol(rita)
    assert went_to_security_page(rita.post("/account/totp/remove", headers=headers), headers)
    page = rita.get("/account/security").get_data(as_text=True)
    assert "Authenticator app removed" in page and "Set up an authenticator app" in page
    client = app.test_client()
    assert sign_in_with_password(client, "rita").headers["Location"] == "/"


def add_passkey(database, user_id, name):
    """A stored passkey (as a browser's registration leaves it; made in the browser by
    tests/browser/test_sign_in_in_browser.py), for the tests that only remove one."""
    cursor = database.execute(
        "insert into passkeys (user_id, credential_id, public_key, sign_count, name, created_at)"
        " values (?, ?, ?, 0, ?, '2026-01-01T00:00:00+00:00')",
        [user_id, f"credential-of-{name}", b"not a real key", name],
    )
    database.commit()
    return cursor.lastrowid


@pytest.mark.parametrize("headers", [None, HTMX], ids=["plain", "htmx"])
def test_a_passkey_is_removed_by_its_owner_only(app, rita, database, headers):
    rita_id = database.execute("select id from users where username = 'rita'").fetchone()[0]
    sam_id = accounts.create_user(database, "sam", PASSWORD, "reviewer", FAST_HASH).id
    ritas = add_passkey(database, rita_id, "Rita's laptop")
    sams = add_passkey(database, sam_id, "Sam's phone")
    assert "Rita&#39;s laptop" in rita.get("/account/security").get_data(as_text=True)
    assert rita.post(f"/account/passkeys/{sams}/remove", headers=headers).status_code == 404
    answer = rita.post(f"/account/passkeys/{ritas}/remove", headers=headers)
    assert went_to_security_page(answer, headers)
    left = database.execute("select name from passkeys").fetchall()
    assert left == [("Sam's phone",)]
    page = rita.get("/account/security").get_data(as_text=True)
    assert "Passkey removed" in page and "Rita&#39;s laptop" in page  # named in the log


@pytest.mark.parametrize("headers", [None, HTMX], ids=["plain", "htmx"])
def test_new_recovery_codes_replace_the_old(app, rita, headers):
    _, old = enrol(rita)
    answer = rita.post("/account/recovery-codes", headers=headers).get_data(as_text=True)
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", answer)
    assert len(new) == 10 and not set(new) & set(old)
    client = app.test_client()
    sign_in_with_password(client, "rita")
    assert client.post("/login/second-step", data={"code": old[1]}).status_code == 401
    assert client.post("/login/second-step", data={"code": new[1]}).status_code == 303


def test_an_editor_must_enrol_when_the_admin_requires_it(app, database):
    app.config["REQUIRE_SECOND_FACTOR"] = "editor"
    accounts.create_user(database, "eddie", PASSWORD, "editor", FAST_HASH)
    accounts.create_user(database, "rex", PASSWORD, "reviewer", FAST_HASH)
    eddie, rex = app.test_client(), app.test_client()
    sign_in_with_password(eddie, "eddie")
    sign_in_with_password(rex, "rex")
    assert rex.get("/").status_code == 200
    held = eddie.get("/")
    assert held.status_code == 303 and held.headers["Location"] == "/account/security"
    assert eddie.get("/api/articles").status_code == 403
    enrol(eddie)
    assert eddie.get("/").status_code == 200


def test_sign_ins_and_failures_are_in_the_log(app, rita, database, caplog):
    caplog.set_level(logging.INFO, logger="workbench.security")
    app.test_client().post("/login", data={"username": "rita", "password": "wrong password"})
    page = rita.get("/account/security").get_data(as_text=True)
    assert "Failed sign-in" in page and "Signed in" in page
    kinds = [row[0] for row in database.execute("select kind from security_events")]
    assert kinds[:2] == ["sign_in", "sign_in_failed"]
    # The server's log says it too, a warning for the failure.
    failed = [r for r in caplog.records if "sign_in_failed: rita" in r.getMessage()]
    assert [r.levelno for r in failed] == [logging.WARNING]
    # Text from outside (a passkey's name, a provider's claim) with a line break stays on
    # one line of the log: no forged entries.
    caplog.clear()
    forged = "x\nsecurity: sign_in: ada from 10.0.0.1"
    security_log.record(
        database, "passkey_added", user_id=None, username="rita", address="::1", detail=forged
    )
    lines = "\n".join(r.getMessage() for r in caplog.records).splitlines()
    assert len(lines) == 1 and lines[0].startswith("security: passkey_added: rita")


def test_an_admin_removes_every_factor_from_the_command_line(
    app, rita, database, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from workbench.cli import cli

    enrol(rita)
    monkeypatch.setenv("WORKBENCH_DB", app.config["DATABASE"])
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli, ["reset-second-factors", "rita"])
    assert result.exit_code == 0, result.output
    assert rita.get("/").status_code == 302  # their sessions ended
    client = app.test_client()
    assert sign_in_with_password(client, "rita").headers["Location"] == "/"
    assert "Every second factor removed" in client.get("/account/security").get_data(as_text=True)
    missing = CliRunner().invoke(cli, ["reset-second-factors", "nobody"])
    assert missing.exit_code == 1 and "no user called nobody" in missing.output
