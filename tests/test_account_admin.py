"""Accounts in the browser: roles, deactivating and reactivating, one-time reset
links, changing one's own password; and the rules that keep a desk able to run."""

import pytest

from support import FAST_HASH
from workbench import errors
from workbench.team import account_admin, accounts

HX = {"HX-Request": "true"}


@pytest.fixture
def people(memory_db):
    made = {
        name: accounts.create_user(memory_db, name, f"{name}-password-1", role, FAST_HASH)
        for name, role in (("ada", "admin"), ("ana", "reviewer"), ("vic", "viewer"))
    }
    return made


def test_a_role_change_holds(memory_db, people):
    account_admin.change_role(memory_db, "vic", "reviewer", people["ada"])
    roles = {row["username"]: row["role"] for row in account_admin.list_accounts(memory_db)}
    assert roles == {"ada": "admin", "ana": "reviewer", "vic": "reviewer"}


def test_the_last_active_admin_keeps_the_role_and_the_account(memory_db, people):
    with pytest.raises(errors.AccountError, match="last active admin"):
        account_admin.change_role(memory_db, "ada", "viewer", people["ana"])
    with pytest.raises(errors.AccountError, match="your own account"):
        account_admin.set_active(memory_db, "ada", False, people["ada"])
    account_admin.change_role(memory_db, "ana", "admin", people["ada"])
    account_admin.change_role(memory_db, "ada", "viewer", people["ana"])  # ana is admin now


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(memory_db, people):
    token = accounts.start_session(memory_db, people["ana"])
    account_admin.set_active(memory_db, "ana", False, people["ada"])
    assert accounts.session_user(memory_db, token, idle_minutes=60) is None
    assert accounts.authenticate(memory_db, "ana", "ana-password-1", FAST_HASH) is None
    account_admin.set_active(memory_db, "ana", True, people["ada"])
    assert accounts.authenticate(memory_db, "ana", "ana-password-1", FAST_HASH).username == "ana"


def test_a_reset_link_works_once_and_replaces_earlier_ones(memory_db, people):
    first = account_admin.create_reset_link(memory_db, "ana", people["ada"])
    second = account_admin.create_reset_link(memory_db, "ana", people["ada"])
    assert account_admin.reset_link_user(memory_db, first) is None
    assert account_admin.reset_link_user(memory_db, second) == "ana"
    account_admin.reset_password(memory_db, second, "a brand new secret", FAST_HASH)
    assert accounts.authenticate(memory_db, "ana", "a brand new secret", FAST_HASH) is not None
    with pytest.raises(errors.AccountError, match="not valid"):
        account_admin.reset_password(memory_db, second, "another secret!", FAST_HASH)


def test_an_expired_reset_link_is_refused(memory_db, people):
    token = account_admin.create_reset_link(memory_db, "ana", people["ada"], hours=0)
    assert account_admin.reset_link_user(memory_db, token) is None


def test_my_own_password_needs_the_current_one(memory_db, people):
    with pytest.raises(errors.AccountError, match="not your current password"):
        account_admin.change_own_password(
            memory_db, people["ana"], "wrong guess!", "new secret 123", FAST_HASH
        )
    account_admin.change_own_password(
        memory_db, people["ana"], "ana-password-1", "new secret 123", FAST_HASH
    )
    assert accounts.authenticate(memory_db, "ana", "new secret 123", FAST_HASH) is not None


# --- in the browser, with and without htmx -----------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_admin_changes_a_role_and_switches_an_account_off(admin_client, app, db, headers):
    accounts.create_user(db, "bo", "bo-password-1", "viewer", FAST_HASH)
    response = admin_client.post("/users/bo/role", data={"role": "reviewer"}, headers=headers)
    assert response.status_code == 303 and response.headers["Location"] == "/users"
    assert db.execute("select role from users where username = 'bo'").fetchone()[0] == "reviewer"
    response = admin_client.post("/users/bo/active", data={"active": "0"}, headers=headers)
    assert response.status_code == 303
    assert db.execute("select active from users where username = 'bo'").fetchone()[0] == 0
    page = admin_client.get("/users").get_data(as_text=True)
    assert "Deactivated bo: their sessions have ended." in page and "deactivated" in page


def test_a_refused_change_says_why_and_changes_nothing(admin_client, db):
    response = admin_client.post("/users/ada/role", data={"role": "viewer"})
    assert response.status_code == 303
    assert "last active admin" in admin_client.get("/users").get_data(as_text=True)
    assert db.execute("select role from users where username = 'ada'").fetchone()[0] == "admin"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_reset_link_is_shown_once_and_sets_a_password(admin_client, client, db, headers):
    accounts.create_user(db, "bo", "bo-password-1", "reviewer", FAST_HASH)
    page = admin_client.post("/users/bo/reset-link", headers=headers).get_data(as_text=True)
    link = page.split('readonly value="', 1)[1].split('"', 1)[0]
    path = link.removeprefix("http://localhost")
    assert path.startswith("/reset/")
    assert client.get(path).status_code == 200
    differ = client.post(path, data={"password": "new secret 1", "password_again": "oops 1234"})
    assert differ.status_code == 422 and "differ" in differ.get_data(as_text=True)
    done = client.post(
        path, data={"password": "new secret 1", "password_again": "new secret 1"}, headers=headers
    )
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert accounts.authenticate(db, "bo", "new secret 1", FAST_HASH) is not None
    assert client.get(path).status_code == 404  # once only


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_anyone_changes_their_own_password_and_stays_logged_in(viewer_client, db, headers):
    form = {
        "current_password": "correct horse battery",
        "password": "a new one 123",
        "password_again": "a new one 123",
    }
    response = viewer_client.post("/account/password", data=form, headers=headers)
    assert response.status_code == 303
    assert viewer_client.get("/").status_code == 200  # a fresh session in this browser
    assert accounts.authenticate(db, "vic", "a new one 123", FAST_HASH) is not None
    wrong = viewer_client.post("/account/password", data={**form, "current_password": "nope!!!!"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)


# --- reset links die with the password they were for; names no one could mistake ------


@pytest.mark.parametrize("how", ["own change", "set-password", "another reset link"])
def test_a_pending_reset_link_dies_when_the_password_changes(memory_db, people, how):
    pending = account_admin.create_reset_link(memory_db, "ana", people["ada"])
    if how == "own change":
        account_admin.change_own_password(
            memory_db, people["ana"], "ana-password-1", "a-new-password", FAST_HASH
        )
    elif how == "set-password":
        accounts.set_password(memory_db, "ana", "a-new-password", FAST_HASH)
    else:
        other = account_admin.create_reset_link(memory_db, "ana", people["ada"])
        account_admin.reset_password(memory_db, other, "a-new-password", FAST_HASH)
    assert account_admin.reset_link_user(memory_db, pending) is None
    with pytest.raises(errors.AccountError, match="not valid"):
        account_admin.reset_password(memory_db, pending, "the-attackers-one", FAST_HASH)
    assert accounts.authenticate(memory_db, "ana", "a-new-password", FAST_HASH) is not None


def test_a_pending_reset_link_does_not_come_back_with_the_account(memory_db, people):
    pending = account_admin.create_reset_link(memory_db, "ana", people["ada"])
    account_admin.set_active(memory_db, "ana", False, people["ada"])
    account_admin.set_active(memory_db, "ana", True, people["ada"])
    assert account_admin.reset_link_user(memory_db, pending) is None
    with pytest.raises(errors.AccountError, match="not valid"):
        account_admin.reset_password(memory_db, pending, "the-attackers-one", FAST_HASH)


@pytest.mark.parametrize(
    "first, second",
    [
        ("reviewer1", "reviewer1."),
        ("reviewer1", "Reviewer-1"),
        ("ana_b", "anab"),
        ("bo0", "boo"),
        ("reviewer1", "reviewerl"),
        ("rnia", "mia"),
        ("vvendy", "wendy"),
    ],
)
def test_usernames_that_could_be_taken_for_each_other_cannot_both_exist(
    memory_db, people, first, second
):
    accounts.create_user(memory_db, first, "password-one", "reviewer", FAST_HASH)
    with pytest.raises(errors.AccountError, match=f"could be taken for the user {first}"):
        accounts.create_user(memory_db, second, "password-two", "reviewer", FAST_HASH)
    assert accounts.find_user(memory_db, first).username == first


@pytest.mark.parametrize("name", ["anab2", "reviewer2", "bob", "mira"])
def test_names_that_only_share_letters_are_both_allowed(memory_db, people, name):
    accounts.create_user(memory_db, "reviewer1", "password-one", "reviewer", FAST_HASH)
    accounts.create_user(memory_db, "ana_b", "password-one", "reviewer", FAST_HASH)
    accounts.create_user(memory_db, name, "password-two", "reviewer", FAST_HASH)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_users_page_refuses_a_lookalike_name_with_the_form_kept(admin_client, db, headers):
    accounts.create_user(db, "reviewer1", "password-one", "reviewer", FAST_HASH)
    response = admin_client.post(
        "/users",
        data={"username": "reviewer1.", "password": "a long password", "role": "reviewer"},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "“reviewer1.” could be taken for the user reviewer1" in body
    assert 'value="reviewer1."' in body
    assert (
        db.execute("select count(*) from users where username like 'reviewer1%'").fetchone()[0] == 1
    )


def test_a_reset_link_is_dead_after_the_user_changes_their_password(admin_client, app, db):
    accounts.create_user(db, "bo", "bo-password-1", "reviewer", FAST_HASH)
    page = admin_client.post("/users/bo/reset-link").get_data(as_text=True)
    path = page.split('readonly value="', 1)[1].split('"', 1)[0].removeprefix("http://localhost")
    bo = app.test_client()
    bo.post("/login", data={"username": "bo", "password": "bo-password-1"})
    form = {
        "current_password": "bo-password-1",
        "password": "bo's own new one",
        "password_again": "bo's own new one",
    }
    assert bo.post("/account/password", data=form).status_code == 303
    stranger = app.test_client()
    assert stranger.get(path).status_code == 404
    taken = stranger.post(path, data={"password": "taken over!", "password_again": "taken over!"})
    assert taken.status_code == 404
    assert accounts.authenticate(db, "bo", "bo's own new one", FAST_HASH) is not None
