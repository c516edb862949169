"""Keyboard-first review in a real browser: static/keys.js on the claim list.

j/k move between claims, s/d/u set a status and move on, n adds a note, e adds evidence,
/ goes to search, ? lists the keys. Each test imports an article of its own.
"""

import csv
import io
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KEYS_IN_HELP = ("j", "k", "s", "d", "u", "n", "e", "/", "?", "Esc")


# --- helpers ---------------------------------------------------------------------------


def open_article(page, article):
    page.goto(article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not run on the page"


def rows(page):
    return page.locator("li.claim")


def row_at(page, position):
    """The claim row at `position` (1-based), found by its id so it survives a swap."""
    row_id = rows(page).nth(position - 1).get_attribute("id")
    return page.locator(f"li#{row_id}")


def has_status(status):
    return re.compile(rf"(^|\s)claim--{status}(\s|$)")


def assert_status(row, status):
    expect(row).to_have_class(has_status(status))
    for button in ("sourced", "disputed", "unverified"):
        expect(row.get_by_role("button", name=button.capitalize(), exact=True)).to_have_attribute(
            "aria-pressed", "true" if button == status else "false"
        )


def announcement(page):
    return page.locator("#keys-status")


def press(page, *keys):
    for key in keys:
        page.keyboard.press(key)


def exported_rows(page):
    """The article's CSV export, fetched with the page's session."""
    href = page.get_by_role("link", name="CSV", exact=True, include_hidden=True).get_attribute(
        "href"
    )
    response = page.request.get(href)
    assert response.ok, f"the CSV export answered {response.status}"
    return list(csv.DictReader(io.StringIO(response.text())))


@pytest.fixture
def screenshot_dir(tmp_path):
    directory = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# --- a whole review ----------------------------------------------------------------------


def test_a_whole_review_by_keyboard_alone(page, reviewer, import_article, console_errors):
    article = import_article(5)
    open_article(page, article)
    first, second, third, fourth, fifth = (row_at(page, n) for n in range(1, 6))

    press(page, "j")
    expect(first).to_be_focused()
    press(page, "j")
    expect(second).to_be_focused()
    press(page, "k")
    expect(first).to_be_focused()
    outline = first.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert outline == ["solid", "3px"], f"the focused claim has no clear focus ring: {outline}"

    press(page, "s")
    assert_status(first, "sourced")
    expect(second).to_be_focused()
    expect(announcement(page)).to_have_text("Claim 1 set to sourced")

    press(page, "d")
    assert_status(second, "disputed")
    expect(third).to_be_focused()
    expect(announcement(page)).to_have_text("Claim 2 set to disputed")

    press(
        page,
        "s",
    )
    assert_status(third, "sourced")
    expect(fourth).to_be_focused()
    press(page, "k")
    expect(third).to_be_focused()
    press(page, "u")
    assert_status(third, "unverified")
    expect(fourth).to_be_focused()
    expect(announcement(page)).to_have_text("Claim 3 set to unverified")

    # n: a note on claim 4, saved with Ctrl+Enter; focus comes back to the swapped row.
    note = "Flood reports 2019-2023 say the bank floods most winters."
    press(page, "n")
    textarea = fourth.get_by_label("Note on claim 4")
    expect(textarea).to_be_visible()
    expect(textarea).to_be_focused()
    page.keyboard.type(note)
    press(page, "Control+Enter")
    expect(fourth.locator(".note__body")).to_have_text([note])
    expect(fourth.locator(".note__who")).to_have_text([reviewer])
    expect(fourth).to_be_focused()
    assert_status(fourth, "unverified")  # the s and d typed in the note changed nothing

    # e: the evidence box opens on its link field; Esc closes it and returns to the row.
    press(page, "e")
    url_field = fourth.get_by_label("Link (http or https)")
    expect(url_field).to_be_visible()
    expect(url_field).to_be_focused()
    press(page, "Escape")
    expect(url_field).to_be_hidden()
    expect(fourth).to_be_focused()

    press(page, "d")
    assert_status(fourth, "disputed")
    expect(fifth).to_be_focused()
    expect(announcement(page)).to_have_text("Claim 4 set to disputed")

    # A note on claim 5, saved by tabbing to its button.
    press(page, "n")
    expect(fifth.get_by_label("Note on claim 5")).to_be_focused()
    page.keyboard.type("Two firms named in the council minutes.")
    press(page, "Tab")
    expect(fifth.get_by_role("button", name="Save note")).to_be_focused()
    press(page, "Enter")
    expect(fifth.locator(".note__body")).to_have_text(["Two firms named in the council minutes."])
    expect(fifth).to_be_focused()

    press(page, "s")  # the last claim: it is set, and focus stays on it
    assert_status(fifth, "sourced")
    expect(fifth).to_be_focused()
    expect(announcement(page)).to_have_text("Claim 5 set to sourced")

    press(page, "?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    press(page, "Escape")
    expect(dialog).to_be_hidden()

    page.reload()
    expected = ["sourced", "disputed", "unverified", "disputed", "sourced"]
    for position, status in enumerate(expected, start=1):
        assert_status(row_at(page, position), status)
    exported = {r["claim"]: r for r in exported_rows(page)}
    assert [exported[s]["status"] for s in article.sentences] == expected
    assert all(exported[s]["updated_by"] == reviewer for s in article.sentences)
    assert f"{reviewer}: {note}" in exported[article.sentences[3]]["notes"]
    assert "Two firms named" in exported[article.sentences[4]]["notes"]
    assert console_errors == [], f"the page logged errors (CSP?): {console_errors}"


# --- one behaviour each ----------------------------------------------------------------


def test_typing_in_a_note_or_holding_a_modifier_fires_no_shortcut(page, import_article):
    article = import_article(3)
    open_article(page, article)
    first = row_at(page, 1)
    press(page, "j", "n")
    textarea = first.get_by_label("Note on claim 1")
    expect(textarea).to_be_focused()

    page.keyboard.type("s d u j k e ?")

    expect(textarea).to_have_value("s d u j k e ?")
    expect(textarea).to_be_focused()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert_status(first, "unverified")

    press(page, "Escape")  # closes the note box, back on the row
    expect(first).to_be_focused()
    press(page, "Alt+j", "Alt+s", "Control+d")
    expect(first).to_be_focused()
    assert_status(first, "unverified")
    expect(announcement(page)).to_have_text("")


def test_question_mark_opens_an_accessible_list_of_keys_and_esc_closes_it(
    page, import_article, screenshot_dir
):
    article = import_article(3)
    open_article(page, article)
    second = row_at(page, 2)
    press(page, "j", "j")
    expect(second).to_be_focused()

    press(page, "?")

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.matches(':modal')"), "the key list should be a modal dialog"
    expect(dialog.locator("dt kbd").first).to_be_visible()
    listed = dialog.locator("dt").all_inner_texts()
    for key in KEYS_IN_HELP:
        assert any(key in text for text in listed), f"{key!r} is not listed in {listed}"
    press(page, "j")  # shortcuts are off behind the dialog
    page.screenshot(path=str(screenshot_dir / "keys-help.png"))

    press(page, "Escape")

    expect(dialog).to_be_hidden()
    expect(second).to_be_focused()
    press(page, "j")
    expect(row_at(page, 3)).to_be_focused()


def test_the_top_bar_hint_opens_the_list_of_keys_and_its_button_closes_it(
    page, import_article, console_errors
):
    article = import_article(2)
    open_article(page, article)
    hint = page.get_by_role("button", name="Keyboard: ?")
    expect(hint).to_be_visible()
    expect(hint).to_have_attribute("aria-haspopup", "dialog")

    hint.focus()
    press(page, "Enter")

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    close = dialog.get_by_role("button", name="Close")
    expect(close).to_be_focused()
    press(page, "Enter")
    expect(dialog).to_be_hidden()
    expect(hint).to_be_focused()
    assert console_errors == [], f"the dialog logged errors (CSP?): {console_errors}"


def test_the_keyboard_hint_is_hidden_without_javascript(new_page, reviewer, import_article):
    article = import_article(2)
    page = new_page(user=reviewer, javascript=False)
    page.goto(article.url)
    expect(page.locator("li.claim")).to_have_count(2)
    expect(page.locator("[data-keys-help]")).to_be_hidden()


def test_slash_focuses_search_and_does_nothing_without_a_search_field(page, import_article):
    article = import_article(2)
    open_article(page, article)
    # The top bar's search field (id="search-input"); stand one in if a page lacks it.
    page.evaluate("""() => {
        if (document.getElementById('search-input')) return;
        const input = document.createElement('input');
        input.id = 'search-input';
        input.setAttribute('aria-label', 'Search');
        document.querySelector('.topbar').append(input);
    }""")
    press(page, "j", "/")

    search = page.locator("#search-input")
    expect(search).to_be_focused()
    expect(search).to_have_value("")  # the / itself is not typed into it
    page.keyboard.type("jsd")  # typed into the field, not taken as shortcuts
    expect(search).to_have_value("jsd")
    assert_status(row_at(page, 2), "unverified")

    # Without a search field, / leaves focus on the claim.
    page.evaluate("document.getElementById('search-input').remove()")
    press(page, "j")
    expect(row_at(page, 2)).to_be_focused()
    press(page, "/")
    expect(row_at(page, 2)).to_be_focused()


def test_focus_stays_on_a_row_swapped_after_a_status_click(page, import_article):
    article = import_article(3)
    open_article(page, article)
    second = row_at(page, 2)

    second.get_by_role("button", name="Disputed", exact=True).click()

    assert_status(second, "disputed")
    expect(second).to_be_focused()  # a mouse click does not move on to the next claim
    expect(announcement(page)).to_have_text("Claim 2 set to disputed")
    press(page, "j")
    expect(row_at(page, 3)).to_be_focused()


def test_moving_past_the_last_loaded_claim_loads_the_next_page(page, import_long_article):
    url, title = import_long_article(102)
    # Claims taller than the window (a dense row is about 48 px): reaching the last loaded
    # one does not reveal the "more" row below it, so htmx loads the next page only when j
    # scrolls to it.
    page.set_viewport_size({"width": 1280, "height": 40})
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(rows(page)).to_have_count(100)  # workbench.review.claims.PAGE_SIZE
    press(page, "j")
    for _ in range(99):
        press(page, "j")
    hundredth = row_at(page, 100)
    expect(hundredth).to_be_focused()
    expect(hundredth).to_be_in_viewport()
    page.wait_for_timeout(500)  # htmx checks "revealed" rows every 200 ms
    expect(rows(page)).to_have_count(100)

    press(page, "j")

    expect(rows(page)).to_have_count(102)
    expect(row_at(page, 101)).to_be_focused()
    expect(row_at(page, 101)).to_be_in_viewport()
    press(page, "s")
    assert_status(row_at(page, 101), "sourced")
    expect(row_at(page, 102)).to_be_focused()


def test_a_focused_claim_shows_its_focus_ring(page, import_article, screenshot_dir):
    article = import_article(4)
    open_article(page, article)
    press(page, "j", "s", "d")
    third = row_at(page, 3)
    expect(third).to_be_focused()
    expect(row_at(page, 2)).to_have_class(has_status("disputed"))
    ring = third.evaluate("el => getComputedStyle(el).outlineColor")
    assert ring == "rgb(11, 87, 208)", f"the focus ring is {ring}, not the accent colour"
    page.screenshot(path=str(screenshot_dir / "keys-focused-claim.png"))


def test_keys_typed_while_a_status_is_saving_apply_in_order(page, import_article):
    article = import_article(4)
    open_article(page, article)

    page.keyboard.type("jsdu")  # no waiting between the keys

    assert_status(row_at(page, 1), "sourced")
    assert_status(row_at(page, 2), "disputed")
    assert_status(row_at(page, 3), "unverified")
    expect(row_at(page, 4)).to_be_focused()


def test_a_refused_status_change_keeps_focus_on_the_claim(page, reviewer, new_page, import_article):
    article = import_article(3)
    other = new_page(user="bruno")
    # Bruno's live updates are cut off, so his page stays stale whatever the timing: the
    # version check on save must refuse his change all the same.
    other.route("**/articles/*/events*", lambda route: route.abort())
    open_article(page, article)
    open_article(other, article)  # Bruno's page now shows claim 1 as unverified: stale
    press(page, "j", "s")
    assert_status(row_at(page, 1), "sourced")

    # Bruno's refused change is held on its way until his next key is typed, so that key
    # is typed while the change is pending whatever the machine's speed (a fast answer
    # used to arrive first, and the key then moved on as it should).
    held = []
    other.route("**/claims/*/status*", lambda route: held.append(route))
    press(other, "j", "d")
    while not held:
        other.wait_for_timeout(10)
    press(other, "j")
    held[0].continue_()

    first = row_at(other, 1)
    expect(first.get_by_role("alert")).to_contain_text("your change was not saved")
    assert_status(first, "sourced")
    expect(first).to_be_focused()  # not moved on: the reviewer reads why
    expect(announcement(other)).to_have_text("")


def test_a_click_below_a_long_claim_read_from_the_keyboard_lands(page, api, server):
    # The row read from the keyboard shows its whole claim. It used to shrink back on the
    # mouse press that moved focus away, so the rows below moved up under the pointer and
    # the click on a status further down fell on nothing.
    long_claim = (
        "The ministry said the footbridge over the Brindle, which the council approved in "
        "March after a debate that lasted most of the afternoon and two earlier votes that "
        "failed, will cost 14 million pounds, be built by a firm from the north of the "
        "county and open to walkers and cyclists in the spring of next year."
    )
    text = " ".join(
        [
            "The council met on Monday.",
            long_claim,
            "Residents asked for a crossing.",
            "The works start in May.",
            "The old ferry will stop.",
        ]
    )
    answer = api.post("/articles", form={"text": text, "title": "A long claim"}, max_redirects=0)
    assert answer.status == 303
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server + answer.headers["location"].removeprefix(server))
    expect(page.get_by_role("heading", level=1)).to_have_text("A long claim")
    press(page, "j", "j")
    second = row_at(page, 2)
    expect(second).to_be_focused()
    short_height = row_at(page, 3).bounding_box()["height"]
    assert second.bounding_box()["height"] > 1.5 * short_height, "the claim read is not whole"

    row_at(page, 4).get_by_role("button", name="Sourced", exact=True).click()

    assert_status(row_at(page, 4), "sourced")
    expect(row_at(page, 4).get_by_role("button", name="Undo")).to_be_visible()
    assert second.bounding_box()["height"] < 1.5 * short_height  # shrunk after the click
