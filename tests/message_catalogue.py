"""The interface's message catalogues: what the code and templates say, extracted; each
language's .po brought up to date with it and compiled to .mo. `make translations` runs
this file; tests/test_translations.py checks that nothing is left untranslated.

Messages are marked by gettext's usual names (`_`, `gettext`, `ngettext`, `N_`), by
`{% trans %}` in templates, and by the domain errors' own names: the first argument of
`raise InvalidInput("...")` is the message (workbench/errors.py)."""

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench import errors  # noqa: E402
from workbench.interface_languages import DEFAULT_LOCALE, DOMAIN, LOCALES, TRANSLATIONS_DIR  # noqa: E402

# Every Sentence error's class name marks its first argument as a message.
ERROR_KEYWORDS = {
    name: None
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.Sentence)
}
KEYWORDS = {**DEFAULT_KEYWORDS, **ERROR_KEYWORDS, "SignInRefused": None, "lazy_gettext": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols", "trimmed": "true"}
SOURCES = [
    (ROOT / "workbench", [("**.py", "python")], {}),
    (ROOT / "templates", [("**.html", "jinja2")], {"**.html": JINJA_OPTIONS}),
]


def extract() -> Catalog:
    """Every message the code and templates mark, as a catalogue with no translations."""
    catalog = Catalog(project="Claim workbench", domain=DOMAIN)
    for folder, methods, options in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            folder, methods, options, KEYWORDS, comment_tags=("Translators:",)
        ):
            catalog.add(
                message,
                locations=[(f"{folder.name}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update() -> None:
    """Each translated language's .po follows the extracted messages (new ones empty,
    gone ones dropped), and its .mo is compiled from it."""
    template = extract()
    for locale in LOCALES:
        if locale == DEFAULT_LOCALE:
            continue
        catalog = read(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, no_location=True, omit_header=False)
        path.with_suffix(".mo").write_bytes(compiled(read(locale)))


def untranslated(locale: str) -> list[str]:
    """The extracted messages `locale` does not translate (missing, empty or fuzzy)."""
    catalog = read(locale)
    missing = []
    for message in extract():
        if not message.id:
            continue
        theirs = catalog.get(message.id, context=message.context)
        strings = theirs.string if theirs else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        if theirs is None or theirs.fuzzy or not all(texts):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


if __name__ == "__main__":
    update()
    for locale in LOCALES:
        if locale != DEFAULT_LOCALE:
            left = untranslated(locale)
            print(
                f"{locale}: {len(left)} messages to translate in "
                f"{po_path(locale).relative_to(ROOT)}"
            )
