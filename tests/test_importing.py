"""Import by URL and by file (workbench/intake/importing.py, snapshots.py): previews, the kept
snapshot, the import jobs and their stages, restoring deleted articles. Domain only: a
real HTTP server on 127.0.0.1, the handlers called as the worker calls them."""

import hashlib
import json
import pathlib
import zlib

import fetch_server
import pytest

from support import actor
from workbench.errors import ArticleRejected, InvalidInput, PreviewNotFound
from workbench.intake import importing, jobs, snapshots
from workbench.review import articles

PAGES = pathlib.Path(__file__).resolve().parent / "pages"
NEWS_PAGE = (PAGES / "saved_news_page" / "page.html").read_bytes()
NEWS = json.loads((PAGES / "saved_news_page" / "metadata.json").read_text(encoding="utf-8"))
NEWS_PAGE_FIRST_LINE = (PAGES / "saved_news_page" / "body.txt").read_text().splitlines()[0]
ADA = actor("ada")


@pytest.fixture(scope="module")
def server():
    with fetch_server.running() as running:
        yield running


@pytest.fixture
def site(server, monkeypatch):
    """The test server's base URL, allowed to the fetcher as WORKBENCH_FETCH_ALLOW says."""
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", f"127.0.0.1:{server.port}")
    return f"http://127.0.0.1:{server.port}"


def run(db, job_id):
    """Run a queued job as the worker would: claim it, call its handler, record the end."""
    job = jobs.claim_next(db, "test-worker")
    assert job is not None and job.id == job_id
    stages = []

    def report(stage, progress):
        stages.append(stage)
        jobs.report_progress(db, job.id, stage, progress)

    try:
        result = importing.JOB_HANDLERS[job.kind](db, job, report)
    except jobs.JobFailed as error:
        jobs.fail(db, job.id, str(error), retry=error.retry)
    else:
        if jobs.get_job(db, job.id).state == "running":
            jobs.finish(db, job, result, result.get("article_id"))
    return jobs.get_job(db, job.id), stages


def fetched_preview(db, url):
    job, stages = run(db, importing.start_fetch(db, url, ADA))
    assert job.state == "done", job.error
    assert stages == ["fetching", "extracting"]
    return snapshots.get_preview(db, job.result["preview_id"])


def table_count(db, table):
    return db.execute(f"select count(*) from {table}").fetchone()[0]


# --- fetching into a preview ------------------------------------------------------------


def test_a_fetched_page_becomes_a_preview_with_its_metadata_and_bytes(memory_db, site):
    url = f"{site}/article?name=saved_news_page"
    preview = fetched_preview(memory_db, url)
    assert preview.text.startswith(NEWS_PAGE_FIRST_LINE)
    assert (preview.metadata.title, preview.metadata.authors, preview.metadata.published_on) == (
        NEWS["title"],
        tuple(NEWS["authors"]),
        NEWS["published_on"],
    )
    assert (preview.info["origin"], preview.info["final_url"], preview.info["http_status"]) == (
        "url",
        url,
        200,
    )
    assert preview.info["sha256"] == hashlib.sha256(NEWS_PAGE).hexdigest()
    assert preview.info["size"] == len(NEWS_PAGE)
    assert snapshots.preview_bytes(memory_db, preview.id) == NEWS_PAGE


def test_the_preview_form_is_prefilled_from_the_page(memory_db, site):
    preview = fetched_preview(memory_db, f"{site}/article?name=saved_news_page")
    assert importing.prefill(preview.metadata, preview.info["final_url"]) == {
        "title": NEWS["title"],
        "authors": "; ".join(NEWS["authors"]),
        "publisher": NEWS["site_name"],
        "published_on": NEWS["published_on"],
        "url": NEWS["canonical_url"],
        "language": "en",  # detected from the article's text
    }


def test_a_redirect_keeps_the_final_address(memory_db, site):
    preview = fetched_preview(memory_db, f"{site}/redirect?to=/page")
    assert preview.info["requested_url"] == f"{site}/redirect?to=/page"
    assert preview.info["final_url"] == f"{site}/page"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/png", "not a web page"),
        ("/missing", "404"),
        ("/gzip-bomb", "compression bomb"),
        ("/redirect?to=http://10.0.0.1/", "private address"),
    ],
)
def test_a_refused_fetch_fails_the_job_with_the_reason_and_stores_nothing(
    memory_db, site, path, message
):
    job, _ = run(memory_db, importing.start_fetch(memory_db, site + path, ADA))
    assert job.state == "failed" and message in job.error
    assert job.payload == {"url": site + path}, "kept, so the form can offer it again"
    assert table_count(memory_db, "snapshots") == 0


def test_an_internal_address_not_in_the_allow_list_is_refused(memory_db, server, monkeypatch):
    monkeypatch.delenv("WORKBENCH_FETCH_ALLOW", raising=False)
    job, _ = run(
        memory_db, importing.start_fetch(memory_db, f"http://127.0.0.1:{server.port}/page", ADA)
    )
    assert job.state == "failed" and "loopback" in job.error
    assert table_count(memory_db, "snapshots") == 0


@pytest.mark.parametrize(
    "url", ["", "   ", "ftp://example.org/a", "javascript:alert(1)", "example.org/story"]
)
def test_a_link_that_is_not_http_is_refused_before_anything_is_queued(memory_db, url):
    with pytest.raises(ArticleRejected):
        importing.start_fetch(memory_db, url, ADA)
    assert table_count(memory_db, "jobs") == 0


@pytest.mark.parametrize(
    "text, is_link",
    [
        ("https://example.org/story", True),
        ("  http://example.org/a?b=1\n", True),
        ("See https://example.org/story", False),
        ("The port reopened.", False),
        ("javascript:alert(1)", False),
    ],
)
def test_pasted_text_that_is_only_a_link_is_a_link(text, is_link):
    assert importing.looks_like_a_link(text) is is_link


# --- files ------------------------------------------------------------------------------


def test_a_small_file_is_read_into_a_preview_at_once(memory_db):
    started = importing.read_upload(memory_db, "story.html", NEWS_PAGE, ADA)
    assert started.job_id is None
    preview = snapshots.get_preview(memory_db, started.preview_id)
    assert (preview.info["origin"], preview.info["filename"]) == ("upload", "story.html")
    assert preview.metadata.title == NEWS["title"]


def test_a_large_file_is_read_in_a_job(memory_db, monkeypatch):
    monkeypatch.setattr(importing, "INLINE_UPLOAD_BYTES", 100)
    started = importing.read_upload(memory_db, "story.html", NEWS_PAGE, ADA)
    assert started.preview_id is None
    job, stages = run(memory_db, started.job_id)
    assert (job.state, stages) == ("done", ["extracting"])
    preview = snapshots.get_preview(memory_db, job.result["preview_id"])
    assert preview.text.startswith(NEWS_PAGE_FIRST_LINE)


def test_a_large_file_that_cannot_be_read_fails_and_leaves_nothing(memory_db, monkeypatch):
    monkeypatch.setattr(importing, "INLINE_UPLOAD_BYTES", 10)
    started = importing.read_upload(memory_db, "broken.txt", "café ".encode() * 9 + b"\xff", ADA)
    job, _ = run(memory_db, started.job_id)
    assert job.state == "failed" and "UTF-8" in job.error
    assert table_count(memory_db, "snapshots") == 0


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("photo.png", b"\x89PNG", "not a supported file type"),
        ("empty.html", b"  \n", "empty"),
        ("nul.txt", b"ab\x00cd", "binary"),
    ],
)
def test_a_file_that_cannot_be_an_article_is_refused_at_once(memory_db, name, data, message):
    with pytest.raises(ArticleRejected, match=message):
        importing.read_upload(memory_db, name, data, ADA)
    assert table_count(memory_db, "snapshots") == 0


# --- importing a preview ----------------------------------------------------------------


def test_importing_a_preview_keeps_its_snapshot_with_the_article(memory_db, site):
    preview = fetched_preview(memory_db, f"{site}/article?name=saved_news_page")
    metadata = {**importing.prefill(preview.metadata, preview.info["final_url"]), "title": "Mine"}
    result = importing.import_preview(memory_db, preview.id, metadata, ADA)
    article = articles.get_article(memory_db, result.article_id)
    assert (article["title"], articles.author_names(article), article["publisher"]) == (
        "Mine",
        NEWS["authors"],
        NEWS["site_name"],
    )
    assert (article["published_on"], article["url"]) == (
        NEWS["published_on"],
        NEWS["canonical_url"],
    )
    assert article["body"] == preview.text
    info, raw = snapshots.snapshot_content(memory_db, result.article_id)
    assert raw == NEWS_PAGE and info["sha256"] == hashlib.sha256(NEWS_PAGE).hexdigest()
    stored = memory_db.execute("select raw, draft_text from snapshots").fetchone()
    assert zlib.decompress(stored[0]) == NEWS_PAGE and len(stored[0]) < len(NEWS_PAGE)
    assert stored[1] is None, "the article's text is the text; the draft is dropped"
    with pytest.raises(PreviewNotFound):
        snapshots.get_preview(memory_db, preview.id)


def test_the_saved_news_page_yields_no_furniture_claims(memory_db):
    started = importing.read_upload(memory_db, "page.html", NEWS_PAGE, ADA)
    result = importing.import_preview(memory_db, started.preview_id, {}, ADA)
    claims = [
        row[0]
        for row in memory_db.execute(
            "select text from claims where article_id = ?", [result.article_id]
        )
    ]
    furniture = (PAGES / "saved_news_page" / "furniture.txt").read_text().splitlines()
    assert claims and not [
        (claim, piece) for claim in claims for piece in furniture if piece and piece in claim
    ]


def test_bad_metadata_refuses_the_import_and_keeps_the_preview(memory_db):
    started = importing.read_upload(memory_db, "page.html", NEWS_PAGE, ADA)
    with pytest.raises(ArticleRejected, match="date"):
        importing.import_preview(memory_db, started.preview_id, {"published_on": "14/03"}, ADA)
    assert table_count(memory_db, "articles") == 0
    assert snapshots.get_preview(memory_db, started.preview_id).text


def test_a_preview_of_text_imported_before_opens_that_article_and_goes(memory_db):
    first = importing.read_upload(memory_db, "page.html", NEWS_PAGE, ADA)
    article_id = importing.import_preview(memory_db, first.preview_id, {}, ADA).article_id
    again = importing.read_upload(memory_db, "copy.html", NEWS_PAGE, ADA)
    result = importing.import_preview(memory_db, again.preview_id, {}, ADA)
    assert (result.article_id, result.created, result.deleted) == (article_id, False, False)
    assert table_count(memory_db, "snapshots") == 1


def test_a_long_preview_is_imported_in_a_job_through_every_stage(memory_db):
    started = importing.read_upload(memory_db, "page.html", NEWS_PAGE, ADA)
    job_id = importing.start_import(
        memory_db, {"title": "Flood barrier"}, ADA, preview_id=started.preview_id
    )
    job, stages = run(memory_db, job_id)
    assert stages == ["splitting", "finding sources", "storing"]
    assert job.state == "done" and job.result["created"] is True
    article = articles.get_article(memory_db, job.article_id)
    assert article["title"] == "Flood barrier"
    assert snapshots.snapshot_info(memory_db, job.article_id)["origin"] == "upload"


def test_pasted_text_imported_in_a_job_has_no_snapshot(memory_db):
    text = "The ferry left at noon. It carried forty cars.\n" * 3
    job, _ = run(memory_db, importing.start_import(memory_db, {}, ADA, text=text))
    assert job.state == "done" and job.result["claim_count"] == 6
    assert snapshots.snapshot_info(memory_db, job.article_id) is None


def test_a_job_is_done_in_the_same_transaction_as_its_article(memory_db):
    text = "The ferry left at noon. It carried forty cars."
    job_id = importing.start_import(memory_db, {}, ADA, text=text)
    job = jobs.claim_next(memory_db, "w")
    jobs.recover_stale(memory_db, stale_after=-60)  # given up while it worked
    with pytest.raises(jobs.JobFailed):
        importing.run_import(memory_db, job, lambda stage, progress: None)
    assert table_count(memory_db, "articles") == 0
    assert jobs.get_job(memory_db, job_id).state == "failed"


def test_bad_metadata_is_refused_before_a_job_is_queued(memory_db):
    with pytest.raises(ArticleRejected):
        importing.start_import(memory_db, {"url": "file:///etc/passwd"}, ADA, text="Some text.")
    assert table_count(memory_db, "jobs") == 0


def test_stale_previews_are_deleted_after_a_day(memory_db):
    started = importing.read_upload(memory_db, "page.html", NEWS_PAGE, ADA)
    memory_db.execute("update snapshots set created_at = '2000-01-01T00:00:00Z'")
    assert snapshots.delete_stale_previews(memory_db) == 1
    with pytest.raises(PreviewNotFound):
        snapshots.get_preview(memory_db, started.preview_id)


# --- deleted articles -------------------------------------------------------------------


def test_importing_the_text_of_a_deleted_article_says_it_can_be_restored(memory_db):
    text = "The ferry left at noon. It carried forty cars."
    article_id = articles.import_article(memory_db, text, actor=ADA).article_id
    articles.delete_article(memory_db, article_id, ADA)
    again = articles.import_article(memory_db, text, actor=ADA)
    assert (again.article_id, again.created, again.deleted) == (article_id, False, True)


def test_restoring_brings_an_article_back_and_logs_it(memory_db):
    text = "The ferry left at noon. It carried forty cars."
    article_id = articles.import_article(memory_db, text, actor=ADA).article_id
    articles.delete_article(memory_db, article_id, ADA)
    assert [row["id"] for row in articles.deleted_articles(memory_db)] == [article_id]
    restored = articles.restore_article(memory_db, article_id, actor("bo"))
    assert restored["deleted_at"] is None and articles.deleted_articles(memory_db) == []
    last = memory_db.execute("select actor, action from history order by id desc").fetchone()
    assert tuple(last) == ("bo", "article restored")
    with pytest.raises(InvalidInput, match="not deleted"):
        articles.restore_article(memory_db, article_id, ADA)


@pytest.mark.parametrize(
    "authors, stored",
    [
        ("Ana Reyes; Tom Li", ["Ana Reyes", "Tom Li"]),
        (["Ana Reyes", "Ana Reyes", " "], ["Ana Reyes"]),
        ("  ;  ", None),
        ("Zo\x00e\ufeff", ["Zoe"]),
    ],
)
def test_authors_are_stored_as_a_clean_list(authors, stored):
    cleaned = articles.clean_metadata(authors=authors)["authors"]
    assert (json.loads(cleaned) if cleaned else None) == stored


def test_too_many_or_too_long_author_names_are_refused():
    with pytest.raises(ArticleRejected):
        articles.clean_metadata(authors=[f"Author {n}" for n in range(21)])
    with pytest.raises(ArticleRejected):
        articles.clean_metadata(authors="x" * 201)


def test_a_malformed_allow_list_fails_the_fetch_with_a_message_naming_it(memory_db, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", "127.0.0.1")
    job, _ = run(memory_db, importing.start_fetch(memory_db, "http://127.0.0.1:9/page", ADA))
    assert job.state == "failed" and "WORKBENCH_FETCH_ALLOW" in job.error
