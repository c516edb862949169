"""Turn what a reviewer hands us (pasted text, a file, a fetched page) into clean article text.

Pure: no Flask, no database. Every refusal is an `ArticleRejected` with a message a person
understands.
"""

import dataclasses
import os
import pathlib
from typing import Protocol

from ..errors import ArticleRejected
from . import languages
from .decoding import decode_document
from .html_article import PageMetadata, extract_article
from .visible_text import html_to_text, visible_text_size  # noqa: F401  (html_to_text's old home)


class FetchedDocument(Protocol):
    """What the fetcher hands over (workbench.fetch.FetchedPage; the text layer does not
    import the fetcher)."""

    # Read-only (properties), so a frozen dataclass such as FetchedPage satisfies it.
    @property
    def body(self) -> bytes: ...
    @property
    def content_type(self) -> str: ...
    @property
    def charset(self) -> str | None: ...
    @property
    def final_url(self) -> str: ...


SUPPORTED_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}
# The README's "Limits"; read once, when the app or a command starts.
MAX_ARTICLE_CHARS = int(os.environ.get("WORKBENCH_MAX_ARTICLE_CHARS", "2000000"))
_CONTENT_TYPES = {"txt": "text/plain", "md": "text/markdown", "html": "text/html"}


@dataclasses.dataclass(frozen=True)
class ImportedDocument:
    """An uploaded or fetched document: its article text, what the page says about itself,
    and the bytes exactly as received (the snapshot)."""

    text: str
    source_format: str  # "txt", "md" or "html"
    metadata: PageMetadata
    raw: bytes
    content_type: str
    extractor: str | None = None  # for HTML: "trafilatura" or "fallback"


def text_from_paste(text: str | None) -> str:
    """Pasted text as stored: form submissions turn every newline into CRLF; undo that."""
    if text is None:
        text = ""
    text = text.replace("\r\n", "\n")
    return check_article_text(text)


def text_from_upload(filename: str | None, data: bytes) -> tuple[str, str]:
    """Decode an uploaded file; return (text, source_format)."""
    document = document_from_upload(filename, data)
    return document.text, document.source_format


def document_from_upload(filename: str | None, data: bytes) -> ImportedDocument:
    """An uploaded .txt, .md or .html file as article text, metadata and its raw bytes."""
    suffix = pathlib.PurePath(filename or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted({s for s in SUPPORTED_SUFFIXES if len(s) <= 5}))
        raise ArticleRejected(
            "“%(name)s” is not a supported file type. Upload one of: %(allowed)s.",
            name=filename or "the file",
            allowed=allowed,
        )
    source_format = SUPPORTED_SUFFIXES[suffix]
    return _document(data, source_format, _CONTENT_TYPES[source_format], None, None)


def document_from_fetched(page: FetchedDocument) -> ImportedDocument:
    """A page from `workbench.fetch.fetch_page` as article text, metadata and its raw bytes."""
    source_format = "html" if "html" in page.content_type else "txt"
    return _document(page.body, source_format, page.content_type, page.charset, page.final_url)


def _document(
    data: bytes, source_format: str, content_type: str, charset: str | None, url: str | None
) -> ImportedDocument:
    text = decode_document(data, charset, content_type)
    if source_format != "html":
        text = check_article_text(text)
        found = PageMetadata(language=languages.detect_language(text))
        return ImportedDocument(text, source_format, found, data, content_type)
    # A page with more text than an article may have is refused before extraction, which
    # takes 25 s and 550 MB on 10 MB of paragraphs (bench/pages.py). A shorter page cannot
    # be one, and is spared the measuring (20 ms on 1 MB).
    visible = visible_text_size(text) if len(text) > MAX_ARTICLE_CHARS else 0
    if visible > MAX_ARTICLE_CHARS:
        raise ArticleRejected(
            "The page has about %(size)s characters of text, more than an article may have "
            "(%(limit)s). Save the article alone and import that.",
            size=format(visible, ","),
            limit=format(MAX_ARTICLE_CHARS, ","),
        )
    article = extract_article(text, url)
    text = check_article_text(article.text)
    found = dataclasses.replace(article.metadata, language=languages.detect_language(text))
    return ImportedDocument(text, source_format, found, data, content_type, article.extractor)


def check_article_text(text: str) -> str:
    """Refuse text that cannot be reviewed; return it unchanged otherwise."""
    if "\x00" in text:
        raise ArticleRejected("The text contains NUL characters; it looks binary, not an article.")
    if not text.strip():
        raise ArticleRejected("The article is empty. Paste its text or choose a file.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleRejected(
            "The article is %(length)s characters long; the limit is %(limit)s.",
            length=format(len(text), ","),
            limit=format(MAX_ARTICLE_CHARS, ","),
        )
    return text


def guess_title(text: str, limit: int = 120) -> str:
    """A title for an article imported without one: its first line, shortened."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")
    if len(first_line) <= limit:
        return first_line
    return first_line[: limit - 1].rsplit(" ", 1)[0] + "…"
