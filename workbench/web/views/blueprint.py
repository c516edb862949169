"""The pages' one blueprint, spread over modules by area (endpoint names stay
"workbench.<view>" wherever a view lives), and the two routes every page shares."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("workbench", __name__)


@bp.get("/favicon.ico")
def favicon():
    """The site icon where browsers and feed readers look for it without a <link>."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/help/keys")
def keys_help():
    """The keyboard shortcuts dialog, fetched by static/keys.js when "?" is pressed."""
    return render_template("_keys_help.html")
