"""The documentation says what the code offers (as sqlite-utils' test_docs does): every
command and option in docs/cli.md, every environment variable in docs/configuration.md,
every CSV column in docs/exports.md; every page is reached from the README, and no page
names a module or links a file that is not there. The README stays what a newcomer
reads: what it is, the two commands, the first login, a tour, and links."""

import pathlib
import re

import click
import pytest

from workbench.cli import cli
from workbench.exports import csv_rows

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))}
CLI_PAGE = PAGES["cli.md"]
CONFIGURATION = PAGES["configuration.md"]
EXPORTS = PAGES["exports.md"]
COMMANDS = sorted(cli.commands.items())
# Long enough for what a newcomer needs; the reference lives in docs/.
README_MAX_LINES = 150


@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_cli_page(name, command):
    assert (command.help or "").strip(), f"`workbench {name}` has no help text"
    assert f"workbench {name}" in CLI_PAGE, f"docs/cli.md does not mention `workbench {name}`"


OPTIONS = [
    (name, option)
    for name, command in COMMANDS
    for parameter in command.params
    if isinstance(parameter, click.Option)
    for option in parameter.opts
    if option.startswith("--") and option != "--help"
]


@pytest.mark.parametrize("name, option", OPTIONS, ids=[f"{n} {o}" for n, o in OPTIONS])
def test_every_option_is_documented(name, option):
    assert option in CLI_PAGE, f"docs/cli.md does not document `workbench {name} {option}`"
    parameter = next(p for p in cli.commands[name].params if option in getattr(p, "opts", ()))
    assert (parameter.help or "").strip(), f"`workbench {name} {option}` has no help text"


ENVIRONMENT = sorted(
    {
        name
        for path in (ROOT / "workbench").rglob("*.py")
        for name in re.findall(r"WORKBENCH_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
)


@pytest.mark.parametrize("variable", ENVIRONMENT)
def test_every_environment_variable_is_in_the_configuration_table(variable):
    assert re.search(rf"^\| `{variable}` \|", CONFIGURATION, re.M), (
        f"docs/configuration.md's table has no row for {variable}"
    )


@pytest.mark.parametrize("column", csv_rows.COLUMNS)
def test_every_csv_column_is_documented(column):
    assert re.search(rf"^\| `{column}` \|", EXPORTS, re.M), (
        f"docs/exports.md's CSV table has no row for the column {column}"
    )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_is_linked_from_the_readme(page):
    assert f"](docs/{page})" in README, f"README.md does not link docs/{page}"


DOCUMENTS = {"README.md": README, **{f"docs/{name}": text for name, text in PAGES.items()}}


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_modules_named_in_the_documents_exist(document):
    named = set(re.findall(r"`((?:workbench|tests|bench)/[\w/.]+\.py)`", DOCUMENTS[document]))
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"{document} names modules that do not exist: {missing}"


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_files_linked_from_the_documents_exist(document):
    folder = (ROOT / document).parent
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", DOCUMENTS[document])
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = sorted(t for t in local if not (folder / t).exists())
    assert not missing, f"{document} links files that do not exist: {missing}"


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_anchors_linked_between_pages_exist(document):
    """A link to a section of a page (#anchor) names a heading that page has."""
    folder = (ROOT / document).parent
    for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", DOCUMENTS[document]):
        path = (folder / target) if target else ROOT / document
        headings = re.findall(r"(?m)^#+ (.+)$", path.read_text(encoding="utf-8"))
        anchors = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
        assert anchor in anchors, f"{document} links {target}#{anchor}, which has no such heading"


def test_the_readme_is_what_a_newcomer_needs():
    sections = re.findall(r"(?m)^## (.+)$", README)
    assert sections[:3] == ["Two commands", "Your first login", "A tour"]
    assert "make run" in README and "make test" in README
    lines = len(README.splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md is {lines} lines; reference belongs in a page of docs/ linked from it"
    )


def test_comments_and_documents_name_no_bare_issue_numbers():
    """An issue number with no link tells a reader nothing: say what and why instead."""
    paths = [
        path
        for folder in ("workbench", "tests", "bench", "templates", "static", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".html", ".js", ".css"}
        and not path.is_relative_to(ROOT / "tests" / "pages")
        and not path.is_relative_to(ROOT / "tests" / "data")
    ] + [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bissues? [0-9]+\b", line, re.I) and "issue_number" not in line
    ]
    assert found == []
