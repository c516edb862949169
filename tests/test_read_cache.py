"""Kept answers are never stale: any write, by this connection, another one or another
process, makes the next call compute again; nothing read inside a transaction is kept;
and the article page's kept claim column is never shown to a reader it was not drawn for.
"""

import sqlite3
import subprocess
import sys

import pytest

from support import import_by_form
from workbench.review.claims import list_claims
from workbench.storage import db as workbench_db
from workbench.storage import read_cache

TEXT = "The mayor opened the bridge on Monday. It cost $4.5 million. Critics called it late."


@pytest.fixture
def files(tmp_path):
    """Two connections to one database file of one table."""
    path = tmp_path / "kept.db"
    first = workbench_db.connect(path)
    first.execute("create table t (n integer)")
    first.execute("insert into t values (1)")
    first.conn.commit()
    second = workbench_db.connect(path)
    yield path, first, second
    first.close()
    second.close()


def counter(db):
    """compute() for `select sum(n)`, counting how often it ran."""
    calls = []

    def compute():
        calls.append(1)
        return db.execute("select sum(n) from t").fetchone()[0]

    return compute, calls


def test_an_unchanged_database_answers_from_the_kept_value(files):
    _, db, _ = files
    compute, calls = counter(db)
    assert [read_cache.remembered(db, "sum", compute) for _ in range(3)] == [1, 1, 1]
    assert len(calls) == 1


def test_another_connections_commit_is_seen_at_once(files):
    _, db, other = files
    compute, calls = counter(db)
    assert read_cache.remembered(db, "sum", compute) == 1
    other.execute("insert into t values (2)")
    other.conn.commit()
    assert read_cache.remembered(db, "sum", compute) == 3
    assert len(calls) == 2


def test_the_connections_own_write_is_seen_at_once(files):
    _, db, _ = files
    compute, _ = counter(db)
    assert read_cache.remembered(db, "sum", compute) == 1
    db.execute("update t set n = 5")
    db.conn.commit()
    assert read_cache.remembered(db, "sum", compute) == 5


def test_another_processs_commit_is_seen_at_once(files):
    path, db, _ = files
    compute, _ = counter(db)
    assert read_cache.remembered(db, "sum", compute) == 1
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('insert into t values (10)'); c.commit()",
            str(path),
        ],
        check=True,
    )
    assert read_cache.remembered(db, "sum", compute) == 11


def test_nothing_read_inside_a_transaction_is_kept(files):
    _, db, _ = files
    compute, calls = counter(db)
    db.conn.execute("update t set n = 7")  # opens a transaction, not committed
    assert read_cache.remembered(db, "sum", compute) == 7
    db.conn.rollback()
    # The write was counted by total_changes and then undone: a value kept at that
    # state would now be wrong.
    assert read_cache.remembered(db, "sum", compute) == 1
    assert len(calls) == 2


def test_an_answer_whose_computing_wrote_is_not_kept(files):
    _, db, _ = files
    calls = []

    def writes_then_reads():
        calls.append(1)
        with db.conn:
            db.execute("update t set n = n + 1")
        return db.execute("select sum(n) from t").fetchone()[0]

    assert read_cache.remembered(db, "sum", writes_then_reads) == 2
    assert read_cache.remembered(db, "sum", writes_then_reads) == 3
    assert len(calls) == 2


def test_keys_are_kept_apart_and_at_most_max_entries(files):
    _, db, _ = files
    for key in range(read_cache.MAX_ENTRIES + 3):
        assert read_cache.remembered(db, key, lambda key=key: key * 10) == key * 10
    computed = []
    assert read_cache.remembered(db, 0, lambda: computed.append(0) or -1) == -1  # dropped
    newest = read_cache.MAX_ENTRIES + 2
    assert read_cache.remembered(db, newest, lambda: computed.append(1) or -1) == newest * 10
    assert computed == [0]


def test_each_connection_keeps_its_own(files):
    _, db, other = files
    read_cache.remembered(db, "who", lambda: "first")
    assert read_cache.remembered(other, "who", lambda: "second") == "second"
    assert read_cache.remembered(db, "who", lambda: "again") == "first"


def test_a_sqlite3_connection_reports_another_connections_commit_in_data_version(files):
    """What the cache rests on, checked on the SQLite this machine has."""
    path, db, _ = files
    before = read_cache.database_state(db)
    other = sqlite3.connect(path)
    other.execute("insert into t values (3)")
    other.commit()
    other.close()
    assert read_cache.database_state(db)[0] != before[0]


# --- the article page ------------------------------------------------------------------


@pytest.fixture
def article_id(admin_client):
    return import_by_form(admin_client, TEXT, title="Bridge")


def test_a_reread_article_page_is_the_same_page(reviewer_client, article_id):
    first = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    second = reviewer_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert first == second and first.count('class="claim claim--') == 3


def test_a_write_elsewhere_changes_counts_rows_and_text_marks(reviewer_client, article_id, db):
    url = f"/articles/{article_id}"
    before = reviewer_client.get(url).get_data(as_text=True)
    assert 'id="count-disputed">0<' in before and "hl--disputed" not in before
    claim = list_claims(db, article_id).claims[0]
    with db.conn:
        db.execute("update claims set status = 'disputed' where id = ?", [claim["id"]])
    after = reviewer_client.get(url).get_data(as_text=True)
    assert 'id="count-disputed">1<' in after
    assert 'class="hl hl--disputed"' in after and "claim claim--disputed" in after


def test_the_next_page_for_htmx_carries_its_rows_and_text(admin_client, reviewer_client, db):
    text = "\n\n".join(f"The council said bridge {n} would reopen on Friday." for n in range(130))
    article = import_by_form(admin_client, text, title="Bridges")
    url = f"/articles/{article}?page=2"
    for _ in range(2):  # drawn, then kept
        more = reviewer_client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert more.count('class="claim claim--') == 30
        assert '<div hx-swap-oob="beforeend:#article-text">' in more
        assert "bridge 129 would reopen" in more and "<html" not in more


def test_a_blind_reviewers_kept_page_is_never_shown_to_another_reader(
    app, admin_client, article_id, db
):
    from support import sign_in

    editor = sign_in(app, "eda", "editor")
    ana, bo = sign_in(app, "ana", "reviewer"), sign_in(app, "bo", "reviewer")
    editor.post(f"/articles/{article_id}/blind", data={"reviewer": ["ana", "bo"]})
    claim = list_claims(db, article_id).claims[0]
    ana.post(f"/claims/{claim['id']}/status", data={"status": "disputed"})
    url = f"/articles/{article_id}"
    for _ in range(2):  # ana's page drawn and kept before the others read
        assert "claim claim--disputed" in ana.get(url).get_data(as_text=True)
    for reader in (bo, editor):
        assert "claim claim--disputed" not in reader.get(url).get_data(as_text=True)


def test_the_article_list_shows_a_write_elsewhere_at_once(reviewer_client, article_id, db):
    before = reviewer_client.get("/").get_data(as_text=True)
    assert before.count('class="article-card"') == 1 and "<strong>0 / 3</strong>" in before
    claim = list_claims(db, article_id).claims[0]
    with db.conn:
        db.execute("update claims set status = 'sourced' where id = ?", [claim["id"]])
        db.execute("update articles set title = 'Bridge, renamed' where id = ?", [article_id])
    after = reviewer_client.get("/").get_data(as_text=True)
    assert "<strong>1 / 3</strong>" in after and "Bridge, renamed" in after


def test_the_kept_article_list_shows_each_reader_their_own_actions(
    admin_client, viewer_client, article_id
):
    assert "Import an article" in admin_client.get("/").get_data(as_text=True)
    viewed = viewer_client.get("/").get_data(as_text=True)
    assert 'class="article-card"' in viewed and "Import an article" not in viewed
