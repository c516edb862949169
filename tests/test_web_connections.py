"""Each server thread keeps its database connection between requests (workbench/web/database.py):
nothing may leak from one request into the next through it."""

import pytest
from flask import g

from support import import_by_form
from workbench.web import database as web


@pytest.fixture
def seen(app):
    """The connection each request used, in order; and two routes for these tests only,
    registered before the app's first request."""
    used = []

    @app.after_request
    def remember(response):
        used.append(g.get("db"))
        return response

    @app.route("/test/half-written/<int:claim_id>")
    def half_written(claim_id):
        database = web.get_db()
        database.execute("begin immediate")
        database.execute("update claims set status = 'sourced' where id = ?", [claim_id])
        return "not committed"

    @app.route("/test/boom")
    def boom():
        web.get_db()
        raise RuntimeError("boom")

    return used


def connection_of_next_request(client, seen, path="/articles"):
    client.get(path)
    return seen[-1]


def test_a_thread_reuses_its_connection_and_leaves_nothing_open(seen, admin_client):
    first = connection_of_next_request(admin_client, seen)
    second = connection_of_next_request(admin_client, seen)
    assert first is not None and first is second
    assert not second.conn.in_transaction
    assert second.execute("pragma cache_size").fetchone()[0] == -1024


def test_the_next_request_sees_what_another_connection_wrote_meanwhile(seen, admin_client, db):
    article_id = import_by_form(admin_client, "The bridge reopened on Friday.", title="Bridge")
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "claim--unverified" in page
    db.execute("update claims set status = 'disputed' where article_id = ?", [article_id])
    db.conn.commit()
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "claim--disputed" in page and "claim--unverified" not in page


def test_a_write_left_open_is_rolled_back_before_the_next_request(seen, admin_client, db):
    import_by_form(admin_client, "The bridge reopened on Friday.", title="Bridge")
    claim_id = db.execute("select min(id) from claims").fetchone()[0]
    assert admin_client.get(f"/test/half-written/{claim_id}").status_code == 200
    reused = connection_of_next_request(admin_client, seen)
    assert reused is seen[-2]  # the same connection, its transaction ended
    assert not reused.conn.in_transaction
    assert db.execute("select status from claims where id = ?", [claim_id]).fetchone() == (
        "unverified",
    )


def test_after_an_unexpected_error_the_next_request_has_a_new_connection(seen, admin_client):
    before = connection_of_next_request(admin_client, seen)
    failed = admin_client.get("/test/boom")
    assert failed.status_code == 500
    assert seen[-1] is before  # the failing request had it, then it was closed
    after = connection_of_next_request(admin_client, seen)
    assert after is not before
    assert connection_of_next_request(admin_client, seen) is after


def test_forget_connections_makes_the_next_request_open_a_new_one(seen, admin_client):
    before = connection_of_next_request(admin_client, seen)
    web.forget_connections()
    after = connection_of_next_request(admin_client, seen)
    assert after is not before
    assert connection_of_next_request(admin_client, seen) is after


def test_another_database_gets_its_own_connection(seen, app, admin_client, tmp_path):
    before = connection_of_next_request(admin_client, seen)
    assert before.execute("pragma database_list").fetchone()[2] == app.config["DATABASE"]
    app.config["DATABASE"] = str(tmp_path / "other.db")
    with app.app_context():
        other = web.get_db()
        assert other is not before
        assert other.execute("pragma database_list").fetchone()[2] == str(tmp_path / "other.db")
