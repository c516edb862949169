"""The stdlib reducer: HTML to all of its visible text, one paragraph per line.

The fallback of `html_article.extract_article` when main-content extraction finds nothing
(a page trafilatura cannot read); it keeps everything a reader sees, page furniture included.
"""

import html.parser
import re

# Elements whose content a reader never sees as article text. Not <form>: pages built with
# ASP.NET WebForms wrap the whole body in one, and dropping it emptied 2 of the 181
# pages of the article-extraction benchmark (docs/performance.md).
_INVISIBLE = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "svg",
    "math",
    "head",
    "object",
    "embed",
    "canvas",
    "select",
    "textarea",
    "button",
    "nav",
    "footer",
}
# Elements that end a paragraph: a sentence never runs across them.
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "aside",
    "figure",
    "figcaption",
    "table",
    "tr",
    "td",
    "th",
    "pre",
    "hr",
    "dd",
    "dt",
    "main",
    "title",
}
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "source",
    "wbr",
    "embed",
}


class _VisibleText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE and tag not in _VOID:
            self.hidden_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE and tag not in _VOID:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Reduce HTML to the text a reader sees: one paragraph per line, no markup at all."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (
        re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip()
        for line in "".join(parser.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


# Markup and the elements whose content is never text; a regex, not a parser, so that
# measuring a 10 MB page costs 0.4 s and no copy of it (bench/pages.py).
_NOT_TEXT = re.compile(
    r"<(script|style|noscript|template|svg|head)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I
)


def visible_text_size(markup: str) -> int:
    """About how many characters of text, whitespace aside, a reader could see on the page."""
    size, end = 0, 0
    for match in _NOT_TEXT.finditer(markup):
        size += _non_space(markup[end : match.start()])
        end = match.end()
    return size + _non_space(markup[end:])


def _non_space(text: str) -> int:
    return len(text) - sum(text.count(space) for space in " \n\t\r")
