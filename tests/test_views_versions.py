"""New versions of an article in the browser (import form, banner, what changed) and on
the command line (`workbench import FILE --new-version-of ID`)."""

import io
import re

import pytest
from click.testing import CliRunner

from support import import_by_form
from workbench.cli import cli
from workbench.storage.db import connect

HX = {"HX-Request": "true"}
V1 = "The mayor opened the bridge on Monday.\nIt cost $4.5 million.\nCritics called it late."
V2 = "The mayor opened the bridge on Monday.\nIt cost $4.8 million.\nTraffic will double."


@pytest.fixture
def article_id(admin_client):
    return import_by_form(admin_client, V1, title="Bridge", url="https://news.example/bridge")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_choosing_new_version_of_in_the_form_adds_a_version(admin_client, db, article_id, headers):
    response = admin_client.post(
        "/articles", data={"text": V2, "new_version_of": str(article_id)}, headers=headers
    )
    target = f"/articles/{article_id}"
    if headers:
        assert response.status_code == 200 and response.headers["HX-Redirect"] == target
    else:
        assert response.status_code == 303 and response.headers["Location"] == target
    assert db.table("articles").count == 1
    assert db.table("articles").get(article_id)["body"] == V2
    page = admin_client.get(target).get_data(as_text=True)
    assert "Imported version 2: 1 changed, 1 removed, 1 new, 1 unchanged" in page
    assert 'id="version-banner"' in page and "<strong>Version 2</strong>" in page
    assert f'href="/articles/{article_id}/versions/2#claim-' in page  # the "changed in v2" mark


def test_the_same_url_makes_a_new_version(admin_client, db, article_id):
    response = admin_client.post(
        "/articles", data={"text": V2, "url": "https://news.example/bridge"}
    )
    assert response.headers["Location"] == f"/articles/{article_id}"
    assert db.table("article_versions").count == 2


def test_the_current_text_again_changes_nothing(admin_client, db, article_id):
    admin_client.post("/articles", data={"text": V1, "new_version_of": str(article_id)})
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "current text already" in page and 'id="version-banner"' not in page
    assert db.table("article_versions").count == 0


@pytest.mark.parametrize("chosen", ["abc", "999", "-1"])
def test_a_version_of_an_unknown_article_is_refused(admin_client, db, article_id, chosen):
    response = admin_client.post("/articles", data={"text": V2, "new_version_of": chosen})
    assert response.status_code == 422
    assert db.table("articles").get(article_id)["body"] == V1


def test_the_form_offers_the_articles_and_preselects_one(admin_client, article_id):
    page = admin_client.get(f"/articles/new?new_version_of={article_id}").get_data(as_text=True)
    assert f'<option value="{article_id}" selected>{article_id}: Bridge</option>' in page


def test_what_changed_shows_each_change_word_by_word(admin_client, article_id):
    admin_client.post("/articles", data={"text": V2, "new_version_of": str(article_id)})
    page = admin_client.get(f"/articles/{article_id}/versions/2").get_data(as_text=True)
    assert "<del>$4.5</del>" in page and "<ins>$4.8</ins>" in page
    assert "<del>Critics called it late.</del>" in page
    assert "<ins>Traffic will double.</ins>" in page
    assert page.count('class="change change--') == 3


def test_versions_list_and_each_versions_text(admin_client, article_id):
    admin_client.post("/articles", data={"text": V2, "new_version_of": str(article_id)})
    listing = admin_client.get(f"/articles/{article_id}/versions").get_data(as_text=True)
    assert "1 changed · 1 removed · 1 new · 1 unchanged" in listing
    first = admin_client.get(f"/articles/{article_id}/versions/1/text").get_data(as_text=True)
    assert "It cost $4.5 million." in first and "$4.8" not in first


@pytest.mark.parametrize("path", ["versions/3", "versions/0", "versions/abc", "versions/3/text"])
def test_unknown_versions_are_404(viewer_client, article_id, path):
    response = viewer_client.get(f"/articles/{article_id}/{path}")
    assert response.status_code == 404
    assert "Not Found" in response.get_data(as_text=True)


def test_a_removed_claim_says_so_on_its_page(admin_client, db, article_id):
    claim_id = db.execute(
        "select id from claims where text = 'Critics called it late.'"
    ).fetchone()[0]
    admin_client.post("/articles", data={"text": V2, "new_version_of": str(article_id)})
    page = admin_client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Removed in version 2" in page
    assert "restore it" not in page


def test_the_command_line_imports_a_new_version(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    (tmp_path / "v1.txt").write_text(V1, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(V2, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(tmp_path / "v1.txt")]).stdout == "1\n"
    result = runner.invoke(cli, ["import", str(tmp_path / "v2.txt"), "--new-version-of", "1"])
    assert result.exit_code == 0
    assert result.output.endswith("1\n")
    assert "Version 2 of article 1: 1 changed, 1 removed, 1 new, 1 unchanged" in result.output
    assert connect(tmp_path / "cli.db").table("articles").get(1)["current_version"] == 2
    missing = runner.invoke(cli, ["import", str(tmp_path / "v2.txt"), "--new-version-of", "7"])
    assert missing.exit_code == 1 and "There is no article 7." in missing.output


# --- a new version obeys a new article's limits, from every path -------------------------

# Five sentences on one line: within the limit of lines, past the limit of claims below.
TOO_MANY = "One bridge. Two roads. Three ferries. Four trains. Five buses."


@pytest.fixture
def four_claims_at_most(monkeypatch):
    monkeypatch.setattr("workbench.review.articles.MAX_CLAIMS", 4)


def unchanged(db, article_id):
    article = db.table("articles").get(article_id)
    return article["current_version"] == 1 and article["body"] == V1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_pasted_version_past_the_claim_limit_is_refused_with_the_text_kept(
    admin_client, db, article_id, four_claims_at_most, headers
):
    response = admin_client.post(
        "/articles", data={"text": TOO_MANY, "new_version_of": str(article_id)}, headers=headers
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "This version has 5 claims; the limit is 4" in body and TOO_MANY in body
    assert unchanged(db, article_id)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_file_as_a_version_past_the_claim_limit_is_refused(
    admin_client, db, article_id, four_claims_at_most, headers
):
    response = admin_client.post(
        "/articles",
        data={
            "text": "",
            "new_version_of": str(article_id),
            "file": (io.BytesIO(TOO_MANY.encode()), "v2.txt"),
        },
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This version has 5 claims" in response.get_data(as_text=True)
    assert unchanged(db, article_id)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_preview_as_a_version_past_the_claim_limit_is_refused(
    admin_client, db, article_id, four_claims_at_most, headers
):
    """A link's or a file's preview imported as a new version reaches the same limit."""
    read = admin_client.post(
        "/imports/file",
        data={"file": (io.BytesIO(TOO_MANY.encode()), "v2.txt")},
        content_type="multipart/form-data",
    )
    preview = read.headers["Location"]
    assert preview.startswith("/previews/")
    response = admin_client.post(
        f"{preview}/import", data={"new_version_of": str(article_id)}, headers=headers
    )
    assert response.status_code == 422
    assert "This version has 5 claims" in response.get_data(as_text=True)
    assert unchanged(db, article_id)


def test_the_command_line_refuses_a_version_past_the_claim_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setattr("workbench.review.articles.MAX_CLAIMS", 4)
    (tmp_path / "v1.txt").write_text(V1, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(TOO_MANY, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(tmp_path / "v1.txt")]).stdout == "1\n"
    result = runner.invoke(cli, ["import", str(tmp_path / "v2.txt"), "--new-version-of", "1"])
    assert result.exit_code == 1 and "This version has 5 claims" in result.output
    assert connect(tmp_path / "cli.db").table("articles").get(1)["current_version"] == 1


def test_a_decided_claim_whose_number_changed_shows_changed_since_decided(
    admin_client, reviewer_client, db, article_id
):
    claim_id = db.execute(
        "select id from claims where article_id = ? and text like 'It cost%'", [article_id]
    ).fetchone()[0]
    reviewer_client.post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    admin_client.post("/articles", data={"text": V2, "new_version_of": str(article_id)})
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    row = re.search(rf'<li class="claim claim--(\w+)" id="claim-{claim_id}".*?</li>', page, re.S)
    assert row.group(1) == "unverified"
    assert 'badge--changed">changed since decided<' in row.group(0)
    assert "1 decided claim now says something else: back to unverified" in page  # the flash
    assert "1 decision back to unverified: its claim says something else now." in page
    claim_page = admin_client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "changed what" in claim_page and "so its decision no longer holds" in claim_page
