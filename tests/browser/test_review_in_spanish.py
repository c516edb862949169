"""The review screen's script speaks the page's language: for a Spanish browser the bulk
bar counts ticked claims in Spanish, and a status set from the keyboard is announced in
Spanish (static/review.js and static/keys.js take their words from the page)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_page(new_page, reviewer, console_errors):
    return new_page(user=reviewer, errors=console_errors, locale="es-ES")


def test_the_bulk_bar_counts_in_spanish(spanish_page, import_article, console_errors):
    article = import_article(4)
    page = spanish_page
    page.goto(article.url)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    bar = page.locator("#bulk")
    count, verb = bar.locator("[data-bulk-count]"), bar.locator("[data-bulk-verb]")
    # The script draws the bar on load: in Spanish still.
    expect(count).to_have_text(
        "Marca afirmaciones (x; mayús + clic para un rango) para cambiar varias a la vez."
    )
    ticks = page.locator("li.claim > input[type=checkbox]")
    ticks.nth(0).click()
    expect(count).to_have_text("1 afirmación marcada")
    expect(verb).to_have_text("Marcar la afirmación como")
    ticks.nth(2).click(modifiers=["Shift"])  # a range: claims 1 to 3
    expect(count).to_have_text("3 afirmaciones marcadas")
    expect(verb).to_have_text("Marcar las 3 afirmaciones como")
    bar.get_by_role("button", name="Disputada", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("3 afirmaciones quedaron como “disputada”.")
    assert console_errors == []


def test_a_status_set_by_keyboard_is_announced_in_spanish(spanish_page, import_article):
    article = import_article(3)
    page = spanish_page
    page.goto(article.url)
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not run on the page"
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(page.locator("#keys-status")).to_have_text("Afirmación 1: con fuente")
    first = page.locator("li.claim").first
    expect(first.get_by_role("button", name="Con fuente", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
