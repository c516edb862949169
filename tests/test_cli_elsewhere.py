"""Claims already checked elsewhere, from the command line: list an article's matches,
copy a decision with its evidence."""

import pytest
from click.testing import CliRunner

from support import actor, cli_database
from workbench.cli import cli
from workbench.review import articles, claims, evidence
from workbench.storage.db import connect

FIRST = "The council voted to close the old bridge on Friday. Traffic moved to the ring road.\n"
WIRE = (
    "Shops on the high street reported fewer customers. "
    "The council voted on Friday to close the old bridge, officials said.\n"
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = cli_database(tmp_path, monkeypatch, {"ana": "reviewer", "vic": "viewer"})
    first = articles.import_article(db, FIRST, actor=actor("ana"), title="Bridge").article_id
    reviewed = db.execute(
        "select id from claims where article_id = ? and text like 'The council%'", [first]
    ).fetchone()[0]
    claims.set_status(db, reviewed, "disputed", actor("ana", "reviewer"))
    evidence.add_evidence(
        db, reviewed, actor("ana", "reviewer"), "https://example.org/minutes", "contradicts"
    )
    second = articles.import_article(db, WIRE, actor=actor("ana"), title="High street").article_id
    twin = db.execute(
        "select id from claims where article_id = ? and text like 'The council%'", [second]
    ).fetchone()[0]
    db.close()
    return {"path": tmp_path / "cli.db", "article": second, "twin": twin, "reviewed": reviewed}


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_elsewhere_lists_each_match_with_its_decision(env):
    lines = run("elsewhere", str(env["article"])).output.splitlines()
    assert lines[0].split("\t") == [
        "claim", "position", "match", "status", "evidence", "score", "article", "title",
    ]  # fmt: skip
    assert len(lines) == 2  # only the council sentence has a twin
    claim, position, match, status, evidence_count, score, article, title = lines[1].split("\t")
    assert (int(claim), position, int(match)) == (env["twin"], "2", env["reviewed"])
    assert (status, evidence_count, title) == ("disputed", "1", "Bridge")
    assert 80 <= int(score) <= 100


def test_elsewhere_says_when_nothing_matched_and_refuses_unknown_articles(env):
    first = run("elsewhere", "1")
    assert "No claim of article 1 was found in another article." not in first.output
    missing = run("elsewhere", "99", ok=False)
    assert missing.exit_code == 1 and "Not found" in missing.output


def test_copy_review_copies_the_status_and_evidence_as_one_change(env):
    result = run("copy-review", str(env["twin"]), str(env["reviewed"]), "--by", "ana")
    assert result.output.strip() == (
        f"Claim {env['twin']}: disputed, copied from claim {env['reviewed']}."
    )
    db = connect(env["path"])
    try:
        assert db.execute("select status from claims where id = ?", [env["twin"]]).fetchone() == (
            "disputed",
        )
        assert db.execute(
            "select url, stance from evidence where claim_id = ?", [env["twin"]]
        ).fetchall() == [("https://example.org/minutes", "contradicts")]
        assert db.execute(
            "select actor, action from history where claim_id = ? order by id desc limit 1",
            [env["twin"]],
        ).fetchone() == ("ana", "status")
    finally:
        db.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "vic"], "vic is a viewer; this needs the reviewer role."),
        (["--by", "nobody"], "There is no user called nobody."),
    ],
)
def test_copy_review_needs_a_reviewer(env, args, message):
    result = run("copy-review", str(env["twin"]), str(env["reviewed"]), *args, ok=False)
    assert result.exit_code == 1 and message in result.output


def test_copy_review_refuses_a_claim_that_is_not_a_match_and_changes_nothing(env):
    result = run("copy-review", str(env["reviewed"]), str(env["reviewed"]), "--by", "ana", ok=False)
    assert result.exit_code == 1
    assert "not one this claim matches; nothing was copied" in result.output
    db = connect(env["path"])
    try:
        assert db.execute("select status from claims where id = ?", [env["twin"]]).fetchone() == (
            "unverified",
        )
    finally:
        db.close()


# --- every source's record, from the command line ---------------------------------------


def test_sources_lists_each_source_with_its_claims_by_status(env):
    db = connect(env["path"])
    try:
        articles.import_article(
            db,
            "Mayor Jane Doe said the bridge would reopen in May. The council denied it.\n",
            actor=actor("ana"),
            title="Reopening",
        )
        jane = db.execute("select id from claims where text like 'Mayor Jane Doe%'").fetchone()[0]
        claims.set_status(db, jane, "sourced", actor("ana", "reviewer"))
    finally:
        db.close()
    lines = run("sources").output.splitlines()
    assert lines[0].split("\t") == [
        "key", "kind", "name", "articles", "claims", "unverified", "sourced", "disputed",
    ]  # fmt: skip
    rows = {line.split("\t")[2]: line.split("\t") for line in lines[1:]}
    assert rows["Jane Doe"][:2] == ["person:jane doe", "named_person"]
    assert rows["Jane Doe"][3:] == ["1", "1", "0", "1", "0"]  # 1 article, 1 claim: sourced
    people = run("sources", "--kind", "person").output.splitlines()[1:]
    assert [line.split("\t")[1] for line in people] == ["named_person"] * len(people)
    assert "Jane Doe" in {line.split("\t")[2] for line in people}
    only = run("sources", "--name", "jane").output.splitlines()[1:]
    assert [line.split("\t")[2] for line in only] == ["Jane Doe"]
