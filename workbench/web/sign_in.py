"""The ways in besides a password alone: the second step after a password (an
authenticator app's code, a recovery code or a passkey), a passkey instead of the
password, and single sign-on with the OpenID Connect provider (team/oidc.py). Each
ends in auth.start_session_response, which records the sign-in."""

import math

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from ..errors import AccountError, LoginThrottled
from ..team import accounts, oidc, passkeys, recovery_codes, second_factor, totp
from .auth import (
    PENDING_COOKIE,
    client_address,
    login_page,
    record,
    safe_next,
    sso_name,
    start_session_response,
)
from .database import get_db
from .interface_locale import translated

bp = Blueprint("sign_in", __name__)
SSO_COOKIE = "workbench_sso_state"


def relying_party():
    """This site as WebAuthn sees it: the host the browser asked for, and its origin."""
    return passkeys.RelyingParty(id=request.host.rsplit(":", 1)[0], origin=request.host_url[:-1])


def json_answer(body, status=200):
    return Response(body, status=status, mimetype="application/json")


def pending():
    """The account whose password was just accepted, or None (expired, used, absent)."""
    return second_factor.pending_user(get_db(), request.cookies.get(PENDING_COOKIE))


def throttled_answer(throttled, user, next_path):
    minutes = math.ceil(throttled.retry_after / 60)
    return (
        render_template(
            "auth/second_step.html",
            account=user,
            factors=second_factor.factors(get_db(), user.id),
            next=next_path,
            error=ngettext(
                "Too many wrong codes from your address. Try again in %(num)d minute.",
                "Too many wrong codes from your address. Try again in %(num)d minutes.",
                minutes,
            ),
        ),
        429,
        {"Retry-After": str(throttled.retry_after)},
    )


@bp.route("/login/second-step", methods=["GET", "POST"])
def second_step():
    """The code from the authenticator app, or a recovery code; counted by the same
    throttle as passwords, per account and address."""
    target = safe_next(request.values.get("next"))
    user = pending()
    if user is None:
        return redirect(url_for("auth.login", next=target), code=303)
    context = {"account": user, "factors": second_factor.factors(get_db(), user.id), "next": target}
    if request.method == "GET":
        return render_template("auth/second_step.html", **context)
    code = request.form.get("code", "")
    try:
        attempt = accounts.count_attempt(get_db(), user.username, client_address())
    except LoginThrottled as throttled:
        return throttled_answer(throttled, user, target)
    method = None
    if totp.check(get_db(), user.id, code):
        method = "password+totp"
    elif recovery_codes.use(get_db(), user, code, address=client_address()):
        method = "password+recovery code"
    if method is None or not second_factor.end_pending(
        get_db(), request.cookies.get(PENDING_COOKIE)
    ):
        record(user, "second_step_failed")
        return render_template(
            "auth/second_step.html",
            **context,
            error=gettext(
                "That code is not right (an app's code works once, for about 30 seconds)."
            ),
        ), 401
    accounts.forget_attempts(get_db(), attempt, user.username, client_address())
    return start_session_response(user, target, method)


@bp.post("/login/second-step/passkey-options")
def second_step_passkey_options():
    user = pending()
    if user is None:
        abort(401, description=gettext("Sign in with your password first."))
    return json_answer(passkeys.authentication_options(get_db(), relying_party(), user))


@bp.post("/login/passkey-options")
def passkey_options():
    """Options for signing in with a passkey alone (any passkey registered here)."""
    return json_answer(passkeys.authentication_options(get_db(), relying_party()))


@bp.post("/login/passkey")
def passkey_sign_in():
    """A passkey's answer, instead of a password or after one. Instead of one, the
    authenticator must have verified its user (PIN, fingerprint): two factors in one."""
    target = safe_next(request.form.get("next"))
    user = pending()
    credential = request.form.get("credential", "")
    try:
        attempt = accounts.count_attempt(
            get_db(), user.username if user else "passkey", client_address()
        )
    except LoginThrottled:
        message = gettext("Too many failed sign-ins from your address: wait a while.")
        return json_answer(current_app.json.dumps({"error": message}), 429)
    try:
        signed_in = passkeys.authenticate(get_db(), relying_party(), credential, user)
        if user is None and not signed_in.user_verified:
            raise AccountError(
                "This passkey did not check who you are (no PIN or fingerprint): sign in "
                "with your password, then use it as the second step."
            )
        if user is not None and not second_factor.end_pending(
            get_db(), request.cookies.get(PENDING_COOKIE)
        ):
            raise AccountError("This sign-in was finished already: start again.")
    except AccountError as error:
        if user is not None:
            record(user, "second_step_failed", "passkey")
        return json_answer(current_app.json.dumps({"error": translated(error)}), 401)
    accounts.forget_attempts(
        get_db(), attempt, user.username if user else "passkey", client_address()
    )
    # fetch() would follow a redirect without showing it: the script reads where to go.
    return start_session_response(
        signed_in.user,
        target,
        "password+passkey" if user else "passkey",
        json_answer(current_app.json.dumps({"location": target})),
    )


# --- single sign-on -------------------------------------------------------------------------


def sso_settings():
    settings = current_app.config["OIDC"]
    if settings is None:
        abort(404, description=gettext("Single sign-on is not set up on this workbench."))
    return settings


def callback_url():
    return url_for("sign_in.sso_callback", _external=True)


@bp.get("/login/sso")
def sso_start():
    """Off to the provider, with PKCE, state and nonce (kept on the server, and the state
    in this browser's cookie too)."""
    settings = sso_settings()
    try:
        started = oidc.begin(
            get_db(), settings, callback_url(), safe_next(request.args.get("next"))
        )
    except AccountError as error:
        return login_page(502, error=translated(error))
    response = redirect(started.url, code=303)
    response.set_cookie(
        SSO_COOKIE,
        started.state,
        httponly=True,
        samesite="Lax",  # the provider's redirect back is a top-level GET: Lax sends it
        path="/login/sso",
        max_age=oidc.FLOW_MINUTES * 60,
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
    )
    return response


@bp.get("/login/sso/callback")
def sso_callback():
    settings = sso_settings()
    try:
        signed_in = oidc.finish(
            get_db(),
            settings,
            callback_url(),
            request.args,
            request.cookies.get(SSO_COOKIE),
            address=client_address(),
        )
    except AccountError as error:
        response, status = login_page(403, error=translated(error))
        answer = current_app.make_response((response, status))
        answer.delete_cookie(SSO_COOKIE, path="/login/sso")
        return answer
    answer = start_session_response(signed_in.user, safe_next(signed_in.next_path), "oidc")
    answer.delete_cookie(SSO_COOKIE, path="/login/sso")
    return answer


@bp.get("/logged-out")
def signed_out():
    """After signing out of a single sign-on session: the provider's session goes on
    until ended there too, which this page offers."""
    if g.user is not None:
        return redirect(url_for("workbench.index"))
    provider_url = oidc.end_session_url(sso_settings(), url_for("auth.login", _external=True))
    return render_template("auth/signed_out.html", provider_url=provider_url, sso_name=sso_name())
