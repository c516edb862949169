"""Nothing in the interface is left in English for a Spanish reader: every message the
code and templates mark is in the Spanish catalogue (with its placeholders), the compiled
catalogue is the one written, and no template shows a word outside gettext."""

import ast
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


def _held(value):
    """A message's id or text as a catalogue holds it: a plural's forms as a tuple (the .mo
    reader gives them as a list)."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalogue_is_the_written_one(locale):
    # What the .mo can hold: the translated messages (test_every_marked_message_is_translated
    # speaks of the others).
    # A message is its context and its id (pgettext: the same word, two translations).
    written = {
        (m.context, _held(m.id)): _held(m.string)
        for m in catalogue.read(locale)
        if m.id and not m.fuzzy and all(_held(m.string) if m.pluralizable else [m.string])
    }
    with catalogue.po_path(locale).with_suffix(".mo").open("rb") as handle:
        shipped = {(m.context, _held(m.id)): _held(m.string) for m in read_mo(handle) if m.id}
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


# --- messages written in Python --------------------------------------------------------

WORKBENCH = catalogue.ROOT / "workbench"
# The error classes whose first argument the catalogue takes as a message.
SENTENCE_CLASSES = set(catalogue.ERROR_KEYWORDS) | {"SignInRefused"}
# A failure already stored as text (a job's or a link's error column) is passed on as it is.
STORED_FAILURES = {("workbench/intake/archive.py", "JobFailed")}


def _called_name(call):
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def _passes_a_sentence_on(argument):
    """`Error(error.message, **error.values)`: another error's message, kept apart from its
    values, so it is still the catalogue's message."""
    return isinstance(argument, ast.Attribute) and argument.attr == "message"


def untranslatable_python_messages(source, path="<test>"):
    """Where `source` raises a Sentence error with a first argument the catalogue cannot
    hold (an f-string, a concatenation, a variable, a call), or flashes a string that did
    not pass through gettext."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        first = node.args[0] if node.args else None
        if name in SENTENCE_CLASSES and first is not None:
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if not (literal or _passes_a_sentence_on(first) or (path, name) in STORED_FAILURES):
                found.append(f"{path}:{node.lineno}: {name}({ast.unparse(first)[:60]})")
        elif name == "flash" and isinstance(first, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            found.append(f"{path}:{node.lineno}: flash({ast.unparse(first)[:60]})")
    return found


def test_python_messages_are_written_so_they_can_be_translated():
    found = []
    for path in sorted(WORKBENCH.rglob("*.py")):
        relative = str(path.relative_to(catalogue.ROOT))
        found += untranslatable_python_messages(path.read_text(encoding="utf-8"), relative)
    assert found == [], (
        "raise an error with a literal message and %(name)s values "
        '(InvalidInput("No claim %(id)s.", id=5)), and flash(gettext(...)): ' + "\n".join(found)
    )


def test_the_python_check_finds_what_the_catalogue_cannot_hold():
    source = """
raise InvalidInput("No claim %(id)s here.", id=claim_id)
raise InvalidInput(f"No claim {claim_id} here.")
raise FetchRefused("The page is " + size)
raise NotAllowed(refusal)
raise CannotUndo(refused.message, **refused.values)
raise refusal
flash(gettext("Saved."), "success")
flash("Saved.", "success")
flash(f"Added claim {position}.")
"""
    assert [line.split(": ", 1)[1] for line in untranslatable_python_messages(source)] == [
        "InvalidInput(f'No claim {claim_id} here.')",
        "FetchRefused('The page is ' + size)",
        "NotAllowed(refusal)",
        "flash('Saved.')",
        "flash(f'Added claim {position}.')",
    ]


# --- The command line (workbench/cli): its help and what it prints go through gettext. ---


CLI_FOLDER = catalogue.ROOT / "workbench" / "cli"
# Words a person reads: two words of letters side by side ("is not", "Added jane").
PROSE = re.compile(r"[^\W\d_]{2,}[ ,;:]+[^\W\d_]{2,}")
GETTEXT_NAMES = {"_", "gettext", "ngettext"}
# Calls whose text reaches the reader: what is printed, refused or asked.
SAYING = {"echo", "secho", "ClickException", "UsageError", "BadParameter", "prompt", "confirm"}


def _called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def _is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _called(node) in GETTEXT_NAMES


def _literal_prose(node: ast.AST) -> list[str]:
    """English words written into `node` itself, outside any gettext call."""
    if _is_gettext(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if PROSE.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value if isinstance(part, ast.Constant) else " {} " for part in node.values
        )
        return [text] if PROSE.search(text.replace("{}", "")) else []
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            found += _literal_prose(child)
    return found


def cli_problems(source: str, name: str = "cli") -> list[str]:
    """Help texts that are not a gettext call, and printed or raised words outside one."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = _called(node)
        for keyword in node.keywords:
            if keyword.arg in ("help", "short_help", "epilog") and not _is_gettext(keyword.value):
                problems.append(f"{name}:{node.lineno} {called}({keyword.arg}=...) not gettext")
        if called in ("command", "group") and not any(k.arg == "help" for k in node.keywords):
            problems.append(f"{name}:{node.lineno} {called}() without help=_(...)")
        if called in SAYING:
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                for text in _literal_prose(argument):
                    problems.append(f"{name}:{node.lineno} {called}({text!r})")
    return problems


CLI_FILES = sorted(path.name for path in CLI_FOLDER.glob("*.py"))


@pytest.mark.parametrize("module", CLI_FILES)
def test_the_command_line_says_nothing_outside_gettext(module):
    source = (CLI_FOLDER / module).read_text(encoding="utf-8")
    assert cli_problems(source, module) == []


def test_the_command_line_check_finds_bare_help_and_bare_messages():
    source = (
        "@cli.command(help=_('Fine.'))\n"
        "@click.option('--a', help='Left in English.')\n"
        "@cli.command()\n"
        "def f():\n"
        "    click.echo(f'Added {name} twice.')\n"
        "    click.echo(_('Added %(name)s.') % {'name': name})\n"
        "    click.echo('key\\tkind\\tname')\n"
        "    raise click.ClickException('There is no user.')\n"
    )
    assert cli_problems(source) == [
        "cli:2 option(help=...) not gettext",
        "cli:3 command() without help=_(...)",
        "cli:5 echo('Added  {}  twice.')",
        "cli:8 ClickException('There is no user.')",
    ]


# --- The scripts (static/*.js): every word they show comes from the page. ---

STATIC = catalogue.ROOT / "static"
# Two words of letters side by side: what a person would read ("could not be loaded").
JS_PROSE = re.compile(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}")
# What a selector looks like: .class, #id, [attribute], >, :pseudo, or a list of tags.
SELECTOR = re.compile(r"[.#][A-Za-z_]|\[|>|:[a-z]|^[a-z]+(\s*,\s*[a-z]+)+$")
# String literals with spaces in them that no one reads: name each one here.
JS_TECHNICAL = {"use strict"}
# After these a slash starts a regular expression, not a division.
REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}


def js_strings(source: str) -> list[str]:
    """Every string literal of a script, template literals with each ${…} as {}."""
    found, i, last = [], 0, ""
    while i < len(source):
        char = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
            continue
        if source.startswith("/*", i):
            i = source.index("*/", i) + 2
            continue
        if char in "'\"":
            end, text = i + 1, []
            while source[end] != char:
                text.append(source[end : end + 2] if source[end] == "\\" else source[end])
                end += 2 if source[end] == "\\" else 1
            found.append("".join(text))
            i, last = end + 1, char
            continue
        if char == "`":
            end, text = i + 1, []
            while source[end] != "`":
                if source.startswith("${", end):
                    depth, start = 1, end + 2
                    end = start
                    while depth:
                        depth += {"{": 1, "}": -1}.get(source[end], 0)
                        end += 1
                    found += js_strings(source[start : end - 1])
                    text.append("{}")
                    continue
                text.append(source[end])
                end += 2 if source[end] == "\\" else 1
            found.append("".join(text))
            i, last = end + 1, "`"
            continue
        if char == "/" and last in REGEX_AFTER:
            end, in_class = i + 1, False
            while in_class or source[end] != "/":
                in_class = (source[end] == "[") or (in_class and source[end] != "]")
                end += 2 if source[end] == "\\" else 1
            i, last = end + 1, "/"
            continue
        if not char.isspace():
            last = char if not (char.isalnum() or char in "_$") else "a"
        i += 1
    return found


def shown_words(source: str) -> list[str]:
    """String literals of a script that read as words for a person."""
    return [
        text
        for text in js_strings(source)
        if JS_PROSE.search(text.replace("{}", " "))
        and not SELECTOR.search(text)
        and text not in JS_TECHNICAL
    ]


SCRIPTS = sorted(path.name for path in STATIC.glob("*.js"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_no_script_holds_words_of_its_own(script):
    words = shown_words((STATIC / script).read_text(encoding="utf-8"))
    assert words == [], f"static/{script} shows words the page should give it (Words.say): {words}"


def test_the_script_check_finds_words_in_strings_and_template_literals():
    source = (
        "// Comments may say anything at all.\n"
        'const a = "li.claim button[name=status]", b = "input, textarea, select";\n'
        'const c = `${row.querySelector(".claim__pos").textContent} set to ${status}`;\n'
        "const d = text.replace(/\\/'x y'/g, \"\"); /* a 'quoted phrase' */\n"
        "announce('The list could not be loaded.'); say(\"keysUnavailable\");\n"
    )
    assert shown_words(source) == ["{} set to {}", "The list could not be loaded."]
