"""The `workbench` command line: init, import, export, extract, and honest help."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workbench import create_app
from workbench.cli import cli
from workbench.storage.db import connect

STORY = "The port reopened on Friday. Ships queued for hours. Officials blamed the fog.\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Point the CLI at a fresh database, as WORKBENCH_DB does for a user."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def stored(env):
    return connect(env / "cli.db")


def test_init_imports_the_sample_once(env):
    first = run("init")
    assert first.exit_code == 0 and "(17 claims)" in first.output
    second = run("init")
    assert "Imported" not in second.output
    assert stored(env).table("claims").count == 17


def test_import_prints_the_new_id_and_detects_duplicates(env):
    path = env / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    first = run("import", str(path), "--title", "Port")
    assert (first.exit_code, first.stdout) == (0, "1\n")
    assert "Language:      English" in first.stderr
    again = run("import", str(path))
    assert again.exit_code == 0 and again.stdout == "1\n" and "Already imported" in again.stderr
    db = stored(env)
    assert db.table("articles").get(1)["title"] == "Port"
    assert db.table("articles").get(1)["body"] == STORY
    assert db.table("claims").count == 3


def test_import_reads_stdin(env):
    result = run("import", "-", input=STORY)
    assert result.stdout == "1\n"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"   \n", "empty"),
        ("bin.txt", b"\x00\x01", "binary"),
        ("broken.txt", "naïve café ".encode() + b"\xff", "not valid UTF-8"),
    ],
)
def test_import_refuses_bad_files_with_exit_1(env, name, content, message):
    path = env / name
    path.write_bytes(content)
    result = run("import", str(path))
    assert result.exit_code == 1 and message in result.output
    assert not (env / "cli.db").exists() or stored(env).table("articles").count == 0


def test_export_writes_csv_to_stdout_or_a_file(env):
    (env / "s.txt").write_text(STORY)
    run("import", str(env / "s.txt"))
    out = run("export")
    rows = list(csv.DictReader(io.StringIO(out.output, newline="")))
    assert [r["claim"] for r in rows] == [
        "The port reopened on Friday.",
        "Ships queued for hours.",
        "Officials blamed the fog.",
    ]
    run("export", "--article", "1", "--output", str(env / "out.csv"))
    assert (env / "out.csv").read_text(encoding="utf-8").replace(
        "\r\n", "\n"
    ) == out.output.replace("\r\n", "\n")


def test_export_of_unknown_article_fails_clearly(env):
    result = run("export", "--article", "42")
    assert result.exit_code == 1 and "no article 42" in result.output


def test_extract_prints_json_claims_and_touches_no_database(env):
    (env / "s.txt").write_text(STORY)
    result = run("extract", str(env / "s.txt"))
    claims = json.loads(result.stdout)
    assert [c["index"] for c in claims] == [0, 1, 2]
    assert all(STORY[c["start"] : c["end"]] == c["text"] for c in claims)
    assert set(claims[0]) >= {"index", "text", "start", "end"}
    assert not (env / "cli.db").exists()


def test_extract_reduces_html_to_text(env):
    (env / "p.html").write_text("<p>One claim.</p><script>no()</script><p>Two claims.</p>")
    claims = json.loads(run("extract", str(env / "p.html")).stdout)
    assert [c["text"] for c in claims] == ["One claim.", "Two claims."]


def test_every_command_has_help_text():
    """As sqlite-utils does: a command without help is a bug."""
    for name, command in cli.commands.items():
        assert command.help, f"`workbench {name}` has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage: " in result.output


def test_top_level_help_lists_the_commands():
    output = run("--help").output
    for name in ("init", "import", "export", "extract", "serve"):
        assert name in output


def test_app_creates_and_keeps_a_per_install_secret_key(env):
    first = create_app().config["SECRET_KEY"]
    assert len(first) == 64 and first == create_app().config["SECRET_KEY"]
    assert (env / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_export_with_a_manifest_and_verify_detects_truncation(env):
    (env / "s.txt").write_text(STORY)
    run("import", str(env / "s.txt"))
    result = run("export", "--output", str(env / "out.csv"), "--manifest", str(env / "out.json"))
    assert result.exit_code == 0
    record = json.loads((env / "out.json").read_text())
    assert (record["rows"], record["format"], record["file"]) == (3, "csv", "out.csv")
    assert run("verify", str(env / "out.csv"), str(env / "out.json")).exit_code == 0
    data = (env / "out.csv").read_bytes()
    (env / "cut.csv").write_bytes(data[:-20])
    broken = run("verify", str(env / "cut.csv"), str(env / "out.json"))
    assert broken.exit_code == 1 and "SHA-256" in broken.output


def test_export_filters_and_formats(env):
    (env / "s.txt").write_text(STORY)
    run("import", str(env / "s.txt"))
    rows = list(csv.DictReader(io.StringIO(run("export", "--search", "fog").output, newline="")))
    assert [r["claim"] for r in rows] == ["Officials blamed the fog."]
    document = json.loads(run("export", "--format", "json").output)
    assert len(document["articles"][0]["claims"]) == 3
    assert json.loads(run("export", "--format", "claimreview").output) == []  # nothing decided yet
    assert run("export", "--status", "SOURCED").exit_code == 1


def test_import_reads_a_latin1_file(env):
    (env / "latin.txt").write_bytes("Zoë said the café closed at 9pm.".encode("latin-1"))
    assert run("import", str(env / "latin.txt")).exit_code == 0
    assert stored(env).table("articles").get(1)["body"] == "Zoë said the café closed at 9pm."
