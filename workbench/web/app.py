"""The Flask application factory: configuration, then each part's init_app."""

import logging
import os
import pathlib
import secrets

from flask import Flask

from ..exports import claimreview
from ..storage import settings
from ..team import accounts, oidc
from . import (
    api,
    auth,
    compression,
    converters,
    database,
    error_answers,
    interface_locale,
    interface_words,
    local_htmx,
    localised_templates,
    security,
    sign_in,
    template_urls,
    views,
)

HTMX_VERSION = "2.0.11"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
# sha384 of htmx.org@2.0.11 dist/htmx.min.js, as published to npm (and so on the CDN).
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

# htmx's server-sent events extension (live article pages), pinned the same way.
HTMX_SSE_VERSION = "2.2.4"
HTMX_SSE_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx-ext-sse@{HTMX_SSE_VERSION}/dist/sse.min.js"
# sha384 of htmx-ext-sse@2.2.4 dist/sse.min.js, as published to npm.
HTMX_SSE_INTEGRITY = "sha384-A986SAtodyH8eg8x8irJnYUk7i9inVQqYigD6qZ9evobksGNIXfeFvDwLSHcp31N"


def local_scripts():
    """htmx and its SSE extension as WORKBENCH_HTMX_DIR holds them, and where they are served."""
    return (
        local_htmx.PinnedScript(
            f"htmx-{HTMX_VERSION}.min.js",
            f"/vendor/htmx.org@{HTMX_VERSION}/htmx.min.js",
            HTMX_INTEGRITY,
        ),
        local_htmx.PinnedScript(
            f"htmx-ext-sse-{HTMX_SSE_VERSION}.min.js",
            f"/vendor/htmx-ext-sse@{HTMX_SSE_VERSION}/sse.min.js",
            HTMX_SSE_INTEGRITY,
        ),
    )


def create_app(test_config=None):
    """Create and configure the app: defaults, then environment or test config."""
    templates, static = _asset_folders()
    instance = settings.instance_path()
    app = Flask(
        "workbench",
        instance_path=str(instance),
        template_folder=str(templates),
        static_folder=str(static),
    )
    # Each template compiled once per interface language, its fixed words in it.
    app.jinja_environment = localised_templates.LocalisedEnvironment
    app.config.from_mapping(
        DATABASE=str(settings.database_path()),
        MAX_CONTENT_LENGTH=int(os.environ.get("WORKBENCH_MAX_UPLOAD_MB", "8")) * 1024 * 1024,
        HTMX_URL=os.environ.get("WORKBENCH_HTMX_URL", HTMX_CDN_URL),
        HTMX_INTEGRITY=HTMX_INTEGRITY,
        HTMX_SSE_URL=os.environ.get("WORKBENCH_HTMX_SSE_URL", HTMX_SSE_CDN_URL),
        HTMX_SSE_INTEGRITY=HTMX_SSE_INTEGRITY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("WORKBENCH_SECURE_COOKIES") == "1",
        SESSION_IDLE_MINUTES=int(os.environ.get("WORKBENCH_SESSION_IDLE_MINUTES", "480")),
        # However busy, a login ends this long after it began.
        SESSION_MAX_DAYS=float(os.environ.get("WORKBENCH_SESSION_MAX_DAYS", "7")),
        PASSWORD_HASH_METHOD=accounts.PASSWORD_HASH_METHOD,
        # Open event streams per process, in all and of one account; the server's event
        # loop holds them (web/views/live_streams.py).
        STREAM_SLOTS=int(os.environ.get("WORKBENCH_STREAM_SLOTS", "1000")),
        STREAMS_PER_USER=int(os.environ.get("WORKBENCH_STREAMS_PER_USER", "12")),
        STREAM_SECONDS=300,
        # Named as the author of published ClaimReview markup.
        ORGANIZATION=os.environ.get("WORKBENCH_ORGANIZATION", "Claim workbench"),
        # Where published reviews live, for ClaimReview's url (exports/claimreview.py).
        PUBLIC_URL=os.environ.get("WORKBENCH_PUBLIC_URL") or None,
        # Single sign-on (None: off), whether passwords still work, the lowest role that
        # must have a second factor (None: nobody), each API token's requests a minute.
        OIDC=oidc.settings_from(os.environ),
        PASSWORD_LOGIN=os.environ.get("WORKBENCH_PASSWORD_LOGIN", "on") != "off",
        REQUIRE_SECOND_FACTOR=_second_factor_role(
            os.environ.get("WORKBENCH_REQUIRE_SECOND_FACTOR", "off")
        ),
        API_TOKEN_PER_MINUTE=int(os.environ.get("WORKBENCH_API_TOKEN_PER_MINUTE", "120")),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("WORKBENCH_SECRET_KEY") or _install_secret(
            instance
        )
    if app.config["PUBLIC_URL"]:
        claimreview.public_claim_url(app.config["PUBLIC_URL"])  # a bad one stops the start
    local_htmx_dir = os.environ.get("WORKBENCH_HTMX_DIR")
    if local_htmx_dir:
        # A desk without internet: the pinned files from that folder, served here.
        scripts = local_scripts()
        app.wsgi_app = local_htmx.LocalScripts(  # type: ignore[method-assign]
            app.wsgi_app, local_htmx.load(local_htmx_dir, scripts)
        )
        htmx, sse = scripts
        app.config.update(
            HTMX_URL=htmx.path,
            HTMX_INTEGRITY=htmx.integrity,
            HTMX_SSE_URL=sse.path,
            HTMX_SSE_INTEGRITY=sse.integrity,
        )
    app.config["CONTENT_SECURITY_POLICY"] = security.content_security_policy(
        security.script_source(app.config["HTMX_URL"]),
        security.script_source(app.config["HTMX_SSE_URL"]),
    )
    pathlib.Path(app.config["DATABASE"]).parent.mkdir(parents=True, exist_ok=True)

    if os.environ.get("WORKBENCH_BEHIND_PROXY") == "1":
        # Trust one proxy's X-Forwarded-For/-Proto/-Host, so request.is_secure and
        # redirects see the public https URL. https://flask.palletsprojects.com/en/stable/deploying/proxy_fix/
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    _log_to_gunicorn()
    database.init_app(app)
    converters.init_app(app)  # before the blueprints: their rules are compiled with it
    error_answers.init_app(app)
    interface_locale.init_app(app)
    interface_words.init_app(app)
    app.jinja_env.globals["url_for"] = template_urls.remembered_url_for(app)
    security.init_app(app)  # first: a cross-site write is refused before anything else runs
    auth.init_app(app)
    app.register_blueprint(sign_in.bp)
    views.init_app(app)
    api.init_app(app)
    compression.init_app(
        app
    )  # after_request functions run last-registered first: the rest add headers only
    return app


def _second_factor_role(value):
    """WORKBENCH_REQUIRE_SECOND_FACTOR: the lowest role that must have one, or off."""
    value = value.strip().lower()
    if value in ("", "off"):
        return None
    if value not in accounts.ROLES:
        raise ValueError(
            f"WORKBENCH_REQUIRE_SECOND_FACTOR is off or a role ({', '.join(accounts.ROLES)})"
        )
    return value


def _log_to_gunicorn():
    """Under gunicorn, the workbench's log lines (logins and failed logins among them) go
    to gunicorn's error log at INFO; elsewhere they were dropped below WARNING."""
    served_by = logging.getLogger("gunicorn.error")
    if not served_by.handlers:
        return
    ours = logging.getLogger("workbench")
    ours.handlers = list(served_by.handlers)
    ours.setLevel(logging.INFO)
    ours.propagate = False


def _asset_folders():
    """templates/ and static/: inside the package when installed from a wheel, else the repo."""
    for base in (settings.PACKAGE_DIR, settings.PACKAGE_DIR.parent):
        if (base / "templates").is_dir():
            return base / "templates", base / "static"
    raise RuntimeError("templates/ not found next to the workbench package")


def _install_secret(instance):
    """The per-install SECRET_KEY, generated on first start and kept in the instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Write aside, then link into place: link() fails if the file exists, so when two
        # workers start at once both end up reading the one key that won.
        draft = instance / f".secret_key.{os.getpid()}"
        # Created 0600 from the start: never readable by others, not even for a moment.
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
