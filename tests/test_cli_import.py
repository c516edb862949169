"""`workbench import URL`, what it prints of the page, its snapshot and progress, and
`workbench restore-article`. A real server on 127.0.0.1, allowed by WORKBENCH_FETCH_ALLOW."""

import hashlib
import json
import pathlib

import fetch_server
import pytest
from click.testing import CliRunner

from workbench.cli import articles as cli_articles
from workbench.cli import cli
from workbench.storage.db import connect

PAGES = pathlib.Path(__file__).resolve().parent / "pages"
NEWS_PAGE = (PAGES / "saved_news_page" / "page.html").read_bytes()
NEWS = json.loads((PAGES / "saved_news_page" / "metadata.json").read_text(encoding="utf-8"))
STORY = "The port reopened on Friday. Ships queued for hours. Officials blamed the fog.\n"


@pytest.fixture(scope="module")
def server():
    with fetch_server.running() as running:
        yield running


@pytest.fixture
def env(tmp_path, monkeypatch, server):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", f"127.0.0.1:{server.port}")
    return tmp_path


@pytest.fixture
def site(server):
    return f"http://127.0.0.1:{server.port}"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def stored(env):
    return connect(env / "cli.db")


def test_import_url_prints_what_the_page_says_and_the_new_id(env, site):
    url = f"{site}/article?name=saved_news_page"
    result = run("import", url)
    assert result.exit_code == 0, result.output
    assert result.stdout == "1\n", "stdout carries only the id, for scripts"
    for label, value in (
        ("Fetched:", url),
        ("Title:", NEWS["title"]),
        ("Author(s):", NEWS["authors"][0]),
        ("Published:", NEWS["published_on"]),
        ("Site:", NEWS["site_name"]),
        ("Canonical URL:", NEWS["canonical_url"]),
    ):
        assert any(line.startswith(label) and value in line for line in result.stderr.splitlines())
    db = stored(env)
    article = db.table("articles").get(1)
    assert (article["title"], json.loads(article["authors"]), article["url"]) == (
        NEWS["title"],
        NEWS["authors"],
        NEWS["canonical_url"],
    )
    snapshot = db.execute("select origin, final_url, http_status, sha256 from snapshots").fetchone()
    assert tuple(snapshot) == ("url", url, 200, hashlib.sha256(NEWS_PAGE).hexdigest())


def test_options_win_over_what_the_page_says(env, site):
    result = run(
        "import",
        f"{site}/article?name=saved_news_page",
        "--title",
        "Barrier late",
        "--author",
        "A. Reporter",
        "--author",
        "B. Editor",
        "--date",
        "2025-03-15",
    )
    assert result.exit_code == 0
    article = stored(env).table("articles").get(1)
    assert (article["title"], json.loads(article["authors"]), article["published_on"]) == (
        "Barrier late",
        ["A. Reporter", "B. Editor"],
        "2025-03-15",
    )


@pytest.mark.parametrize(
    "path, message",
    [("/png", "not a web page"), ("/missing", "404"), ("/gzip-bomb", "compression bomb")],
)
def test_a_refused_url_exits_1_with_the_reason_and_stores_nothing(env, site, path, message):
    result = run("import", site + path)
    assert result.exit_code == 1 and message in result.output
    assert not (env / "cli.db").exists() or stored(env).table("articles").count == 0


def test_an_internal_address_is_refused_without_the_allow_list(env, site, monkeypatch):
    monkeypatch.delenv("WORKBENCH_FETCH_ALLOW")
    result = run("import", f"{site}/page")
    assert result.exit_code == 1 and "WORKBENCH_FETCH_ALLOW" in result.output


def test_a_missing_file_is_a_usage_error(env):
    result = run("import", str(env / "nowhere.txt"))
    assert result.exit_code == 2 and "not a file" in result.output


def test_an_html_file_is_imported_with_its_metadata_and_snapshot(env):
    (env / "saved.html").write_bytes(NEWS_PAGE)
    result = run("import", str(env / "saved.html"))
    assert result.exit_code == 0 and f"Title:         {NEWS['title']}" in result.stderr
    db = stored(env)
    assert db.table("articles").get(1)["title"] == NEWS["title"]
    assert tuple(db.execute("select origin, filename, size from snapshots").fetchone()) == (
        "upload",
        "saved.html",
        len(NEWS_PAGE),
    )


def test_a_terminal_sees_a_bar_with_each_stage(env, site, monkeypatch):
    monkeypatch.setattr(cli_articles, "_stdout_is_terminal", lambda: True)
    result = run("import", f"{site}/article?name=saved_news_page")
    assert result.exit_code == 0
    for stage in ("Fetching", "Splitting", "Finding sources", "Storing", "Done"):
        assert stage in result.stdout
    assert result.stdout.endswith("1\n")


def test_no_bar_when_stdout_is_not_a_terminal(env):
    (env / "story.txt").write_text(STORY)
    assert run("import", str(env / "story.txt")).stdout == "1\n"


def test_importing_a_deleted_articles_text_points_to_restore_article(env):
    (env / "story.txt").write_text(STORY)
    run("import", str(env / "story.txt"))
    db = stored(env)
    db.execute("update articles set deleted_at = '2026-01-01T00:00:00Z', deleted_by = 'ada'")
    db.conn.commit()
    again = run("import", str(env / "story.txt"))
    assert again.exit_code == 1 and "workbench restore-article 1" in again.output
    restored = run("restore-article", "1", "--by", "bo")
    assert restored.exit_code == 0 and "Restored article 1" in restored.output
    assert stored(env).table("articles").get(1)["deleted_at"] is None
    assert run("import", str(env / "story.txt")).exit_code == 0


@pytest.mark.parametrize(
    "article_id, message", [("1", "not deleted"), ("7", "no article 7"), ("x", "x")]
)
def test_restore_article_refuses_what_it_cannot_restore(env, article_id, message):
    (env / "story.txt").write_text(STORY)
    run("import", str(env / "story.txt"))
    result = run("restore-article", article_id)
    assert result.exit_code in (1, 2) and message in result.output
