"""The web layer's shared parts: the request's database connection, and turning URL and
form values into ids, articles, claims and filters (404/400 when they are not). Used by
the HTML views and the JSON API alike."""

import dataclasses
import re
from typing import Any

from flask import Flask, abort, current_app, g
from sqlite_utils import Database

from . import articles, claims, search
from .db import connect, create_private, hold_open, migrate
from .errors import ArticleNotFound, ClaimNotFound, InvalidInput


def get_db() -> Database:
    """The request's connection, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exception: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        if db.conn.in_transaction:
            db.conn.rollback()
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    create_private(app.config["DATABASE"])
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
    finally:
        db.close()
    # One per app, so one per gunicorn worker, closed when the app goes.
    app.extensions["workbench_database_held_open"] = hold_open(app.config["DATABASE"])


MAX_ID = 2**31 - 1  # far above any real id or page, and page * page size still fits SQLite


def positive_int(value: Any) -> int | None:
    """An id or page number from a URL or form; None for anything else (abc, -1, 1.5, 10**20)."""
    if value is None or not re.fullmatch(r"[0-9]{1,10}", str(value)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def load_article(article_id: Any, with_body: bool = True) -> dict[str, Any]:
    """The article, or 404 (also when it was deleted)."""
    number = positive_int(article_id)
    if number is None:
        abort(404)
    try:
        return articles.get_article(get_db(), number, with_body=with_body)
    except ArticleNotFound:
        abort(404)


def load_claim(claim_id: Any) -> dict[str, Any]:
    """The claim, or 404 (also when its article was deleted)."""
    number = positive_int(claim_id)
    if number is None:
        abort(404)
    try:
        claim = claims.get_claim(get_db(), number)
        articles.get_article(get_db(), claim["article_id"])
    except (ClaimNotFound, ArticleNotFound):
        abort(404)
    return claim


def claim_filter_from(values: Any, **fixed: Any) -> search.ClaimFilter:
    """The claim filter in `values` (query string or form), with `fixed` fields; 400 if bad."""
    try:
        claim_filter = search.parse_filter(values)
    except InvalidInput as error:
        abort(400, description=str(error))
    return dataclasses.replace(claim_filter, **fixed)
