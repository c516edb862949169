"""Durability (SECURITY.md): all or nothing, committed means kept, storage errors are 503.

The crash tests really crash: a process is killed with SIGKILL at a known point (an import
paused halfway through its transaction; the production server just after answering 303),
and the database is then opened the way the app opens it.
"""

import contextlib
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import sqlite_utils

from support import actor
from workbench.review import articles, claims
from workbench.review.notes import add_note
from workbench.storage import db as workbench_db
from workbench.storage import migrations
from workbench.text import analysis
from workbench.web import database as web

WAIT_SECONDS = 120  # generous: a loaded 2-core machine may start the import slowly
SERVICE_UNAVAILABLE = "Nothing from this request was saved"
CORE_TABLES = {"articles", "claims", "notes", "history", "users", "sessions", "evidence"}

# Run by the import crash tests in a process of its own: imports an article, and in
# "pause" mode stops in the middle of the claims insert (inside import_article's
# transaction) after writing a marker file, so the test can kill it right there.
HALFWAY_IMPORT = """\
import os
import pathlib
import sys
import time

import sqlite_utils

from workbench.review import articles
from workbench.storage.db import connect
from workbench.team.accounts import User

database_path, text_path, marker_path, mode = sys.argv[1:]
insert_all = sqlite_utils.db.Table.insert_all


def insert_half_then_wait(self, records, *args, **kwargs):
    if self.name != "claims":
        return insert_all(self, records, *args, **kwargs)
    records = list(records)
    insert_all(self, records[: len(records) // 2], *args, **kwargs)
    in_transaction = self.db.conn.in_transaction
    inserted = self.db.execute("select count(*) from claims").fetchone()[0]
    draft = marker_path + ".draft"
    pathlib.Path(draft).write_text(f"{inserted} {len(records)} {in_transaction}")
    os.replace(draft, marker_path)
    time.sleep(60)  # killed long before this ends
    raise SystemExit("not killed")


if mode == "pause":
    sqlite_utils.db.Table.insert_all = insert_half_then_wait
result = articles.import_article(connect(database_path), pathlib.Path(text_path).read_text(),
                                 actor=User(0, "crash test", "admin"), title="Crash test")
print(result.article_id, result.claim_count)
"""


def long_article(sentences=200):
    return " ".join(
        f"Station {i} recorded {i + 3} millimetres of rain on Tuesday, the agency said."
        for i in range(sentences)
    )


def counts(database_path):
    """Rows in the tables an import or a write touches, read with a plain connection."""
    with contextlib.closing(sqlite3.connect(database_path)) as conn:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "claims", "notes", "history")
        }


def integrity(database_path):
    with contextlib.closing(sqlite3.connect(database_path)) as conn:
        return [row[0] for row in conn.execute("pragma integrity_check")]


@pytest.fixture
def empty_database(tmp_path):
    """A database with the schema and nothing else, as a fresh install has."""
    path = tmp_path / "wb.db"
    database = workbench_db.connect(path)
    migrations.migrate(database)
    database.close()
    return path


# --- import is one transaction ---------------------------------------------------------------


def run_import(tmp_path, database_path, mode):
    script = tmp_path / "halfway_import.py"
    script.write_text(HALFWAY_IMPORT)
    text_path = tmp_path / "article.txt"
    text_path.write_text(long_article())
    marker = tmp_path / "halfway.marker"
    process = subprocess.Popen(
        [sys.executable, str(script), str(database_path), str(text_path), str(marker), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, marker


@pytest.mark.slow
def test_import_killed_halfway_leaves_none_of_the_article(tmp_path, empty_database):
    process, marker = run_import(tmp_path, empty_database, "pause")
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if not marker.exists():
            process.kill()
            pytest.fail(
                f"the import never reached its halfway point (exit "
                f"{process.wait(timeout=10)}):\n{process.stderr.read()}"
            )
        inserted, total, in_transaction = marker.read_text().split()
        assert 0 < int(inserted) < int(total), f"not halfway: {inserted} of {total} claims"
        assert counts(empty_database)["claims"] == 0, (
            "another connection sees the claims of an import that has not finished"
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    assert counts(empty_database) == {"articles": 0, "claims": 0, "notes": 0, "history": 0}, (
        f"part of the article survived the crash (in_transaction={in_transaction} halfway)"
    )
    assert integrity(empty_database) == ["ok"]


@pytest.mark.slow
def test_import_left_to_finish_stores_the_whole_article(tmp_path, empty_database):
    process, _ = run_import(tmp_path, empty_database, "finish")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    article_id, claim_count = map(int, stdout.split())
    assert claim_count == len(analysis.claim_rows(long_article()))

    assert counts(empty_database) == {
        "articles": 1,
        "claims": claim_count,
        "notes": 0,
        "history": 1,
    }
    database = workbench_db.connect(empty_database)
    try:
        assert articles.get_article(database, article_id)["body"] == long_article()
    finally:
        database.close()
    assert integrity(empty_database) == ["ok"]


def test_import_failing_halfway_leaves_none_of_the_article(empty_database, monkeypatch):
    insert_all = sqlite_utils.db.Table.insert_all

    def insert_half_then_fail(self, records, *args, **kwargs):
        if self.name != "claims":
            return insert_all(self, records, *args, **kwargs)
        records = list(records)
        insert_all(self, records[: len(records) // 2], *args, **kwargs)
        raise RuntimeError("failure halfway through the claims")

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", insert_half_then_fail)
    database = workbench_db.connect(empty_database)
    try:
        with pytest.raises(RuntimeError, match="halfway"):
            articles.import_article(database, long_article(), actor=actor("test"))
        assert not database.conn.in_transaction
    finally:
        database.close()
    assert counts(empty_database) == {"articles": 0, "claims": 0, "notes": 0, "history": 0}
    assert integrity(empty_database) == ["ok"]


# --- committed, then kill -9 ------------------------------------------------------------------


@pytest.mark.slow
def test_a_committed_change_survives_kill_9_of_the_whole_server(server_factory):
    server = server_factory(["kai"])
    server.start()
    reviewer = server.log_in("kai")
    with contextlib.closing(sqlite3.connect(server.database_path)) as conn:
        claim_id = conn.execute("select min(id) from claims").fetchone()[0]

    saved = reviewer.post(
        f"/claims/{claim_id}/status",
        {"status": "disputed", "version": str(reviewer.claim_version(claim_id))},
    )
    assert saved.status == 303
    noted = reviewer.post(f"/claims/{claim_id}/notes", {"body": "Committed before the crash."})
    assert noted.status == 303
    server.kill_hard()  # SIGKILL to gunicorn's master and workers, no shutdown at all

    server.start()  # the same database, a new process group
    page = reviewer.get(f"/claims/{claim_id}")  # the session is server-side: it survived too
    assert page.status == 200
    assert 'badge badge--disputed">disputed<' in page.body
    assert "Committed before the crash." in page.body
    assert '<input type="hidden" name="version" value="2">' in page.body
    database = server.database()
    try:
        assert database.execute(
            "select status, version from claims where id = ?", [claim_id]
        ).fetchone() == ("disputed", 2)
        assert database.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        database.close()


def test_connections_use_wal_and_synchronous_full(app, tmp_path):
    # synchronous=FULL (2): in WAL mode NORMAL may lose the last commits on power loss.
    # https://www.sqlite.org/pragma.html#pragma_synchronous
    database = workbench_db.connect(tmp_path / "pragmas.db")
    try:
        assert database.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert database.execute("pragma synchronous").fetchone()[0] == 2
    finally:
        database.close()
    with app.app_context():
        request_db = web.get_db()
        assert request_db.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert request_db.execute("pragma synchronous").fetchone()[0] == 2


# --- no transaction left open after a request -------------------------------------------------


def assert_no_lock_held(database_path):
    """Another connection can take the write lock at once, and no reader pins the WAL."""
    probe = sqlite3.connect(database_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")  # "database is locked" if a write is still open
        probe.execute("COMMIT")
        busy, _, _ = probe.execute("pragma wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "a read transaction is still open after the request"
    finally:
        probe.close()


@pytest.fixture
def reviewed_claim(db, sample_text):
    """The sample article's first claim, already set to sourced (so at version 2)."""
    result = articles.import_article(db, sample_text, actor=actor("test"))
    claim_id = db.execute(
        "select min(id) from claims where article_id = ?", [result.article_id]
    ).fetchone()[0]
    claims.set_status(db, claim_id, "sourced", actor("someone"), expected_version=1)
    return {"article_id": result.article_id, "claim_id": claim_id}


@pytest.mark.parametrize(
    "method, path, form, headers, expected",
    [
        ("GET", "/articles/{article_id}", None, {}, 200),
        ("GET", "/claims/{claim_id}", None, {"HX-Request": "true"}, 200),
        ("GET", "/export.csv", None, {}, 200),
        ("POST", "/claims/{claim_id}/notes", {"body": "A note."}, {}, 303),
        ("POST", "/claims/{claim_id}/notes", {"body": "A note."}, {"HX-Request": "true"}, 200),
        ("POST", "/claims/{claim_id}/notes", {"body": "   "}, {}, 422),
        ("POST", "/claims/{claim_id}/status", {"status": "SOURCED"}, {}, 422),
        ("POST", "/claims/{claim_id}/status", {"status": "disputed", "version": "1"}, {}, 409),
        ("GET", "/claims/999999", None, {}, 404),
        ("POST", "/claims/999999/notes", {"body": "A note."}, {}, 404),
    ],
    ids=[
        "page",
        "htmx partial",
        "csv export",
        "write",
        "htmx write",
        "invalid note",
        "invalid status",
        "conflict",
        "missing",
        "write to missing",
    ],
)
def test_no_transaction_is_left_open_after_a_request(
    app, reviewer_client, reviewed_claim, method, path, form, headers, expected
):
    response = reviewer_client.open(
        path.format(**reviewed_claim), method=method, data=form, headers=headers
    )
    response.get_data()  # a streamed body runs to its end
    response.close()
    assert response.status_code == expected
    assert_no_lock_held(app.config["DATABASE"])


# --- online backup while writers run ----------------------------------------------------------


@pytest.mark.slow
def test_online_backup_while_writers_run_is_a_consistent_copy(tmp_path):
    env = {
        **os.environ,
        "WORKBENCH_DB": str(tmp_path / "wb.db"),
        "WORKBENCH_INSTANCE": str(tmp_path / "instance"),
    }
    workbench = pathlib.Path(sys.executable).with_name("workbench")
    subprocess.run([workbench, "init"], env=env, check=True, capture_output=True, timeout=60)
    with contextlib.closing(sqlite3.connect(env["WORKBENCH_DB"])) as conn:
        claim_ids = [row[0] for row in conn.execute("select id from claims")]

    stop = threading.Event()
    written = [0] * 4
    errors = []

    def write(index):
        database = workbench_db.connect(env["WORKBENCH_DB"])
        try:
            while not stop.is_set() and written[index] < 20_000:
                add_note(
                    database,
                    claim_ids[written[index] % len(claim_ids)],
                    f"writer {index} note {written[index]}",
                    actor(f"writer{index}"),
                )
                written[index] += 1
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            database.close()

    writers = [threading.Thread(target=write, args=(index,), daemon=True) for index in range(4)]
    started = time.monotonic()
    for thread in writers:
        thread.start()
    try:
        while sum(written) < 50 and time.monotonic() - started < WAIT_SECONDS:
            time.sleep(0.01)
        before_backup = sum(written)
        copy_path = tmp_path / "copy.db"
        backup = subprocess.run(
            [workbench, "backup", str(copy_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        check = subprocess.run(
            [workbench, "check"], env=env, capture_output=True, text=True, timeout=60
        )
        after_backup = sum(written)
        while time.monotonic() - started < 2:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in writers:
            thread.join(WAIT_SECONDS)

    assert not errors, f"a writer failed: {errors[0]!r}"
    assert backup.returncode == 0, backup.stderr
    assert "integrity check: ok" in backup.stdout
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().endswith(": ok"), check.stdout
    assert after_backup > before_backup >= 50, "the writers were not running during the backup"
    assert integrity(copy_path) == ["ok"]
    with contextlib.closing(sqlite3.connect(copy_path)) as copy:
        tables = {
            row[0] for row in copy.execute("select name from sqlite_master where type = 'table'")
        }
        notes = copy.execute("select count(*) from notes").fetchone()[0]
        logged = copy.execute("select count(*) from history where action = 'note'").fetchone()[0]
        user_version = copy.execute("pragma user_version").fetchone()[0]
    assert CORE_TABLES <= tables
    assert user_version == len(migrations.MIGRATIONS)
    # One snapshot: every note in the copy has its history row, and nothing is missing
    # that was committed before the backup started.
    assert notes == logged >= before_backup


# --- disk full or read-only -------------------------------------------------------------------


@pytest.fixture
def storage_fault(monkeypatch, db):
    """storage_fault(kind): the app's new connections hit it; storage_fault(None) lifts it."""
    configure = workbench_db.configure

    def apply(kind):
        # Threads keep their connections between requests: make them open new ones.
        web.forget_connections()
        if kind is None:
            monkeypatch.setattr(workbench_db, "configure", configure)
            return
        if kind == "disk full":
            # The file may not grow past its current size: SQLITE_FULL on the next new page.
            pragma = f"pragma max_page_count = {db.execute('pragma page_count').fetchone()[0]}"
        else:
            # As root, chmod cannot make a file read-only; query_only gives SQLITE_READONLY.
            pragma = "pragma query_only = ON"

        def faulty_configure(database):
            configure(database)
            database.execute(pragma)

        monkeypatch.setattr(workbench_db, "configure", faulty_configure)

    return apply


BIG_NOTE = "Checked against the agency's archive. " * 240  # about 9,000 characters
NEW_ARTICLE = " ".join(
    f"Bridge {i} was inspected on Friday and found sound, officials said." for i in range(150)
)


@pytest.mark.parametrize("fault", ["disk full", "read-only"])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_storage_fault_on_a_note_is_503_then_recovers(
    reviewer_client, db, reviewed_claim, storage_fault, fault, htmx
):
    path = f"/claims/{reviewed_claim['claim_id']}/notes"
    headers = {"HX-Request": "true"} if htmx else {}
    before = counts_of(db)
    storage_fault(fault)

    refused = reviewer_client.post(path, data={"body": BIG_NOTE}, headers=headers)
    assert refused.status_code == 503, f"{fault}: a note gave {refused.status_code}, not 503"
    assert SERVICE_UNAVAILABLE in refused.get_data(as_text=True)
    assert refused.headers.get("Retry-After") == "60"
    if htmx:
        assert refused.get_data(as_text=True).lstrip().startswith('<div id="messages"')
    assert counts_of(db) == before, "something was written during the failed request"

    storage_fault(None)
    saved = reviewer_client.post(path, data={"body": BIG_NOTE}, headers=headers)
    assert saved.status_code == (200 if htmx else 303)
    assert counts_of(db) == {
        **before,
        "notes": before["notes"] + 1,
        "history": before["history"] + 1,
    }


@pytest.mark.parametrize("fault", ["disk full", "read-only"])
def test_storage_fault_on_an_import_is_503_with_nothing_half_written(
    admin_client, db, storage_fault, fault
):
    before = counts_of(db)
    storage_fault(fault)

    refused = admin_client.post("/articles", data={"text": NEW_ARTICLE, "title": "Bridges"})
    assert refused.status_code == 503, f"{fault}: an import gave {refused.status_code}, not 503"
    assert SERVICE_UNAVAILABLE in refused.get_data(as_text=True)
    assert counts_of(db) == before, "part of the article was stored"

    storage_fault(None)
    imported = admin_client.post("/articles", data={"text": NEW_ARTICLE, "title": "Bridges"})
    assert imported.status_code == 303
    claim_count = len(analysis.claim_rows(NEW_ARTICLE))
    assert counts_of(db) == {
        **before,
        "articles": before["articles"] + 1,
        "claims": before["claims"] + claim_count,
        "history": before["history"] + 1,
    }


def test_read_only_database_refuses_a_status_change_with_503_then_recovers(
    reviewer_client, db, reviewed_claim, storage_fault
):
    path = f"/claims/{reviewed_claim['claim_id']}/status"
    storage_fault("read-only")
    refused = reviewer_client.post(path, data={"status": "disputed", "version": "2"})
    assert refused.status_code == 503
    assert SERVICE_UNAVAILABLE in refused.get_data(as_text=True)
    assert db.execute(
        "select status, version from claims where id = ?", [reviewed_claim["claim_id"]]
    ).fetchone() == ("sourced", 2)

    storage_fault(None)
    saved = reviewer_client.post(path, data={"status": "disputed", "version": "2"})
    assert saved.status_code == 303
    assert db.execute(
        "select status, version from claims where id = ?", [reviewed_claim["claim_id"]]
    ).fetchone() == ("disputed", 3)


def counts_of(db):
    return {table: db.table(table).count for table in ("articles", "claims", "notes", "history")}
