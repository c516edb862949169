"""Templates as Jinja compiles them: their source lines without the indentation.

Templates are indented for their readers; browsers collapse that whitespace, so sending it
was weight for nothing: about 800 bytes of every article page, whose weight is counted in
bytes a claim (tests/test_page_weight.py). A line keeps its line break, so words on two
lines stay two words. No template has literal text inside <pre>, <textarea> or a pre-wrap
element that relies on its indentation: what those show comes from variables, which this
never touches.
"""

import re

from jinja2.ext import Extension

_INDENTATION = re.compile(r"\n[ \t]+")
_BLANK_LINES = re.compile(r"\n{2,}")


class Unindented(Extension):
    """Drops each source line's leading spaces and tabs, and blank lines, before compiling."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BLANK_LINES.sub("\n", _INDENTATION.sub("\n", source))
