"""Each person's security page: their second factors (an authenticator app with its
recovery codes, passkeys), their API tokens, and their security log; and the admins'
list of every live token. Secrets (a new token, new recovery codes) are shown once, in
the answer to the request that made them, and never again."""

import segno
from flask import abort, flash, g, json, render_template, request, url_for
from flask_babel import force_locale, gettext

from ...errors import AccountError
from ...team import (
    accounts,
    api_tokens,
    passkeys,
    recovery_codes,
    second_factor,
    security_log,
    totp,
)
from ..auth import client_address, role_required, sso_name
from ..database import get_db
from ..forms import form_int
from ..interface_locale import request_locale, translated
from ..responses import navigate
from ..sign_in import json_answer, relying_party
from .blueprint import bp
from .security_details import shown_events


def security_page_answer(status=200, **shown):
    """The security page, with whatever was just made to show once (`shown`)."""
    db = get_db()
    return render_template(
        "auth/security.html",
        factors=second_factor.factors(db, g.user.id),
        passkeys=passkeys.passkeys_of(db, g.user.id),
        tokens=api_tokens.tokens_of(db, g.user.id),
        scopes=api_tokens.SCOPES,
        default_days=api_tokens.DEFAULT_DAYS,
        max_days=api_tokens.MAX_DAYS,
        events=shown_events(security_log.events_for(db, g.user.id)),
        has_password=accounts.has_password(db, g.user.id),
        sso_name=sso_name(),
        **shown,
    ), status


@bp.get("/account/security")
def security_page():
    return security_page_answer()


@bp.post("/account/tokens")
def create_token():
    """A new token, shown once on the page that answers this post."""
    form = request.form
    try:
        token = api_tokens.create_token(
            get_db(),
            g.user,
            form.get("name"),
            form.get("scope"),
            form_int("days"),
            address=client_address(),
        )
    except AccountError as error:
        return security_page_answer(422, token_error=translated(error), token_form=form)
    return security_page_answer(new_token={"name": form.get("name", "").strip(), "value": token})


@bp.post("/account/tokens/<id:token_id>/revoke")
def revoke_token(token_id):
    """Revoke a token: the owner's, or any as an admin (back to the list they came from)."""
    try:
        name = api_tokens.revoke(get_db(), token_id, g.user, address=client_address())
    except AccountError as error:
        abort(404, description=translated(error))
    flash(gettext("Revoked the token “%(name)s”: it no longer works.", name=name), "success")
    from_admin_list = request.form.get("from") == "admin" and g.user.can("admin")
    return navigate(
        url_for("workbench.all_tokens" if from_admin_list else "workbench.security_page")
    )


@bp.get("/users/tokens")
@role_required("admin")
def all_tokens():
    return render_template(
        "auth/tokens.html", tokens=api_tokens.live_tokens(get_db()), scopes=api_tokens.SCOPES
    )


# --- the authenticator app ------------------------------------------------------------------


def qr_image(uri):
    """The otpauth:// URI as a QR code, drawn here as an SVG data: URI for an <img>
    (nothing is sent to any service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


@bp.post("/account/totp/new")
def totp_setup():
    """A new secret and its QR code (a POST: it replaces any secret still unconfirmed);
    it counts once a code from it is typed back."""
    try:
        secret = totp.start_enrolment(get_db(), g.user)
    except AccountError as error:
        flash(translated(error), "error")
        return navigate(url_for("workbench.security_page"))
    return totp_page(secret)


def totp_page(secret, status=200, error=None):
    uri = totp.provisioning_uri(secret, g.user.username)
    return render_template(
        "auth/totp.html", secret=secret, qr=qr_image(uri), uri=uri, error=error
    ), status


@bp.post("/account/totp")
def totp_confirm():
    try:
        codes = totp.confirm(get_db(), g.user, request.form.get("code"), address=client_address())
    except AccountError as error:
        secret = totp.pending_secret(get_db(), g.user.id)
        if secret is None:
            abort(409, description=translated(error))
        return totp_page(secret, 422, translated(error))
    return security_page_answer(
        done=gettext("Your authenticator app is set up: signing in now asks for its code."),
        new_codes=codes,
    )


@bp.post("/account/language")
def interface_language():
    """The language the account reads the interface in (empty: the browser's)."""
    try:
        accounts.set_language(get_db(), g.user, request.form.get("language"))
    except AccountError as error:
        flash(translated(error), "error")
        return navigate(url_for("workbench.security_page"))
    g.user = accounts.find_user(get_db(), g.user.username)
    with force_locale(request_locale()):  # said in the language just chosen
        flash(gettext("The interface language is saved."), "success")
    return navigate(url_for("workbench.security_page"))


@bp.post("/account/totp/remove")
def totp_remove():
    totp.remove(get_db(), g.user, address=client_address())
    flash(gettext("Your authenticator app is removed."), "success")
    return navigate(url_for("workbench.security_page"))


@bp.post("/account/recovery-codes")
def new_recovery_codes():
    if not second_factor.factors(get_db(), g.user.id).any:
        abort(409, description=gettext("Set up an authenticator app or a passkey first."))
    codes = recovery_codes.replace(get_db(), g.user, address=client_address())
    return security_page_answer(new_codes=codes)


# --- passkeys ---------------------------------------------------------------------------------


@bp.post("/account/passkeys/options")
def passkey_options():
    return json_answer(passkeys.registration_options(get_db(), g.user, relying_party()))


@bp.post("/account/passkeys")
def passkey_register():
    try:
        passkeys.register(
            get_db(),
            g.user,
            relying_party(),
            request.form.get("credential", ""),
            request.form.get("name"),
            address=client_address(),
        )
    except AccountError as error:
        return json_answer(json.dumps({"error": translated(error)}), 422)
    flash(gettext("Your passkey is added: use it to sign in, or as the second step."), "success")
    return json_answer(json.dumps({"location": url_for("workbench.security_page")}))


@bp.post("/account/passkeys/<id:passkey_id>/remove")
def passkey_remove(passkey_id):
    try:
        passkeys.remove(get_db(), g.user, passkey_id, address=client_address())
    except AccountError as error:
        abort(404, description=translated(error))
    flash(gettext("The passkey is removed."), "success")
    return navigate(url_for("workbench.security_page"))
