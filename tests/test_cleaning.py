"""Turning pasted text and uploaded files into article text, or a clear refusal."""

import dataclasses
import pathlib

import pytest

from workbench.errors import ArticleRejected
from workbench.text.cleaning import (
    document_from_fetched,
    document_from_upload,
    guess_title,
    html_to_text,
    text_from_paste,
    text_from_upload,
)
from workbench.text.html_article import PageMetadata

PAGES = pathlib.Path(__file__).resolve().parent / "pages"


def test_paste_undoes_the_crlf_a_form_submission_adds():
    assert text_from_paste("One.\r\nTwo.") == "One.\nTwo."


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n", None])
def test_empty_article_is_refused(text):
    with pytest.raises(ArticleRejected, match="empty"):
        text_from_paste(text)


def test_utf8_upload_comes_back_byte_identical():
    original = "Zoë said “déjà vu” — 3½ times.\nSecond line.  \n"
    text, source_format = text_from_upload("story.txt", original.encode("utf-8"))
    assert (text, source_format) == (original, "txt")


def test_byte_order_mark_is_dropped():
    text, _ = text_from_upload("bom.txt", "\ufeffHello world.".encode("utf-8"))
    assert text == "Hello world."


@pytest.mark.parametrize(
    "filename, data, message",
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n", "not a supported file type"),
        ("report.pdf", b"%PDF-1.7", "not a supported file type"),
        ("noext", b"text", "not a supported file type"),
        ("binary.txt", b"abc\x00def", "binary"),
        ("broken.txt", "naïve café ".encode() + b"\xff", "not valid UTF-8 text"),
        ("declared.html", b'<meta charset="utf-8"><p>caf\xe9</p>', "says it is UTF-8"),
        ("empty.md", b"", "empty"),
    ],
)
def test_unusable_uploads_are_refused_with_a_reason(filename, data, message):
    with pytest.raises(ArticleRejected, match=message):
        text_from_upload(filename, data)


def test_markdown_is_kept_as_text():
    text, source_format = text_from_upload("a.md", b"# Heading\n\nBody sentence.")
    assert (text, source_format) == ("# Heading\n\nBody sentence.", "md")


def test_html_is_reduced_to_visible_text():
    markup = """<!doctype html><html><head><title>T</title><style>p{}</style>
    <script>alert(1)</script></head><body><nav>Home | About</nav>
    <h1>Dam &amp; river</h1><p>The dam <b>opened</b> on Monday.<br>Water rose.</p>
    <iframe src="x">frame text</iframe><svg onload="alert(1)"><text>svg</text></svg>
    <p>Officials said it was safe.</p><img src=x onerror="alert(1)"></body></html>"""
    assert html_to_text(markup) == (
        "Dam & river\nThe dam opened on Monday.\nWater rose.\nOfficials said it was safe."
    )


def test_html_upload_has_no_markup_left():
    text, source_format = text_from_upload(
        "page.html", b"<p onclick='x()'>Plain <script>bad()</script>words.</p>"
    )
    assert (text, source_format) == ("Plain words.", "html")


def test_html_with_only_markup_is_empty():
    with pytest.raises(ArticleRejected, match="empty"):
        text_from_upload("blank.html", b"<script>alert(1)</script><style></style>")


@pytest.mark.parametrize(
    "text, title",
    [
        ("First line\nSecond", "First line"),
        ("\n\n  Indented headline  \nBody", "Indented headline"),
        ("word " * 100, ("word " * 23).strip() + "…"),
    ],
)
def test_title_defaults_to_the_first_line(text, title):
    assert guess_title(text) == title


@pytest.mark.parametrize(
    "filename, encoding",
    [
        ("latin1.txt", "latin-1"),
        ("smart.md", "cp1252"),
        ("utf8.txt", "utf-8"),
    ],
)
def test_text_files_in_any_western_encoding_import(filename, encoding):
    original = (
        "Zoë said “déjà vu” — three times.\nThe café closed at 9pm."
        if encoding != "latin-1"
        else "Zoë said déjà vu, three times.\nThe café closed at 9pm."
    )
    assert text_from_upload(filename, original.encode(encoding))[0] == original


def test_html_upload_keeps_the_article_and_drops_the_page_around_it():
    data = (PAGES / "saved_news_page" / "page.html").read_bytes()
    text, source_format = text_from_upload("story.html", data)
    assert source_format == "html"
    assert "\nThe committee will vote on the revised budget on 27 March." in text
    assert "We use cookies" not in text and "quaysider_58" not in text


def test_document_from_upload_carries_metadata_and_the_raw_bytes():
    data = (PAGES / "windows1252_page" / "page.html").read_bytes()
    document = document_from_upload("library.htm", data)
    assert document.raw == data
    assert (document.source_format, document.content_type, document.extractor) == (
        "html",
        "text/html",
        "trafilatura",
    )
    assert document.metadata.title == "Library’s “last chance” appeal raises £210,000 in a week"
    assert document.metadata.published_on == "2025-10-02"
    assert (
        "“We thought we’d be lucky to get fifty thousand by the end of the year,”" in document.text
    )


def test_document_from_upload_of_text_has_no_metadata_but_its_language():
    document = document_from_upload("notes.md", b"# Heading\n\nBody.")
    assert (document.text, document.metadata, document.extractor) == (
        "# Heading\n\nBody.",
        PageMetadata(language="en"),  # too little text to tell: the default
        None,
    )
    spanish = document_from_upload(
        "nota.txt", "El Gobierno anunció ayer que subirá los impuestos del país.".encode()
    )
    assert spanish.metadata.language == "es"


@dataclasses.dataclass
class _Page:
    body: bytes
    content_type: str
    charset: str | None
    final_url: str


def test_document_from_fetched_uses_the_header_charset_and_the_final_url():
    html = (
        "<html><head><title>Port reopens</title></head><body><article>"
        + "".join(f"<p>Le port numéro {n} a rouvert lundi, a dit la mairie.</p>" for n in range(4))
        + "</article></body></html>"
    )
    page = _Page(
        html.encode("iso-8859-15"), "text/html", "iso-8859-15", "https://news.example/port"
    )
    document = document_from_fetched(page)
    assert document.text.split("\n")[0] == "Le port numéro 0 a rouvert lundi, a dit la mairie."
    assert document.metadata.canonical_url == "https://news.example/port"
    assert document.raw == page.body


def test_document_from_fetched_plain_text_is_kept_as_is():
    page = _Page(b"One line.\nTwo lines.", "text/plain", None, "https://x.example/a.txt")
    document = document_from_fetched(page)
    assert (document.text, document.source_format) == ("One line.\nTwo lines.", "txt")


def test_html_page_with_more_text_than_an_article_is_refused_before_extraction(monkeypatch):
    import workbench.text.cleaning as cleaning

    monkeypatch.setattr(cleaning, "MAX_ARTICLE_CHARS", 1_000)
    monkeypatch.setattr(cleaning, "extract_article", lambda *args: pytest.fail("extracted"))
    page = (
        "<html><body>" + "<p>Twelve words of text in this paragraph, said the officials.</p>" * 30
    )
    with pytest.raises(
        ArticleRejected, match=r"about 1,\d{3} characters of text, more than an article"
    ):
        document_from_upload("huge.html", page.encode())


def test_visible_text_size_ignores_markup_scripts_and_whitespace():
    from workbench.text.visible_text import visible_text_size

    markup = (
        "<html><head><title>Not counted</title><style>p{}</style></head><body>\n  "
        "<script>var x = 'not counted';</script><!-- nor this --><p>Ab c</p>\n<p>d&amp;</p>"
    )
    assert visible_text_size(markup) == len("Abcd&amp;")
