"""Page metadata that can be published (workbench.text.page_metadata): the headline the
page shows, people's names only, the outlet as readers know it, the outlet's own date.

The pages are written here in the shapes outlets use (a wire service's JSON-LD, a member
paper running a wire story on a hosted page, a broadcaster's bio in the author tag, a
blog); no page is copied from anywhere.
"""

import pytest

from workbench.text.html_article import extract_article
from workbench.text.page_metadata import (
    FROM_BYLINE,
    FROM_HEADLINE,
    FROM_JSON_LD,
    FROM_META,
    clean_authors,
)

BODY = (
    "<p>The city council approved the budget on Tuesday after a four-hour debate, the mayor"
    " said in a statement released late in the evening.</p>"
    "<p>Opponents said the plan would cut bus routes in the northern districts and raise"
    " fares for students, and they promised to fight it at the next election.</p>"
)


def page(head, article_top="", url="https://www.dailycourier.example/news/budget"):
    html = (
        f"<html><head>{head}</head><body><header><a href='/'>Daily Courier</a></header>"
        f"<article>{article_top}{BODY}</article><footer>© Daily Courier</footer></body></html>"
    )
    return extract_article(html, url)


WIRE = """
<title>Council approves budget after long debate | AP News</title>
<meta property="og:title" content="Council approves budget after long debate">
<meta property="og:site_name" content="AP News">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Council approves budget after long debate",
 "author": [{"@type": "Person", "name": "ERIC TUCKER"}],
 "publisher": {"@type": "Organization", "name": "AP News"},
 "datePublished": "2019-03-04T21:30:00-05:00"}
</script>
"""


def test_a_wire_story_names_its_reporter_in_proper_case_and_the_outlets_own_date():
    article = page(
        WIRE,
        "<h1>Council approves budget after long debate</h1>"
        "<p class='byline'>By ERIC TUCKER Associated Press</p>",
        url="https://apnews.com/article/budget",
    )
    assert article.title == "Council approves budget after long debate"
    assert article.authors == ("Eric Tucker",)
    assert article.site_name == "AP News"
    # 21:30 on the 4th in New York is the 5th in UTC: the outlet's date is the 4th.
    assert article.published_on == "2019-03-04"
    assert article.sources["title"] == FROM_HEADLINE
    assert article.sources["authors"] == FROM_JSON_LD


def test_a_member_paper_on_a_hosted_page_is_the_publisher_and_the_wire_a_credit():
    head = """
    <title>Car sales slow for a third month - Daily Courier</title>
    <meta property="og:site_name" content="Hosted">
    <meta name="author" content="JANE DOE, AP Auto Writer">
    <script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Car sales slow for a third month",
     "publisher": {"@type": "Organization", "name": "Associated Press"},
     "author": {"@type": "Organization", "name": "Associated Press"}}
    </script>
    """
    article = page(head, "<h1>Car sales slow for a third month</h1>")
    assert article.authors == ("Jane Doe",)
    assert article.site_name == "Daily Courier"
    assert "Associated Press" in article.credits
    assert article.sources["authors"] == FROM_META


@pytest.mark.parametrize(
    "raw, people, credits",
    [
        (["Phil Helsel is a reporter for NBC News."], ["Phil Helsel"], []),
        (["Ana Lind, Editor-at-large"], ["Ana Lind"], []),
        (["By Jane Doe Monday; November 4, 2019"], ["Jane Doe"], []),
        (["By Staff Reports"], [], ["Staff Reports"]),
        (["By Tom Bell and MARIA DE LA CRUZ"], ["Tom Bell", "Maria de la Cruz"], []),
        (["Reuters"], [], ["Reuters"]),
        (["https://www.facebook.com/janedoe"], [], []),
        (["The Valley Ledger", "Tom Bell"], ["Tom Bell"], ["The Valley Ledger"]),
        (["Sean O'NEIL; Ana Lind | Senior Correspondent"], ["Sean O'Neil", "Ana Lind"], []),
    ],
    ids=[
        "bio",
        "role",
        "date-glued",
        "staff-credit",
        "two-people-all-caps",
        "agency",
        "profile-url",
        "publisher-as-author",
        "roles-after-bars",
    ],
)
def test_authors_are_peoples_names_only(raw, people, credits):
    assert clean_authors(raw, publisher="The Valley Ledger") == (people, credits)


def test_the_headline_on_the_page_beats_the_social_one():
    head = """
    <title>Council approves budget after long debate | Daily Courier</title>
    <meta property="og:title" content="You won't believe what the council did on Tuesday">
    <meta property="og:site_name" content="Daily Courier">
    """
    article = page(head, "<h1>Council approves budget after long debate</h1>")
    assert article.title == "Council approves budget after long debate"


def test_an_h1_that_is_the_sites_name_is_not_the_headline():
    head = """
    <title>Council approves budget after long debate | Daily Courier</title>
    <meta property="og:site_name" content="Daily Courier">
    """
    article = page(head, "<h1>Daily Courier</h1>")
    assert article.title == "Council approves budget after long debate"


def test_a_byline_element_gives_the_author_where_no_tag_does():
    head = "<title>Council approves budget after long debate</title>"
    article = page(head, '<p>By <a rel="author" href="/staff/ana">Ana Lind</a></p>')
    assert article.authors == ("Ana Lind",)
    assert article.sources["authors"] in (FROM_BYLINE, FROM_META)


def test_no_url_is_ever_a_publisher():
    head = (
        "<title>Council approves budget</title>"
        "<meta property='og:site_name' content='www.dailycourier.example'>"
    )
    article = page(head)
    assert article.site_name is None


def test_the_date_in_a_meta_tag_keeps_its_own_day():
    head = (
        "<title>Council approves budget</title>"
        "<meta property='article:published_time' content='2020-11-30T23:50:00-08:00'>"
    )
    assert page(head).published_on == "2020-11-30"
