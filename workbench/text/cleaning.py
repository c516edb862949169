"""Turn what a reviewer hands us (pasted text, an uploaded file) into clean article text.

Pure: no Flask, no database. Every refusal is an `ArticleRejected` with a message a person
understands.
"""

import html.parser
import pathlib
import re

from ..errors import ArticleRejected

SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
                      ".html": "html", ".htm": "html"}
MAX_ARTICLE_CHARS = 2_000_000


def text_from_paste(text):
    """Pasted text as stored: form submissions turn every newline into CRLF; undo that."""
    if text is None:
        text = ""
    text = text.replace("\r\n", "\n")
    return check_article_text(text)


def text_from_upload(filename, data):
    """Decode an uploaded file; return (text, source_format)."""
    suffix = pathlib.PurePath(filename or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted({s for s in SUPPORTED_SUFFIXES if len(s) <= 5}))
        raise ArticleRejected(
            f"“{filename or 'the file'}” is not a supported file type. Upload one of: {allowed}."
        )
    source_format = SUPPORTED_SUFFIXES[suffix]
    text = decode_text(data)
    if source_format == "html":
        text = html_to_text(text)
    return check_article_text(text), source_format


def decode_text(data):
    """Bytes -> str, refusing binary files and anything that is not UTF-8."""
    if b"\x00" in data:
        raise ArticleRejected("The file looks binary (it contains NUL bytes), not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleRejected(
            f"The file is not valid UTF-8 text (bad byte at position {error.start}). "
            "Save it as UTF-8 and upload it again."
        ) from None
    # A byte-order mark is an encoding marker, not part of the article.
    return text.removeprefix("\ufeff")


def check_article_text(text):
    """Refuse text that cannot be reviewed; return it unchanged otherwise."""
    if "\x00" in text:
        raise ArticleRejected("The text contains NUL characters; it looks binary, not an article.")
    if not text.strip():
        raise ArticleRejected("The article is empty. Paste its text or choose a file.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleRejected(
            f"The article is {len(text):,} characters long; the limit is {MAX_ARTICLE_CHARS:,}."
        )
    return text


def guess_title(text, limit=120):
    """A title for an article imported without one: its first line, shortened."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")
    if len(first_line) <= limit:
        return first_line
    return first_line[: limit - 1].rsplit(" ", 1)[0] + "…"


# Elements whose content a reader never sees as article text.
_INVISIBLE = {"script", "style", "template", "noscript", "iframe", "svg", "math", "head",
              "object", "embed", "canvas", "select", "button", "nav", "footer", "form"}
# Elements that end a paragraph: a sentence never runs across them.
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "section", "article", "header", "aside", "figure", "figcaption",
          "table", "tr", "td", "th", "pre", "hr", "dd", "dt", "main", "title"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr", "embed"}


class _VisibleText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE and tag not in _VOID:
            self.hidden_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _INVISIBLE and tag not in _VOID:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(markup):
    """Reduce HTML to the text a reader sees: one paragraph per line, no markup at all."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip()
             for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
