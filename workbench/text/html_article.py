"""A web page's own article: its main text (one paragraph per line) and its metadata.

Main-content extraction is trafilatura's (measured: body F1 0.960 on 181 benchmark pages,
against 0.74 for reducing the page to all its visible text); the stdlib reducer is the
fallback when trafilatura finds nothing.
"""

import dataclasses
import datetime
import re
import urllib.parse
from typing import Any

import trafilatura

from . import page_metadata
from .decoding import decode_document
from .visible_text import html_to_text

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
# A reviewer reads and edits metadata in a form: longer values are page junk, not a title.
_MAX_METADATA_CHARS = 500
# The headline and byline, when kept, are among the first lines of the text.
_HEAD_LINES = 4
_BYLINE_MAX_WORDS = 10
# "By Ana Reyes", "Par Chloé Vasseur": the word for "by", then capitalised names
# (not "By the numbers").
_BYLINE = re.compile(
    r"(?i:by|par|por|von|di|door|av)\s+[^\W\d_a-z][\w'.-]*(\s+[^\W\d_a-z][\w'.-]*){0,3}\s*$"
)
_WORD = re.compile(r"\w+")
# Block elements inside a cell mark a table used for layout, not data.
_LAYOUT_CELL_CONTENT = ".//p | .//div | .//h1 | .//h2 | .//h3 | .//ul | .//ol | .//table"


@dataclasses.dataclass(frozen=True)
class PageMetadata:
    """What the page says about itself; every field may be missing."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    published_on: str | None = None  # ISO YYYY-MM-DD
    canonical_url: str | None = None  # http or https only
    # The page's headings inside the article, as text: those lines are not claims.
    headings: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()  # agencies and desks in the byline, not authors
    sources: dict[str, str] = dataclasses.field(default_factory=dict)  # field -> where
    language: str | None = None  # the article text's, as detected (ISO 639-1)


@dataclasses.dataclass(frozen=True)
class ExtractedArticle:
    """The article's text and metadata, and which extractor found the text."""

    text: str
    title: str | None
    authors: tuple[str, ...]
    site_name: str | None
    published_on: str | None
    canonical_url: str | None
    extractor: str  # "trafilatura" or "fallback"
    headings: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    sources: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def metadata(self) -> PageMetadata:
        """The metadata fields alone."""
        return PageMetadata(
            self.title,
            self.authors,
            self.site_name,
            self.published_on,
            self.canonical_url,
            self.headings,
            self.credits,
            self.sources,
        )


def extract_article(html: str | bytes, url: str | None = None) -> ExtractedArticle:
    """The article on a page: its own text, one paragraph per line, and its metadata."""
    if isinstance(html, bytes):
        html = decode_document(html, None, "text/html")
    tree = trafilatura.utils.load_html(html)
    # Read before extraction, which cleans the tree (its scripts, JSON-LD among them).
    page = page_metadata.read_page_metadata(tree, url) if tree is not None else None
    source = _without_layout_tables(html)
    document = trafilatura.bare_extraction(
        source, url=url, with_metadata=True, include_comments=False
    )
    assert not isinstance(document, dict)  # a dict only with the deprecated as_dict=True
    text = _paragraph_lines((document.text or "") if document is not None else "")
    extractor = "trafilatura"
    if not text:
        text, extractor = _paragraph_lines(html_to_text(html)), "fallback"
    if document is None:
        document = trafilatura.extract_metadata(html, default_url=url)
    metadata = _metadata_fields(document, url, page)
    text = _without_headline_and_byline(text, metadata["title"], metadata["authors"])
    headings = _headings(document) if extractor == "trafilatura" else ()
    return ExtractedArticle(text=text, extractor=extractor, headings=headings, **metadata)


def _headings(document: Any) -> tuple[str, ...]:
    """The text of every heading in the extracted article (trafilatura's <head> elements)."""
    body = getattr(document, "body", None)
    if body is None:
        return ()
    found = (
        _SPACES.sub(" ", _CONTROL_CHARS.sub("", "".join(head.itertext()))).strip()
        for head in body.iter("head")
    )
    return tuple(dict.fromkeys(heading for heading in found if heading))


def _without_layout_tables(html: str) -> Any:
    """The page, with tables that lay out the page (not data) turned into plain blocks.

    trafilatura 2.3.1 flattens a table into one line of "| cell | cell |"; a page laid out
    in a table became one paragraph with its menus (tests/pages/body_in_form).
    """
    if "<table" not in html and "<TABLE" not in html:
        return html  # most pages: let trafilatura parse the string itself, once
    tree = trafilatura.utils.load_html(html)
    if tree is None:
        return html
    layout = [table for table in tree.iter("table") if _is_layout(table)]
    for table in layout:
        # Its own rows and cells only: a data table nested inside keeps its structure.
        own = [
            element
            for element in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
            if element.xpath("ancestor::table[1]") == [table]
        ]
        for element in [table, *own]:
            element.tag = "div"
    return tree if layout else html


def _without_headline_and_byline(text: str, title: str | None, authors: tuple[str, ...]) -> str:
    """The text without a leading headline (it is the title) or byline (it names the authors).

    trafilatura keeps the <h1> when it sits inside the article element and a byline whose
    class it does not know (`<p class="auteur">Par Chloé Vasseur</p>`); either would become
    the article's first claim.
    """
    lines = text.split("\n")
    head = [
        line
        for line in lines[:_HEAD_LINES]
        if not (_same_words(line, title) or _is_byline(line, authors))
    ]
    kept = "\n".join(head + lines[_HEAD_LINES:])
    return kept or text  # a page whose only line is its title keeps it


def _same_words(line: str, title: str | None) -> bool:
    return title is not None and _WORD.findall(line.casefold()) == _WORD.findall(title.casefold())


def _is_byline(line: str, authors: tuple[str, ...]) -> bool:
    words = line.split()
    if len(words) > _BYLINE_MAX_WORDS:
        return False
    if _BYLINE.match(line):
        return True
    folded = line.casefold()
    return any(author.casefold() in folded for author in authors)


def _is_layout(table: Any) -> bool:
    """Block content in its cells, or a single row or column: a layout table, not data."""
    if table.xpath(_LAYOUT_CELL_CONTENT):
        return True
    rows = table.xpath("./tr | ./*/tr")
    return len(rows) < 2 or all(len(row.xpath("./td | ./th")) < 2 for row in rows)


def _paragraph_lines(text: str) -> str:
    """One paragraph per line, whitespace collapsed, no empty lines."""
    lines = (_SPACES.sub(" ", _CONTROL_CHARS.sub("", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _metadata_fields(
    document: Any, url: str | None, page: page_metadata.FoundMetadata | None
) -> dict[str, Any]:
    """The page's own metadata where it states it (page_metadata), else trafilatura's."""
    if page is not None:
        fallback = _metadata_fields(document, url, None)
        chosen = {
            "title": _clean(page.title),
            "authors": tuple(page.authors),
            "site_name": _clean(page.site_name),
            "published_on": page.published_on,
            "canonical_url": _web_url(page.canonical_url),
        }
        sources = dict(page.sources)
        if fallback["site_name"] and not page_metadata.is_publisher_name(fallback["site_name"]):
            fallback["site_name"] = None  # trafilatura's last resort is the domain
        for name, value in chosen.items():
            if not value and fallback[name]:
                chosen[name] = fallback[name]
                sources[name] = page_metadata.FROM_EXTRACTOR
        return {**chosen, "credits": tuple(page.credits), "sources": sources}
    authors = _clean(document.author)
    return {
        "title": _clean(document.title),
        "authors": tuple(
            dict.fromkeys(
                name for name in (_clean(part) for part in (authors or "").split(";")) if name
            )
        ),
        "site_name": _clean(document.sitename),
        "published_on": _iso_date(document.date),
        "canonical_url": _web_url(_clean(document.url)) or _web_url(url),
    }


def _clean(value: Any) -> str | None:
    """Metadata as a reviewer should see it: no control characters or BOM, one line."""
    if not value:
        return None
    value = _SPACES.sub(" ", _CONTROL_CHARS.sub("", str(value))).strip()
    return value[:_MAX_METADATA_CHARS] or None


def _iso_date(value: Any) -> str | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def _web_url(value: str | None) -> str | None:
    """An absolute http(s) URL, or None: a `javascript:` canonical link is never a link."""
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None
