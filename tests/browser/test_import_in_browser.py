"""Importing by link in a real browser: paste a link, watch the job, check the title,
author and date the page gave, import, and review the article's own sentences.

The news site is a real server on 127.0.0.1 that `workbench serve` may fetch from
(WORKBENCH_FETCH_ALLOW); its pages are the regression pages of tests/pages.
"""

import json
import pathlib
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = pathlib.Path(__file__).resolve().parent.parent / "pages"
ADMIN = "carla"  # only admins import
JOB_SECONDS_MS = 20_000  # a fetch and an import in the server's job worker, on a shared machine


def regression_page(name):
    folder = PAGES / name
    return {
        "metadata": json.loads((folder / "metadata.json").read_text(encoding="utf-8")),
        "body": (folder / "body.txt").read_text(encoding="utf-8"),
        "furniture": [
            line
            for line in (folder / "furniture.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ],
    }


def assert_the_articles_own_sentences(page, expected):
    expect(page.locator("li.claim").first).to_be_visible()
    claims = page.locator("li.claim .claim__text").all_inner_texts()
    assert len(claims) >= 5
    body = " ".join(expected["body"].split())
    strangers = [claim for claim in claims if " ".join(claim.split()) not in body]
    assert strangers == [], "claims that are not the article's own sentences"
    furniture = [(c, f) for c in claims for f in expected["furniture"] if f in c]
    assert furniture == []


def test_a_pasted_link_lands_on_the_article_after_a_checked_preview(new_page, news_site):
    expected = regression_page("saved_news_page")
    meta = expected["metadata"]
    page = new_page(user=ADMIN)
    page.goto("/")
    page.get_by_label("Paste a link to import").fill(f"{news_site}/article?name=saved_news_page")
    page.get_by_role("button", name="Fetch").click()

    # The job page polls (htmx) and sends the browser on to the preview.
    expect(page).to_have_url(re.compile(r"/previews/\d+$"), timeout=JOB_SECONDS_MS)
    expect(page.get_by_label("Title")).to_have_value(meta["title"])
    expect(page.get_by_label("Author(s)")).to_have_value("; ".join(meta["authors"]))
    expect(page.get_by_label("Publication date")).to_have_value(meta["published_on"])
    expect(page.get_by_label("Publisher")).to_have_value(meta["site_name"])
    expect(page.locator("#preview-text p").first).to_have_text(expected["body"].splitlines()[0])

    page.get_by_role("button", name="Import and split into claims").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"), timeout=JOB_SECONDS_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(meta["title"])
    expect(page.locator(".article-head")).to_contain_text(f"by {meta['authors'][0]}")
    expect(page.get_by_role("link", name="snapshot")).to_be_visible()
    assert_the_articles_own_sentences(page, expected)


def test_without_javascript_the_job_page_refreshes_itself_to_the_preview(
    new_page, news_site, news_server
):
    expected = regression_page("blog_with_comments")
    page = new_page(user=ADMIN, javascript=False)
    page.goto("/articles/new")
    # The site answers only once the job page was seen: a fast fetch used to be done
    # before the browser got there, and the page it should show was skipped.
    news_server.gate.clear()
    link = f"{news_site}/article?name=blog_with_comments&held=1"
    page.get_by_label("Link to the article").fill(link)
    page.get_by_role("button", name="Fetch").click()
    expect(page.get_by_role("heading", name="Reading the article")).to_be_visible()
    news_server.gate.set()

    expect(page).to_have_url(re.compile(r"/previews/\d+$"), timeout=JOB_SECONDS_MS)
    expect(page.get_by_label("Title")).to_have_value(expected["metadata"]["title"])
    page.get_by_role("button", name="Import and split into claims").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+$"))
    assert_the_articles_own_sentences(page, expected)


def test_a_refused_link_says_why_and_keeps_the_link(new_page, news_site):
    page = new_page(user=ADMIN)
    page.goto("/articles/new")
    page.get_by_label("Link to the article").fill(f"{news_site}/png")
    page.get_by_role("button", name="Fetch").click()
    expect(page.locator(".job__state")).to_contain_text("not a web page", timeout=JOB_SECONDS_MS)
    expect(page.get_by_label("Link to the article")).to_have_value(f"{news_site}/png")
