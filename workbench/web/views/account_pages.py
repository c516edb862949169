"""Accounts in the browser: an admin changes roles, switches accounts off and on
and hands out one-time reset links; everyone changes their own password."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ...errors import AccountError
from ...team import account_admin, accounts
from ..auth import role_required, role_word, start_session_response
from ..database import get_db
from ..forms import single_form_value
from ..interface_locale import translated
from .blueprint import bp


def back_to_users():
    return redirect(url_for("auth.users"), code=303)


def refused(error):
    flash(translated(error), "error")
    return back_to_users()


@bp.post("/users/<username>/role")
@role_required("admin")
def change_role(username):
    role = single_form_value("role")
    try:
        account_admin.change_role(get_db(), username, role, g.user)
    except AccountError as error:
        return refused(error)
    flash(gettext("%(name)s is now %(role)s.", name=username, role=role_word(role)), "success")
    return back_to_users()


@bp.post("/users/<username>/active")
@role_required("admin")
def set_active(username):
    active = single_form_value("active")
    if active not in ("0", "1"):
        abort(400, description=gettext("Say whether the account is to be active (1) or not (0)."))
    try:
        account_admin.set_active(get_db(), username, active == "1", g.user)
    except AccountError as error:
        return refused(error)
    flash(
        gettext("Activated %(name)s.", name=username)
        if active == "1"
        else gettext("Deactivated %(name)s: their sessions have ended.", name=username),
        "success",
    )
    return back_to_users()


@bp.post("/users/<username>/reset-link")
@role_required("admin")
def reset_link(username):
    """A one-time link, shown once to the admin who asked, for the user to set a password."""
    try:
        token = account_admin.create_reset_link(get_db(), username, g.user)
    except AccountError as error:
        return refused(error)
    link = url_for("workbench.reset_password", token=token, _external=True)
    return render_template(
        "auth/users.html",
        accounts=account_admin.list_accounts(get_db()),
        roles=accounts.ROLES,
        form={},
        reset={"username": username, "link": link, "hours": account_admin.RESET_HOURS},
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Open to anyone holding the link: set a new password, then log in with it."""
    db = get_db()
    username = account_admin.reset_link_user(db, token)
    if username is None:
        abort(
            404,
            description=gettext(
                "This reset link is not valid (it was used, or it expired). "
                "Ask an admin for a new one."
            ),
        )
    if request.method == "GET":
        return render_template("auth/reset.html", token=token, username=username)
    password = request.form.get("password")
    if password != request.form.get("password_again"):
        return render_template(
            "auth/reset.html",
            token=token,
            username=username,
            error=gettext("The two passwords differ."),
        ), 422
    try:
        account_admin.reset_password(
            db, token, password, current_app.config["PASSWORD_HASH_METHOD"]
        )
    except AccountError as error:
        return render_template(
            "auth/reset.html", token=token, username=username, error=translated(error)
        ), 422
    flash(gettext("Your password is set: log in with it."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change my own password; every other session of mine ends, this one goes on."""
    if request.method == "GET":
        return render_template("auth/password.html")
    new = request.form.get("password")
    if new != request.form.get("password_again"):
        return render_template(
            "auth/password.html", error=gettext("The two new passwords differ.")
        ), 422
    try:
        account_admin.change_own_password(
            get_db(),
            g.user,
            request.form.get("current_password"),
            new,
            current_app.config["PASSWORD_HASH_METHOD"],
        )
    except AccountError as error:
        return render_template("auth/password.html", error=translated(error)), 422
    response = start_session_response(g.user, url_for("workbench.index"))
    flash(gettext("Your password is changed; your other sessions have ended."), "success")
    return response
