"""An article's language: detected at import, stored, shown, correctable by an editor, and
every later reading follows it (workbench.review.article_language, the language page)."""

import pytest

from support import actor, import_by_form, log_in
from workbench.errors import InvalidInput
from workbench.review import article_language, articles

SPANISH = (
    "El presidente de Aerovía, Juan Ruiz, dijo que no venderá la compañía.\n"
    "Añadió que la empresa crece gracias a los nuevos destinos."
)
ENGLISH = "The mayor said the bridge was safe. Engineers found no cracks in the deck."
HX = {"HX-Request": "true"}


def test_an_import_detects_and_stores_the_language_and_reads_it_so(memory_db):
    result = articles.import_article(memory_db, SPANISH, actor=actor("ada"))
    article = articles.get_article(memory_db, result.article_id)
    assert article["language"] == "es"
    rows = list(
        memory_db.query(
            "select attribution_text, attribution_kind, attribution_confidence from claims "
            "where article_id = ? order by start",
            [result.article_id],
        )
    )
    assert [(r["attribution_text"], r["attribution_kind"]) for r in rows] == [
        ("Juan Ruiz", "named_person"),
        ("Juan Ruiz", "named_person"),  # "Añadió": the last speaker
    ]
    assert all(0 < r["attribution_confidence"] <= 1 for r in rows)


def test_a_language_given_at_import_wins_over_detection(memory_db):
    result = articles.import_article(memory_db, ENGLISH, actor=actor("ada"), language="fr")
    assert articles.get_article(memory_db, result.article_id)["language"] == "fr"
    kinds = [r[0] for r in memory_db.execute("select attribution_kind from claims")]
    assert kinds == ["none", "none"]  # no source reader for French yet: none invented


def test_a_malformed_language_is_refused_and_nothing_is_stored(memory_db):
    with pytest.raises(InvalidInput, match="not a language code"):
        articles.import_article(memory_db, ENGLISH, actor=actor("ada"), language="english!")
    assert memory_db.execute("select count(*) from articles").fetchone()[0] == 0


def test_changing_the_language_reads_detected_sources_again_and_keeps_a_reviewers(memory_db):
    result = articles.import_article(memory_db, SPANISH, actor=actor("ada"), language="en")
    first, second = [r[0] for r in memory_db.execute("select id from claims order by start")]
    # A reviewer sets the second claim's source by hand: it stays theirs.
    memory_db.execute(
        "update claims set attribution_text = 'la empresa', attribution_kind = 'organization', "
        "attribution_confirmed_by = 'ana', attribution_method = 'reviewer' where id = ?",
        [second],
    )
    assert article_language.change_language(memory_db, result.article_id, "es", actor("eda"))
    rows = {
        r["id"]: r
        for r in memory_db.query("select id, attribution_text, attribution_kind from claims")
    }
    assert (rows[first]["attribution_text"], rows[first]["attribution_kind"]) == (
        "Juan Ruiz",
        "named_person",
    )
    assert rows[second]["attribution_text"] == "la empresa"
    history = memory_db.execute(
        "select actor, action, after from history where article_id = ? and action = 'language'",
        [result.article_id],
    ).fetchall()
    assert history == [("eda", "language", "en -> es")]
    # The same language again changes nothing, and says so.
    assert not article_language.change_language(memory_db, result.article_id, "es", actor("eda"))


@pytest.fixture
def editor_client(app):
    return log_in(app, app.test_client(), "eda", "editor")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_editor_corrects_the_language_from_the_article_page(
    admin_client, editor_client, db, headers
):
    article_id = import_by_form(admin_client, SPANISH, language="en")
    page = editor_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert f'href="/articles/{article_id}/language"' in page and ">English</a>" in page
    form = editor_client.get(f"/articles/{article_id}/language").get_data(as_text=True)
    assert '<option value="es">Spanish (Español)</option>' in form
    response = editor_client.post(
        f"/articles/{article_id}/language", data={"language": "es"}, headers=headers
    )
    if headers:
        assert (response.status_code, response.headers["HX-Redirect"]) == (
            204,
            f"/articles/{article_id}",
        )
    else:
        assert response.status_code == 303
    assert db.execute("select language from articles where id = ?", [article_id]).fetchone() == (
        "es",
    )
    after = editor_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert ">Spanish</a>" in after and "Juan Ruiz" in after


def test_a_reviewer_may_not_change_the_language(admin_client, reviewer_client, db):
    article_id = import_by_form(admin_client, ENGLISH)
    response = reviewer_client.post(f"/articles/{article_id}/language", data={"language": "es"})
    assert response.status_code == 403
    assert db.execute("select language from articles").fetchone() == ("en",)


def test_a_bad_code_is_refused_in_the_form(admin_client, editor_client, db):
    article_id = import_by_form(admin_client, ENGLISH)
    response = editor_client.post(f"/articles/{article_id}/language", data={"language": "x1"})
    assert response.status_code == 422
    assert "not a language code" in response.get_data(as_text=True)
    assert db.execute("select language from articles").fetchone() == ("en",)
