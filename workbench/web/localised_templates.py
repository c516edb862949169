"""Templates compiled once per interface language, with their fixed words already in it.

A page's words are written `{{ _("Claims") }}`: a call to gettext on every view, about 64
on an article page, each a trip through Jinja's context and the request's catalogue (the
unchanged article page 1.24 -> 1.60 ms, row 2 of `make bench` 0.94x -> 0.80x its
baseline). The words of such a call never change within one language, so the template is
compiled once per language with each `_("literal")` replaced by its translation, marked
safe as gettext's answer was. Calls with values (`_("%(n)s claims", n=...)`), ngettext
and {% trans %} blocks still run gettext when the page is drawn.

Which language a template is compiled for is the one the request (or the live drawing's
forced locale) speaks when it is first loaded; templates are kept per language, in the
environment's cache and in a bytecode cache if one is set.
"""

import contextvars
import weakref
from collections.abc import Iterator, MutableMapping
from typing import Any

from flask.templating import Environment
from jinja2 import BytecodeCache, Template
from jinja2.bccache import Bucket
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from ..interface_languages import DEFAULT_LOCALE
from . import interface_locale

# The catalogue a template is being compiled with (None: compiled as written, as when
# the message extractor or a test parses a template itself).
_COMPILING: contextvars.ContextVar[tuple[str, Any] | None] = contextvars.ContextVar(
    "workbench_compiling_words", default=None
)
_GETTEXT_NAMES = frozenset({"_", "gettext"})


def _reading_locale() -> str:
    try:
        return interface_locale.interface_locale()
    except RuntimeError:  # no app context: nothing to translate into
        return DEFAULT_LOCALE


class FixedWords(Extension):
    """Replaces `_("literal")` and `gettext("literal")` by the literal's translation."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        compiling = _COMPILING.get()
        tokens = list(stream)
        if compiling is None:
            yield from tokens
            return
        _, translations = compiling
        index = 0
        while index < len(tokens):
            token = tokens[index]
            window = tokens[index : index + 4]
            if (
                token.type == "name"
                and token.value in _GETTEXT_NAMES
                and [t.type for t in window] == ["name", "lparen", "string", "rparen"]
                and (index == 0 or tokens[index - 1].type != "dot")
            ):
                text = translations.ugettext(window[2].value)
                if "%" not in text:  # with a % the call stays: gettext undoes %% itself
                    line = token.lineno
                    yield Token(line, "lparen", "(")
                    yield Token(line, "string", text)
                    yield Token(line, "pipe", "|")
                    yield Token(line, "name", "safe")
                    yield Token(line, "rparen", ")")
                    index += 4
                    continue
            yield token
            index += 1


class _PerLanguage(BytecodeCache):
    """A bytecode cache's entries kept apart per language (the same file compiles to
    different code in each)."""

    def __init__(self, inner: BytecodeCache, locale: str) -> None:
        self.inner = inner
        self.locale = locale

    def load_bytecode(self, bucket: Bucket) -> None:
        self.inner.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.inner.dump_bytecode(bucket)

    def clear(self) -> None:
        self.inner.clear()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return self.inner.get_cache_key(f"{name}@{self.locale}", filename)


class LocalisedEnvironment(Environment):
    """Flask's template environment, keeping each template once per language."""

    def __init__(self, app: Any, **options: Any) -> None:
        self._bytecode_cache: BytecodeCache | None = None
        options["extensions"] = [*options.get("extensions", ()), FixedWords]
        super().__init__(app, **options)

    @property
    def bytecode_cache(self) -> BytecodeCache | None:
        compiling = _COMPILING.get()
        if self._bytecode_cache is None or compiling is None:
            return self._bytecode_cache
        return _PerLanguage(self._bytecode_cache, compiling[0])

    @bytecode_cache.setter
    def bytecode_cache(self, cache: BytecodeCache | None) -> None:
        self._bytecode_cache = cache

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, not Jinja's ChainMap over the
        environment's: each context a page draws copies them into a dict, and every
        {% import %} subtracts their keys, both one Python call a key through a ChainMap
        (about 5% of a status click). Changes to the environment's globals after a
        template is loaded are not seen by it; every global is set when the app is made."""
        return {**self.globals, **(d or {})}

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> Template:
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        locale = _reading_locale()
        key = (weakref.ref(self.loader), name, locale)
        cache: Any = self.cache  # typed for Jinja's own two-part keys
        if cache is not None:
            template = cache.get(key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        marker = _COMPILING.set((locale, interface_locale.request_translations()))
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _COMPILING.reset(marker)
        if cache is not None:
            cache[key] = template
        return template
