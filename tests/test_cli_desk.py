"""The desk from the command line: an article through assignment, blind double review,
agreement, adjudication and approval to an approved export."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from support import cli_database
from workbench.cli import cli
from workbench.storage.db import connect

STORY = (
    "The port reopened on Friday. Ships queued for hours. Officials blamed the fog. "
    "The harbour master resigned.\n"
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    users = {"eda": "editor", "ana": "reviewer", "bo": "reviewer"}
    cli_database(tmp_path, monkeypatch, users).close()
    (tmp_path / "story.txt").write_text(STORY)
    return tmp_path


def run(*args, input=None, ok=True):
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def claim_ids(env, article_id):
    db = connect(env / "cli.db")
    try:
        return [
            row[0]
            for row in db.execute(
                "select id from claims where article_id = ? order by position", [article_id]
            )
        ]
    finally:
        db.close()


def test_add_user_takes_the_editor_role(env):
    result = run(
        "add-user", "ed2", "--role", "editor", "--password-stdin", input="long enough pw\n"
    )
    assert result.output.strip() == "Added ed2 (editor)."
    assert "ed2\teditor" in run("list-users").output


def test_a_desk_runs_an_article_from_the_command_line(env):
    article = int(run("import", str(env / "story.txt"), "--by", "eda").stdout.strip())
    ids = claim_ids(env, article)
    run("approval", "on", "--by", "eda")
    out = run("assign", str(article), "--to", "ana", "--claims", "1-2", "--by", "eda").output
    assert out.startswith("Assigned 2 claims to ana")
    assert [line.split("\t")[0] for line in run("queue", "ana").output.splitlines()] == [
        str(ids[0]),
        str(ids[1]),
    ]
    run("blind", str(article), "--reviewer", "ana", "--reviewer", "bo", "--by", "eda")
    for claim_id, status in zip(ids, ["sourced", "disputed", "sourced", "unverified"], strict=True):
        assert "blind decision saved" in run("decide", str(claim_id), status, "--by", "ana").output
    no_figures = run("agreement", "--article", str(article), ok=False)
    assert no_figures.exit_code == 1 and "no finished blind review" in no_figures.output
    for claim_id, status in zip(ids, ["sourced", "sourced", "sourced", "unverified"], strict=True):
        run("decide", str(claim_id), status, "--by", "bo", "--note", "checked the log")
    figures = run("agreement", "--article", str(article)).output.splitlines()
    assert figures[0] == "article\treviewers\tclaims\tagreement\tkappa\talpha"
    article_row = figures[1].split("\t")
    assert article_row[:4] == [str(article), "ana+bo", "4", "75%"]
    # p_o = 3/4; p_e = (2*3 [sourced] + 1*0 [disputed] + 1*1 [unverified]) / 16 = 7/16.
    assert float(article_row[4]) == pytest.approx((0.75 - 7 / 16) / (1 - 7 / 16), abs=1e-3)
    refused = run("adjudicate", str(ids[1]), "sourced", "--note", "ok", "--by", "ana", ok=False)
    assert refused.exit_code == 1 and "editor role" in refused.output
    out = run("adjudicate", str(ids[1]), "disputed", "--note", "Port logs differ.", "--by", "eda")
    assert out.output.strip() == f"Claim {ids[1]}: disputed (approved)."
    assert run("approve", str(article), "--by", "eda").output.strip() == "Approved 2 decisions."
    rows = list(csv.DictReader(io.StringIO(run("export", "--article", str(article)).output)))
    assert [(r["status"], r["decision_state"]) for r in rows] == [
        ("sourced", "approved"),
        ("disputed", "approved"),
        ("sourced", "approved"),
        ("unverified", "none"),
    ]
    assert rows[0]["assignees"] == "ana bo"
    published = json.loads(
        run("export", "--article", str(article), "--format", "claimreview").output
    )
    assert len(published) == 3
    document = json.loads(run("export", "--article", str(article), "--format", "json").output)
    second = document["articles"][0]["claims"][1]
    assert [(d["reviewer"], d["status"]) for d in second["blind_decisions"]] == [
        ("ana", "disputed"),
        ("bo", "sourced"),
    ]


def test_a_returned_decision_from_the_command_line(env):
    article = int(run("import", str(env / "story.txt"), "--by", "eda").stdout.strip())
    first = claim_ids(env, article)[0]
    run("approval", "on", "--article", str(article), "--by", "eda")
    assert "(proposed)" in run("decide", str(first), "sourced", "--by", "ana").output
    run("return", str(first), "--note", "Which official?", "--by", "eda")
    rows = list(
        csv.DictReader(
            io.StringIO(run("export", "--article", str(article), "--decision", "returned").output)
        )
    )
    assert [(int(r["claim_id"]), r["status"]) for r in rows] == [(first, "unverified")]
    assert "Which official?" in rows[0]["notes"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["assign", "1", "--to", "ana", "--by", "ana"], "needs the editor role"),
        (["assign", "999", "--to", "ana", "--by", "eda"], "Not found"),
        (["assign", "1", "--to", "nobody", "--by", "eda"], "no user called nobody"),
        (["blind", "1", "--reviewer", "ana", "--by", "eda"], "at least two"),
        (["approval", "desk", "--by", "eda"], "add --article"),
        (["decide", "1", "sourced", "--by", "nobody"], "no user called nobody"),
    ],
)
def test_desk_commands_refuse_with_a_message(env, args, message):
    run("import", str(env / "story.txt"), "--by", "eda")
    result = run(*args, ok=False)
    assert result.exit_code == 1
    assert message in result.output
