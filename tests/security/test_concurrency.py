"""Concurrency (SECURITY.md): no lost update, every write kept, every change in the history.

Everything here goes through the production server (gunicorn, 2 workers × 8 threads) over
real HTTP, so two reviewers really are two requests in different threads and processes.
"""

import datetime
import html
import json
import re
import threading
import time
import uuid

import pytest

from support import htmx_config

pytestmark = pytest.mark.slow  # the real server over HTTP: `make test`, not `make test-fast`

HTMX = {"HX-Request": "true"}
THREADS = 20
WRITES_PER_THREAD = 50
STORM_SECONDS = 120  # a bound, not an expectation: the storm takes a few seconds
UTC_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def run_threads(count, work):
    """Run work(index) in `count` threads at once; their results, in index order."""
    results = [None] * count
    errors = []

    def run(index):
        try:
            results[index] = work(index)
        except BaseException as error:  # reported below, with the thread it came from
            errors.append((index, error))

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + STORM_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), (
        f"threads still running after {STORM_SECONDS} s"
    )
    assert not errors, f"threads failed: {errors[:3]}"
    return results


def first_response_rule(config, status):
    """The htmx responseHandling entry that applies to `status` (htmx takes the first match)."""
    for rule in config["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return rule
    return None


def claim_in_db(live_server, claim_id):
    database = live_server.database()
    try:
        return dict(
            zip(
                ("status", "version", "updated_by"),
                database.execute(
                    "select status, version, updated_by from claims where id = ?", [claim_id]
                ).fetchone(),
                strict=True,
            )
        )
    finally:
        database.close()


# --- lost update ---------------------------------------------------------------------------


def test_second_save_from_a_stale_page_is_refused_with_409_and_the_current_state(
    live_server, live_reviewers, fresh_claims
):
    first, second = live_reviewers["rita"], live_reviewers["ravi"]
    (claim_id,) = fresh_claims(1)
    assert first.claim_version(claim_id) == 1 and second.claim_version(claim_id) == 1

    saved = first.post(f"/claims/{claim_id}/status", {"status": "sourced", "version": "1"})
    assert saved.status == 303, f"the first save gave {saved.status}"

    stale = second.post(f"/claims/{claim_id}/status", {"status": "disputed", "version": "1"})
    assert stale.status == 409, f"a save from a stale page gave {stale.status}, not 409"
    text = html.unescape(stale.body)
    assert "not saved" in text, "the 409 page does not say the change was not saved"
    assert "rita" in text, "the 409 page does not say who changed the claim"
    assert 'badge badge--sourced">sourced<' in stale.body, "the 409 page does not show 'sourced'"
    assert claim_in_db(live_server, claim_id) == {
        "status": "sourced",
        "version": 2,
        "updated_by": "rita",
    }


def test_409_for_htmx_is_the_claim_row_and_htmx_is_configured_to_swap_it(
    live_server, live_reviewers, fresh_claims
):
    first, second = live_reviewers["rosa"], live_reviewers["remi"]
    (claim_id,) = fresh_claims(1)
    page = second.get(f"/claims/{claim_id}")
    assert (
        first.post(
            f"/claims/{claim_id}/status", {"status": "sourced", "version": "1"}, headers=HTMX
        ).status
        == 200
    )

    stale = second.post(
        f"/claims/{claim_id}/status", {"status": "disputed", "version": "1"}, headers=HTMX
    )
    assert stale.status == 409
    assert stale.headers.get("vary") == "HX-Request"
    row = stale.body.lstrip()
    assert row.startswith(f'<li class="claim claim--sourced" id="claim-{claim_id}"'), (
        f"the htmx 409 answer is not the claim row partial: {row[:200]!r}"
    )
    assert "<html" not in row and "not saved" in row and "rosa" in row
    # The row's own status form carries the new version, so choosing again is not stale.
    assert '<input type="hidden" name="version" value="2">' in row

    assert "/static/htmx-config.js" in page.body
    config = htmx_config(second.get("/static/htmx-config.js").body)
    rule = first_response_rule(config, 409)
    assert rule is not None and rule["swap"] is True and rule.get("error") is False, (
        f"htmx would not swap a 409 into the page: {rule}"
    )
    assert claim_in_db(live_server, claim_id)["status"] == "sourced"


# --- 20 threads × 50 writes ------------------------------------------------------------------


def test_1000_concurrent_notes_are_all_kept(live_server, live_reviewers, fresh_claims):
    claim_ids = fresh_claims(8)
    sessions = list(live_reviewers.values())
    run = uuid.uuid4().hex[:8]

    def write_notes(thread):
        reviewer = sessions[thread % len(sessions)]
        htmx = thread % 2 == 0  # half the threads write as htmx, half as plain forms
        replies = []
        for write in range(WRITES_PER_THREAD):
            claim_id = claim_ids[(thread + write) % len(claim_ids)]
            body = f"storm {run} thread {thread:02d} write {write:02d}"
            reply = reviewer.post(
                f"/claims/{claim_id}/notes", {"body": body}, headers=HTMX if htmx else None
            )
            replies.append((htmx, body, reply))
        return replies

    started = time.monotonic()
    replies = [reply for batch in run_threads(THREADS, write_notes) for reply in batch]
    elapsed = time.monotonic() - started

    assert len(replies) == THREADS * WRITES_PER_THREAD
    unexpected = [
        (htmx, reply.status) for htmx, _, reply in replies if reply.status != (200 if htmx else 303)
    ]
    assert not unexpected, f"{len(unexpected)} writes did not succeed, e.g. {unexpected[:5]}"
    locked = [reply.body[:300] for _, _, reply in replies if "database is locked" in reply.body]
    assert not locked, f"'database is locked' reached a reviewer: {locked[0]}"
    missing_from_partial = [
        body for htmx, body, reply in replies if htmx and body not in reply.body
    ]
    assert not missing_from_partial, "an htmx answer does not show the note just added"

    database = live_server.database()
    try:
        placeholders = ", ".join("?" for _ in claim_ids)
        stored = [
            row[0]
            for row in database.execute(
                f"select body from notes where claim_id in ({placeholders})", claim_ids
            )
        ]
        history = database.execute(
            f"select count(*) from history where action = 'note' and claim_id in ({placeholders})",
            claim_ids,
        ).fetchone()[0]
    finally:
        database.close()
    assert sorted(stored) == sorted(body for _, body, _ in replies), "notes lost or duplicated"
    assert history == THREADS * WRITES_PER_THREAD
    print(f"{len(replies)} notes over HTTP in {elapsed:.1f} s")


def test_1000_concurrent_status_changes_each_leave_one_history_row(
    live_server, live_reviewers, fresh_claims
):
    # One claim per thread, alternating sourced/disputed with no version sent: every
    # write changes the status, so every 303 must be exactly one effect.
    claim_ids = fresh_claims(THREADS)
    sessions = list(live_reviewers.values())
    statuses = ("sourced", "disputed")

    def flip(thread):
        reviewer = sessions[thread % len(sessions)]
        return [
            reviewer.post(f"/claims/{claim_ids[thread]}/status", {"status": statuses[write % 2]})
            for write in range(WRITES_PER_THREAD)
        ]

    replies = [reply for batch in run_threads(THREADS, flip) for reply in batch]

    codes = sorted({reply.status for reply in replies})
    assert codes == [303], f"status changes answered {codes}"
    assert not any("database is locked" in reply.body for reply in replies)
    database = live_server.database()
    try:
        placeholders = ", ".join("?" for _ in claim_ids)
        history = list(
            database.query(
                f"select claim_id, before, after from history where action = 'status' "
                f"and claim_id in ({placeholders}) order by id",
                claim_ids,
            )
        )
        claims = {
            row["id"]: row
            for row in database.query(
                f"select id, status, version from claims where id in ({placeholders})", claim_ids
            )
        }
    finally:
        database.close()
    assert (
        len(history)
        == sum(reply.status == 303 for reply in replies)
        == (THREADS * WRITES_PER_THREAD)
    )
    for claim_id in claim_ids:
        changes = [
            (json.loads(row["before"])["status"], json.loads(row["after"])["status"])
            for row in history
            if row["claim_id"] == claim_id
        ]
        expected = [("unverified", "sourced")] + [
            (statuses[(write + 1) % 2], statuses[write % 2])
            for write in range(1, WRITES_PER_THREAD)
        ]
        assert changes == expected, f"claim {claim_id}: history is not every flip, in order"
        assert (claims[claim_id]["status"], claims[claim_id]["version"]) == (
            statuses[(WRITES_PER_THREAD - 1) % 2],
            WRITES_PER_THREAD + 1,
        )


# --- notes at the same moment, and the history ----------------------------------------------


def test_two_notes_added_at_the_same_moment_are_both_kept(
    live_server, live_reviewers, fresh_claims
):
    (claim_id,) = fresh_claims(1)
    pair = [live_reviewers["rita"], live_reviewers["ravi"]]
    rounds = 5

    for round_number in range(rounds):
        barrier = threading.Barrier(2, timeout=10)

        def add(index, barrier=barrier, round_number=round_number):
            barrier.wait()
            return pair[index].post(
                f"/claims/{claim_id}/notes", {"body": f"round {round_number} by {pair[index].name}"}
            )

        assert [reply.status for reply in run_threads(2, add)] == [303, 303]

    database = live_server.database()
    try:
        notes = sorted(
            (row["author"], row["body"])
            for row in database.query(
                "select author, body from notes where claim_id = ?", [claim_id]
            )
        )
        logged = database.execute(
            "select count(*) from history where claim_id = ? and action = 'note'", [claim_id]
        ).fetchone()[0]
    finally:
        database.close()
    assert notes == sorted(
        (reviewer.name, f"round {number} by {reviewer.name}")
        for number in range(rounds)
        for reviewer in pair
    )
    assert logged == 2 * rounds


def test_every_change_leaves_a_history_row_with_who_when_in_utc_and_old_to_new(
    live_server, live_reviewers, fresh_claims
):
    (claim_id,) = fresh_claims(1)
    started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    changes = [("rita", "sourced"), ("ravi", "disputed"), ("rosa", "unverified")]
    for name, status in changes:
        reviewer = live_reviewers[name]
        version = str(reviewer.claim_version(claim_id))
        reply = reviewer.post(f"/claims/{claim_id}/status", {"status": status, "version": version})
        assert reply.status == 303, f"{name} setting {status} gave {reply.status}"
    assert (
        live_reviewers["remi"]
        .post(f"/claims/{claim_id}/notes", {"body": "Checked the gauge log."})
        .status
        == 303
    )
    finished = datetime.datetime.now(datetime.UTC)

    database = live_server.database()
    try:
        rows = list(
            database.query(
                "select actor, action, before, after, at from history where claim_id = ? "
                "order by id",
                [claim_id],
            )
        )
    finally:
        database.close()
    assert [(row["actor"], row["action"]) for row in rows] == [
        ("rita", "status"),
        ("ravi", "status"),
        ("rosa", "status"),
        ("remi", "note"),
    ]
    for row in rows:
        assert UTC_STAMP.fullmatch(row["at"]), f"{row['at']!r} is not ISO 8601 UTC ending in Z"
        moment = datetime.datetime.strptime(row["at"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.UTC
        )
        assert started <= moment <= finished, f"{row['at']} is not the time of the change (UTC)"
    old_to_new = [
        (json.loads(row["before"])["status"], json.loads(row["after"])["status"])
        for row in rows[:3]
    ]
    assert old_to_new == [
        ("unverified", "sourced"),
        ("sourced", "disputed"),
        ("disputed", "unverified"),
    ]
    assert rows[3]["before"] is None
    assert json.loads(rows[3]["after"])["body"] == "Checked the gauge log."
