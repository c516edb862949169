"""The interface speaks the reader's language: the account's choice, else the browser's
Accept-Language, else English; the page says which (lang, dir); the choice is saved with
and without htmx; dates follow the locale."""

import pytest
from flask_babel import force_locale

from support import sign_in
from workbench.interface_languages import direction, environment_locale, known_locale
from workbench.storage import db as workbench_db
from workbench.web.interface_locale import readable_number, readable_time

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


def language_of(app, username):
    database = workbench_db.connect(app.config["DATABASE"])
    try:
        return database.execute(
            "select language from users where username = ?", [username]
        ).fetchone()[0]
    finally:
        database.close()


def test_a_spanish_browser_gets_the_login_page_in_spanish(client):
    page = client.get("/login", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "Saltar al contenido" in page and "Skip to content" not in page


def test_a_browser_that_asks_for_no_language_we_have_gets_english(client):
    for asked in ({"Accept-Language": "de-DE,fr;q=0.8"}, {}):
        page = client.get("/login", headers=asked).get_data(as_text=True)
        assert '<html lang="en" dir="ltr">' in page
        assert "Skip to content" in page


def test_the_accounts_choice_beats_the_browsers(app):
    client = sign_in(app, "lucia", "reviewer")
    assert "Artículos" in client.get("/", headers=SPANISH).get_data(as_text=True)
    response = client.post("/account/language", data={"language": "en"})
    assert response.status_code == 303 or response.status_code == 302
    assert language_of(app, "lucia") == "en"
    page = client.get("/", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="en"' in page and "Articles" in page and "Artículos" not in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_choosing_spanish_is_saved_and_said_in_spanish(app, htmx):
    client = sign_in(app, "ana", "viewer")
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post("/account/language", data={"language": "es"}, headers=headers)
    assert response.status_code in (200, 302, 303)
    if htmx:
        assert response.headers.get("HX-Redirect") or response.headers.get("HX-Location")
    assert language_of(app, "ana") == "es"
    page = client.get("/account/security").get_data(as_text=True)  # no Accept-Language
    assert '<html lang="es"' in page
    assert "Idioma de la interfaz guardado." in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_unknown_language_is_refused_and_nothing_changes(app, htmx):
    client = sign_in(app, "tom", "viewer")
    client.post("/account/language", data={"language": "es"})
    headers = {"HX-Request": "true"} if htmx else {}
    client.post("/account/language", data={"language": "xx-<b>"}, headers=headers)
    assert language_of(app, "tom") == "es"
    page = client.get("/account/security").get_data(as_text=True)
    assert "xx-&lt;b&gt; no es uno de ellos" in page


def test_the_browsers_language_again_when_the_choice_is_cleared(app):
    client = sign_in(app, "eva", "viewer")
    client.post("/account/language", data={"language": "es"})
    client.post("/account/language", data={"language": ""})
    assert language_of(app, "eva") is None
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    assert '<html lang="es"' in client.get("/", headers=SPANISH).get_data(as_text=True)


def test_dates_and_numbers_are_written_as_the_locale_writes_them(app):
    with app.test_request_context(headers=SPANISH):
        assert readable_time("2026-11-26T16:05:00Z") == "26 nov 2026, 16:05 UTC"
        assert readable_number(12345.5) == "12.345,5"
    with app.test_request_context():
        assert readable_time("2026-11-26T16:05:00Z") == "2026-11-26 16:05 UTC"
        assert readable_number(12345.5) == "12,345.5"
    with app.test_request_context(), force_locale("es"):
        assert readable_time("") == ""


def test_the_command_lines_language_comes_from_the_environment():
    assert environment_locale({"LANG": "es_ES.UTF-8"}) == "es"
    assert environment_locale({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}) == "es"
    assert environment_locale({"WORKBENCH_LANGUAGE": "en", "LANG": "es_MX.UTF-8"}) == "en"
    assert environment_locale({"LANG": "C.UTF-8"}) == "en"
    assert known_locale("es-419") == "es" and known_locale("pt_BR") is None


def test_right_to_left_scripts_are_known():
    assert direction("ar") == "rtl" and direction("he_IL") == "rtl"
    assert direction("es") == "ltr" and direction(None) == "ltr"
