"""Nothing in the interface is left in English for a Spanish reader: every message the
code and templates mark is in the Spanish catalogue (with its placeholders), the compiled
catalogue is the one written, and no template shows a word outside gettext."""

import html.parser
import re

import message_catalogue as catalogue
import pytest
from babel.messages.mofile import read_mo
from jinja2 import Environment

TEMPLATES = catalogue.ROOT / "templates"
TRANSLATED = [locale for locale in catalogue.LOCALES if locale != catalogue.DEFAULT_LOCALE]

# Attributes a person reads or hears (a screen reader says aria-label and title).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "label"}
# A word: two letters or more (so "×", "✓", "·" and "—" are not words).
WORD = re.compile(r"[^\W\d_]{2,}")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_marked_message_is_translated(locale):
    left = catalogue.untranslated(locale)
    assert left == [], (
        f"{len(left)} messages have no {locale} translation (run `make translations`, then "
        f"fill in {catalogue.po_path(locale).relative_to(catalogue.ROOT)}): {left[:20]}"
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalogue_is_the_written_one(locale):
    # A plural's forms are a tuple in the .po and a list in the .mo.
    def pair(m):
        return tuple(m.id) if isinstance(m.id, list) else m.id, (
            tuple(m.string) if isinstance(m.string, list) else m.string
        )

    # Untranslated messages are not compiled (test_every_marked_message_is_translated
    # counts them); every translated one must be in the .mo as written.
    written = dict(pair(m) for m in catalogue.read(locale) if m.id and m.string and not m.fuzzy)
    with catalogue.po_path(locale).with_suffix(".mo").open("rb") as handle:
        shipped = dict(pair(m) for m in read_mo(handle) if m.id)
    assert shipped == written, "the .mo is older than the .po: run `make translations`"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_their_placeholders(locale):
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue.read(locale).check()
        if errors
    ]
    assert problems == []


class _Words(html.parser.HTMLParser):
    """The words a reader would see in a template's literal HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.inside = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.inside.append(tag)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and WORD.search(value):
                self.found.append(f'{tag} {name}="{value.strip()}"')
            if tag == "input" and name == "value" and value and WORD.search(value):
                kinds = dict(attrs).get("type", "")
                if kinds in ("submit", "button", "reset"):
                    self.found.append(f'input value="{value.strip()}"')

    def handle_endtag(self, tag):
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()

    def handle_data(self, data):
        if not self.inside and WORD.search(data):
            self.found.append(" ".join(data.split()))


def bare_words(source: str) -> list[str]:
    """Text of a template that reaches the reader without passing through gettext: its
    literal HTML outside {% trans %}, with every {{ … }} and {% … %} as a gap."""
    environment = Environment(
        extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"]
    )
    literal, in_trans, tag = [], False, None
    for _, kind, value in environment.lex(source):
        if kind == "block_begin":
            tag = "open"
        elif tag == "open" and kind == "name":
            tag = None
            if value in ("trans", "pluralize"):
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        elif kind == "data" and not in_trans:
            literal.append(value)
        elif kind in ("variable_begin", "block_begin"):
            literal.append("\x00")
    words = _Words()
    words.feed("".join(literal).replace("\x00", " "))
    words.close()
    return words.found


TEMPLATE_FILES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATE_FILES)
def test_no_template_shows_a_word_outside_gettext(template):
    found = bare_words((TEMPLATES / template).read_text(encoding="utf-8"))
    assert found == [], f"templates/{template} shows words no catalogue can translate: {found}"


def test_the_check_finds_words_in_text_and_in_what_is_read_aloud():
    source = (
        '<p>{{ _("Saved") }} <b>{{ count }}</b></p>'
        '<button aria-label="Close" title="{{ _("Close") }}">×</button>'
        "<span>{% trans n=3 %}{{ n }} claims{% endtrans %}</span>"
        "<em>Left in English</em><script>var x = 'code';</script>"
    )
    assert bare_words(source) == ['button aria-label="Close"', "Left in English"]
