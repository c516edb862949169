"""The search page as a Spanish reader's browser shows it: the bulk bar that review.js
rewrites as claims are ticked speaks Spanish too (its sentences come from the page)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_ticking_search_results_is_counted_in_spanish(page, import_article):
    article = import_article(4)
    word = re.search(r"K[0-9a-f]{8}", article.sentences[0]).group()  # this article's own
    page.set_extra_http_headers(SPANISH)
    page.goto(f"/search?q={word}")
    expect(page.get_by_role("heading", name="Buscar afirmaciones")).to_be_visible()
    bar = page.locator("#bulk")
    count, verb = bar.locator("[data-bulk-count]"), bar.locator("[data-bulk-verb]")
    expect(count).to_have_text(
        "Marca afirmaciones (x; mayús + clic para un rango) para cambiar varias a la vez."
    )
    page.locator("li.claim > input[type=checkbox]").first.click()
    expect(count).to_have_text("1 afirmación marcada")
    expect(verb).to_have_text("Marcar la afirmación como")
    bar.locator("[data-bulk-all]").check()
    expect(count).to_contain_text("afirmaci")
    expect(count).not_to_contain_text("claim")
    expect(verb).not_to_contain_text("Set ")
