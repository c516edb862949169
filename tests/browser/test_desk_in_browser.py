"""The desk in a real browser: two reviewers on one article see each other's changes and
presence without reloading; a blind double review runs to adjudication and an approved
export. Served by `workbench serve` (gunicorn), so the event stream crosses real threads.
"""

import csv
import io
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LIVE_MS = 4_000  # the issue asks for 2 s; a loaded shared CI machine gets some slack


def open_article(page, article):
    page.goto(article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not load"
    assert page.evaluate("!!(window.htmx && htmx.createEventSource)"), (
        "the SSE extension did not load (SRI hash HTMX_SSE_INTEGRITY, or the CSP)"
    )
    # The stream is open before the test acts, so nothing is missed by timing.
    expect(page.locator(".live[sse-connect]")).to_have_count(1)
    page.wait_for_function("() => document.querySelector('.live[sse-connect]') !== null")


def row(page, position):
    row_id = page.locator("li.claim").nth(position - 1).get_attribute("id")
    return page.locator(f"li#{row_id}")


def has_status(status):
    return re.compile(rf"(^|\s)claim--{status}(\s|$)")


def set_status(claim_row, status):
    claim_row.get_by_role("button", name=status.capitalize(), exact=True).click()
    expect(claim_row).to_have_class(has_status(status))


def wait_for_stream(page):
    """Until the page's EventSource is open (readyState 1). A function, not an expression:
    Playwright polls an expression with eval, which the page's CSP refuses whenever the
    first look comes too early (a function is called as it is)."""
    page.wait_for_function(
        "() => { const e = document.querySelector('.live[sse-connect]');"
        " const d = e && htmx.createEventSource && e['htmx-internal-data'];"
        " return d && d.sseEventSource && d.sseEventSource.readyState === 1; }"
    )


def test_one_reviewers_change_appears_on_the_others_page_without_reload(new_page, import_article):
    article = import_article(4, title="Two reviewers, one bridge")
    ana_errors, bruno_errors = [], []
    ana = new_page(user="ana", errors=ana_errors)
    bruno = new_page(user="bruno", errors=bruno_errors)
    open_article(ana, article)
    open_article(bruno, article)
    wait_for_stream(ana)
    ana.evaluate("window.__marker = 1")
    # Presence: each sees the other, and the claim they are on.
    row(bruno, 3).focus()
    expect(ana.locator("#presence")).to_contain_text("bruno", timeout=12_000)
    expect(ana.locator("#presence")).to_contain_text("on 3", timeout=12_000)
    set_status(row(bruno, 2), "disputed")
    expect(row(ana, 2)).to_have_class(has_status("disputed"), timeout=LIVE_MS)
    expect(ana.locator("#count-disputed")).to_have_text("1")
    assert ana.evaluate("window.__marker") == 1, "ana's page was reloaded"
    # The version check still holds: ana's next click on that row uses the new version.
    set_status(row(ana, 2), "sourced")
    expect(row(bruno, 2)).to_have_class(has_status("sourced"), timeout=LIVE_MS)
    assert ana_errors == [] and bruno_errors == []


def test_a_reader_who_closes_the_page_leaves_the_others_presence_line(new_page, import_article):
    # Before, a closed page stayed "Also here" until its heartbeat expired (30 s); the
    # line is checked well inside that, with room for a loaded machine.
    article = import_article(3, title="Who is still here")
    ana, edith = new_page(user="ana"), new_page(user="edith")
    open_article(edith, article)
    wait_for_stream(edith)
    open_article(ana, article)
    expect(edith.locator("#presence")).to_contain_text("ana", timeout=12_000)

    ana.close()

    expect(edith.locator("#presence")).not_to_contain_text("ana", timeout=15_000)


def test_a_claim_of_a_page_loaded_later_gets_others_changes_too(new_page, import_long_article):
    # Rows are drawn without their event; the script gives it them, also to the rows of a
    # next page that htmx adds when the list is scrolled to its end.
    url, title = import_long_article(102)
    ana_errors = []
    ana, bruno = new_page(user="ana", errors=ana_errors), new_page(user="bruno")
    ana.goto(url)
    expect(ana.get_by_role("heading", level=1)).to_have_text(title)
    wait_for_stream(ana)
    ana.locator("li.claims__more").scroll_into_view_if_needed()
    expect(ana.locator("li.claim")).to_have_count(102)
    bruno.goto(f"{url}?page=2")
    set_status(bruno.locator("li.claim").first, "disputed")

    late = ana.locator("li.claim").nth(100)
    expect(late).to_have_class(has_status("disputed"), timeout=LIVE_MS)
    set_status(bruno.locator("li.claim").nth(1), "sourced")
    expect(ana.locator("li.claim").nth(101)).to_have_class(has_status("sourced"), timeout=LIVE_MS)
    assert ana_errors == []


def test_a_blind_double_review_runs_to_adjudication_and_an_approved_export(
    new_page, import_article, api
):
    article = import_article(3, title="A blind review of a bridge")
    editor = new_page(user="edith")
    editor.goto(f"{article.url}/desk")
    editor.get_by_label("yes").check()
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".flash--success")).to_contain_text("need approval")
    blind_form = editor.locator("form", has=editor.get_by_role("button", name="Start a blind"))
    blind_form.get_by_label("ana").check()
    blind_form.get_by_label("bruno").check()
    blind_form.get_by_role("button", name="Start a blind double review").click()
    expect(editor.locator(".flash--success")).to_contain_text("Blind double review started")

    ana, bruno = new_page(user="ana"), new_page(user="bruno")
    open_article(ana, article)
    open_article(bruno, article)
    expect(ana.locator(".blind-banner")).to_contain_text("private until every reviewer is done")
    for position, status in ((1, "sourced"), (2, "disputed"), (3, "sourced")):
        set_status(row(ana, position), status)
    # ana's note, private: bruno's page and panel never show it or her statuses.
    panel_link = row(ana, 2).locator("a.claim__more")
    panel_link.click()
    row(ana, 2).locator("textarea[name=body]").fill("The budget line says otherwise.")
    row(ana, 2).get_by_role("button", name="Save my note").click()
    expect(row(ana, 2).locator(".note--blind")).to_have_text("The budget line says otherwise.")
    bruno.reload()
    for position in (1, 2, 3):
        expect(row(bruno, position)).to_have_class(has_status("unverified"))
    row(bruno, 2).locator("a.claim__more").click()
    expect(row(bruno, 2).locator(".claim__panel")).not_to_contain_text("budget line")
    for position in (1, 2, 3):
        set_status(row(bruno, position), "sourced")

    editor.goto(f"{article.url}/adjudication")
    expect(editor.locator(".agreement-table")).to_contain_text("67%")
    item = editor.locator("li.adjudication")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("The budget line says otherwise.")
    expect(item.locator(".adjudication__reviewer")).to_have_count(2)
    item.get_by_label("Why (kept in the history)").fill("The budget line is the primary source.")
    item.get_by_role("button", name="Disputed").click()
    expect(item).to_contain_text("your ruling is recorded")

    editor.goto(f"{article.url}/desk")
    editor.get_by_role("button", name=re.compile(r"Approve all 2 proposed")).click()
    expect(editor.locator(".flash--success")).to_contain_text("Approved 2 proposed decisions")
    export = api.get(f"{article.url}/export.csv")
    rows = list(csv.DictReader(io.StringIO(export.text())))
    assert [(r["status"], r["decision_state"]) for r in rows] == [
        ("sourced", "approved"),
        ("disputed", "approved"),
        ("sourced", "approved"),
    ]


def start_blind_review(editor, article, reviewers):
    editor.goto(f"{article.url}/desk")
    blind_form = editor.locator("form", has=editor.get_by_role("button", name="Start a blind"))
    for name in reviewers:
        blind_form.get_by_label(name).check()
    blind_form.get_by_role("button", name="Start a blind double review").click()
    expect(editor.locator(".flash--success")).to_contain_text("Blind double review started")


def test_the_blind_reviews_figures_follow_on_every_open_page(new_page, import_article, tmp_path):
    """Blind decisions are private and kept out of the history, so the live pages never
    heard of them: bruno and the editor read "Done: ana 0/3" until they reloaded, and the
    progress bar stayed as it was at the reveal. Now every open page follows, with counts
    only."""
    article = import_article(3, title="A blind review, followed live")
    errors = {"ana": [], "bruno": [], "edith": []}
    editor = new_page(user="edith", errors=errors["edith"])
    start_blind_review(editor, article, ["ana", "bruno"])
    ana = new_page(user="ana", errors=errors["ana"])
    bruno = new_page(user="bruno", errors=errors["bruno"])
    for page in (editor, ana, bruno):
        open_article(page, article)
        wait_for_stream(page)
        page.evaluate("window.__marker = 1")
    expect(bruno.locator("#blind-banner")).to_contain_text("Done: ana 0/3, bruno 0/3.")

    set_status(row(ana, 1), "disputed")

    for page in (bruno, editor):
        expect(page.locator("#blind-banner")).to_contain_text(
            "Done: ana 1/3, bruno 0/3.", timeout=LIVE_MS
        )
        # Nothing of ana's choice: the row and the progress bar are as they were.
        expect(row(page, 1)).to_have_class(has_status("unverified"))
        expect(page.locator("#progress")).to_contain_text("0 / 3 reviewed")
    expect(bruno.locator("#blind-banner")).to_contain_text("your statuses and notes stay private")
    shots = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    bruno.screenshot(path=str(shots / "blind-line-open.png"))

    set_status(row(ana, 2), "sourced")
    set_status(row(ana, 3), "sourced")
    for position in (1, 2):
        set_status(row(bruno, position), "sourced")
    expect(editor.locator("#blind-banner")).to_contain_text(
        "Done: ana 3/3, bruno 2/3.", timeout=LIVE_MS
    )
    set_status(row(bruno, 3), "sourced")  # the last decision: everything is revealed

    # The editor's page: the agreed claims' progress, and what is left to rule on.
    expect(editor.locator("#progress")).to_contain_text("2 / 3 reviewed", timeout=LIVE_MS)
    expect(editor.locator("#blind-banner")).to_contain_text(
        "finished: 1 of 1 disagreement left to adjudicate (adjudicate)."
    )
    expect(ana.locator("#blind-banner")).to_contain_text("1 of 1 disagreement", timeout=LIVE_MS)
    editor.screenshot(path=str(shots / "blind-line-revealed.png"))

    ruling = new_page(user="edith", errors=errors["edith"])
    ruling.goto(f"{article.url}/adjudication")
    item = ruling.locator("li.adjudication")
    item.get_by_label("Why (kept in the history)").fill("The report names no source.")
    item.get_by_role("button", name="Disputed").click()
    expect(item).to_contain_text("your ruling is recorded")

    expect(editor.locator("#blind-banner")).to_have_count(0, timeout=LIVE_MS)
    expect(editor.locator("#progress")).to_contain_text("3 / 3 reviewed", timeout=LIVE_MS)
    for page in (editor, ana, bruno):
        assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    # Without JavaScript's help, a reload draws the same figures.
    bruno.reload()
    expect(bruno.locator("#progress")).to_contain_text("3 / 3 reviewed")
    expect(bruno.locator("#blind-banner")).to_have_count(0)
    assert errors == {"ana": [], "bruno": [], "edith": []}


def test_a_refused_click_stays_explained_when_the_live_update_for_it_arrives(
    new_page, import_article
):
    """With JavaScript, bruno's stale click was answered 409 with the explanation in the
    row, and the live update of ana's change replaced the row about 60 ms later: bruno
    saw ana's status and never learned his click was refused. The refusal stays until he
    acts there; then the row is live again."""
    article = import_article(3, title="Two reviewers, one refusal")
    ana, bruno = new_page(user="ana"), new_page(user="bruno")
    # Bruno's stream is held back until his click is refused, so the event of ana's
    # change arrives after the 409 whatever the timing: the order the attack run saw.
    held = {"back": True}
    bruno.route(
        "**/articles/*/events*",
        lambda route: route.abort() if held["back"] else route.continue_(),
    )
    open_article(ana, article)
    open_article(bruno, article)
    bruno.evaluate(
        "() => { window.__delivered = []; document.addEventListener("
        "'htmx:sseBeforeMessage', (event) => window.__delivered.push(event.target.id)); }"
    )
    stale = row(bruno, 1)
    stale_id = stale.get_attribute("id")
    set_status(row(ana, 1), "sourced")
    stale.get_by_role("button", name="Disputed", exact=True).click()
    alert = stale.get_by_role("alert")
    expect(alert).to_contain_text("ana changed this claim to “sourced”")
    expect(alert).to_contain_text("your change was not saved")

    held["back"] = False  # the stream reconnects (htmx retries) and delivers ana's change
    wait_for_stream(bruno)
    bruno.wait_for_function(f"() => window.__delivered.includes({stale_id!r})", timeout=LIVE_MS * 4)
    for _ in range(3):  # still there after the event, and a while after it
        expect(alert).to_contain_text("your change was not saved")
        bruno.wait_for_timeout(500)
    expect(stale).to_have_class(has_status("sourced"))

    # Bruno acts: his choice is saved on the claim as it is now, and the row is live again.
    set_status(stale, "disputed")
    expect(stale.get_by_role("alert")).to_have_count(0)
    expect(row(ana, 1)).to_have_class(has_status("disputed"), timeout=LIVE_MS)
    set_status(row(ana, 1), "unverified")
    expect(row(bruno, 1)).to_have_class(has_status("unverified"), timeout=LIVE_MS)
