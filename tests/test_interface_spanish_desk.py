"""The desk and the record pages (queue, an article's desk, approvals, adjudication,
import, search, sources, versions, evidence links) for a reader whose browser asks for
Spanish: real pages with data in them say the Spanish words and not the English ones, and
their writes answer in Spanish with and without htmx."""

import io
import pathlib
import re

import pytest

from support import desk_world, read_stream
from workbench.text import page_metadata
from workbench.web.interface_locale import readable_number
from workbench.web.views.import_pages import FOUND_PLACES

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
HX = {"HX-Request": "true"}
NEWS_PAGE = (pathlib.Path(__file__).parent / "pages" / "saved_news_page" / "page.html").read_bytes()
TEXT = (
    "The mayor opened the bridge on Monday, the ministry said. It cost $4.5 million. "
    "Critics called the project late. The council will vote in May."
)


def page(client, url):
    response = client.get(url, headers=SPANISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def says(text, spanish, english):
    """Every one of `spanish` is in `text`, and none of `english`."""
    assert [word for word in spanish if word not in text] == []
    assert [word for word in english if word in text] == []


@pytest.fixture
def desk(app, admin_client, db):
    """An article of four claims, an editor and two reviewers, logged in."""
    return desk_world(app, admin_client, db, TEXT)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_assignment_is_said_in_spanish_and_the_queue_reads_in_spanish(desk, headers):
    response = desk["editor"].post(
        f"/articles/{desk['article']}/assign",
        data={"reviewer": "ana", "first": "2", "last": "3"},
        headers={**SPANISH, **headers},
    )
    assert response.status_code == (204 if headers else 303)
    desk_page = page(desk["editor"], f"/articles/{desk['article']}/desk")
    says(
        desk_page,
        [
            "Se asignaron las afirmaciones 2–3 (2) a ana.",
            "<h2>Asignar</h2>",
            "<h2>Segunda revisión</h2>",
            "<h2>Revisión ciega doble</h2>",
            "Iniciar una revisión ciega doble",
            "0 propuestas · 0 aprobadas · 0 devueltas",
            '<span class="role">revisor</span>',
        ],
        ["Assigned claims", "Second check", "Blind double review", "0 proposed", "Still open"],
    )
    queue = page(desk["ana"], "/queue")
    says(
        queue,
        ["<h1>Mi cola</h1>", "afirmación 2", "asignada por eda", "It cost $4.5 million."],
        ["assigned by", "Nothing waits", "oldest first"],
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_approval_from_the_approvals_list_is_said_in_spanish(desk, headers):
    desk["editor"].post("/desk/approval", data={"needs_approval": "on"})
    claim_id = desk["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    approvals = page(desk["editor"], "/approvals")
    says(
        approvals,
        [
            "Decisiones pendientes de aprobación",
            "afirmación 1",
            "ana propone",
            'placeholder="Por qué se devuelve…"',
            ">Devolver</button>",
            "necesitan la aprobación de un editor",
        ],
        ["Decisions waiting", "proposes", "Why it goes back", "Turn it off"],
    )
    version = desk["db"].execute("select version from claims where id = ?", [claim_id])
    response = desk["editor"].post(
        f"/claims/{claim_id}/approve",
        data={"view": "approvals", "version": version.fetchone()[0]},
        headers={**SPANISH, **headers},
    )
    answer = response.get_data(as_text=True) if headers else page(desk["editor"], "/approvals")
    says(answer, ["Se aprobó “", "para la afirmación 1."], ["Approved “"])
    if headers:
        says(answer, ["ana propuso", "· ahora", "aprobada</span>"], ["proposed", "now"])


def test_the_adjudication_page_and_a_ruling_refused_speak_spanish(desk):
    article, editor = desk["article"], desk["editor"]
    says(
        page(editor, f"/articles/{article}/adjudication"),
        ["<h2>Arbitraje</h2>", "Este artículo no ha tenido revisión ciega doble."],
        ["Adjudication", "has had no blind"],
    )
    response = editor.post(
        f"/articles/{article}/blind", data={"reviewer": ["ana", "eda"]}, headers=SPANISH
    )
    assert response.status_code == 303
    says(
        page(editor, f"/articles/{article}/desk"),
        ["Revisión ciega doble iniciada: ana, eda deciden cada afirmación.", "En curso desde"],
        ["Blind double review started", "Under way since"],
    )
    says(
        page(desk["ana"], f"/articles/{article}"),
        ["Revisión ciega doble de ana, eda:", "tus estados y notas son privados"],
        ["Blind double review by", "stay private"],
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_adjudicating_a_disagreement_reads_and_answers_in_spanish(desk, headers):
    article, editor = desk["article"], desk["editor"]
    editor.post(f"/articles/{article}/blind", data={"reviewer": ["ana", "bo"]})
    for name, statuses in (
        ("ana", ["sourced", "disputed", "sourced", "unverified"]),
        ("bo", ["sourced", "sourced", "sourced", "unverified"]),
    ):
        for claim_id, status in zip(desk["claims"], statuses, strict=True):
            desk[name].post(f"/claims/{claim_id}/status", data={"status": status})
    adjudication = f"/articles/{article}/adjudication"
    says(
        page(editor, adjudication),
        [
            "1 afirmación en la que ana, bo no coinciden.",
            '<th scope="col">Revisores</th>',
            '<th scope="col">Acuerdo</th>',
            "Kappa de Cohen",
            "Estado final:",
            "Por qué (queda en el historial)",
            "(sin nota)",
        ],
        ["claim where", "Final status", "Why (kept", "(no note)", "Agreement"],
    )
    table = page(editor, adjudication).split('class="table agreement-table"', 1)[1]
    assert "<td>75%</td>" in table and re.search(r"<td>-?\d,\d\d</td>", table)
    assert not re.search(r"<td>-?\d\.\d\d</td>", table)  # κ and α with a decimal comma
    response = editor.post(
        f"/claims/{desk['claims'][1]}/adjudicate",
        data={"status": "disputed", "note": "The contract says 5 million."},
        headers={**SPANISH, **headers},
    )
    assert response.status_code == (200 if headers else 303)
    answer = response.get_data(as_text=True) if headers else page(editor, adjudication)
    says(answer, ["La afirmación 2 queda “", "tu arbitraje quedó registrado"], ["your ruling"])
    if not headers:
        says(answer, ["Arbitrada:", "(consulta el historial de la afirmación)."], ["Ruled:"])


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_import_refused_says_why_in_spanish_beside_its_form(admin_client, headers):
    response = admin_client.post(
        "/articles",
        data=b"text=%FF%FEbad",
        content_type="application/x-www-form-urlencoded",
        headers={**SPANISH, **headers},
    )
    assert response.status_code == 422
    says(
        response.get_data(as_text=True),
        [
            "El texto enviado no es UTF-8 válido",
            "<h2>Desde un enlace</h2>",
            "<h2>Desde un archivo</h2>",
            "Importar y dividir en afirmaciones",
            'placeholder="Por defecto, la primera línea"',
            "— un artículo nuevo —",
        ],
        ["is not valid UTF-8", "From a link<", "Import and split", "Defaults to the first line"],
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_preview_reads_in_spanish_and_says_where_each_field_was_found(admin_client, headers):
    response = admin_client.post(
        "/imports/file",
        data={"file": (io.BytesIO(NEWS_PAGE), "page.html")},
        content_type="multipart/form-data",
        headers=SPANISH,
    )
    assert response.status_code == 303
    preview = response.headers["Location"]
    says(
        page(admin_client, preview),
        [
            "<h1>Revisa antes de importar</h1>",
            "Leído del archivo",
            "según ",
            "El texto del artículo",
            "caracteres en",
            ">Descartar</button>",
        ],
        ["Check before importing", "Read from the file", "The article's text", "characters in"],
    )
    refused = admin_client.post(
        f"{preview}/import", data={"published_on": "14 March"}, headers={**SPANISH, **headers}
    )
    assert refused.status_code == 422
    says(
        refused.get_data(as_text=True),
        ["Sobre el artículo", "tomado de la página", "Importar y dividir en afirmaciones"],
        ["About the article", "taken from the page"],
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_search_and_a_bulk_change_speak_spanish(desk, headers):
    results = page(desk["ana"], "/search?q=bridge+OR+council")
    says(
        results,
        [
            "<h1>Buscar afirmaciones</h1>",
            "<strong>2</strong> afirmaciones coinciden.",
            "Exportar estas",
            "CSV para Excel",
            "Cambiar las afirmaciones marcadas a",
            ">persona con nombre</option>",
            "Los filtros se combinan.",
        ],
        ["claims match", "Find claims", "Export these", "Filters combine", ">named person<"],
    )
    response = desk["ana"].post(
        "/search/status",
        data={"q": "council", "new_status": "disputed", "all_matching": "1"},
        headers={**SPANISH, **headers},
    )
    assert response.status_code == 303
    says(page(desk["ana"], response.headers["Location"]), ["1 afirmación pasó a “"], ["Set 1"])
    refused = desk["ana"].post(
        "/search/status", data={"q": "council", "new_status": "disputed"}, headers=SPANISH
    )
    assert refused.status_code == 400
    assert "No marcaste ninguna afirmación" in refused.get_data(as_text=True)


def test_the_sources_pages_speak_spanish(desk):
    sources = page(desk["ana"], "/sources")
    says(
        sources,
        ["<h1>Fuentes</h1>", "Personas y organizaciones", "1 fuente.", "Fusionar las fuentes"],
        ["People and organisations", "1 source.", "Merge the ticked"],
    )
    record = page(desk["ana"], "/sources/show?key=organization:ministry")
    says(
        record,
        [
            "Fuente de",
            "<strong>1</strong> afirmación</a> en 1 artículo:",
            "<h2>Menciones</h2>",
            "Escrita como",
        ],
        ["Cited for", "Mentions", "Written as"],
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_new_version_is_announced_and_listed_in_spanish(desk, headers):
    article = desk["article"]
    response = desk["admin"].post(
        "/articles",
        data={"text": TEXT.replace("$4.5 million", "$5 million"), "new_version_of": article},
        headers={**SPANISH, **headers},
    )
    assert response.status_code in (200, 303)
    says(
        page(desk["admin"], f"/articles/{article}"),
        ["Versión 2 importada: 1 cambiadas", "<strong>Versión 2</strong> de este artículo"],
        ["Imported version", "of this article"],
    )
    says(
        page(desk["admin"], f"/articles/{article}/versions"),
        ["Versiones de este artículo", "primera importación", "(actual)", "qué cambió"],
        ["Versions of this article", "first import", "(current)"],
    )
    says(
        page(desk["admin"], f"/articles/{article}/versions/2"),
        ["Qué cambió en la versión 2", ">cambiada</span>", "afirmación 2"],
        ["What changed in version", ">changed</span>"],
    )


def test_the_evidence_links_page_speaks_spanish(desk):
    says(
        page(desk["editor"], "/links"),
        ["<h1>Enlaces de evidencia</h1>", "Comprobar todos los enlaces ahora"],
        ["Evidence links", "Check every link now", "No evidence links yet"],
    )


def test_every_place_page_metadata_is_found_in_is_in_the_catalogue():
    """A preview says where each field was found in the reader's language: every FROM_*
    word of page_metadata is marked (a new one would show in English)."""
    said = {
        value
        for name, value in vars(page_metadata).items()
        if name.startswith("FROM_") and isinstance(value, str)
    }
    assert said == set(FOUND_PLACES)


def test_a_live_notice_and_who_is_here_come_in_each_pages_language(desk, app):
    article, db = desk["article"], desk["db"]
    after = db.execute("select max(id) from history").fetchone()[0]
    desk["editor"].post(f"/articles/{article}/presence", data={"claim": str(desk["claims"][1])})
    claim_id = desk["claims"][0]
    start, text = db.execute("select start, text from claims where id = ?", [claim_id]).fetchone()
    split = desk["editor"].post(
        f"/claims/{claim_id}/split", data={"at": str(start + text.index("opened"))}
    )
    assert split.status_code in (200, 303)
    spanish = read_stream(app, desk["ana"], article, after, headers=SPANISH)
    says(
        spanish,
        ["event: notice\n", "eda cambió las afirmaciones", "recarga la página", "También aquí:"],
        ["reload the page", "Also here:", "changed the claims"],
    )
    english = read_stream(app, desk["admin"], article, after)
    says(english, ["eda changed the claims", "reload the page", "Also here:"], ["recarga"])


def test_agreement_figures_are_rounded_as_before_and_pointed_as_the_locale_points(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for value in (0.165, -0.02, 0.005, -0.0, 1.0):  # as "%.2f" rounds them (binary floats)
            assert readable_number(value, 2) == f"{value:.2f}"
        assert readable_number(90.90909, 0) == "91"
    with app.test_request_context(headers=SPANISH):
        assert (readable_number(0.165, 2), readable_number(-0.4, 2)) == ("0,17", "-0,40")
