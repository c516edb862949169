"""The README documents what the code offers (as sqlite-utils' test_docs does): every
command and option, every environment variable, every CSV column."""

import pathlib
import re

import click
import pytest

from workbench.cli import cli
from workbench.exports import csv_rows

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert (command.help or "").strip(), f"`workbench {name}` has no help text"
    assert f"workbench {name}" in README, f"README.md does not mention `workbench {name}`"


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
    assert option in README, f"README.md does not document `workbench {name} {option}`"
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
def test_every_environment_variable_is_documented(variable):
    assert f"`{variable}`" in README, f"README.md does not document {variable}"


@pytest.mark.parametrize("column", csv_rows.COLUMNS)
def test_every_csv_column_is_documented(column):
    assert re.search(rf"^\| `{column}` \|", README, re.M), (
        f"README.md's CSV table has no row for the column {column}"
    )


def test_the_layout_section_names_real_modules():
    named = set(re.findall(r"`((?:workbench|tests|bench)/[\w/.]+\.py)`", README))
    assert named, "README.md's layout section names no modules"
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"README.md names modules that do not exist: {missing}"
