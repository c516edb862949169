"""The command line speaks the language of its environment: WORKBENCH_LANGUAGE, else
LANGUAGE, LC_ALL, LC_MESSAGES and LANG. Help texts are chosen when the command is loaded
(a real process, below); what a command prints, when it prints it (CliRunner's env)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.interface_languages import translations_for

WORKBENCH = Path(sys.executable).with_name("workbench")
STORY = "The port reopened on Friday. Ships queued for hours. Officials blamed the fog.\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    for name in ("WORKBENCH_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args, language="es_ES.UTF-8"):
    return CliRunner().invoke(cli, list(args), env={"LANG": language}, catch_exceptions=False)


def workbench(*args, tmp_path, **language):
    """A real `workbench` process with only `language` set among the locale variables."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("WORKBENCH_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    environ.update(language, WORKBENCH_DB=str(tmp_path / "real.db"), COLUMNS="100")
    return subprocess.run(
        [str(WORKBENCH), *args], env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow  # a real process of the command
def test_the_help_is_spanish_for_a_spanish_environment(tmp_path):
    spanish = workbench("--help", tmp_path=tmp_path, LANG="es_ES.UTF-8")
    assert spanish.returncode == 0, spanish.stderr
    assert "Banco de verificación de afirmaciones y fuentes." in spanish.stdout
    assert "Importa FILE e imprime el id del artículo." in spanish.stdout
    assert "Splits news articles" not in spanish.stdout
    subcommand = workbench("export", "--help", tmp_path=tmp_path, LANG="es_ES.UTF-8")
    assert "Exporta afirmaciones" in subcommand.stdout
    assert "Solo afirmaciones con este estado." in subcommand.stdout
    assert "Only claims with this status." not in subcommand.stdout


@pytest.mark.slow  # a real process of the command
def test_workbench_language_wins_over_the_posix_variables(tmp_path):
    chosen = workbench("--help", tmp_path=tmp_path, WORKBENCH_LANGUAGE="es", LANG="en_US.UTF-8")
    assert "Banco de verificación" in chosen.stdout


@pytest.mark.slow  # a real process of the command
def test_the_help_stays_english_for_an_english_environment(tmp_path):
    english = workbench("--help", tmp_path=tmp_path, LANG="en_US.UTF-8")
    assert english.returncode == 0, english.stderr
    assert "Source-claim verification workbench." in english.stdout
    assert "Import FILE and print the article's id." in english.stdout
    assert "Banco" not in english.stdout


@pytest.mark.slow  # a real process of the command
def test_a_real_process_says_its_error_in_spanish(tmp_path):
    missing = workbench("import", str(tmp_path / "nada.txt"), tmp_path=tmp_path, LANG="es_ES")
    assert missing.returncode == 2
    assert "no es un archivo (ni un enlace http o https)" in missing.stderr


def test_an_import_of_a_missing_file_is_refused_in_spanish(env):
    result = run("import", str(env / "missing.txt"))
    assert result.exit_code == 2
    assert "missing.txt no es un archivo (ni un enlace http o https)." in result.output
    assert "is not a file" not in result.output


def test_a_bad_date_is_refused_in_the_catalogue_s_words(env):
    """The domain's refusal reaches the reader through the catalogue (errors.say)."""
    path = env / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    english = run("import", str(path), "--date", "yesterday", language="en_US.UTF-8")
    spanish = run("import", str(path), "--date", "yesterday")
    sentence = "The publication date must be a date like 2016-03-25."
    assert (english.exit_code, english.output) == (1, f"Error: {sentence}\n")
    said = translations_for("es").gettext(sentence)
    assert (spanish.exit_code, spanish.output) == (1, f"Error: {said}\n")


def test_a_missing_article_is_refused_in_spanish(env):
    result = run("approve", "7", "--by", "ana")
    assert "No hay ningún usuario llamado ana." in result.output
    assert run("purge-note", "4").output == "Error: No hay ninguna nota 4.\n"
    assert run("purge-note", "4", language="en_GB.UTF-8").output == "Error: There is no note 4.\n"


def test_what_a_command_prints_follows_the_environment(env):
    path = env / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    first = run("import", str(path))
    assert first.stdout == "1\n"
    assert "Idioma:" in first.stderr and "Language:" not in first.stderr
    again = run("import", str(path))
    assert "Ya importado como artículo 1; no se añadió nada." in again.stderr
    english = run("import", str(path), language="en_US.UTF-8")
    assert "Already imported as article 1; nothing added." in english.stderr
    assert run("approve", "1", "--by", "nadie").output.endswith(
        "Error: No hay ningún usuario llamado nadie.\n"
    )
    assert (
        "There is no user called nadie."
        in run("approve", "1", "--by", "nadie", language="C.UTF-8").output
    )


def test_plurals_follow_the_count(env, monkeypatch):
    from workbench.cli.words import ngettext

    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    one = ngettext("Approved %(num)d decision.", "Approved %(num)d decisions.", 1)
    many = ngettext("Approved %(num)d decision.", "Approved %(num)d decisions.", 3)
    assert one % {"num": 1} == "1 decisión aprobada."
    assert many % {"num": 3} == "3 decisiones aprobadas."
