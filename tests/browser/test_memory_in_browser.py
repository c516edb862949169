"""The desk's memory as a reviewer sees it in Chromium: claims reviewed in
another article say so in their rows while the page stays dense, and a decision is
copied from the panel in one click."""

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def twin_articles(api, count=14):
    """Two articles of `count` shared sentences; every claim of the first disputed."""
    town = f"Town{uuid.uuid4().hex[:8]}"
    sentences = [
        f"The council of {town} approved plan number {n} for the harbour district on Monday."
        for n in range(count)
    ]
    ids = []
    for title, text in (
        (f"{town}: the council's decisions", " ".join(sentences)),
        (f"{town}: what changes for residents", " ".join(reversed(sentences))),
    ):
        response = api.post("/articles", form={"text": text, "title": title}, max_redirects=0)
        assert response.status == 303, f"importing gave {response.status}"
        ids.append(int(response.headers["location"].rstrip("/").rsplit("/", 1)[-1]))
    claims = api.get(f"/api/articles/{ids[0]}/claims").json()["claims"]
    for claim in claims:
        answer = api.post(f"/claims/{claim['id']}/status", form={"status": "disputed"})
        assert answer.ok
    return ids


def test_rows_say_where_a_claim_was_reviewed_and_twelve_still_fit(page, api):
    first, second = twin_articles(api)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/articles/{second}")
    marks = page.locator("li.claim a.seen")
    expect(marks.first).to_be_visible()
    assert marks.count() == 14
    assert re.fullmatch(r"disputed in “Town\w+: the cou…”", marks.first.inner_text())
    visible = page.evaluate(
        """() => [...document.querySelectorAll('li.claim')].filter(row => {
            const box = row.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }).length"""
    )
    assert visible >= 12, f"only {visible} whole claims are visible at 1366x900"


def test_copying_a_decision_from_the_panel_in_one_click(page, api):
    _, second = twin_articles(api, count=3)
    page.goto(f"/articles/{second}")
    row = page.locator("li.claim").first
    row.locator("a.claim__more").click()
    panel = row.locator(".claim__panel")
    expect(panel.get_by_role("heading", name="Checked elsewhere")).to_be_visible()
    panel.get_by_role("button", name="Copy this decision").click()
    row = page.locator("li.claim").first
    expect(row.get_by_role("button", name="Disputed")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".history")).to_contain_text("copied the review of")
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
