"""The review screen built for volume, as a reviewer sees it in Chromium: dense
rows beside the article text, the two in step, undo in place, bulk changes that touch
only the ticked rows, and no silent change of a typed source."""

import re

import pytest
from playwright.sync_api import expect

from workbench.cli.server import SAMPLE_TITLE

pytestmark = pytest.mark.browser


def has_status(status):
    return re.compile(rf"(^|\s)claim--{status}(\s|$)")


def rows(page):
    return page.locator("li.claim")


def row_at(page, position):
    row_id = rows(page).nth(position - 1).get_attribute("id")
    return page.locator(f"li#{row_id}")


def open_article(page, url, title):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not load"


def sample_url(server):
    return f"{server}/articles/1"


def test_at_least_twelve_claims_are_visible_on_load_at_1366_by_900(page, server):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_article(page, sample_url(server), SAMPLE_TITLE)
    visible = page.evaluate(
        """() => [...document.querySelectorAll('li.claim')].filter(row => {
            const box = row.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }).length"""
    )
    assert visible >= 12, f"only {visible} whole claims are visible at 1366x900"
    side_by_side = page.evaluate(
        """() => {
            const text = document.getElementById('article-text').getBoundingClientRect();
            const list = document.getElementById('claims').getBoundingClientRect();
            return text.right <= list.left && text.top < list.bottom;
        }"""
    )
    assert side_by_side, "the article text should sit beside the claims on a wide screen"


def test_narrow_screens_stack_the_text_above_the_claims(page, server):
    page.set_viewport_size({"width": 900, "height": 900})
    open_article(page, sample_url(server), SAMPLE_TITLE)
    stacked = page.evaluate(
        """() => document.getElementById('article-text').getBoundingClientRect().bottom
                 <= document.getElementById('claims').getBoundingClientRect().top"""
    )
    assert stacked, "below 1200 px the text column should come above the claim list"


def test_selecting_a_claim_shows_its_passage_and_a_passage_selects_its_claim(page, import_article):
    article = import_article(6)
    page.set_viewport_size({"width": 1366, "height": 900})
    open_article(page, article.url, article.title)

    page.keyboard.press("j")
    page.keyboard.press("j")
    second = row_at(page, 2)
    expect(second).to_be_focused()
    passage = page.locator(f"#{second.get_attribute('id').replace('claim-', 'passage-')}")
    expect(passage).to_have_class(re.compile(r"(^|\s)is-selected(\s|$)"))
    expect(passage).to_be_in_viewport()
    expect(passage).to_have_text(article.sentences[1])

    fifth = row_at(page, 5)
    page.locator(f"#{fifth.get_attribute('id').replace('claim-', 'passage-')}").click()
    expect(fifth).to_be_focused()
    expect(fifth).to_have_class(re.compile(r"(^|\s)is-selected(\s|$)"))
    expect(passage).not_to_have_class(re.compile(r"(^|\s)is-selected(\s|$)"))


def test_passages_and_claims_link_to_each_other_without_javascript(new_page, import_article):
    article = import_article(3)
    page = new_page(user="ana", javascript=False)
    page.goto(article.url)
    row = row_at(page, 2)
    claim_id = row.get_attribute("id").removeprefix("claim-")
    row.locator("a.claim__text").click()
    expect(page).to_have_url(f"{article.url}#passage-{claim_id}")
    page.locator(f"#passage-{claim_id}").click()
    expect(page).to_have_url(f"{article.url}#claim-{claim_id}")
    # The row the link went to is outlined, the others not.
    outlined = page.evaluate(
        """() => [...document.querySelectorAll('li.claim')]
                 .filter(row => getComputedStyle(row).outlineStyle !== 'none').map(row => row.id)"""
    )
    assert outlined == [f"claim-{claim_id}"]


def outline_of(page, selector):
    return page.locator(selector).evaluate("element => getComputedStyle(element).outlineStyle")


def test_the_passage_a_claim_links_to_is_highlighted_without_javascript(new_page, import_article):
    article = import_article(3)
    page = new_page(user="ana", javascript=False)
    page.goto(article.url)
    claim_id = row_at(page, 2).get_attribute("id").removeprefix("claim-")
    assert outline_of(page, f"#passage-{claim_id}") == "none"
    row_at(page, 2).locator("a.claim__text").click()
    expect(page).to_have_url(f"{article.url}#passage-{claim_id}")
    assert outline_of(page, f"#passage-{claim_id}") == "solid"
    others = row_at(page, 1).get_attribute("id").replace("claim-", "#passage-")
    assert outline_of(page, others) == "none"


def test_a_hovered_passage_does_not_look_selected(page, import_article):
    article = import_article(4)
    page.set_viewport_size({"width": 1366, "height": 900})
    open_article(page, article.url, article.title)
    chosen = row_at(page, 2).get_attribute("id").replace("claim-", "#passage-")
    hovered = row_at(page, 4).get_attribute("id").replace("claim-", "#passage-")
    page.locator(chosen).click()
    expect(page.locator(chosen)).to_have_class(re.compile(r"(^|\s)is-selected(\s|$)"))
    page.locator(hovered).hover()
    assert outline_of(page, chosen) == "solid"
    assert outline_of(page, hovered) == "none", "a hovered passage looks like the selected one"


def test_a_status_change_can_be_undone_in_place(page, import_article):
    article = import_article(3)
    open_article(page, article.url, article.title)
    row = row_at(page, 2)

    row.get_by_role("button", name="Sourced", exact=True).click()
    expect(row).to_have_class(has_status("sourced"))
    row.get_by_role("button", name="Undo").click()

    expect(row).to_have_class(has_status("unverified"))
    expect(page.locator("#progress .progress__caption strong")).to_have_text("0 / 3")
    row.locator("a.claim__more").click()
    history = row.locator(".history__entry")
    expect(history.last).to_contain_text("undid a change: set this claim to unverified")


def test_z_undoes_the_last_status_change_and_only_it_offers_undo(page, import_article):
    article = import_article(3)
    open_article(page, article.url, article.title)
    page.keyboard.press("j")
    page.keyboard.press("d")  # claim 1 disputed, focus moves on to claim 2
    expect(row_at(page, 1)).to_have_class(has_status("disputed"))
    page.keyboard.press("s")  # claim 2 sourced: the newest change
    expect(row_at(page, 2)).to_have_class(has_status("sourced"))
    expect(page.locator("li.claim").get_by_role("button", name="Undo")).to_have_count(1)

    page.keyboard.press("z")

    expect(row_at(page, 2)).to_have_class(has_status("unverified"))
    expect(row_at(page, 1)).to_have_class(has_status("disputed"))


def test_a_bulk_change_touches_only_the_ticked_rows_and_can_be_undone(page, import_article):
    article = import_article(5)
    open_article(page, article.url, article.title)
    ticks = page.locator("li.claim > input[type=checkbox]")

    ticks.nth(0).click()
    ticks.nth(3).click(modifiers=["Shift"])  # a range: claims 1 to 4
    ticks.nth(2).click()  # and claim 3 unticked again
    bar = page.locator("#bulk")
    expect(bar.locator("[data-bulk-count]")).to_have_text("3 claims ticked")
    expect(bar.locator("[data-bulk-verb]")).to_have_text("Set the 3 claims to")

    bar.get_by_role("button", name="Disputed", exact=True).click()

    expect(page.locator("#messages")).to_contain_text("Set 3 claims to “disputed”.")
    expected = ["disputed", "disputed", "unverified", "disputed", "unverified"]
    for position, status in enumerate(expected, start=1):
        expect(row_at(page, position)).to_have_class(has_status(status))

    page.locator("#messages").get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undid the bulk change.")
    for position in range(1, 6):
        expect(row_at(page, position)).to_have_class(has_status("unverified"))


def test_a_typed_source_with_kind_none_is_refused_and_the_text_kept(page, import_article):
    article = import_article(2)
    open_article(page, article.url, article.title)
    row = row_at(page, 1)
    row.locator("a.claim__more").click()
    field = row.get_by_label("Source, as written in the article")
    field.fill("Jane Doe")

    row.get_by_role("button", name="Save source").click()

    expect(row.get_by_role("alert")).to_contain_text("You typed the source “Jane Doe”")
    expect(row.get_by_label("Source, as written in the article")).to_have_value("Jane Doe")
    expect(row.locator(".claim__source")).to_contain_text("no source")


def test_switching_a_sources_kind_to_none_is_refused_and_the_source_kept(page, import_article):
    """The kind set to "none" with the source still in the box used to save "no source"
    and drop the text."""
    article = import_article(3)
    open_article(page, article.url, article.title)
    row = row_at(page, 3)
    source = row.locator(".claim__source .src")
    expect(source).to_contain_text("Halvorsen")
    found = source.inner_text().strip()
    row.locator("a.claim__more").click()
    expect(row.get_by_label("Source, as written in the article")).to_have_value(found)
    row.get_by_label("Kind").select_option("none")

    row.get_by_role("button", name="Save source").click()

    expect(row.get_by_role("alert")).to_contain_text(
        f"The source box still says “{found}” but the kind is now “none”"
    )
    expect(row.get_by_label("Source, as written in the article")).to_have_value(found)
    expect(row.locator(".claim__source .src")).to_have_text(found)


def test_htmx_runs_with_the_settings_of_static_htmx_config(page, server):
    # The settings are a script of their own now (640 bytes off every page); if it
    # ran too late, htmx would have read the page with its defaults.
    open_article(page, sample_url(server), SAMPLE_TITLE)
    config = page.evaluate(
        """() => ({eval: htmx.config.allowEval, scripts: htmx.config.allowScriptTags,
                   self: htmx.config.selfRequestsOnly, history: htmx.config.historyCacheSize,
                   settle: htmx.config.attributesToSettle,
                   codes: htmx.config.responseHandling.map(rule => rule.code)})"""
    )
    assert config == {
        "eval": False,
        "scripts": False,
        "self": True,
        "history": 0,
        "settle": ["class", "width", "height"],
        "codes": ["204", "[23]..", "409", "422", "[45].."],
    }
    assert page.locator("style").count() == 0, "htmx added its indicator styles"


def test_a_rows_panel_opens_in_place_and_closes_with_its_own_link(page, import_article):
    # Rows of the page carry neither the panel nor its URL: the link's click loads it.
    article = import_article(3)
    open_article(page, article.url, article.title)
    row = row_at(page, 2)
    more = row.locator("a.claim__more")
    expect(row.locator(".claim__panel")).to_have_count(0)
    expect(more).to_have_attribute("aria-expanded", "false")

    more.click()
    expect(row.locator(".claim__panel h3").first).to_be_visible()
    expect(page).to_have_url(article.url)  # in place, not the claim's page
    expect(row.locator("a.claim__more")).to_have_attribute("aria-expanded", "true")

    row.get_by_role("button", name="Disputed", exact=True).click()
    expect(row).to_have_class(has_status("disputed"))
    expect(row.locator(".claim__panel h3").first).to_be_visible()  # kept open

    row.locator("a.claim__more").click()
    expect(row.locator(".claim__panel h3")).to_have_count(0)
    expect(row.locator("a.claim__more")).to_have_attribute("aria-expanded", "false")
    expect(row).to_have_attribute("tabindex", "-1")


@pytest.mark.parametrize("width", [1920, 1366, 1280, 1024, 800])
def test_the_top_bar_fits_the_window_with_log_out_whole(page, server, width):
    # At 1366 px "Log out" was cut in half at the window's edge and the name broke in two.
    page.set_viewport_size({"width": width, "height": 900})
    open_article(page, sample_url(server), SAMPLE_TITLE)
    bar = page.evaluate(
        """() => { const bar = document.querySelector('.topbar');
                   return [bar.scrollWidth, bar.clientWidth]; }"""
    )
    assert bar[0] <= bar[1], f"the top bar is {bar[0]} px wide in a {bar[1]} px window"
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert log_out["x"] + log_out["width"] <= width
    brand = page.locator(".brand").bounding_box()
    assert brand["height"] < 40, "the name breaks onto two lines"
    expect(page.get_by_role("button", name="Keyboard: ?")).to_be_visible()


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
@pytest.mark.parametrize("width", [1440, 1366, 1280])
def test_an_admins_longer_top_bar_keeps_the_search_hint_whole_and_log_out_clear(
    new_page, server, width, locale
):
    # An admin's bar has three more sections: at 1366 px it read "Search claim" and
    # "Log out" touched the window's edge; in Spanish, whose words are longer, the bar ran
    # past the window and cut "Cerrar sesión".
    page = new_page(user="carla", locale=locale)
    page.set_viewport_size({"width": width, "height": 900})
    open_article(page, sample_url(server), SAMPLE_TITLE)
    room = page.evaluate(
        """() => {
            const field = document.getElementById('search-input');
            const style = getComputedStyle(field);
            const inside = field.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            const pen = document.createElement('canvas').getContext('2d');
            pen.font = style.font;
            return [inside, pen.measureText(field.placeholder).width];
        }"""
    )
    assert room[0] >= room[1], f"the search hint needs {room[1]:.0f} px and has {room[0]} px"
    log_out = page.locator("form[action='/logout'] button").bounding_box()
    assert log_out["x"] + log_out["width"] <= width - 12, "Log out touches the window's edge"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page is wider"


def test_a_link_to_one_claim_starts_the_review_there(page, import_article):
    # The rows get their tabindex from review.js, after the browser went to #claim-N.
    article = import_article(5)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(article.url)
    third_id = row_at(page, 3).get_attribute("id")
    page.goto(f"{article.url}#{third_id}")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    third = page.locator(f"li#{third_id}")
    expect(third).to_be_focused()
    expect(third).to_have_class(re.compile(r"(^|\s)is-selected(\s|$)"))

    page.keyboard.press("j")

    expect(row_at(page, 4)).to_be_focused()
    outlined = page.evaluate(
        """() => [...document.querySelectorAll('li.claim')]
                 .filter(row => getComputedStyle(row).outlineStyle !== 'none').length"""
    )
    assert outlined == 1, f"{outlined} rows are outlined; only the focused one should be"
