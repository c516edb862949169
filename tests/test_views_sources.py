"""The Sources page, a source's record, merge and split (with and without htmx), the
`source` filter in search, exports and the API, and `workbench export --source`."""

import sqlite3

import pytest
from click.testing import CliRunner

from support import import_by_form
from workbench.cli import cli

HX = {"HX-Request": "true"}
ARTICLE_1 = (
    "Finance Minister Jane Doe said the budget would balance by 2027. "
    "Doe said taxes would not rise. "
    "The Interior Ministry said 40 officers were hired."
)
ARTICLE_2 = "Jane Doe told reporters the deficit was falling. Critics disagreed."


@pytest.fixture
def articles(admin_client):
    return (
        import_by_form(admin_client, ARTICLE_1, title="Budget"),
        import_by_form(admin_client, ARTICLE_2, title="Deficit"),
    )


def test_the_sources_page_lists_each_source_with_its_counts(viewer_client, articles):
    page = viewer_client.get("/sources").get_data(as_text=True)
    assert "2 sources." in page
    assert page.index(">Jane Doe</a>") < page.index(">Interior Ministry</a>")
    assert 'href="/search?source=person:jane+doe">3</a>' in page
    assert "Doe</td>" in page  # the other way it is written
    assert 'name="key"' not in page, "a viewer is offered the merge form"


def test_the_sources_page_filters_by_name_and_kind(viewer_client, articles):
    page = viewer_client.get("/sources?q=ministry").get_data(as_text=True)
    assert "1 source." in page and "Jane Doe" not in page
    page = viewer_client.get("/sources?kind=named_person").get_data(as_text=True)
    assert "1 source." in page and "Interior Ministry" not in page
    assert viewer_client.get("/sources?kind=anonymous").status_code == 400


def test_a_sources_record_shows_its_mentions_in_each_article(viewer_client, articles):
    response = viewer_client.get("/sources/show", query_string={"key": "person:jane doe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ">Budget</a>" in page and ">Deficit</a>" in page
    assert "3 unverified" in page


@pytest.mark.parametrize("key", ["person:nobody", "bad key", ""])
def test_an_unknown_source_is_404_and_a_malformed_one_400(viewer_client, articles, key):
    response = viewer_client.get("/sources/show", query_string={"key": key})
    assert response.status_code == (404 if key == "person:nobody" else 400)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_merging_sources(reviewer_client, db, articles, headers):
    response = reviewer_client.post(
        "/sources/merge",
        data={"key": ["person:jane doe", "organization:interior ministry"]},
        headers=headers,
    )
    target = "/sources/show?key=person:jane+doe"
    if headers:
        assert response.status_code == 200 and response.headers["HX-Redirect"] == target
    else:
        assert response.status_code == 303 and response.headers["Location"] == target
    record = reviewer_client.get(target).get_data(as_text=True)
    assert "Interior Ministry</td>" in record and "merged <code>organization:interior" in record
    assert db.table("source_decisions").count == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_merging_one_source_is_refused(reviewer_client, db, articles, headers):
    response = reviewer_client.post(
        "/sources/merge", data={"key": ["person:jane doe"]}, headers=headers
    )
    assert response.status_code == (422 if headers else 303)
    assert db.table("source_decisions").count == 0


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_splitting_a_mention_off(reviewer_client, db, articles, headers):
    first, _ = articles
    response = reviewer_client.post(
        "/sources/split",
        data={
            "key": "person:jane doe",
            "article": str(first),
            "text": "Doe",
            "kind": "named_person",
        },
        headers=headers,
    )
    if headers:
        assert response.status_code == 200
        assert 'id="source-record"' in response.get_data(as_text=True)
        assert "<html" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/sources/show?key=split:")
    assert db.table("source_decisions").count == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_undoing_a_merge_from_its_flash(reviewer_client, db, articles, headers):
    reviewer_client.post(
        "/sources/merge", data={"key": ["person:jane doe", "organization:interior ministry"]}
    )
    page = reviewer_client.get("/sources/show?key=person:jane+doe").get_data(as_text=True)
    assert 'action="/sources/decisions/1/undo"' in page
    response = reviewer_client.post(
        "/sources/decisions/1/undo", data={"next": "/sources"}, headers=headers
    )
    if headers:
        assert response.status_code == 200 and response.headers["HX-Redirect"] == "/sources"
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/sources"
    assert reviewer_client.get("/sources").get_data(as_text=True).count("<tr id=") == 2
    assert reviewer_client.post("/sources/decisions/1/undo").status_code == 409
    assert reviewer_client.post("/sources/decisions/99/undo").status_code == 404


def test_someone_elses_merge_is_not_theirs_to_undo(app, reviewer_client, articles):
    from support import sign_in

    reviewer_client.post(
        "/sources/merge", data={"key": ["person:jane doe", "organization:interior ministry"]}
    )
    undone = "select count(*) from source_decisions where action = 'undo'"
    db = app.config["DATABASE"]
    refused = sign_in(app, "bea", "reviewer").post("/sources/decisions/1/undo")
    assert refused.status_code == 403
    assert "You can undo your own merges and splits only." in refused.get_data(as_text=True)
    assert sqlite3.connect(db).execute(undone).fetchone()[0] == 0
    assert sign_in(app, "root", "admin").post("/sources/decisions/1/undo").status_code == 303
    assert sqlite3.connect(db).execute(undone).fetchone()[0] == 1


def test_the_source_filter_in_search_export_and_api(viewer_client, articles):
    page = viewer_client.get("/search?source=person:jane+doe").get_data(as_text=True)
    assert "<strong>3</strong> claims match." in page
    assert 'name="source" value="person:jane doe"' in page
    csv = viewer_client.get("/export.csv?source=person:jane+doe").get_data(as_text=True)
    assert csv.count("\r\n") == 4
    api = viewer_client.get(f"/api/articles/{articles[0]}/claims?source=person:jane+doe").get_json()
    assert api["total"] == 2
    assert viewer_client.get("/search?source=nonsense").status_code == 400


def test_the_command_line_exports_a_sources_claims(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    for number, text in enumerate((ARTICLE_1, ARTICLE_2)):
        (tmp_path / f"{number}.txt").write_text(text, encoding="utf-8")
        CliRunner().invoke(cli, ["import", str(tmp_path / f"{number}.txt")])
    result = CliRunner().invoke(cli, ["export", "--source", "person:jane doe"])
    assert result.exit_code == 0 and result.output.count("\n") == 4
    bad = CliRunner().invoke(cli, ["export", "--source", "jane"])
    assert bad.exit_code == 1 and "source" in bad.output
