"""Evidence that survives link rot: links archived by the job worker with the safe
fetcher, retried, checked again for dead, moved and changed pages, against a real HTTP
server on 127.0.0.1 (tests/fetch_server.py); no request waits for a fetch."""

import hashlib
import time

import fetch_server
import pytest
from click.testing import CliRunner

from support import sign_in
from workbench.cli import cli
from workbench.intake import archive, worker
from workbench.storage import clock

HX = {"HX-Request": "true"}
WAIT_SECONDS = 30  # how long a test waits for the worker thread before it gives up
ARTICLE = "The mayor opened the bridge on Monday. It cost $4.5 million, the city said."
PAGE_V1 = (
    b"<html><head><title>Budget 2026</title></head><body><article><p>The bridge cost 4.5 "
    b"million dollars, the budget office says.</p><p>It opened in May.</p></article></body></html>"
)
PAGE_V2 = PAGE_V1.replace(b"4.5 million", b"6.1 million")


@pytest.fixture
def server(monkeypatch):
    """The test server, allowed to evidence links (their own setting, not imports')."""
    with fetch_server.running() as running:
        monkeypatch.setenv("WORKBENCH_EVIDENCE_FETCH_ALLOW", f"127.0.0.1:{running.port}")
        monkeypatch.delenv("WORKBENCH_FETCH_ALLOW", raising=False)
        yield running


@pytest.fixture
def claim_id(admin_client, db):
    admin_client.post("/articles", data={"text": ARTICLE, "title": "Bridge"})
    return db.execute("select min(id) from claims").fetchone()[0]


def url(server, path):
    return f"http://127.0.0.1:{server.port}{path}"


def add_evidence(client, claim_id, link, headers=None):
    return client.post(
        f"/claims/{claim_id}/evidence",
        data={"url": link, "stance": "supports"},
        headers=headers or {},
    )


def run_jobs(app):
    return worker.Worker(app.config["DATABASE"], archive.JOB_HANDLERS).run_until_idle()


def wait_for(condition):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.02)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_adding_evidence_queues_its_archive_and_fetches_nothing_in_the_request(
    app, reviewer_client, db, server, claim_id, headers
):
    response = add_evidence(reviewer_client, claim_id, url(server, "/page"), headers)
    assert response.status_code == (200 if headers else 303)
    assert server.seen == [], "the request itself fetched the link"
    [job] = db.query("select kind, state, max_attempts from jobs")
    assert job == {"kind": "archive_evidence", "state": "queued", "max_attempts": 3}
    if headers:
        assert "archiving…" in response.get_data(as_text=True)


def test_the_worker_keeps_text_title_final_url_status_hash_and_time(
    app, reviewer_client, db, server, claim_id
):
    add_evidence(reviewer_client, claim_id, url(server, "/redirect?to=/page&status=301"))
    [done] = run_jobs(app)
    assert done.state == "done"
    snapshot = archive.archive_of(db, url(server, "/redirect?to=/page&status=301"))
    assert snapshot.final_url == url(server, "/page") and snapshot.http_status == 200
    assert snapshot.title == "Port reopens after storm"
    assert "the harbour master said the port reopened on Monday" in snapshot.text
    assert snapshot.sha256 == hashlib.sha256(fetch_server.PAGE).hexdigest()
    assert snapshot.fetched_at.endswith("Z") and snapshot.kind == "archive"
    panel = reviewer_client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert f'href="/links/snapshots/{snapshot.id}"' in panel
    assert f"archived {snapshot.fetched_at[:10]}" in panel
    kept = reviewer_client.get(f"/links/snapshots/{snapshot.id}").get_data(as_text=True)
    assert "the harbour master said" in kept and snapshot.sha256 in kept


def test_a_link_cited_twice_is_archived_once(app, reviewer_client, db, server, claim_id):
    add_evidence(reviewer_client, claim_id, url(server, "/page"))
    add_evidence(reviewer_client, claim_id + 1, url(server, "/page"))
    assert db.table("jobs").count == 1
    run_jobs(app)
    add_evidence(reviewer_client, claim_id + 1, url(server, "/page"))
    assert db.table("jobs").count == 1 and db.table("link_snapshots").count == 1


def test_a_link_that_fails_for_now_is_tried_again(app, reviewer_client, db, server, claim_id):
    server.pages["/flaky"] = (503, "text/html", b"busy")
    add_evidence(reviewer_client, claim_id, url(server, "/flaky"))
    [first] = run_jobs(app)
    assert (first.state, first.attempts) == ("queued", 1)
    assert "503" in first.error and db.table("link_snapshots").count == 0
    server.pages["/flaky"] = (200, "text/html", PAGE_V1)
    db.execute("update jobs set run_after = ?", [clock.stamp()])  # its backoff has passed
    [second] = run_jobs(app)
    assert (second.state, second.attempts) == ("done", 2)
    assert archive.archive_of(db, url(server, "/flaky")).title == "Budget 2026"


def test_a_dead_link_fails_at_once_and_says_why(app, reviewer_client, db, server, claim_id):
    add_evidence(reviewer_client, claim_id, url(server, "/missing"))
    [job] = run_jobs(app)
    assert (job.state, job.attempts) == ("failed", 1)
    assert job.error == "The server answered 404 Not Found."
    [row] = db.query("select http_status, error, kind from link_snapshots")
    assert row == {"http_status": 404, "error": job.error, "kind": "archive"}
    panel = reviewer_client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert 'class="link-state link-state--dead"' in panel and ">dead 20" in panel


def test_an_internal_address_is_refused_and_never_retried(
    app, reviewer_client, db, claim_id, monkeypatch
):
    monkeypatch.delenv("WORKBENCH_EVIDENCE_FETCH_ALLOW", raising=False)
    add_evidence(reviewer_client, claim_id, "http://127.0.0.1:9/secret")
    [job] = run_jobs(app)
    assert job.state == "failed" and "loopback" in job.error


def test_hosts_allowed_for_imports_are_not_reachable_through_evidence(
    app, reviewer_client, db, claim_id, monkeypatch
):
    """Import by link is for admins; any reviewer adds evidence. An internal host an admin
    allowed for imports stays out of reach of evidence links, which have their own
    allow-list (none by default)."""
    with fetch_server.running() as internal:
        monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", f"127.0.0.1:{internal.port}")
        monkeypatch.delenv("WORKBENCH_EVIDENCE_FETCH_ALLOW", raising=False)
        add_evidence(reviewer_client, claim_id, f"http://127.0.0.1:{internal.port}/page")
        [job] = run_jobs(app)
        assert internal.seen == [], "the evidence link reached a host allowed only for imports"
    assert job.state == "failed" and job.attempts == 1
    assert "WORKBENCH_EVIDENCE_FETCH_ALLOW" in job.error
    assert db.execute("select count(*) from link_snapshots where error is null").fetchone()[0] == 0


def test_a_link_to_a_name_tells_reviewers_only_that_it_is_internal(
    app, reviewer_client, db, claim_id, monkeypatch
):
    monkeypatch.delenv("WORKBENCH_EVIDENCE_FETCH_ALLOW", raising=False)
    add_evidence(reviewer_client, claim_id, "http://localhost:9/secret")
    [job] = run_jobs(app)
    assert "“localhost” leads to an internal address" in job.error
    page = reviewer_client.get("/links").get_data(as_text=True)
    assert "leads to an internal address" in page
    assert "127.0.0.1" not in page and "loopback" not in page


@pytest.mark.parametrize("path", ["/not-http", "/many-headers", "/long-header"])
def test_a_malformed_answer_fails_the_archive_with_its_reason_once(
    app, reviewer_client, db, server, claim_id, path
):
    add_evidence(reviewer_client, claim_id, url(server, path))
    [job] = run_jobs(app)
    assert (job.state, job.attempts) == ("failed", 1)
    assert "not a valid web page" in job.error and "went wrong on our side" not in job.error
    [row] = db.query("select error, kind from link_snapshots")
    assert row == {"error": job.error, "kind": "archive"}


def test_one_malformed_link_does_not_stop_the_check_of_the_others(
    db, server, claim_id, reviewer_client
):
    for path in ("/many-headers", "/not-http", "/page"):
        add_evidence(reviewer_client, claim_id, url(server, path))
    results = {r.url.rsplit("/", 1)[1]: r for r in archive.check_all(db)}
    assert {name: r.state for name, r in results.items()} == {
        "many-headers": "dead",
        "not-http": "dead",
        "page": "new",
    }
    assert "more than 100 headers" in results["many-headers"].now.error
    # and again: the malformed links are on record as dead, and the check goes on
    assert [r.state for r in archive.check_all(db)] == ["dead", "dead", "ok"]


def test_a_fetcher_that_fails_unexpectedly_fails_that_link_only(db, claim_id, reviewer_client):
    reviewer_client.post(
        f"/claims/{claim_id}/evidence", data={"url": "https://a.example/", "stance": "supports"}
    )
    reviewer_client.post(
        f"/claims/{claim_id}/evidence", data={"url": "https://b.example/", "stance": "supports"}
    )

    def fetcher(link):
        if "a.example" in link:
            raise RuntimeError("a bug in a library")
        raise archive.FetchRefused("The server answered 404 Not Found.")

    results = archive.check_all(db, fetcher)
    assert [(r.url, r.state) for r in results] == [
        ("https://a.example/", "dead"),
        ("https://b.example/", "dead"),
    ]
    assert results[0].now.error == archive.FETCH_FAILED


def test_a_check_finds_changed_moved_dead_and_unchanged_pages(
    db, server, claim_id, reviewer_client
):
    server.pages.update(
        {
            "/budget": (200, "text/html", PAGE_V1),
            "/moving": (200, "text/html", PAGE_V1),
            "/going": (200, "text/html", PAGE_V1),
            "/steady": (200, "text/html", PAGE_V1),
        }
    )
    for path in server.pages:
        add_evidence(reviewer_client, claim_id, url(server, path))
        archive.archive_link(db, url(server, path))
    server.pages["/budget"] = (200, "text/html", PAGE_V2)
    server.pages["/moving"] = (301, "text/html", b"moved", [("Location", "/steady")])
    del server.pages["/going"]
    results = {r.url.rsplit("/", 1)[1]: r for r in archive.check_all(db)}
    assert {name: r.state for name, r in results.items()} == {
        "budget": "changed",
        "moving": "moved",
        "going": "dead",
        "steady": "ok",
    }
    changed = results["budget"]
    assert ("del", "4.5") in changed.words and ("ins", "6.1") in changed.words
    assert "[-4.5-] {+6.1+}" in changed.summary()
    assert results["going"].now.http_status == 404


def test_no_request_waits_while_a_slow_fetch_runs(app, reviewer_client, db, server, claim_id):
    add_evidence(reviewer_client, claim_id, url(server, "/gate"))
    running = worker.Worker(app.config["DATABASE"], archive.JOB_HANDLERS, poll_seconds=0.05)
    running.start()
    try:
        wait_for(lambda: any(seen["path"] == "/gate" for seen in server.seen))
        # The worker is inside the fetch, and the page answer is held back: requests go on.
        article_id = db.execute(
            "select article_id from claims where id = ?", [claim_id]
        ).fetchone()[0]
        assert reviewer_client.get(f"/articles/{article_id}").status_code == 200
        assert reviewer_client.get("/links").status_code == 200
        note = reviewer_client.post(f"/claims/{claim_id}/notes", data={"body": "Checked."})
        assert note.status_code == 303
        assert db.execute("select state from jobs").fetchone()[0] == "running"
        server.gate.set()
        wait_for(lambda: db.execute("select state from jobs").fetchone()[0] == "done")
    finally:
        server.gate.set()
        running.stop(timeout=WAIT_SECONDS)
    assert archive.archive_of(db, url(server, "/gate")) is not None


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_editors_button_checks_every_link_in_a_job(
    app, reviewer_client, db, server, claim_id, headers
):
    editor_client = sign_in(app, "eda", "editor")
    server.pages["/budget"] = (200, "text/html", PAGE_V1)
    add_evidence(reviewer_client, claim_id, url(server, "/budget"))
    run_jobs(app)
    server.pages["/budget"] = (200, "text/html", PAGE_V2)
    response = editor_client.post("/links/check", headers=headers)
    job_url = response.headers["HX-Redirect" if headers else "Location"]
    assert job_url.startswith("/jobs/")
    [job] = [j for j in run_jobs(app) if j.kind == "check_links"]
    assert job.result["changed"] == 1
    landing = editor_client.get(job_url)
    assert landing.status_code == 303 and landing.headers["Location"] == "/links"
    page = editor_client.get("/links").get_data(as_text=True)
    assert 'class="link-state link-state--changed"' in page
    assert reviewer_client.get("/links").get_data(as_text=True).count("Check every link now") == 0
    assert reviewer_client.post("/links/check").status_code == 403


def test_workbench_evidence_check_reports_each_link(
    app, reviewer_client, db, server, claim_id, monkeypatch
):
    monkeypatch.setenv("WORKBENCH_DB", app.config["DATABASE"])
    server.pages["/budget"] = (200, "text/html", PAGE_V1)
    add_evidence(reviewer_client, claim_id, url(server, "/budget"))
    add_evidence(reviewer_client, claim_id, url(server, "/page"))
    archive.archive_link(db, url(server, "/budget"))
    server.pages["/budget"] = (200, "text/html", PAGE_V2)
    result = CliRunner().invoke(cli, ["evidence", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"[1/2] changed  {url(server, '/budget')}: " in lines[0] and "[-4.5-] {+6.1+}" in lines[0]
    )
    assert lines[1] == f"[2/2] archived {url(server, '/page')} (it had no archive yet)"
    assert lines[2] == "2 links: 0 ok, 1 changed, 0 moved, 0 dead, 1 new"


def test_workbench_evidence_check_reports_a_malformed_link_and_goes_on(
    app, reviewer_client, db, server, claim_id, monkeypatch
):
    monkeypatch.setenv("WORKBENCH_DB", app.config["DATABASE"])
    add_evidence(reviewer_client, claim_id, url(server, "/not-http"))
    add_evidence(reviewer_client, claim_id, url(server, "/page"))
    result = CliRunner().invoke(cli, ["evidence", "check"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code == 1  # a dead link
    lines = result.output.splitlines()
    assert lines[0].startswith(f"[1/2] dead     {url(server, '/not-http')}: ")
    assert "not a valid web page" in lines[0]
    assert lines[1] == f"[2/2] archived {url(server, '/page')} (it had no archive yet)"


@pytest.mark.parametrize("path", ["/links/snapshots/999", "/links/snapshots/abc"])
def test_unknown_snapshots_are_404(viewer_client, path):
    response = viewer_client.get(path)
    assert response.status_code == 404
    assert "Not Found" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_evidence_past_the_reviewers_limit_of_waiting_links_is_refused_and_not_stored(
    app, reviewer_client, db, server, claim_id, monkeypatch, headers
):
    """200 evidence posts in 1.6 s were all accepted and queued; now a reviewer has at
    most the limit of links waiting, and one more is refused with the form kept."""
    monkeypatch.setattr("workbench.intake.jobs.MAX_QUEUED_PER_USER", 3)
    for number in range(3):
        assert (
            add_evidence(reviewer_client, claim_id, url(server, f"/page?{number}")).status_code
            == 303
        )
    response = reviewer_client.post(
        f"/claims/{claim_id}/evidence",
        data={"url": url(server, "/page?late"), "stance": "contradicts", "title": "Late link"},
        headers=HX if headers else {},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "waiting to be fetched or run as one person may (3)" in body
    assert 'value="Late link"' in body
    assert db.table("evidence").count == 3 and db.table("jobs").count == 3
    # A link archived already costs no fetch, so it is never refused.
    run_jobs(app)
    assert add_evidence(reviewer_client, claim_id + 1, url(server, "/page?0")).status_code == 303
    # Once the waiting links are done there is room again.
    assert add_evidence(reviewer_client, claim_id, url(server, "/page?late")).status_code == 303


def test_the_check_button_past_the_limit_says_why(app, db, server, monkeypatch):
    monkeypatch.setattr("workbench.intake.jobs.MAX_QUEUED_PER_USER", 1)
    editor_client = sign_in(app, "eda", "editor")
    assert editor_client.post("/links/check").status_code == 303
    response = editor_client.post("/links/check", follow_redirects=True)
    assert "waiting to be fetched or run as one person may (1)" in response.get_data(as_text=True)
    assert db.table("jobs").count == 1
