"""The review screen in Spanish: the article list and page, claim rows and panels, the
bulk bar, notes, evidence, corrections and history, for a browser that asks for Spanish;
its writes say what happened (or why not) in Spanish, with and without htmx. Status codes
sent in forms stay English. Rows kept in the caches and rows sent live are drawn in each
reader's language: a Spanish page never gets an English row, nor an English page a
Spanish one."""

import html
import json
import re

import pytest

from support import import_by_form, read_stream, sign_in
from workbench.desk import presence
from workbench.team import accounts
from workbench.web.views import live_drawing

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
HX = {"HX-Request": "true"}
TEXT = (
    "The mayor opened the bridge on Monday, officials said. It cost $4.5 million. "
    "Critics called the project late. The council will vote in May."
)


@pytest.fixture
def article_id(admin_client):
    return import_by_form(admin_client, TEXT, title="Bridge")


def claim_ids(db, article_id):
    return [
        row[0]
        for row in db.execute(
            "select id from claims where article_id = ? order by position", [article_id]
        )
    ]


def text_of(page):
    """What a person reads: the page without its tags (attributes left out)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_article_page_is_in_spanish(reviewer_client, article_id):
    page = reviewer_client.get(f"/articles/{article_id}", headers=SPANISH).get_data(as_text=True)
    words = text_of(page)
    for spanish in (
        "Texto completo",
        "Actividad",
        "Orden de lectura",
        "Comprobar primero",
        "Todas",
        "Con fuente",
        "Disputada",
        "Sin verificar",
        "revisadas",
        "No es una afirmación",
        "0 notas",
        "0 evidencias",
        "enlaces de evidencia",
        "importado el",
    ):
        assert spanish in words, spanish
    for english in ("Full text", "Reading order", "Check first", "Sourced", "reviewed", "note"):
        assert english not in words, english
    assert 'aria-label="Filtrar afirmaciones por estado"' in page
    # The statuses a form sends are still the English codes, only their labels change.
    assert 'name="status" value="sourced"' in page and ">Con fuente</button>" in page


def test_the_bulk_bar_gives_its_script_spanish_words(reviewer_client, article_id):
    page = reviewer_client.get(f"/articles/{article_id}", headers=SPANISH).get_data(as_text=True)
    found = re.search(r"data-interface-words='([^']*)'", page)
    assert found, "the page carries its scripts' words"
    words = json.loads(html.unescape(found.group(1)))
    assert words["bulkTicked"]["one"] == "%(num)d afirmación marcada"
    assert words["bulkTicked"]["other"] == "%(num)d afirmaciones marcadas"
    assert words["bulkVerbNone"] == "Cambiar las afirmaciones marcadas a"
    assert words["statusSet"] == "Afirmación %(position)s: %(status)s"


def test_the_claim_page_and_its_panel_are_in_spanish(reviewer_client, article_id, db):
    claim = claim_ids(db, article_id)[0]
    reviewer_client.post(f"/claims/{claim}/notes", data={"body": "Llamé a la alcaldía."})
    page = reviewer_client.get(f"/claims/{claim}", headers=SPANISH).get_data(as_text=True)
    words = text_of(page)
    for spanish in (
        "Afirmación 1",
        "Volver a las afirmaciones",
        "Notas",
        "Añadir evidencia",
        "respalda la afirmación",
        "Fuente, tal como está escrita en el artículo",
        "Corregir la afirmación",
        "Dividirla en dos",
        "Fusionar con la siguiente afirmación",
        "Historial",
        "1 nota",
    ):
        assert spanish in words, spanish
    for english in ("Add evidence", "Correct the claim", "Split it in two", "History", "Notes"):
        assert english not in words, english
    assert 'placeholder="¿Qué comprobaste? ¿Qué encontraste?"' in page


def test_the_pages_around_the_review_are_in_spanish(admin_client, article_id):
    for path, spanish, english in (
        ("/", "Importar un artículo", "Import an article"),
        (f"/articles/{article_id}/text", "Añadir una afirmación", "Add a claim the splitter"),
        (f"/articles/{article_id}/activity", "Actividad, de la más reciente", "newest first"),
        (f"/articles/{article_id}/delete", "¿Eliminar este artículo?", "Delete this article?"),
        (f"/articles/{article_id}/language", "¿En qué idioma está", "Which language"),
        ("/deleted-articles", "Artículos eliminados", "Deleted articles"),
    ):
        page = admin_client.get(path, headers=SPANISH).get_data(as_text=True)
        assert spanish in text_of(page), path
        assert english not in text_of(page), path


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_saved_note_is_said_in_spanish(reviewer_client, article_id, db, headers):
    claim = claim_ids(db, article_id)[0]
    response = reviewer_client.post(
        f"/claims/{claim}/notes", data={"body": "Llamé a la alcaldía."}, headers=SPANISH | headers
    )
    if headers:
        row = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "1 nota" in text_of(row) and "Guardar nota" in row and "Save note" not in row
    else:
        assert response.status_code == 303
        page = reviewer_client.get(response.headers["Location"], headers=SPANISH)
        assert "Se guardó la nota." in page.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_refused_correction_says_why_in_spanish(reviewer_client, article_id, db, headers):
    claim = claim_ids(db, article_id)[0]
    response = reviewer_client.post(
        f"/claims/{claim}/split", data={"version": "1"}, headers=SPANISH | headers
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Elige dónde dividir la afirmación." in body
    assert "Choose where to split the claim." not in body


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_stale_status_click_says_who_changed_it_first_in_spanish(
    reviewer_client, article_id, db, headers
):
    claim = claim_ids(db, article_id)[0]
    reviewer_client.post(f"/claims/{claim}/status", data={"status": "sourced", "version": "1"})
    response = reviewer_client.post(
        f"/claims/{claim}/status",
        data={"status": "disputed", "version": "1"},
        headers=SPANISH | headers,
    )
    body = text_of(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "ana cambió esta afirmación a “con fuente”" in body
    assert "tu cambio no se guardó" in body and "not saved" not in body
    assert db.table("claims").get(claim)["status"] == "sourced"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_status_click_is_confirmed_in_spanish(reviewer_client, article_id, db, headers):
    claim = claim_ids(db, article_id)[1]
    response = reviewer_client.post(
        f"/claims/{claim}/status", data={"status": "disputed"}, headers=SPANISH | headers
    )
    assert db.table("claims").get(claim)["status"] == "disputed"  # the English code is kept
    if headers:
        row = response.get_data(as_text=True)
        assert 'value="disputed" aria-pressed="true">Disputada</button>' in row
        assert "Deshacer" in row and ">Undo<" not in row
    else:
        page = reviewer_client.get(response.headers["Location"], headers=SPANISH)
        assert "La afirmación 2 quedó como “disputada”." in page.get_data(as_text=True)


def test_a_bulk_change_is_said_in_spanish(reviewer_client, article_id, db):
    claims = claim_ids(db, article_id)[:2]
    response = reviewer_client.post(
        f"/articles/{article_id}/bulk",
        data={"claim": [str(c) for c in claims], "status": "sourced"},
        headers=SPANISH,
    )
    page = reviewer_client.get(response.headers["Location"], headers=SPANISH)
    assert "2 afirmaciones quedaron como “con fuente”." in page.get_data(as_text=True)
    nothing = reviewer_client.post(
        f"/articles/{article_id}/bulk", data={"status": "sourced"}, headers=SPANISH
    )
    page = reviewer_client.get(nothing.headers["Location"], headers=SPANISH)
    assert "Marca primero las afirmaciones que quieres cambiar." in page.get_data(as_text=True)


def test_cached_rows_are_kept_per_language(app, reviewer_client, admin_client, article_id):
    """A row (and the article list) drawn for a Spanish reader is never served to an
    English one, nor the other way round, however the caches hold them."""
    english = sign_in(app, "eve", "reviewer")
    for first, then, theirs, mine in (
        (SPANISH, ENGLISH, ">Con fuente</button>", ">Sourced</button>"),
        (ENGLISH, SPANISH, ">Sourced</button>", ">Con fuente</button>"),
    ):
        drawn = reviewer_client.get(f"/articles/{article_id}", headers=first)
        assert theirs in drawn.get_data(as_text=True)
        page = english.get(f"/articles/{article_id}", headers=then).get_data(as_text=True)
        assert mine in page and theirs not in page
    admin_client.get("/", headers=SPANISH)
    listed = admin_client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert "Review progress of Bridge" in listed and "Progreso de la revisión" not in listed


def test_live_rows_are_drawn_in_each_readers_language(app, article_id, db):
    """Two readers of the same kind (reviewers) on the same article, one Spanish and one
    English: one batch of changes, each page gets its rows in its own language."""
    sign_in(app, "ana", "reviewer")
    sign_in(app, "rosa", "reviewer")
    bo = sign_in(app, "bo", "reviewer")
    claim = claim_ids(db, article_id)[0]
    before = db.execute("select max(id) from history").fetchone()[0]
    bo.post(f"/claims/{claim}/status", data={"status": "disputed"})
    ana, rosa = accounts.find_user(db, "ana"), accounts.find_user(db, "rosa")
    with app.app_context():  # as a drawing thread: no request to say the language
        batches = live_drawing.draw_batches(
            db, {article_id: ({before}, [(ana, "en"), (rosa, "es")])}
        )
        english, _ = live_drawing.events_for(ana, before, batches[article_id], "en")
        spanish, _ = live_drawing.events_for(rosa, before, batches[article_id], "es")
    assert f"event: claim-{claim}\n" in english and f"event: claim-{claim}\n" in spanish
    assert ">Disputed</button>" in english and "reviewed" in english
    assert ">Disputada</button>" not in english and "revisadas" not in english
    assert ">Disputada</button>" in spanish and "revisadas" in spanish
    assert ">Disputed</button>" not in spanish and " reviewed" not in spanish


def test_a_spanish_readers_event_stream_is_in_spanish(app, article_id, db):
    rosa = sign_in(app, "rosa", "reviewer")
    bo = sign_in(app, "bo", "reviewer")
    claim = claim_ids(db, article_id)[2]
    after = db.execute("select max(id) from history").fetchone()[0]
    bo.post(f"/claims/{claim}/status", data={"status": "sourced"})
    stream = read_stream(app, rosa, article_id, after, headers=SPANISH)
    event = stream.split(f"event: claim-{claim}\n", 1)[1].split("\n\n", 1)[0]
    assert ">Con fuente</button>" in event and "revisadas" in event
    assert ">Sourced</button>" not in event


def test_presence_is_drawn_per_reader_and_language(app, article_id, db):
    """Who else is on the article, for each page: its reader left out, in its language."""
    for name in ("ana", "bo", "rosa"):
        sign_in(app, name, "reviewer")
        presence.heartbeat(db, article_id, accounts.find_user(db, name), None)
    with app.app_context():
        found = live_drawing.draw_presence(
            db, article_id, [("ana", "es"), ("bo", "en"), ("rosa", "es"), ("rosa", "en")]
        )
    assert set(found) == {("ana", "es"), ("bo", "en"), ("rosa", "es"), ("rosa", "en")}
    ana_sees = found["ana", "es"][1]
    assert "bo" in ana_sees and "rosa" in ana_sees and "ana" not in ana_sees
