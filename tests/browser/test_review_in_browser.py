"""Reviewing in a real browser: what a person sees in Chromium, served by `workbench serve`.

Each test imports an article of its own (unique text) unless it looks at the sample, which
no test changes, so the counts a test asserts do not depend on the other tests.
"""

import csv
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

from workbench.cli.server import SAMPLE_TITLE

pytestmark = pytest.mark.browser

SAMPLE_CLAIMS = 17
SITE = "Claim workbench"


# --- helpers: what a reviewer does ------------------------------------------------------


def open_article(page, article):
    """Go to the article's claim list and check htmx is running on it."""
    page.goto(article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    assert_htmx_loaded(page)


def assert_htmx_loaded(page):
    assert page.evaluate("typeof window.htmx === 'object'"), (
        f"htmx did not run on {page.url}: the browser refused the script (SRI hash "
        "workbench.web.app.HTMX_INTEGRITY does not match HTMX_FILE, or the CSP blocks the CDN). "
        "The console errors are printed in the captured output."
    )


def claim_row(page, position):
    """The claim row at `position` (1-based), found by its id so it survives a swap."""
    row_id = page.locator("li.claim").nth(position - 1).get_attribute("id")
    return page.locator(f"li#{row_id}")


def claim_id_of(row):
    return int(row.get_attribute("id").removeprefix("claim-"))


def status_button(row, status):
    return row.get_by_role("button", name=status.capitalize(), exact=True)


def has_status(status):
    return re.compile(rf"(^|\s)claim--{status}(\s|$)")


def set_status(row, status):
    """Click a status button and wait for the row to show it."""
    status_button(row, status).click()
    expect(row).to_have_class(has_status(status))


def open_panel(row):
    """Open the row's notes, evidence and history (its "n notes · n evidence" link)."""
    row.locator("a.claim__more").click()
    expect(row.locator(".claim__panel h3").first).to_be_visible()


def add_note(row, text):
    open_panel(row)
    row.locator("textarea[name=body]").fill(text)
    row.get_by_role("button", name="Save note").click()
    expect(row.locator(".note__body")).to_contain_text([text])


def mark_document(page):
    """Leave a mark in this document; a reload or navigation wipes it."""
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page, what):
    assert page.evaluate("window.__marker") == 1, (
        f"{what} reloaded the page; htmx should have swapped the claim row in place"
    )


# --- the article list --------------------------------------------------------------------


def test_home_page_lists_the_sample_article_with_no_claims_reviewed(page, server):
    page.goto(server + "/")
    card = page.locator(".article-card").filter(
        has=page.get_by_role("link", name=SAMPLE_TITLE, exact=True)
    )
    expect(card).to_have_count(1)
    expect(card.locator(".progress__caption strong")).to_have_text(f"0 / {SAMPLE_CLAIMS}")

    card.get_by_role("link", name=SAMPLE_TITLE, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_TITLE)
    expect(page.locator("li.claim")).to_have_count(SAMPLE_CLAIMS)


def test_importing_a_pasted_article_asks_to_log_in_then_lists_its_claims(
    new_page, server, credentials, unique_sentences
):
    page = new_page(user=None)
    sentences = unique_sentences(4)
    username, password = credentials("carla")  # an admin: only admins import

    page.goto(server + "/articles/new")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Import an article")).to_be_visible()
    page.get_by_label("Article text").fill(" ".join(sentences))
    page.get_by_role("button", name="Import and split into claims").click()

    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    expect(page.locator("#messages")).to_contain_text("Imported 4 claims.")
    expect(page.locator("li.claim .claim__text")).to_have_text(list(sentences))


# --- tagging claims ------------------------------------------------------------------------


def test_tagging_a_claim_swaps_its_row_and_the_progress_bar_without_reloading(page, import_article):
    article = import_article(4)
    open_article(page, article)
    mark_document(page)
    page.evaluate("""() => {
        document.querySelector('.progress').__kept = true;
        document.querySelectorAll('li.claim').forEach(li => { li.__kept = true; });
    }""")
    row = claim_row(page, 2)
    # Drawn with the pressed button's state alone; the script says the others are not.
    expect(status_button(row, "sourced")).to_have_attribute("aria-pressed", "false")
    expect(status_button(row, "unverified")).to_have_attribute("aria-pressed", "true")

    status_button(row, "sourced").click()

    expect(row).to_have_class(has_status("sourced"))
    expect(status_button(row, "sourced")).to_have_attribute("aria-pressed", "true")
    expect(status_button(row, "unverified")).to_have_attribute("aria-pressed", "false")
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
    assert_not_reloaded(page, "Clicking “Sourced”")
    kept = page.evaluate("""() => ({
        progress: document.querySelector('.progress').__kept === true,
        rows: [...document.querySelectorAll('li.claim')].map(li => li.__kept === true),
    })""")
    assert kept == {"progress": False, "rows": [True, False, True, True]}, (
        "claim row 2 and the progress bar (out of band) should have been replaced, the "
        f"other rows kept as the same elements: {kept}"
    )
    expect(page.locator("#progress .progress__caption strong")).to_have_text("1 / 4")


def test_tagging_a_claim_without_javascript_posts_the_form_and_redirects(
    new_page, reviewer, import_article
):
    article = import_article(3)
    page = new_page(user=reviewer, javascript=False)
    page.goto(article.url)
    row = claim_row(page, 2)
    claim_id = claim_id_of(row)

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        status_button(row, "disputed").click()

    assert posted.value.status == 303, (
        f"a plain form post should be answered with a 303 redirect, got {posted.value.status}"
    )
    expect(page).to_have_url(f"{article.url}#claim-{claim_id}")
    expect(row).to_have_class(has_status("disputed"))
    expect(status_button(row, "disputed")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".claim__more")).to_contain_text(f"by {reviewer}")
    expect(page.locator("#messages")).to_contain_text("Set claim 2 to “disputed”.")
    expect(page.locator("#messages").get_by_role("button", name="Undo")).to_be_visible()


def test_adding_a_note_shows_it_under_the_claim_without_reloading(page, reviewer, import_article):
    article = import_article(3)
    open_article(page, article)
    mark_document(page)
    row = claim_row(page, 1)
    note = "Council minutes of 3 March confirm the vote, page 4."

    open_panel(row)
    row.get_by_label("Note on claim 1").fill(note)
    row.get_by_role("button", name="Save note").click()

    expect(row.locator(".note__body")).to_have_text([note])
    expect(row.locator(".note__who")).to_have_text([reviewer])
    expect(row.locator(".claim__more")).to_contain_text("1 note · 0 evidence")
    assert_not_reloaded(page, "Saving a note")


def test_status_filter_shows_only_claims_of_that_status(page, import_article):
    article = import_article(4)
    open_article(page, article)
    set_status(claim_row(page, 1), "sourced")
    set_status(claim_row(page, 2), "disputed")
    set_status(claim_row(page, 3), "sourced")

    page.locator("nav.filters a.filters__sourced").click()

    expect(page).to_have_url(f"{article.url}?status=sourced")
    sourced_tab = page.locator("nav.filters a.filters__sourced")
    expect(sourced_tab).to_have_attribute("aria-current", "page")
    expect(sourced_tab.locator(".filters__n")).to_have_text("2")
    expect(page.locator("li.claim")).to_have_count(2)
    expect(page.locator("li.claim .claim__text")).to_have_text(
        [article.sentences[0], article.sentences[2]]
    )
    for row in page.locator("li.claim").all():
        expect(row).to_have_class(has_status("sourced"))


# --- what reviewing produces ---------------------------------------------------------------

EXPORT_COLUMNS = (
    "article_id",
    "article_title",
    "claim_id",
    "position",
    "claim",
    "status",
    "notes",
    "updated_by",
    "updated_at",
)


def test_csv_export_has_the_status_reviewer_and_note_set_in_the_browser(
    page, reviewer, import_article
):
    article = import_article(3)
    open_article(page, article)
    row = claim_row(page, 2)
    claim_id = claim_id_of(row)
    set_status(row, "disputed")
    add_note(row, "The budget in the council papers is 3.1 million euros.")

    page.get_by_role("navigation", name="Article views").get_by_text("Export").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="CSV", exact=True).click()

    download = downloading.value
    assert re.fullmatch(
        r"brindlemoor-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    ), f"the file should be named after the article and the day: {download.suggested_filename}"
    with open(download.path(), newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    missing = set(EXPORT_COLUMNS) - set(reader.fieldnames)
    assert not missing, f"the CSV header {reader.fieldnames} lacks {sorted(missing)}"
    assert [r["claim"] for r in rows] == list(article.sentences)
    exported = next(r for r in rows if r["claim_id"] == str(claim_id))
    assert exported["status"] == "disputed"
    assert exported["updated_by"] == reviewer
    assert exported["updated_at"], "the time of the change is missing"
    assert (
        f"{reviewer}: The budget in the council papers is 3.1 million euros." in exported["notes"]
    ), f"the note or its author is missing: {exported['notes']!r}"
    untouched = [r for r in rows if r["claim_id"] != str(claim_id)]
    assert all(r["status"] == "unverified" and r["notes"] == "" for r in untouched)


def test_full_text_view_highlights_every_claim_in_its_status_colour(page, import_article):
    article = import_article(5)
    open_article(page, article)
    row = claim_row(page, 2)
    claim_id = claim_id_of(row)
    set_status(row, "sourced")

    page.get_by_role("navigation", name="Article views").get_by_role(
        "link", name="Full text", exact=True
    ).click()

    highlights = page.locator("article.fulltext a.hl")
    expect(highlights).to_have_count(len(article.sentences))
    expect(highlights).to_have_text(list(article.sentences))
    tagged = page.locator(f"article.fulltext a.hl[href='/claims/{claim_id}']")
    expect(tagged).to_have_class(re.compile(r"(^|\s)hl--sourced(\s|$)"))
    expect(page.locator("article.fulltext a.hl--unverified")).to_have_count(
        len(article.sentences) - 1
    )


# --- two reviewers -------------------------------------------------------------------------


def test_a_stale_status_change_is_refused_in_place_and_keeps_the_first_reviewers_value(
    page, reviewer, new_page, import_article
):
    article = import_article(3)
    other = new_page(user="bruno")
    # Bruno's live updates are cut off, so his page stays stale whatever the timing: the
    # version check on save must refuse his change all the same.
    other.route("**/articles/*/events*", lambda route: route.abort())
    open_article(page, article)
    open_article(other, article)  # Bruno's page now shows claim 1 as unverified: stale
    mark_document(other)

    set_status(claim_row(page, 1), "sourced")
    stale_row = claim_row(other, 1)
    status_button(stale_row, "disputed").click()

    alert = stale_row.get_by_role("alert")
    expect(alert).to_contain_text(f"{reviewer} changed this claim to “sourced”")
    expect(alert).to_contain_text("your change was not saved")
    expect(stale_row).to_have_class(has_status("sourced"))
    expect(status_button(stale_row, "sourced")).to_have_attribute("aria-pressed", "true")
    assert_not_reloaded(other, "A refused status change")

    other.reload()
    expect(claim_row(other, 1)).to_have_class(has_status("sourced"))
    expect(claim_row(other, 1).locator(".claim__more")).to_contain_text(f"by {reviewer}")


# --- the pages as a whole ------------------------------------------------------------------


def test_article_page_runs_htmx_without_csp_or_sri_errors(page, import_article, console_errors):
    article = import_article(3)
    response = page.goto(article.url)
    assert "script-src" in response.headers.get("content-security-policy", ""), (
        "the article page is served without a Content-Security-Policy"
    )
    assert_htmx_loaded(page)

    set_status(claim_row(page, 1), "sourced")
    add_note(claim_row(page, 2), "Checked against the council's press release.")

    assert console_errors == [], (
        "the article page logged errors (a CSP violation or an SRI failure shows up here): "
        f"{console_errors}"
    )


@pytest.fixture
def screenshot_dir(tmp_path):
    directory = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_every_page_shows_its_title_and_is_saved_as_a_screenshot(
    new_page, import_article, screenshot_dir
):
    page = new_page(user="carla")  # an admin, who also sees the import page
    article = import_article(6, title="Brindlemoor council approves a footbridge over the Wend")
    titles = {}

    def shoot(name):
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0, f"the screenshot {path} is empty"
        titles[name] = page.title()
        print("screenshot:", path)

    open_article(page, article)
    set_status(claim_row(page, 1), "sourced")
    set_status(claim_row(page, 2), "sourced")
    set_status(claim_row(page, 4), "disputed")
    add_note(claim_row(page, 4), "The council's flood report says the bank floods rarely.")
    page.reload()
    shoot("article")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    expect(page.get_by_role("heading", name="Articles", exact=True)).to_be_visible()
    shoot("home")

    page.get_by_role("link", name=article.title, exact=True).click()
    page.get_by_role("navigation", name="Article views").get_by_role(
        "link", name="Full text", exact=True
    ).click()
    expect(page.locator("article.fulltext a.hl--disputed")).to_have_count(1)
    shoot("article-text")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import an article")).to_be_visible()
    shoot("import")

    page.goto(article.url)
    claim_row(page, 4).locator("a.claim__pos").click()
    expect(page.get_by_role("heading", name="Claim 4", exact=True)).to_be_visible()
    shoot("claim")

    # Every page is shot before the titles are compared, so a wrong title still leaves
    # all the screenshots to look at.
    assert titles == {
        "home": f"Articles · {SITE}",
        "article": f"{article.title} · {SITE}",
        "article-text": f"{article.title} · full text · {SITE}",
        "import": f"Import an article · {SITE}",
        "claim": f"Claim 4 · {article.title} · {SITE}",
    }
