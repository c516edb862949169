"""What the code says, read by a Spanish browser: refusals of the domain, flash messages,
a status change that lost a race, history sentences, error pages and the word tables
come in Spanish (and an English browser still reads the English). The JSON API answers
in English whatever the browser asks (docs/api.md)."""

import html

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext

from support import actor, claim_ids, sign_in
from workbench.review import articles, claims, history_sentences
from workbench.text import flags
from workbench.web.views import live_drawing, template_helpers

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
HTMX = {"HX-Request": "true"}
TEXT = (
    "The council approved 40 new homes on Monday, officials said. "
    "The mayor said the plan would cost 3 million euros."
)


@pytest.fixture
def article(db):
    result = articles.import_article(db, TEXT, actor=actor("ada"), title="Harbour plans")
    return result.article_id, claim_ids(db, result.article_id)


def read(response):
    return html.unescape(response.get_data(as_text=True))


def spanish(htmx):
    return {**SPANISH, **HTMX} if htmx else SPANISH


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_status_change_that_lost_the_race_is_said_in_spanish(app, db, article, htmx):
    _, (claim_id, _) = article
    claims.set_status(db, claim_id, "disputed", actor("bea", "reviewer"), 1)
    client = sign_in(app, "ana", "reviewer")
    response = client.post(
        f"/claims/{claim_id}/status?version=1", data={"status": "sourced"}, headers=spanish(htmx)
    )
    assert response.status_code == 409
    page = read(response)
    assert "bea cambió esta afirmación a “disputada”" in page
    assert "tu cambio no se guardó" in page
    assert "your change was not saved" not in page and "changed this claim" not in page


def test_the_same_race_still_reads_in_english_without_a_language(app, db, article):
    _, (claim_id, _) = article
    claims.set_status(db, claim_id, "disputed", actor("bea", "reviewer"), 1)
    client = sign_in(app, "ana", "reviewer")
    page = read(client.post(f"/claims/{claim_id}/status?version=1", data={"status": "sourced"}))
    assert "bea changed this claim to “disputed”" in page
    assert "your change was not saved" in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_refused_note_is_explained_in_spanish_beside_the_claim(app, article, htmx):
    _, (claim_id, _) = article
    client = sign_in(app, "ana", "reviewer")
    response = client.post(f"/claims/{claim_id}/notes", data={"body": "  "}, headers=spanish(htmx))
    assert response.status_code == 422
    page = read(response)
    assert "La nota está vacía. Escribe algo antes de guardarla." in page
    assert "The note is empty" not in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_refusal_with_values_keeps_them_in_the_spanish_sentence(app, article, htmx):
    _, (claim_id, _) = article
    client = sign_in(app, "ana", "reviewer")
    response = client.post(
        f"/claims/{claim_id}/attribution",
        data={"kind": "rumour", "passage": "the mayor"},
        headers=spanish(htmx),
    )
    assert response.status_code == 422
    page = read(response)
    assert "“rumour” no es un tipo de fuente. Elige uno de:" in page
    assert "is not a kind of source" not in page


def test_a_status_change_without_htmx_flashes_in_spanish(app, article):
    _, (claim_id, _) = article
    client = sign_in(app, "ana", "reviewer")
    response = client.post(
        f"/claims/{claim_id}/status?version=1",
        data={"status": "sourced"},
        headers=SPANISH,
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = read(response)
    assert "La afirmación 1 quedó como “con fuente”." in page
    assert "Set claim 1" not in page


def test_a_bulk_change_flashes_in_spanish_with_its_plural(app, article):
    article_id, claim_ids = article
    client = sign_in(app, "ana", "reviewer")
    response = client.post(
        f"/articles/{article_id}/bulk",
        data={"claim": [str(i) for i in claim_ids], "status": "disputed"},
        headers=SPANISH,
        follow_redirects=True,
    )
    page = read(response)
    assert "2 afirmaciones quedaron como “disputada”." in page
    assert "Set 2 claims" not in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_undo_says_what_it_undid_in_spanish(app, db, article, htmx):
    _, (claim_id, _) = article
    client = sign_in(app, "ana", "reviewer")
    client.post(f"/claims/{claim_id}/status?version=1", data={"status": "sourced"})
    change = db.execute("select max(id) from history where claim_id = ?", [claim_id]).fetchone()
    response = client.post(f"/history/{change[0]}/undo", headers=spanish(htmx))
    assert response.status_code in (200, 303)
    if not htmx:
        page = read(client.get(response.headers["Location"], headers=SPANISH))
        assert "Se deshizo: cambio de estado." in page
    assert claims.get_claim(db, claim_id)["status"] == "unverified"


def test_the_history_of_an_article_reads_in_spanish(app, db, article):
    article_id, (claim_id, _) = article
    claims.set_status(db, claim_id, "sourced", actor("bea", "reviewer"), 1)
    client = sign_in(app, "vic", "viewer")
    page = read(client.get(f"/articles/{article_id}/activity", headers=SPANISH))
    assert "importó el artículo" in page
    assert "marcó" in page and 'como <span class="badge badge--sourced">' in page
    assert "imported the article" not in page and "set <a" not in page


def test_the_article_page_refuses_an_unknown_order_in_spanish(app, article):
    article_id, _ = article
    client = sign_in(app, "vic", "viewer")
    response = client.get(f"/articles/{article_id}?sort=bogus", headers=SPANISH)
    assert response.status_code == 400
    page = read(response)
    assert "Solicitud incorrecta" in page
    assert "“bogus” no es una forma de ordenar las afirmaciones." in page
    assert "Bad Request" not in page and "is not a way to sort" not in page


def test_a_missing_page_says_so_in_spanish_and_in_english(app):
    client = sign_in(app, "vic", "viewer")
    spanish_page = read(client.get("/articles/999999", headers=SPANISH))
    assert "No encontrado" in spanish_page and "No hay nada en esta dirección." in spanish_page
    english_page = read(client.get("/articles/999999"))
    assert "Not Found" in english_page and "No encontrado" not in english_page


def test_the_api_answers_in_english_whatever_the_browser_asks(app, article):
    _, (claim_id, _) = article
    client = sign_in(app, "ana", "reviewer")
    response = client.post(f"/api/claims/{claim_id}/notes", json={"body": "  "}, headers=SPANISH)
    assert response.status_code == 422
    assert response.get_json()["error"] == "The note is empty. Write something before saving it."


def test_the_word_tables_are_in_the_spanish_catalogue(app):
    with app.test_request_context(headers=SPANISH):
        assert gettext(flags.FLAG_LABELS["number"]) == "contiene una cifra o cantidad"
        assert gettext(template_helpers.FLAG_SHORT["unattributed"]) == "sin fuente"
        assert gettext(template_helpers.STATUS_WORDS["disputed"]) == "disputada"
        assert gettext(template_helpers.DECISION_WORDS["returned"]) == "devuelta"
        assert gettext(history_sentences.KIND_WORDS["anonymous"]) == "anónima"
        assert template_helpers.language_name("fr") == "francés"
        shown = render_template_string("{{ _(FLAG_LABELS['direct_quote']) }}")
        assert shown == "cita directa"
    with app.test_request_context():
        assert template_helpers.language_name("fr") == "French"


def test_a_history_sentence_may_put_its_parts_in_another_order():
    entry = {
        "action": "status",
        "claim_id": 7,
        "position": 3,
        "claim_text": "The mayor said so.",
        "before": {"status": "unverified"},
        "after": {"status": "sourced", "bulk": True},
    }
    english = history_sentences.describe(entry)
    assert "".join(str(v) for k, v in english if k == "text") == "set  to , was  (in a bulk change)"
    reordered = {
        "set %(claim)s to %(status)s, was %(was)s": "%(was)s → %(status)s: %(claim)s",
        "%(change)s (in a bulk change)": "[bulk] %(change)s",
    }
    parts = history_sentences.describe(entry, gettext=lambda m: reordered.get(m, m))
    assert [kind for kind, _ in parts] == ["text", "status", "text", "status", "text", "claim"]
    assert parts[0] == ("text", "[bulk] ") and parts[1] == ("status", "unverified")


def test_live_rows_are_drawn_for_each_readers_language(app, db, article):
    article_id, (claim_id, _) = article
    before = db.execute("select max(id) from history").fetchone()[0]
    claims.set_status(db, claim_id, "sourced", actor("bea", "reviewer"), 1)
    ana = actor("ana", "reviewer")
    with app.app_context():  # as the live streams draw: no request to choose a language
        with force_locale("es"):
            assert render_template_string("{{ _('sourced') }}") == "con fuente"
        batches = live_drawing.draw_batches(
            db, {article_id: ({before}, [(ana, "es"), (ana, "en")])}
        )
    batch = batches[article_id]
    assert {key[2] for key in batch.rows} == {"es", "en"}
    for locale in ("es", "en"):
        sent, _ = live_drawing.events_for(ana, before, batch, locale)
        assert f"event: claim-{claim_id}\n" in sent
