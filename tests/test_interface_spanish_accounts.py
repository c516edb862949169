"""Signing in, the security page, the users' admin, the dashboard, the job page and the
error pages, read by a Spanish browser: their words are Spanish (none left in English),
and a refused write says why in Spanish, with and without htmx."""

import html
import json
import re

import pytest

from support import FAST_HASH, import_by_form, sign_in
from workbench.intake import importing, jobs
from workbench.team import accounts
from workbench.web.views.job_pages import JOB_WORDS
from workbench.web.views.security_details import detail

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
HTMX = {"HX-Request": "true"}
WRITES = [pytest.param({}, id="plain"), pytest.param(HTMX, id="htmx")]


def spanish_page(client, path):
    response = client.get(path, headers=SPANISH)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_login_page_and_a_wrong_password_are_in_spanish(app, client, db):
    database_user(db, "marta", "reviewer")
    page = spanish_page(client, "/login")
    assert "Nombre de usuario" in page and "Contraseña" in page
    assert "¿No tienes cuenta?" in page and "Username" not in page and "No account?" not in page
    # What the passkey script says when the browser's request is cancelled.
    words = json.loads(html.unescape(re.search(r"data-interface-words='([^']*)'", page).group(1)))
    assert words["passkeyCancelled"] == "La solicitud de llave de acceso se canceló o caducó."
    refused = client.post(
        "/login", data={"username": "marta", "password": "not her password"}, headers=SPANISH
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 401
    assert "Ese nombre de usuario y esa contraseña no coinciden." in body
    assert "do not match" not in body


def database_user(db, username, role):
    return accounts.create_user(db, username, "correct horse battery", role, FAST_HASH)


def test_the_users_page_names_roles_and_actions_in_spanish(app, db):
    admin = sign_in(app, "ada", "admin")
    database_user(db, "lucas", "viewer")
    page = spanish_page(admin, "/users")
    assert "<h1>Usuarios</h1>" in page and "Añadir un usuario" in page
    assert ">lector</option>" in page and ">revisor</option>" in page
    assert ">administrador</option>" in page and "Cambiar rol" in page and "(tú)" in page
    for english in ("Change role", "Add a user", ">viewer</option>", "Make a reset link"):
        assert english not in page


@pytest.mark.parametrize("headers", WRITES)
def test_a_refused_new_user_says_why_in_spanish_and_adds_nobody(app, headers, db):
    admin = sign_in(app, "ada", "admin")
    response = admin.post(
        "/users",
        data={"username": "pablo", "password": "short", "role": "reviewer"},
        headers={**SPANISH, **headers},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Una contraseña tiene de 8 a 128 caracteres." in body
    assert "characters long" not in body
    assert db.execute("select count(*) from users where username = 'pablo'").fetchone()[0] == 0


def role_of(db, username):
    return db.execute("select role from users where username = ?", [username]).fetchone()[0]


@pytest.mark.parametrize("headers", WRITES)
def test_a_new_role_is_confirmed_in_spanish(app, headers, db):
    admin = sign_in(app, "ada", "admin")
    database_user(db, "lucas", "viewer")
    response = admin.post(
        "/users/lucas/role", data={"role": "editor"}, headers={**SPANISH, **headers}
    )
    assert response.status_code in (302, 303)
    assert role_of(db, "lucas") == "editor"
    page = spanish_page(admin, "/users")
    assert "lucas ahora es editor." in page and "is now" not in page


@pytest.mark.parametrize("headers", WRITES)
def test_the_last_admin_keeps_the_role_and_is_told_so_in_spanish(app, headers, db):
    admin = sign_in(app, "ada", "admin")
    admin.post("/users/ada/role", data={"role": "viewer"}, headers={**SPANISH, **headers})
    assert role_of(db, "ada") == "admin"
    page = spanish_page(admin, "/users")
    assert "No puedes cambiar el rol del último administrador activo" in page
    assert "You cannot" not in page


def test_the_security_page_and_its_log_are_in_spanish(app):
    client = sign_in(app, "ines", "reviewer")
    client.post("/account/tokens", data={"name": "Nocturno", "scope": "write", "days": "30"})
    page = spanish_page(client, "/account/security")
    assert "Tu inicio de sesión y tu seguridad" in page and "Registro de seguridad" in page
    assert "Segundo factor" in page and "Llaves de acceso" in page
    assert "<td>leer y escribir</td>" in page, "the token's scope, from api_tokens.SCOPES"
    assert "Token de la API creado" in page, "the log's event, from security_log.EVENTS"
    assert "(Nocturno, leer y escribir, 30 días)" in page, "its detail, said again"
    for english in ("Security log", "Second factor", "<td>read and write", "API token created"):
        assert english not in page


def test_a_sign_in_is_logged_in_the_readers_language(app, client, db):
    database_user(db, "rosa", "reviewer")
    client.post("/login", data={"username": "rosa", "password": "correct horse battery"})
    page = spanish_page(client, "/account/security")
    assert "Inicio de sesión <span" in page and "(contraseña)" in page
    english = client.get("/account/security").get_data(as_text=True)
    assert "Signed in <span" in english and "(password)" in english


@pytest.mark.parametrize("headers", WRITES)
def test_a_refused_token_says_why_in_spanish(app, headers):
    client = sign_in(app, "ines", "reviewer")
    response = client.post(
        "/account/tokens",
        data={"name": "x" * 81, "scope": "read", "days": "30"},
        headers={**SPANISH, **headers},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ponle al token un nombre de 1 a 80 caracteres." in body
    assert "Give the token" not in body


@pytest.mark.parametrize("headers", WRITES)
def test_a_revoked_token_is_confirmed_in_spanish(app, headers, db):
    client = sign_in(app, "ines", "reviewer")
    client.post("/account/tokens", data={"name": "Nocturno", "scope": "read", "days": "30"})
    token_id = db.execute("select id from api_tokens").fetchone()[0]
    client.post(f"/account/tokens/{token_id}/revoke", headers={**SPANISH, **headers})
    page = spanish_page(client, "/account/security")
    assert "Se revocó el token «Nocturno»: ya no funciona." in page
    assert "revocado el" in page and "Revoked the token" not in page


def test_the_dashboard_is_in_spanish(app, sample_text):
    admin = sign_in(app, "ada", "admin")
    import_by_form(admin, sample_text, title="Lluvias en el norte")
    page = spanish_page(admin, "/dashboard")
    assert "Cómo va el trabajo" in page and "Progreso de la revisión de Lluvias en el norte" in page
    assert "Aún no ha terminado ninguna revisión ciega doble." in page
    for english in ("Where the work stands", "Review progress of", "No blind double review"):
        assert english not in page


def test_the_job_page_names_its_stages_in_spanish(app, db):
    client = sign_in(app, "ada", "admin")
    job_id = jobs.enqueue(
        db,
        importing.PREPARE,
        {"url": "https://example.org/story"},
        created_by="ada",
        label="https://example.org/story",
        stages=importing.FETCH_STAGES,
    )
    page = spanish_page(client, f"/jobs/{job_id}")
    assert "Leyendo el artículo" in page and "Esperando para empezar…" in page
    assert "Descargando" in page and "Extrayendo" in page and "Actualizar" in page
    for english in ("Reading the article", "Waiting to start", "Fetching", "Refresh"):
        assert english not in page
    partial = client.get(f"/jobs/{job_id}", headers={**SPANISH, **HTMX}).get_data(as_text=True)
    assert "Descargando" in partial and "Fetching" not in partial


def test_every_stage_a_job_is_stored_with_has_words_on_the_job_page():
    stages = importing.FETCH_STAGES + importing.READ_STAGES + importing.IMPORT_STAGES
    assert set(stages) <= set(JOB_WORDS)


@pytest.mark.parametrize("headers", WRITES)
def test_an_error_page_is_in_spanish(app, headers):
    client = sign_in(app, "ines", "reviewer")
    response = client.get("/jobs/99999", headers={**SPANISH, **headers})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No encontrado" in body and "No hay nada en esta dirección" in body
    assert "Not Found" not in body and "requested URL" not in body
    english = client.get("/jobs/99999", headers=headers).get_data(as_text=True)
    assert "Not Found" in english and "No encontrado" not in english


def test_a_refusal_for_a_role_names_both_roles_in_spanish(app):
    client = sign_in(app, "ines", "reviewer")
    response = client.get("/users", headers=SPANISH)
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert (
        "Prohibido" in body and "Esto necesita el rol de administrador; tu rol es revisor." in body
    )


def test_the_keyboard_help_is_in_spanish(app):
    client = sign_in(app, "ines", "reviewer")
    page = spanish_page(client, "/help/keys")
    assert "Atajos de teclado" in page and "Afirmación siguiente" in page and "Intro" in page
    assert "Keyboard shortcuts" not in page and "Next claim" not in page


def test_a_translated_refusal_still_escapes_what_was_typed(app, db):
    admin = sign_in(app, "ada", "admin")
    response = admin.post(
        "/users",
        data={"username": "pablo", "password": "correct horse battery", "role": "<b>jefe</b>"},
        headers=SPANISH,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "«&lt;b&gt;jefe&lt;/b&gt;» no es un rol." in body and "<b>jefe" not in body


def test_the_details_the_workbench_wrote_are_said_again_and_typed_names_kept(app):
    written = [
        ("token_created", "Nightly, read, 90 days"),
        ("token_revoked", "Nightly, by ada"),
        ("recovery_code_used", "7 left"),
        ("sign_in", "password and passkey"),
        ("sso_refused", "no account here"),
        ("passkey_added", "password"),
        ("sign_in", "left"),
    ]
    with app.test_request_context(headers=SPANISH):
        assert [detail(kind, text) for kind, text in written] == [
            "Nightly, leer, 90 días",
            "Nightly, por ada",
            "quedan 7",
            "contraseña y llave de acceso",
            "sin cuenta aquí",
            "password",
            "left",
        ]
    with app.test_request_context():
        assert [detail(kind, text) for kind, text in written] == [text for _, text in written]
