"""Accessibility as axe-core judges it (WCAG 2.1 A and AA) on every page, at the two phone
sizes and a desk's 1366 px: no serious or critical finding, and neither of the two
moderate ones once found (heading order on a claim page, two search landmarks alike).

axe-core is the npm release pinned in tests/browser/axe/package-lock.json (`make axe`
installs it; `make test` passes its path as AXE_FILE) and is injected into each page by
Playwright, never copied into the repository.
"""

import os
import pathlib

import pytest
from playwright.sync_api import expect

from support import EVERY_PAGE

pytestmark = pytest.mark.browser

SIZES = [
    pytest.param({"width": 390, "height": 844}, id="390x844"),
    pytest.param({"width": 360, "height": 740}, id="360x740"),
    pytest.param({"width": 1366, "height": 900}, id="1366x900"),
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ONCE_FOUND = ["heading-order", "landmark-unique"]  # moderate, best practice
RUN_AXE = """options => axe.run(document, options).then(result => result.violations.map(
    v => ({id: v.id, impact: v.impact, help: v.help,
           nodes: v.nodes.slice(0, 3).map(node => node.target.join(' '))})))"""


@pytest.fixture(scope="session")
def axe_js():
    path = os.environ.get("AXE_FILE")
    if not path or not pathlib.Path(path).is_file():
        pytest.fail(
            f"AXE_FILE is {'unset' if not path else f'{path!r}, which does not exist'}: the "
            "accessibility tests need axe-core. Run them with `make test`, which installs it "
            "(`make axe`) and sets AXE_FILE.",
            pytrace=False,
        )
    return pathlib.Path(path).read_text(encoding="utf-8")


def findings(page, axe_js):
    """What axe reports on the page as it is now: WCAG 2.1 A/AA at any impact, and the
    two best-practice rules found once."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_js)
    wcag = page.evaluate(
        RUN_AXE,
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    once = page.evaluate(
        RUN_AXE, {"runOnly": {"type": "rule", "values": ONCE_FOUND}, "resultTypes": ["violations"]}
    )
    return wcag, once


@pytest.mark.parametrize("size", SIZES)
def test_every_page_has_no_serious_accessibility_finding(new_page, server, axe_js, size):
    page = new_page(user="carla")
    page.set_viewport_size(size)
    page.goto(f"{server}/articles/1")
    claim = page.locator("li.claim").nth(2).get_attribute("id").removeprefix("claim-")
    found = {}
    for path in EVERY_PAGE:
        url = path.format(claim=claim)
        response = page.goto(f"{server}{url}")
        assert response is not None and response.status == 200, url
        wcag, once = findings(page, axe_js)
        bad = [v for v in wcag if v["impact"] in ("serious", "critical")] + once
        if bad:
            found[url] = bad
    assert found == {}, f"axe-core findings at {size}: {found}"


@pytest.mark.parametrize("size", SIZES)
def test_an_open_claim_and_the_keys_dialog_have_no_serious_accessibility_finding(
    new_page, server, axe_js, size
):
    page = new_page(user="ana")
    page.set_viewport_size(size)
    page.goto(f"{server}/articles/1")
    row = page.locator("li.claim").nth(1)
    row.locator("a.claim__more").click()
    page.locator("li.claim .panel-grid").wait_for()
    wcag, once = findings(page, axe_js)
    bad = [v for v in wcag if v["impact"] in ("serious", "critical")] + once
    assert bad == [], f"axe-core findings with a claim open at {size}: {bad}"

    # The keyboard dialog, over the page.
    row.locator("a.claim__more").click()
    expect(page.locator("li.claim .panel-grid")).to_have_count(0)
    page.keyboard.press("?")
    expect(page.locator("#keys-help")).to_be_visible()
    wcag, once = findings(page, axe_js)
    bad = [v for v in wcag if v["impact"] in ("serious", "critical")] + once
    assert bad == [], f"axe-core findings with the keyboard dialog open at {size}: {bad}"
