"""Routes, thin on purpose: request -> domain functions -> template.

One URL, two representations (the Hypermedia Systems contact app): an htmx request gets
the partial it swaps in, a plain request the full page or a 303 redirect
(web/responses.py). Errors are answered in one place (web/error_answers.py).
"""

from flask import Flask

from . import (  # noqa: F401  (routes)
    account_pages,
    article_pages,
    claim_pages,
    desk_pages,
    export_downloads,
    import_pages,
    job_pages,
    language_pages,
    link_pages,
    live,
    restore_pages,
    search_pages,
    security_pages,
    source_pages,
    template_helpers,
    version_pages,
)
from .blueprint import bp


def init_app(app: Flask) -> None:
    template_helpers.init_app(app)
    app.register_blueprint(bp)
