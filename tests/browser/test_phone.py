"""Reviewing from a phone, as a reporter in the field sees it in Chromium at 390x844 and
360x740: the claims first with their text readable, status buttons a thumb can hit, the
article text one tap away, an open claim as a full-screen sheet, and no page that scrolls
sideways."""

import re

import pytest
from playwright.sync_api import expect

from support import EVERY_PAGE
from workbench.cli.server import SAMPLE_TITLE

pytestmark = pytest.mark.browser

PHONES = [
    pytest.param({"width": 390, "height": 844}, id="390x844"),
    pytest.param({"width": 360, "height": 740}, id="360x740"),
]
THUMB_PX = 44


def on_phone(page, size, javascript=True):
    page.set_viewport_size(size)
    return page


def horizontal_overflow(page):
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


@pytest.mark.parametrize("size", PHONES)
def test_a_phone_shows_the_claims_first_with_their_text_readable(page, server, size):
    on_phone(page, size)
    page.goto(f"{server}/articles/1")
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_TITLE)

    layout = page.evaluate(
        """() => {
            const first = document.querySelector('li.claim').getBoundingClientRect();
            const text = document.getElementById('article-text').getBoundingClientRect();
            return {firstTop: first.top, firstBottom: first.bottom, textTop: text.top};
        }"""
    )
    # The first claim is whole on the first screen, and the article text comes after them.
    assert layout["firstBottom"] <= size["height"], layout
    assert layout["textTop"] > layout["firstTop"], layout

    page.locator("#claims").evaluate("list => list.scrollIntoView()")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('li.claim')].map(row => {
            const box = row.getBoundingClientRect();
            const text = row.querySelector('.claim__text');
            const lines = text.getBoundingClientRect().height
                / parseFloat(getComputedStyle(text).lineHeight);
            const buttons = [...row.querySelectorAll('.seg button')].map(button => {
                const b = button.getBoundingClientRect();
                return [b.width, b.height];
            });
            return {whole: box.top >= 0 && box.bottom <= window.innerHeight,
                    textWidth: text.getBoundingClientRect().width, lines, buttons};
        }).filter(row => row.whole)"""
    )
    assert len(rows) >= 3, f"only {len(rows)} whole claims on a {size} screen: {rows}"
    for row in rows:
        # Readable: most of the screen wide, and at least two lines of the claim shown.
        assert row["textWidth"] >= size["width"] * 0.6, row
        assert row["lines"] >= 1.9, row
        assert len(row["buttons"]) == 3, row
        assert all(w >= THUMB_PX and h >= THUMB_PX for w, h in row["buttons"]), row
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("size", PHONES)
def test_a_thumb_sets_a_status_on_a_phone(page, import_article, size):
    article = import_article(3)
    on_phone(page, size)
    page.goto(article.url)
    row = page.locator("li.claim").nth(1)
    row.get_by_role("button", name="Disputed", exact=True).click()
    expect(row).to_have_class(re.compile(r"(^|\s)claim--disputed(\s|$)"))
    expect(page.locator("#progress .progress__caption strong")).to_have_text("1 / 3")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_article_text_is_one_tap_away_on_a_phone_and_leads_back(new_page, server, javascript):
    page = on_phone(new_page(user="ana", javascript=javascript), PHONES[0].values[0])
    page.goto(f"{server}/articles/1")
    expect(page.locator("#article-text")).not_to_be_in_viewport()

    page.get_by_role("link", name="Article text ↓").click()
    expect(page.locator("#article-text")).to_be_in_viewport()
    expect(page.locator("li.claim").first).not_to_be_in_viewport()

    page.get_by_role("link", name="↑ Back to the claims").click()
    expect(page.locator("li.claim").first).to_be_in_viewport()


def test_the_phone_links_are_not_shown_on_a_wide_screen(page, server):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{server}/articles/1")
    expect(page.locator("#claims")).to_be_visible()
    expect(page.get_by_role("link", name="Article text ↓")).to_be_hidden()
    expect(page.get_by_role("link", name="↑ Back to the claims")).to_be_hidden()


@pytest.mark.parametrize("size", PHONES)
def test_an_open_claim_is_a_full_screen_sheet_that_closes(page, import_article, size):
    article = import_article(4)
    on_phone(page, size)
    page.goto(article.url)
    row = page.locator("li.claim").nth(2)
    row.locator("a.claim__more").click()
    expect(row.get_by_role("heading", name="Notes")).to_be_visible()

    box = row.bounding_box()
    assert box is not None
    assert (box["x"], box["y"], box["width"], box["height"]) == (
        0,
        0,
        size["width"],
        size["height"],
    ), f"the open claim should cover the screen, not {box}"
    # Its status buttons and its note field work from the sheet.
    row.get_by_role("button", name="Sourced", exact=True).click()
    expect(row).to_have_class(re.compile(r"(^|\s)claim--sourced(\s|$)"))
    expect(row.get_by_role("heading", name="Notes")).to_be_visible()
    close = row.locator("a.claim__more")
    close_box = close.bounding_box()
    assert close_box is not None and close_box["y"] == 0 and close_box["height"] >= THUMB_PX

    close.click()
    expect(row.get_by_role("heading", name="Notes")).to_have_count(0)
    assert row.bounding_box()["height"] < size["height"] / 2
    assert horizontal_overflow(page) == 0


def test_no_page_scrolls_sideways_at_360_px(new_page, server):
    page = new_page(user="carla")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server}/articles/1")
    claim_id = page.locator("li.claim").first.get_attribute("id").removeprefix("claim-")
    wide = {}
    for page_path in EVERY_PAGE:
        path = page_path.format(claim=claim_id)
        response = page.goto(f"{server}{path}")
        assert response is not None and response.status == 200, path
        overflow = horizontal_overflow(page)
        if overflow:
            wide[path] = overflow
    assert wide == {}, f"pages wider than a 360 px screen (px too wide): {wide}"
