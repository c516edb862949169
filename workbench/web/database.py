"""The request's database connection: each server thread keeps its own from one request
to the next; teardown ends anything left open, and an error discards it. Used by the HTML
views and the JSON API alike."""

import os
import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from ..storage.db import connect, create_private, hold_open
from ..storage.migrations import migrate

# Opening a connection costs more than all of a status change's queries (SQLite reads
# the schema afresh: 1.3 ms, against 0.01 ms for a query on an open one), so each thread
# keeps its connection from one request to the next; teardown ends anything left open.
_THREAD = threading.local()
# Bumped by forget_connections(): every thread opens a new connection on its next use.
_GENERATION = [0]


def get_db() -> Database:
    """The request's connection: this thread's, opened on first use."""
    if "db" not in g:
        g.db = _thread_connection(current_app.config["DATABASE"])
    return g.db


def _thread_connection(path: str) -> Database:
    held = getattr(_THREAD, "held", None)
    if held is not None:
        pid, held_path, generation, db = held
        if pid == os.getpid() and held_path == path and generation == _GENERATION[0]:
            return db
        if pid == os.getpid():  # a connection inherited through fork() is never touched
            db.close()
    db = connect(path)
    # Kept open, its page cache stays too: 1 MiB a thread (SQLite's default is 2 MiB)
    # bounds a worker of 40 threads at 40 MB of cache (no slower: a click or a page reads
    # far less than that).
    db.execute("pragma cache_size = -1024")
    _THREAD.held = (os.getpid(), path, _GENERATION[0], db)
    return db


def forget_connections() -> None:
    """Make every thread open a new connection on its next request (its pragmas, its
    file): after the database file was replaced, or to apply new connection settings."""
    _GENERATION[0] += 1


def discard_connection() -> None:
    """Close the request's connection at teardown instead of keeping it: the error
    handlers call this, so after an unexpected or a storage error the next request starts
    on a new connection."""
    g.discard_db = True


def close_db(exception: BaseException | None = None) -> None:
    """End the request's use of the connection: nothing stays open in it. After an error
    (one nobody handled, or one an error handler discarded it for), the connection is
    closed and the thread's next request opens a new one."""
    db = g.pop("db", None)
    discard = g.pop("discard_db", False)
    if db is None:
        return
    if db.conn.in_transaction:
        db.conn.rollback()
    if exception is not None or discard:
        _THREAD.held = None
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
