"""Login, logout, first-admin setup, and who may do what on each request."""

import functools
import logging
import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext, ngettext

from ..errors import AccountError, LoginThrottled
from ..interface_languages import N_
from ..team import account_admin, accounts, second_factor, security_log
from .api import is_api_request
from .bearer import load_token_user
from .database import get_db
from .interface_locale import translated

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

SESSION_COOKIE = "workbench_session"
# A password accepted, its second factor still to come (team/second_factor.py).
PENDING_COOKIE = "workbench_pending"
# Pages anyone may open; everything else needs a logged-in user (OWASP ASVS 8.2.1).
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.setup",
    "static",
    "workbench.favicon",
    "workbench.reset_password",
    "sign_in.second_step",
    "sign_in.second_step_passkey_options",
    "sign_in.passkey_options",
    "sign_in.passkey_sign_in",
    "sign_in.sso_start",
    "sign_in.sso_callback",
    "sign_in.signed_out",
}
# How each way of signing in is named in the security log (stored in English; the
# security page says it in its reader's language).
SIGN_IN_WORDS = {
    "password": N_("password"),
    "password+totp": N_("password and authenticator app"),
    "password+recovery code": N_("password and recovery code"),
    "password+passkey": N_("password and passkey"),
    "passkey": N_("passkey"),
    "oidc": N_("single sign-on"),
}
# What a session that must still enrol a second factor may open (and nothing else).
ENROLMENT_ENDPOINTS = {
    "workbench.security_page",
    "workbench.totp_setup",
    "workbench.totp_confirm",
    "workbench.passkey_options",
    "workbench.passkey_register",
    "auth.logout",
    "static",
    "workbench.favicon",
}


def load_user():
    """Put the logged-in user (or None) on `g` from the server-side session cookie."""
    g.user = None
    g.api_token = None
    if request.endpoint == "static":
        return  # stylesheets need no database round trip
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    if is_api_request() and scheme.lower() == "bearer":
        # A script's personal token; the API only (never a page), cookies ignored.
        g.user, g.api_token = load_token_user(client_address())
        return
    token = request.cookies.get(SESSION_COOKIE)
    g.user = (
        accounts.session_user(
            get_db(),
            token,
            current_app.config["SESSION_IDLE_MINUTES"],
            current_app.config["SESSION_MAX_DAYS"],
        )
        if token
        else None
    )


def require_login():
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return login_redirect()
    if g.user is not None and g.api_token is None and must_enrol():
        if request.endpoint in ENROLMENT_ENDPOINTS:
            return None
        if is_api_request():
            abort(403, description=gettext("Set up a second factor on your security page first."))
        flash(gettext("Your role needs a second factor: set one up to go on."), "info")
        return redirect(url_for("workbench.security_page"), code=303)
    return None


def must_enrol():
    """True when the admin requires a second factor of this user's role, and this session
    began with a password alone on an account that has none (WORKBENCH_REQUIRE_SECOND_FACTOR)."""
    if not second_factor.required(g.user.role, current_app.config["REQUIRE_SECOND_FACTOR"]):
        return False
    if accounts.session_method(get_db(), request.cookies.get(SESSION_COOKIE)) != "password":
        return False  # a passkey or the provider's sign-in is more than a password
    return not second_factor.factors(get_db(), g.user.id).any


def login_redirect():
    """Plain requests go to the login page and come back; htmx requests are told to.

    After a POST, "come back" means the page the form was on: the POST's own URL would
    answer a GET with 405.
    """
    back = request.full_path.rstrip("?")
    if request.method != "GET":
        back = referrer_path() or "/"
    if is_api_request():
        return Response(
            '{"error": "Log in to use the API.", "status": 401}',
            status=401,
            mimetype="application/json",
        )
    target = url_for("auth.login", next=back)
    if is_htmx_request():
        return Response(gettext("Log in to continue."), status=401, headers={"HX-Redirect": target})
    return redirect(target, code=302)


def referrer_path():
    """The Referer's path and query if it is a page of this site, else None."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), None)


def is_htmx_request():
    return request.headers.get("HX-Request") == "true"


def role_required(role):
    """Refuse (403) a logged-in user whose role does not include `role`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(**kwargs):
            if g.user is None:
                return login_redirect()
            if not g.user.can(role):
                abort(
                    403,
                    description=gettext(
                        "This needs the %(role)s role; you are a %(yours)s.",
                        role=role_word(role),
                        yours=role_word(g.user.role),
                    ),
                )
            return view(**kwargs)

        return wrapped

    return decorator


def sso_name():
    """The single sign-on provider as the pages name it (the default name in the
    reader's language; a name the admin chose, as chosen), or None without one."""
    settings = current_app.config["OIDC"]
    return gettext(settings.name) if settings else None


def role_word(role):
    """A role as the reader's language names it. Role codes are their own English words,
    marked for the catalogue in views/template_helpers.ROLE_WORDS."""
    return gettext(role)


def safe_next(value, fallback="/"):
    """A path on this site to return to; never //host, a scheme, or a backslash trick.

    Browsers drop tabs and newlines from URLs ("/\t/evil.example" becomes
    "//evil.example"), so any control character or space disqualifies a value.
    """
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(char) < 0x21 or ord(char) == 0x7F for char in value)
    ):
        return value
    return fallback


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie (used for flash messages only), Secure whenever served over TLS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def open_session(self, app, request):
        # Most requests carry no flash message: an empty session needs no signing
        # serializer, which Flask builds before it looks for the cookie (1.5% of a click).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def set_session_cookie(response, token):
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
    )


def client_address():
    """The client's address as the server saw it (ProxyFix's only with WORKBENCH_BEHIND_PROXY)."""
    return request.remote_addr or "unknown"


def log_safe(value):
    """User input for a log line: CR and LF escaped so nobody can forge a line (ASVS 16.4.1)."""
    return repr(str(value))[1:-1]


def start_session_response(user, target, method="password", response=None):
    """Log `user` in: a fresh session id (the old one, if any, ended) and a redirect to
    `target` (or `response`). `method` is how they signed in, kept with the session and
    in their security log."""
    accounts.end_session(get_db(), request.cookies.get(SESSION_COOKIE))
    session.clear()
    response = response or redirect(target, code=303)
    set_session_cookie(response, accounts.start_session(get_db(), user, method))
    response.delete_cookie(PENDING_COOKIE, path="/login")
    record(user, "sign_in", SIGN_IN_WORDS.get(method, method))
    return response


def record(user, kind, detail=""):
    """One event in `user`'s security log (and the server's log), from this request."""
    security_log.record(
        get_db(),
        kind,
        user_id=user.id,
        username=user.username,
        address=client_address(),
        detail=detail,
    )


def login_page(status=200, **context):
    """The login page: the password form (unless switched off), a passkey button, and the
    single sign-on button when a provider is configured."""
    context.setdefault("next", safe_next(request.values.get("next")))
    context.setdefault("username", "")
    return render_template(
        "auth/login.html",
        password_login=current_app.config["PASSWORD_LOGIN"],
        sso_name=sso_name(),
        **context,
    ), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.user is not None:
            return redirect(target)
        return login_page()
    if not current_app.config["PASSWORD_LOGIN"]:
        return login_page(
            403, error=gettext("Passwords are switched off here: sign in with the button below.")
        )
    username = request.form.get("username", "")
    try:
        user = accounts.authenticate(
            get_db(),
            username,
            request.form.get("password", ""),
            current_app.config["PASSWORD_HASH_METHOD"],
            address=client_address(),
        )
    except LoginThrottled as throttled:
        log.warning(
            "login throttled for %s from %s", log_safe(username), log_safe(client_address())
        )
        minutes = math.ceil(throttled.retry_after / 60)
        return (
            *login_page(
                429,
                next=target,
                username=username,
                error=ngettext(
                    "Too many failed logins from your address. Try again in %(num)d minute. "
                    "Forgotten your password? An admin can set a new one with workbench "
                    "set-password, which also lifts this wait.",
                    "Too many failed logins from your address. Try again in %(num)d minutes. "
                    "Forgotten your password? An admin can set a new one with workbench "
                    "set-password, which also lifts this wait.",
                    minutes,
                ),
            ),
            {"Retry-After": str(throttled.retry_after)},
        )
    if user is None:
        log.info("failed login for %s from %s", log_safe(username), log_safe(client_address()))
        known = accounts.find_user(get_db(), username.strip()[:100])
        if known is not None:
            record(known, "sign_in_failed", "password")
        # One message for an unknown user and a wrong password (ASVS 6.3.8).
        return login_page(
            401,
            next=target,
            username=username,
            error=gettext("That username and password do not match."),
        )
    log.info("login: %s from %s", log_safe(user.username), log_safe(client_address()))
    if second_factor.factors(get_db(), user.id).any:
        # The password was right; the second step turns this into a session.
        response = redirect(url_for("sign_in.second_step", next=target), code=303)
        response.set_cookie(
            PENDING_COOKIE,
            second_factor.start_pending(get_db(), user),
            httponly=True,
            samesite="Lax",
            path="/login",
            secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
            max_age=second_factor.PENDING_MINUTES * 60,
        )
        return response
    return start_session_response(user, target)


@bp.post("/logout")
def logout():
    token = request.cookies.get(SESSION_COOKIE)
    method = accounts.session_method(get_db(), token)
    accounts.end_session(get_db(), token)
    if g.user is not None:
        record(g.user, "sign_out")
    session.clear()
    target = url_for("auth.login")
    settings = current_app.config["OIDC"]
    if method == "oidc" and settings is not None:
        target = url_for("sign_in.signed_out")
    response = redirect(target, code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    flash(gettext("You are logged out."), "info")
    return response


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token):
    db = get_db()
    if not accounts.setup_token_valid(db, token):
        abort(
            404,
            description=gettext(
                "This setup link is not valid (it was used, or it expired). "
                "Run `workbench init` to print a new one."
            ),
        )
    if request.method == "GET":
        return render_template("auth/setup.html", token=token, username="")
    username = request.form.get("username", "")
    try:
        user = accounts.create_first_admin(
            db,
            token,
            username,
            request.form.get("password"),
            current_app.config["PASSWORD_HASH_METHOD"],
        )
    except AccountError as error:
        return render_template(
            "auth/setup.html", token=token, username=username, error=translated(error)
        ), 422
    response = start_session_response(user, url_for("workbench.index"))
    # After start_session_response: logging in starts a fresh session, flashes included.
    flash(
        gettext(
            "Welcome, %(name)s: you are the admin. Add your team under Users.", name=user.username
        ),
        "success",
    )
    return response


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    db = get_db()
    error: str | None = None
    status = 200
    form: object = {}
    if request.method == "POST":
        form = request.form
        try:
            user = accounts.create_user(
                db,
                form.get("username"),
                form.get("password"),
                form.get("role"),
                current_app.config["PASSWORD_HASH_METHOD"],
            )
        except AccountError as exc:
            error, status = translated(exc), 422
        else:
            flash(
                gettext(
                    "Added %(name)s as %(role)s.",
                    name=user.username,
                    role=role_word(user.role),
                ),
                "success",
            )
            return redirect(url_for("auth.users"), code=303)
    return render_template(
        "auth/users.html",
        accounts=account_admin.list_accounts(db),
        roles=accounts.ROLES,
        error=error,
        form=form,
    ), status


def init_app(app):
    app.session_interface = SessionInterface()
    app.before_request(load_user)
    app.before_request(require_login)
    app.register_blueprint(bp)
    app.jinja_env.globals["current_user"] = lambda: g.get("user")
