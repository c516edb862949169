"""Import by URL and by file in the browser's terms: the forms, the job's progress page,
the preview, the snapshot download, restoring deleted articles. Every write without
JavaScript (303/422) and with htmx (HX-Redirect or a partial). Jobs are run by a real
worker on the app's database; pages are fetched from a real server on 127.0.0.1."""

import io
import json
import pathlib

import fetch_server
import pytest

from support import id_from_location, sign_in
from workbench.intake import worker
from workbench.web.gunicorn_hooks import job_handlers

HX = {"HX-Request": "true"}
PAGES = pathlib.Path(__file__).resolve().parent / "pages"
NEWS_PAGE = (PAGES / "saved_news_page" / "page.html").read_bytes()
NEWS = json.loads((PAGES / "saved_news_page" / "metadata.json").read_text(encoding="utf-8"))
FURNITURE = [
    line
    for line in (PAGES / "saved_news_page" / "furniture.txt").read_text().splitlines()
    if line.strip()
]
TEXT = "The ferry left at noon. It carried forty cars. The captain said the sea was calm."


@pytest.fixture(scope="module")
def server():
    with fetch_server.running() as running:
        yield running


@pytest.fixture
def site(server, monkeypatch):
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW", f"127.0.0.1:{server.port}")
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture
def run_jobs(app):
    """Run every queued job now, as `workbench serve`'s worker would."""
    return lambda: worker.Worker(app.config["DATABASE"], job_handlers()).run_until_idle()


def location(response, headers):
    """Where a write sends the browser: the 303's Location, or htmx's HX-Redirect."""
    if headers:
        assert response.status_code == 200 and "Location" not in response.headers
        assert "HX-Request" in response.headers["Vary"]
        return response.headers["HX-Redirect"]
    assert response.status_code == 303
    return response.headers["Location"]


def count(db, table):
    return db.execute(f"select count(*) from {table}").fetchone()[0]


def upload(client, data, name="page.html", headers=None, path="/imports/file"):
    return client.post(
        path,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def preview_of(client, run_jobs, url, headers=None):
    """Fetch `url` through the form and the job: the preview page's path."""
    job_path = location(client.post("/imports/url", data={"url": url}, headers=headers), headers)
    assert job_path.startswith("/jobs/")
    run_jobs()
    return location(client.get(job_path, headers=headers or {}), headers)


both = pytest.mark.parametrize("headers", [None, HX], ids=["plain", "htmx"])


# --- the import page --------------------------------------------------------------------


def test_the_import_page_offers_a_link_a_file_and_pasted_text(admin_client):
    page = admin_client.get("/articles/new").get_data(as_text=True)
    for action in ('action="/imports/url"', 'action="/imports/file"', 'action="/articles"'):
        assert action in page
    assert 'name="authors"' in page


def test_a_link_given_in_the_address_fills_the_field_and_fetches_nothing(admin_client, db):
    page = admin_client.get("/articles/new?url=https://example.org/story").get_data(as_text=True)
    assert 'value="https://example.org/story"' in page
    assert count(db, "jobs") == 0


def test_the_article_list_lets_an_admin_paste_a_link(admin_client, reviewer_client):
    assert 'id="paste-link"' in admin_client.get("/").get_data(as_text=True)
    assert 'id="paste-link"' not in reviewer_client.get("/").get_data(as_text=True)


# --- by URL -----------------------------------------------------------------------------


@both
def test_a_pasted_link_is_fetched_previewed_with_its_metadata_and_imported(
    admin_client, db, site, run_jobs, headers
):
    preview_path = preview_of(
        admin_client, run_jobs, f"{site}/article?name=saved_news_page", headers
    )
    assert preview_path.startswith("/previews/")
    page = admin_client.get(preview_path).get_data(as_text=True)
    for field, value in (
        ("title", NEWS["title"]),
        ("authors", NEWS["authors"][0]),
        ("publisher", NEWS["site_name"]),
        ("published_on", NEWS["published_on"]),
        ("url", NEWS["canonical_url"]),
    ):
        assert f'name="{field}"' in page and f'value="{value}"' in page, field
    assert count(db, "articles") == 0, "nothing is imported before the reviewer says so"

    form = {
        "title": NEWS["title"],
        "authors": "Hannah Okafor; Sam Reid",
        "publisher": NEWS["site_name"],
        "published_on": NEWS["published_on"],
        "url": NEWS["canonical_url"],
    }
    response = admin_client.post(f"{preview_path}/import", data=form, headers=headers)
    article_path = location(response, headers)
    article = db.table("articles").get(int(article_path.rsplit("/", 1)[1]))
    assert json.loads(article["authors"]) == ["Hannah Okafor", "Sam Reid"]
    assert (article["title"], article["published_on"]) == (NEWS["title"], NEWS["published_on"])
    shown = admin_client.get(article_path).get_data(as_text=True)
    assert "Imported" in shown and "by Hannah Okafor, Sam Reid" in shown
    assert f'href="{article_path}/snapshot"' in shown


def test_the_saved_news_page_imported_through_the_forms_has_no_furniture_claims(
    admin_client, db, site, run_jobs
):
    preview_path = preview_of(admin_client, run_jobs, f"{site}/article?name=saved_news_page")
    article_id = id_from_location(admin_client.post(f"{preview_path}/import", data={}))
    claims = [
        row[0] for row in db.execute("select text from claims where article_id = ?", [article_id])
    ]
    assert len(claims) > 5
    assert [(c, f) for c in claims for f in FURNITURE if f in c] == []


@both
@pytest.mark.parametrize(
    "url, message",
    [
        ("", "Paste the article"),
        ("ftp://example.org/story", "http"),
        ("javascript:alert(1)", "http"),
    ],
)
def test_a_link_that_cannot_be_fetched_is_refused_in_the_form(
    admin_client, db, headers, url, message
):
    response = admin_client.post("/imports/url", data={"url": url}, headers=headers)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and (headers is None) == ("<html" in body)
    if url:
        assert body.count(f'value="{url}"') == 1, "the link is kept in the link field"
    assert count(db, "jobs") == 0


@both
@pytest.mark.parametrize(
    "path, message",
    [
        ("/png", "not a web page"),
        ("/big-declared?size=20000000", "limit"),
        ("/redirect?to=http://169.254.169.254/latest/", "cloud metadata"),
    ],
)
def test_a_refused_fetch_says_why_on_the_job_page_keeps_the_link_and_stores_nothing(
    admin_client, db, site, run_jobs, headers, path, message
):
    job_path = location(
        admin_client.post("/imports/url", data={"url": site + path}, headers=headers), headers
    )
    run_jobs()
    response = admin_client.get(job_path, headers=headers or {})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Failed" in body and message in body
    assert 'hx-trigger="every 1s"' not in body, "a failed job is not polled"
    assert body.count(f'value="{site + path}"') == 1, "the link field, not the article's URL"
    if headers:
        assert 'id="try-again" hx-swap-oob="true"' in body
    assert count(db, "snapshots") == 0 and count(db, "articles") == 0


def test_the_job_page_shows_a_bar_and_the_stages_and_polls_until_done(admin_client, site):
    job_path = location(admin_client.post("/imports/url", data={"url": f"{site}/page"}), None)
    page = admin_client.get(job_path)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<progress" in body and "Fetching" in body and "Extracting" in body
    assert f'hx-get="{job_path}" hx-trigger="every 1s"' in body
    assert '<noscript><meta http-equiv="refresh"' in body and f'href="{job_path}">Refresh' in body
    partial = admin_client.get(job_path, headers=HX)
    assert "<html" not in partial.get_data(as_text=True)
    assert "HX-Request" in partial.headers["Vary"]


def test_a_pasted_link_in_the_text_box_is_fetched_not_imported(admin_client, db, site, run_jobs):
    response = admin_client.post("/articles", data={"text": f"  {site}/page \r\n"})
    assert response.headers["Location"].startswith("/jobs/")
    assert count(db, "articles") == 0
    run_jobs()
    assert (
        admin_client.get(response.headers["Location"]).headers["Location"].startswith("/previews/")
    )


def test_only_whoever_started_a_job_or_an_admin_sees_it(app, admin_client, site):
    job_path = location(admin_client.post("/imports/url", data={"url": f"{site}/page"}), None)
    admin_view = sign_in(app, "bea", "admin").get(job_path)
    assert admin_view.status_code == 200 and site in admin_view.get_data(as_text=True)
    hidden = sign_in(app, "vic", "viewer").get(job_path)
    # Not 403: whether the job exists is not told, nor where it fetches from.
    assert hidden.status_code == 404 and site not in hidden.get_data(as_text=True)
    assert sign_in(app, "ana", "reviewer").get("/jobs/abc").status_code == 404
    assert admin_client.get("/jobs/99999").status_code == 404


# --- by file ----------------------------------------------------------------------------


@both
def test_a_saved_page_is_read_into_a_preview(admin_client, db, headers):
    preview_path = location(upload(admin_client, NEWS_PAGE, headers=headers), headers)
    page = admin_client.get(preview_path).get_data(as_text=True)
    assert f'value="{NEWS["title"]}"' in page and "page.html" in page
    assert count(db, "articles") == 0


def test_a_large_file_is_read_in_a_job(admin_client, db, run_jobs, monkeypatch):
    from workbench.intake import importing

    monkeypatch.setattr(importing, "INLINE_UPLOAD_BYTES", 1000)
    job_path = location(upload(admin_client, NEWS_PAGE), None)
    assert job_path.startswith("/jobs/")
    run_jobs()
    assert admin_client.get(job_path).headers["Location"].startswith("/previews/")


@both
@pytest.mark.parametrize(
    "name, data, message",
    [
        ("photo.png", b"\x89PNG\r\n", "not a supported file type"),
        ("empty.html", b"\n \n", "empty"),
        ("broken.txt", "naïve café ".encode() + b"\xff", "UTF-8"),
        ("nul.txt", b"ab\x00cd", "binary"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_the_form(
    admin_client, db, headers, name, data, message
):
    response = upload(admin_client, data, name, headers)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(db, "snapshots") == 0 and count(db, "jobs") == 0


def test_reading_without_a_file_is_refused(admin_client):
    response = admin_client.post("/imports/file", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file" in response.get_data(as_text=True)


# --- the preview ------------------------------------------------------------------------


@both
def test_wrong_metadata_is_refused_with_the_form_kept_and_nothing_stored(admin_client, db, headers):
    preview_path = location(upload(admin_client, NEWS_PAGE), None)
    form = {"title": "Kept title", "published_on": "14 March", "authors": "Hannah Okafor"}
    response = admin_client.post(f"{preview_path}/import", data=form, headers=headers)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "publication date" in body and 'value="Kept title"' in body
    assert (headers is None) == ("<html" in body)
    assert count(db, "articles") == 0 and count(db, "snapshots") == 1


def test_extra_fields_of_the_preview_form_are_not_stored(admin_client, db):
    preview_path = location(upload(admin_client, NEWS_PAGE), None)
    form = {"imported_by": "mallory", "content_hash": "x", "body": "Not the text."}
    article_id = id_from_location(admin_client.post(f"{preview_path}/import", data=form))
    article = db.table("articles").get(article_id)
    assert (article["imported_by"], article["body"] != "Not the text.") == ("ada", True)


@both
def test_discarding_a_preview_keeps_nothing(admin_client, db, headers):
    preview_path = location(upload(admin_client, NEWS_PAGE), None)
    response = admin_client.post(f"{preview_path}/discard", headers=headers)
    assert location(response, headers) == "/articles/new"
    assert count(db, "snapshots") == 0
    assert admin_client.get(preview_path).status_code == 404


def test_an_imported_preview_leads_to_its_article(admin_client):
    preview_path = location(upload(admin_client, NEWS_PAGE), None)
    article_path = admin_client.post(f"{preview_path}/import").headers["Location"]
    assert admin_client.get(preview_path).headers["Location"] == article_path
    assert admin_client.post(f"{preview_path}/import").status_code == 404


def test_a_preview_of_text_imported_before_says_so(admin_client):
    first = location(upload(admin_client, NEWS_PAGE), None)
    article_path = admin_client.post(f"{first}/import").headers["Location"]
    again = location(upload(admin_client, NEWS_PAGE, "copy.html"), None)
    page = admin_client.get(again).get_data(as_text=True)
    assert "imported before" in page and f'href="{article_path}"' in page


@pytest.mark.parametrize("preview_id", ["abc", "-1", "0", "99999"])
def test_unknown_previews_are_404(admin_client, db, preview_id):
    assert admin_client.get(f"/previews/{preview_id}").status_code == 404
    assert admin_client.post(f"/previews/{preview_id}/import").status_code == 404
    assert db.execute("select count(*) from articles").fetchone()[0] == 0


@both
def test_a_long_text_is_imported_in_a_job_and_lands_on_the_article(
    admin_client, db, run_jobs, monkeypatch, headers
):
    from workbench.intake import importing

    monkeypatch.setattr(importing, "INLINE_TEXT_CHARS", 20)
    response = admin_client.post(
        "/articles", data={"text": TEXT, "title": "Ferry"}, headers=headers
    )
    job_path = location(response, headers)
    body = admin_client.get(job_path).get_data(as_text=True)
    assert "Splitting" in body and "Finding sources" in body
    assert count(db, "articles") == 0
    run_jobs()
    article_path = location(admin_client.get(job_path, headers=headers or {}), headers)
    assert "Imported 3 claims." in admin_client.get(article_path).get_data(as_text=True)
    assert db.table("articles").get(int(article_path.rsplit("/", 1)[1]))["title"] == "Ferry"


# --- the snapshot -----------------------------------------------------------------------


def test_the_snapshot_downloads_as_the_original_bytes_never_inline(app, admin_client):
    preview_path = location(upload(admin_client, NEWS_PAGE, "story.html"), None)
    article_id = id_from_location(admin_client.post(f"{preview_path}/import"))
    response = sign_in(app, "vic", "viewer").get(f"/articles/{article_id}/snapshot")
    assert response.status_code == 200 and response.data == NEWS_PAGE
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="article-{article_id}-snapshot.html"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["Cache-Control"] == "no-store"
    gzip_asked = admin_client.get(
        f"/articles/{article_id}/snapshot", headers={"Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in gzip_asked.headers and gzip_asked.data == NEWS_PAGE


def test_a_fetched_snapshot_keeps_the_declared_charset(admin_client, site, run_jobs):
    preview_path = preview_of(admin_client, run_jobs, f"{site}/latin1")
    article_id = id_from_location(admin_client.post(f"{preview_path}/import"))
    response = admin_client.get(f"/articles/{article_id}/snapshot")
    assert response.headers["Content-Type"] == "text/html; charset=ISO-8859-1"
    assert "café".encode("latin-1") in response.data


def test_a_pasted_article_has_no_snapshot(admin_client):
    article_id = id_from_location(admin_client.post("/articles", data={"text": TEXT}))
    assert admin_client.get(f"/articles/{article_id}/snapshot").status_code == 404
    assert "/snapshot" not in admin_client.get(f"/articles/{article_id}").get_data(as_text=True)


def test_a_file_posted_with_the_text_form_keeps_its_snapshot_and_the_pages_metadata(
    admin_client, db
):
    response = upload(admin_client, NEWS_PAGE, "story.html", path="/articles")
    article = db.table("articles").get(id_from_location(response))
    assert (article["title"], json.loads(article["authors"])) == (NEWS["title"], NEWS["authors"])
    assert admin_client.get(f"/articles/{article['id']}/snapshot").data == NEWS_PAGE


def test_the_json_export_and_claimreview_carry_the_metadata_and_snapshot(
    admin_client, reviewer_client, db
):
    preview_path = location(upload(admin_client, NEWS_PAGE, "story.html"), None)
    article_id = id_from_location(admin_client.post(f"{preview_path}/import"))
    document = json.loads(admin_client.get(f"/articles/{article_id}/export.json").data)
    article = document["articles"][0]
    assert article["authors"] == NEWS["authors"]
    snapshot = article["snapshot"]
    assert (snapshot["origin"], snapshot["filename"], snapshot["size"]) == (
        "upload",
        "story.html",
        len(NEWS_PAGE),
    )
    assert len(snapshot["sha256"]) == 64
    claim_id = db.execute("select min(id) from claims where article_id = ?", [article_id])
    reviewer_client.post(f"/claims/{claim_id.fetchone()[0]}/status", data={"status": "sourced"})
    reviews = json.loads(admin_client.get("/export.claimreview").data)
    appearance = reviews[0]["itemReviewed"]["appearance"]
    assert appearance["author"] == [{"@type": "Person", "name": NEWS["authors"][0]}]
    assert appearance["publisher"]["name"] == NEWS["site_name"]
    assert appearance["datePublished"] == NEWS["published_on"]
    assert appearance["url"] == NEWS["canonical_url"]


# --- deleted articles -------------------------------------------------------------------


def deleted_article(client):
    article_id = id_from_location(client.post("/articles", data={"text": TEXT, "title": "Ferry"}))
    client.post(f"/articles/{article_id}/delete")
    return article_id


def test_delete_asks_on_a_page_of_its_own_before_deleting(admin_client, reviewer_client, db):
    article_id = id_from_location(
        admin_client.post("/articles", data={"text": TEXT, "title": "Ferry"})
    )
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert f'href="/articles/{article_id}/delete"' in page  # a link, not a form on every page
    assert f'action="/articles/{article_id}/delete"' not in page
    assert f'href="/articles/{article_id}/delete"' not in reviewer_client.get(
        f"/articles/{article_id}"
    ).get_data(as_text=True)

    asked = admin_client.get(f"/articles/{article_id}/delete")
    assert asked.status_code == 200
    body = asked.get_data(as_text=True)
    assert "Ferry" in body and "can restore it" in body
    assert f'<form method="post" action="/articles/{article_id}/delete"' in body
    assert (
        db.execute("select deleted_at from articles").fetchone()[0] is None
    )  # asking changes nothing
    assert reviewer_client.get(f"/articles/{article_id}/delete").status_code == 403

    assert admin_client.post(f"/articles/{article_id}/delete").status_code == 303
    assert db.execute("select deleted_at from articles").fetchone()[0] is not None


@both
def test_importing_a_deleted_articles_text_offers_to_restore_it(admin_client, db, headers):
    article_id = deleted_article(admin_client)
    response = admin_client.post("/articles", data={"text": TEXT}, headers=headers)
    offer = location(response, headers)
    assert offer == f"/deleted-articles/{article_id}?reason=import"
    page = admin_client.get(offer)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Ferry" in body and f'action="/articles/{article_id}/restore"' in body
    assert count(db, "articles") == 1


def test_importing_a_deleted_articles_page_offers_to_restore_it(admin_client):
    first = location(upload(admin_client, NEWS_PAGE), None)
    article_id = id_from_location(admin_client.post(f"{first}/import"))
    admin_client.post(f"/articles/{article_id}/delete")
    again = location(upload(admin_client, NEWS_PAGE), None)
    assert "was deleted" in admin_client.get(again).get_data(as_text=True)
    response = admin_client.post(f"{again}/import")
    assert response.headers["Location"] == f"/deleted-articles/{article_id}?reason=import"


def test_restoring_from_the_offer_brings_the_article_back(admin_client, db):
    article_id = deleted_article(admin_client)
    response = admin_client.post(f"/articles/{article_id}/restore")
    assert location(response, None) == f"/articles/{article_id}"
    assert "Restored" in admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert db.table("articles").get(article_id)["deleted_at"] is None


def test_restoring_from_the_list_with_htmx_swaps_the_row(admin_client, db):
    article_id = deleted_article(admin_client)
    listed = admin_client.get("/deleted-articles").get_data(as_text=True)
    assert f'id="deleted-{article_id}"' in listed and "Ferry" in listed
    response = admin_client.post(f"/articles/{article_id}/restore", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<li class="article-card')
    assert "Restored" in body and f'id="deleted-{article_id}"' in body
    assert db.table("articles").get(article_id)["deleted_at"] is None
    assert "Ferry" not in admin_client.get("/deleted-articles").get_data(as_text=True)


@both
def test_restoring_an_article_that_is_not_deleted_changes_nothing(admin_client, db, headers):
    article_id = deleted_article(admin_client)
    admin_client.post(f"/articles/{article_id}/restore")
    before = db.execute("select count(*) from history").fetchone()[0]
    response = admin_client.post(f"/articles/{article_id}/restore", headers=headers)
    assert response.status_code == (409 if headers else 303)
    assert db.execute("select count(*) from history").fetchone()[0] == before


@pytest.mark.parametrize("article_id", ["abc", "-1", "99999"])
def test_restoring_unknown_articles_is_404(admin_client, db, article_id):
    assert admin_client.post(f"/articles/{article_id}/restore").status_code == 404
    assert admin_client.get(f"/deleted-articles/{article_id}").status_code == 404
    assert db.execute("select count(*) from history").fetchone()[0] == 0


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_admins_see_deleted_articles_or_restore_them(app, admin_client, db, role):
    article_id = deleted_article(admin_client)
    client = sign_in(app, "someone", role)
    assert client.get("/deleted-articles").status_code == 403
    assert client.get(f"/deleted-articles/{article_id}").status_code == 403
    assert client.post(f"/articles/{article_id}/restore").status_code == 403
    assert db.table("articles").get(article_id)["deleted_at"] is not None


def test_a_deleted_articles_snapshot_is_not_served(admin_client):
    preview_path = location(upload(admin_client, NEWS_PAGE), None)
    article_id = id_from_location(admin_client.post(f"{preview_path}/import"))
    assert admin_client.get(f"/articles/{article_id}/snapshot").status_code == 200
    admin_client.post(f"/articles/{article_id}/delete")
    gone = admin_client.get(f"/articles/{article_id}/snapshot")
    assert gone.status_code == 404 and "Content-Disposition" not in gone.headers


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_person_with_their_limit_of_jobs_waiting_is_refused_with_the_link_kept(
    admin_client, db, site, monkeypatch, headers
):
    monkeypatch.setattr("workbench.intake.jobs.MAX_QUEUED_PER_USER", 2)
    for number in range(2):
        location(admin_client.post("/imports/url", data={"url": f"{site}/page?{number}"}), None)
    response = admin_client.post("/imports/url", data={"url": f"{site}/late"}, headers=headers)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "waiting to be fetched or run as one person may (2)" in body
    assert "nothing was added" in body
    assert f'value="{site}/late"' in body
    assert count(db, "jobs") == 2
