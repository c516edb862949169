"""Turning pasted text and uploaded files into article text, or a clear refusal."""

import pytest

from workbench.errors import ArticleRejected
from workbench.text.cleaning import guess_title, html_to_text, text_from_paste, text_from_upload


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


@pytest.mark.parametrize("filename, data, message", [
    ("photo.png", b"\x89PNG\r\n\x1a\n", "not a supported file type"),
    ("report.pdf", b"%PDF-1.7", "not a supported file type"),
    ("noext", b"text", "not a supported file type"),
    ("binary.txt", b"abc\x00def", "binary"),
    ("latin1.txt", "café".encode("latin-1"), "not valid UTF-8"),
    ("empty.md", b"", "empty"),
])
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


@pytest.mark.parametrize("text, title", [
    ("First line\nSecond", "First line"),
    ("\n\n  Indented headline  \nBody", "Indented headline"),
    ("word " * 100, ("word " * 23).strip() + "…"),
])
def test_title_defaults_to_the_first_line(text, title):
    assert guess_title(text) == title
