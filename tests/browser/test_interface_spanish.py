"""The scripts speak the reader's language: a Spanish browser (locale es-ES, so
Accept-Language: es-ES) hears a status set from the keyboard announced in Spanish, reads
the keyboard shortcuts in Spanish and the bulk bar's count in Spanish. The words come
from the page (<body data-interface-words>), never from the scripts."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_article(page, article):
    page.goto(article.url)
    expect(page.locator("li.claim").first).to_be_visible()
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not run on the page"


def test_a_spanish_reader_hears_the_status_set_from_the_keyboard(
    new_page, reviewer, import_article
):
    errors = []
    page = new_page(user=reviewer, locale="es-ES", errors=errors)
    article = import_article(3)
    open_article(page, article)
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(page.locator("li.claim").first).to_have_class(re.compile(r"claim--sourced"))
    status = page.locator("#keys-status")
    expect(status).to_have_text("Afirmación 1: con fuente")
    page.keyboard.press("d")
    expect(status).to_have_text("Afirmación 2: disputada")
    assert "set to" not in status.text_content()
    assert errors == []


def test_the_keyboard_help_and_the_bulk_bar_are_spanish(new_page, reviewer, import_article):
    page = new_page(user=reviewer, locale="es-ES")
    article = import_article(3)
    open_article(page, article)

    bar = page.locator("#bulk")
    expect(bar.locator("[data-bulk-count]")).to_have_text(
        "Marca afirmaciones (x; mayús + clic para un rango) para cambiar varias a la vez."
    )
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(bar.locator("[data-bulk-count]")).to_have_text("1 afirmación marcada")
    expect(bar.locator("[data-bulk-verb]")).to_have_text("Marcar la afirmación como")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 afirmaciones marcadas")
    expect(bar.locator("[data-bulk-verb]")).to_have_text("Marcar las 2 afirmaciones como")

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Atajos de teclado")
    expect(dialog).to_contain_text("Afirmación siguiente")
    expect(dialog).to_contain_text("Marcar la afirmación como disputada y pasar a la siguiente")
    expect(dialog.get_by_role("button", name="Cerrar")).to_be_visible()
    assert "Keyboard shortcuts" not in dialog.text_content()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_an_english_reader_still_hears_english(new_page, reviewer, import_article):
    page = new_page(user=reviewer, locale="en-GB")
    article = import_article(2)
    open_article(page, article)
    page.keyboard.press("j")
    page.keyboard.press("d")
    expect(page.locator("#keys-status")).to_have_text("Claim 1 set to disputed")
