"""Two-factor sign-in as a person does it in Chromium: an authenticator app enrolled from
the QR code on the security page, then a sign-in that asks for its code; and a passkey
made and used with Chromium's virtual authenticator (the DevTools protocol's WebAuthn
domain), as the second step and instead of the password. Each test has its own account."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in_with_password(page, credentials, username, site=""):
    name, password = credentials(username)
    page.goto(f"{site}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def sign_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def signed_in_as(page, username):
    expect(page.locator(".topbar__who a")).to_have_text(username)


def test_an_authenticator_app_is_enrolled_and_asked_for(new_page, credentials):
    page = new_page()
    sign_in_with_password(page, credentials, "tess")
    signed_in_as(page, "tess")
    page.locator(".topbar__who a").click()
    expect(page.get_by_role("heading", name="Your sign-in and security")).to_be_visible()
    page.get_by_role("button", name="Set up an authenticator app").click()

    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100, "the QR code did not draw"
    secret = page.locator("[data-totp-secret]").inner_text()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn it on").click()

    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    sign_out(page)

    sign_in_with_password(page, credentials, "tess")
    expect(page.get_by_role("heading", name="One more step, tess")).to_be_visible()
    # The code enrolment used counts once; the next 30-second step's is accepted already.
    page.get_by_label(re.compile("6-digit code")).fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    signed_in_as(page, "tess")
    page.goto("/account/security")
    expect(page.locator(".security-log")).to_contain_text("password and authenticator app")


@pytest.fixture
def passkey_page(new_page, server):
    """A page on http://localhost (WebAuthn takes a host name, not an address) whose
    browser has a virtual authenticator with user verification, as a phone's would."""
    page = new_page()
    page.context.set_default_navigation_timeout(15_000)
    localhost = server.replace("127.0.0.1", "localhost")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(f"{localhost}/login")
    return page, localhost


def test_a_passkey_is_added_then_signs_in_with_and_without_the_password(passkey_page, credentials):
    page, site = passkey_page
    sign_in_with_password(page, credentials, "paula", site)
    signed_in_as(page, "paula")
    page.goto(f"{site}/account/security")
    page.get_by_label("Name it").fill("Test laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Your passkey is added")).to_be_visible()
    expect(page.locator(".passkeys")).to_contain_text("Test laptop")
    sign_out(page)

    # After the password, the passkey is the second step.
    sign_in_with_password(page, credentials, "paula", site)
    expect(page.get_by_role("heading", name="One more step, paula")).to_be_visible()
    page.get_by_role("button", name="Use your passkey").click()
    signed_in_as(page, "paula")
    sign_out(page)

    # Instead of the password: no username typed, the passkey says who.
    page.get_by_role("button", name="Sign in with a passkey").click()
    signed_in_as(page, "paula")
    page.goto(f"{site}/account/security")
    log = page.locator(".security-log")
    expect(log).to_contain_text("Passkey added")
    expect(log).to_contain_text("(passkey)")
    expect(log).to_contain_text("password and passkey")
