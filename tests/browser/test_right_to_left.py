"""Right to left: an Arabic article reads right to left inside any interface, and an
interface in a right-to-left language mirrors (the stylesheet uses logical properties:
margin-inline-start, inset-inline-end, text-align: start...).

No catalogue speaks Arabic yet: the server under test lets a browser choose "ar" anyway
(WORKBENCH_INTERFACE_TRIAL_LOCALES=ar), which gives <html dir="rtl"> with English words."""

import os
import pathlib

import pytest
from playwright.sync_api import expect

from live_server import LiveServer

pytestmark = pytest.mark.browser

ADMIN = "rana"
PASSWORD = "rana-right-to-left-password"
# A short invented news item, written for this test.
ARABIC_TITLE = "جسر جديد فوق النهر"
ARABIC_SENTENCES = (
    "قالت وزارة النقل إن الجسر الجديد سيفتح في شهر مارس المقبل.",
    "وأضاف المتحدث باسم الوزارة أن تكلفة المشروع بلغت مليوني دينار.",
    "لكن سكان الحي يقولون إن الطريق يغرق كل شتاء.",
    "ونقلت صحيفة محلية عن مهندس قوله إن التصميم راجعته شركتان.",
)
WIDTH = 1366


@pytest.fixture(scope="module")
def rtl_server(tmp_path_factory):
    """`workbench serve` that lets a browser choose the Arabic (right-to-left) layout."""
    live = LiveServer(
        tmp_path_factory.mktemp("rtl"),
        lambda name: PASSWORD,
        env={"WORKBENCH_INTERFACE_TRIAL_LOCALES": "ar"},
        drop=("WORKBENCH_HTMX_URL",),
    )
    live.set_up({ADMIN: "admin"})
    live.start(workers=1, threads=8)
    try:
        yield live.base_url
    finally:
        live.stop()


@pytest.fixture(scope="module")
def signed_in(playwright_driver, rtl_server):
    client = playwright_driver.request.new_context(base_url=rtl_server)
    response = client.post(
        "/login", max_redirects=0, form={"username": ADMIN, "password": PASSWORD, "next": "/"}
    )
    assert response.status == 303, response.text()[:300]
    state = client.storage_state()
    imported = client.post(
        "/articles",
        form={"text": " ".join(ARABIC_SENTENCES), "title": ARABIC_TITLE},
        max_redirects=0,
    )
    assert imported.status == 303, imported.text()[:300]
    path = imported.headers["location"].removeprefix(rtl_server)
    client.dispose()
    return state, path


@pytest.fixture
def open_as(new_page, rtl_server, signed_in):
    """open_as(locale) -> the Arabic article's page in a browser of that locale."""
    state, path = signed_in

    def open_page(locale):
        page = new_page(
            on=rtl_server,
            storage_state=state,
            locale=locale,
            viewport={"width": WIDTH, "height": 900},
        )
        page.goto(path)
        expect(page.locator("li.claim")).to_have_count(len(ARABIC_SENTENCES))
        return page

    return open_page


def box(locator):
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


def overlapping(boxes):
    """Pairs of named boxes that overlap by more than a pixel."""
    names = list(boxes)
    found = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = boxes[first], boxes[second]
            across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            if across > 1 and down > 1:
                found.append((first, second))
    return found


# Where a text's last line sits in its element: [line left, line right, box left, box right].
LAST_LINE = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const lines = [...range.getClientRects()].filter(rect => rect.width > 0);
  const line = lines[lines.length - 1];
  const own = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return [line.left, line.right, own.left + parseFloat(style.paddingLeft),
          own.right - parseFloat(style.paddingRight)];
}"""


def assert_right_aligned(element):
    line_left, line_right, left, right = element.evaluate(LAST_LINE)
    assert abs(line_right - right) < 3, f"the last line ends at {line_right}, not at {right}"
    assert line_left > left + 10, "the last line reaches the left edge: not right aligned?"


def test_an_arabic_article_reads_right_to_left_in_an_english_interface(open_as):
    page = open_as("en-GB")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    text = page.locator("#article-text")
    assert text.evaluate("el => getComputedStyle(el).direction") == "rtl"
    last_window = page.locator("#article-text .text-window").last
    assert_right_aligned(last_window)
    for row in page.locator("li.claim .claim__text").all():
        assert row.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # A claim whose last line is short shows it at the right.
    assert_right_aligned(page.locator("li.claim .claim__text").nth(2))
    # The interface around them stays left to right: the brand at the left.
    assert box(page.locator(".brand"))["x"] < 40


def test_a_right_to_left_interface_mirrors_without_overlaps(open_as, tmp_path):
    page = open_as("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # No catalogue yet: the words are English.
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    brand = box(page.locator(".brand"))
    assert brand["x"] + brand["width"] > WIDTH - 40, f"the brand is not at the right: {brand}"
    who = box(page.locator(".topbar__who"))
    assert who["x"] < 40, f"the account and Log out are not at the left: {who}"
    top = {
        name: box(page.locator(selector))
        for name, selector in (
            ("brand", ".brand"),
            ("nav", ".topbar__nav"),
            ("search", ".topbar__search"),
            ("who", ".topbar__who"),
        )
    }
    assert overlapping(top) == []

    for row in page.locator("li.claim").all():
        own = box(row)
        middle = own["x"] + own["width"] / 2
        buttons = box(row.locator(".seg"))
        assert buttons["x"] + buttons["width"] < middle, "status buttons are not on the left"
        tick = box(row.locator("input[type=checkbox]"))
        assert tick["x"] > middle, "the tick box is not on the right"
        parts = {
            "tick": tick,
            "position": box(row.locator(".claim__pos")),
            "text": box(row.locator(".claim__text")),
            "source": box(row.locator(".claim__source")),
            "side": box(row.locator(".claim__side")),
        }
        assert overlapping(parts) == [], f"parts of a claim row overlap: {overlapping(parts)}"
        # The row's coloured edge is on its right (border-inline-start).
        widths = row.evaluate(
            "el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]"
        )
        assert widths == ["4px", "0px"], widths
    # The article text column is at the right, the claims at the left.
    assert box(page.locator("#article-text"))["x"] > box(page.locator("#claims"))["x"]

    directory = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(directory / "right-to-left.png"), full_page=True)
