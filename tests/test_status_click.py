"""A status click costs few SQL statements: counted on the request's own connection, every
statement SQLite runs (transaction and savepoint statements included), with htmx from
the article page and as a plain form post. Before the write was made one transaction of
its own it was 47 and 38."""

import pytest

from support import actor
from workbench.review import articles, history
from workbench.web.database import get_db

# At most this many statements a click, whichever way it comes.
BUDGET = 12
TEXT = " ".join(
    f"The council approved plan number {n} for the harbour district on Monday, officials said."
    for n in range(30)
)


@pytest.fixture
def article(db):
    result = articles.import_article(db, TEXT, actor=actor("ada"), title="Harbour plans")
    ids = [
        row[0]
        for row in db.execute(
            "select id from claims where article_id = ? order by position", [result.article_id]
        )
    ]
    return result.article_id, ids


def statements_of(app, client, request):
    """Every SQL statement the request ran on its connection (the thread's, kept between
    requests), and the response."""
    with app.app_context():
        connection = get_db().conn  # opened now, so the request below reuses it
    seen = []
    connection.set_trace_callback(seen.append)
    try:
        response = request(client)
    finally:
        connection.set_trace_callback(None)
    return seen, response


def test_a_status_click_from_the_article_page_with_htmx(
    app, fixed_clock, reviewer_client, db, article
):
    article_id, claim_ids = article
    page = f"http://localhost/articles/{article_id}"
    seen, response = statements_of(
        app,
        reviewer_client,
        lambda client: client.post(
            f"/claims/{claim_ids[0]}/status?version=1",
            data={"status": "sourced"},
            headers={"HX-Request": "true", "HX-Current-URL": page},
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [row] = history.claim_history(db, claim_ids[0])
    assert f'action="/history/{row["id"]}/undo"' in html  # the Undo names the change made
    assert 'aria-pressed="true">Sourced' in html and 'id="progress"' in html
    assert len(seen) <= BUDGET, "\n".join(seen)


def test_a_status_click_as_a_plain_form_post(app, fixed_clock, reviewer_client, db, article):
    article_id, claim_ids = article
    seen, response = statements_of(
        app,
        reviewer_client,
        lambda client: client.post(
            f"/claims/{claim_ids[1]}/status",
            data={"status": "disputed", "version": "1"},
            headers={"Referer": f"http://localhost/articles/{article_id}"},
        ),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{article_id}#claim-{claim_ids[1]}"
    assert db.execute("select status from claims where id = ?", [claim_ids[1]]).fetchone() == (
        "disputed",
    )
    assert len(seen) <= BUDGET, "\n".join(seen)


def test_the_write_itself_is_one_transaction_of_two_statements(
    app, fixed_clock, reviewer_client, article
):
    _, claim_ids = article
    seen, _ = statements_of(
        app,
        reviewer_client,
        lambda client: client.post(f"/claims/{claim_ids[2]}/status", data={"status": "sourced"}),
    )
    begin = seen.index("BEGIN IMMEDIATE")
    assert [s.split()[0].lower() for s in seen[begin:]] == [
        "begin",
        "insert",
        "update",
        "commit",
        "pragma",
    ]
    # Committed without SQLite's sync, synced after the writers' lock (storage/durability.py);
    # the connection is back to FULL for writes outside a write_transaction.
    assert seen[begin - 1] == "PRAGMA synchronous=NORMAL"
    assert seen[-1] == "PRAGMA synchronous=FULL"
