"""A new version of an article: claims move to the new text, nothing is lost, and every
offset points into the version it belongs to (hypothesis client#7571)."""

import json

import pytest

from support import actor
from workbench import errors
from workbench.review import (
    articles,
    claims,
    corrections,
    evidence,
    history_sentences,
    notes,
    undo,
    versions,
)

ANA = actor("ana", "reviewer")
V1 = (
    "The mayor opened the new bridge on Monday.\n"
    "It cost $4.5 million, the city said.\n"
    "Officials declined to comment.\n"
    "Critics called the project late and expensive.\n"
    "Officials declined to comment.\n"
    "Traffic is expected to double by 2030, according to a city report."
)


@pytest.fixture
def article_id(memory_db):
    return articles.import_article(memory_db, V1, actor=actor("ada")).article_id


def by_text(db, article_id):
    """{text: claim} of every claim of the article, hidden ones included."""
    rows = db.query("select * from claims where article_id = ? order by start", [article_id])
    return {row["text"]: row for row in rows}


def assert_offsets_valid_in_every_version(db, article_id):
    """body_of_version[start:end] == text for every version every claim was in."""
    ids = [row[0] for row in db.execute("select id from claims where article_id = ?", [article_id])]
    for claim_id in ids:
        for version, start, end, text in versions.anchors_of(db, claim_id):
            assert versions.body_of_version(db, article_id, version)[start:end] == text, (
                claim_id,
                version,
            )


def test_an_unchanged_sentence_keeps_its_claim_and_offsets(memory_db, article_id):
    before = by_text(memory_db, article_id)["The mayor opened the new bridge on Monday."]
    v2 = V1.replace("late and expensive", "late, expensive and badly planned")
    result = versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    after = claims.get_claim(memory_db, before["id"])
    assert (after["start"], after["end"], after["text"]) == (0, 42, before["text"])
    assert after["text_version"] == 2 and after["changed_in_version"] is None
    assert (result.number, result.changed, result.removed) == (2, 1, 0)
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_a_moved_sentence_follows_its_claim_with_its_status_notes_and_evidence(
    memory_db, article_id
):
    claim = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    claims.set_status(memory_db, claim["id"], "disputed", ANA)
    notes.add_note(memory_db, claim["id"], "The budget says 4.2.", ANA)
    evidence.add_evidence(memory_db, claim["id"], ANA, "https://example.org/budget", "contradicts")
    lines = V1.split("\n")
    v2 = "\n".join([lines[0], lines[2], lines[3], lines[1], *lines[4:]])
    result = versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    moved = claims.get_claim(memory_db, claim["id"])
    assert v2[moved["start"] : moved["end"]] == claim["text"]
    assert moved["start"] != claim["start"] and moved["changed_in_version"] is None
    assert moved["status"] == "disputed"
    assert [n["body"] for n in moved["notes"]] == ["The budget says 4.2."]
    assert [e["url"] for e in moved["evidence"]] == ["https://example.org/budget"]
    assert result.moved >= 1 and result.changed == 0 and result.added == 0
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_an_edited_sentence_is_marked_changed_with_both_texts_in_its_history(memory_db, article_id):
    claim = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    claims.set_status(memory_db, claim["id"], "sourced", ANA)
    v2 = V1.replace("$4.5 million", "$4.8 million")
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    changed = claims.get_claim(memory_db, claim["id"])
    assert changed["text"] == "It cost $4.8 million, the city said."
    assert changed["changed_in_version"] == 2
    # Another number: the decision was on a claim the article no longer makes.
    assert (changed["status"], changed["decision_state"]) == ("unverified", "changed")
    [change] = versions.version_changes(memory_db, article_id, 2)
    assert change.action == "changed in version" and change.claim_id == claim["id"]
    assert ("del", "$4.5") in change.words and ("ins", "$4.8") in change.words
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_a_deleted_sentence_hides_its_claim_without_erasing_it(memory_db, article_id):
    claim = by_text(memory_db, article_id)["Critics called the project late and expensive."]
    notes.add_note(memory_db, claim["id"], "Which critics?", ANA)
    v2 = V1.replace("Critics called the project late and expensive.\n", "")
    result = versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    gone = claims.get_claim(memory_db, claim["id"])
    assert (gone["is_claim"], gone["hidden_reason"], gone["removed_in_version"]) == (
        0,
        "removed",
        2,
    )
    assert [n["body"] for n in gone["notes"]] == ["Which critics?"]
    assert gone["position"] is None and result.removed == 1
    # Its offsets still point into version 1, where its passage is.
    assert gone["text_version"] == 1
    assert_offsets_valid_in_every_version(memory_db, article_id)
    listed = claims.list_claims(memory_db, article_id, include_hidden=True).claims
    assert claim["id"] not in [c["id"] for c in listed], "stale offsets would mislead the page"


def test_a_removed_claim_cannot_be_restored_into_a_version_without_its_passage(
    memory_db, article_id
):
    claim = by_text(memory_db, article_id)["Critics called the project late and expensive."]
    v2 = V1.replace("Critics called the project late and expensive.\n", "")
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    with pytest.raises(errors.InvalidInput, match="version"):
        corrections.set_not_a_claim(memory_db, claim["id"], False, ANA)


def test_duplicated_sentences_each_keep_their_own_claim(memory_db, article_id):
    first, second = [
        row
        for row in memory_db.query(
            "select * from claims where article_id = ? and text = ? order by start",
            [article_id, "Officials declined to comment."],
        )
    ]
    claims.set_status(memory_db, second["id"], "sourced", ANA)
    v2 = "A new opening line was added by the editors.\n" + V1
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    a, b = claims.get_claim(memory_db, first["id"]), claims.get_claim(memory_db, second["id"])
    shift = len("A new opening line was added by the editors.\n")
    assert (a["start"], b["start"]) == (first["start"] + shift, second["start"] + shift)
    assert b["status"] == "sourced"
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_one_of_two_duplicated_sentences_removed_keeps_the_nearer_claim(memory_db, article_id):
    first, second = [
        row["id"]
        for row in memory_db.query(
            "select id from claims where article_id = ? and text = ? order by start",
            [article_id, "Officials declined to comment."],
        )
    ]
    lines = V1.split("\n")
    v2 = "\n".join(lines[:4] + lines[5:])  # the second copy is cut
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    assert claims.get_claim(memory_db, first)["is_claim"] == 1
    assert claims.get_claim(memory_db, second)["removed_in_version"] == 2
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_new_sentences_become_new_unverified_claims(memory_db, article_id):
    v2 = V1 + "\nThe bridge will close for repairs in May, engineers said."
    result = versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    new = by_text(memory_db, article_id)[
        "The bridge will close for repairs in May, engineers said."
    ]
    assert (new["added_in_version"], new["status"], new["is_claim"]) == (2, "unverified", 1)
    assert new["attribution_text"] == "engineers" and result.added == 1
    assert new["position"] == 7
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_no_claim_is_lost_over_three_versions(memory_db, article_id):
    every_id = {row[0] for row in memory_db.execute("select id from claims")}
    v2 = V1.replace("$4.5 million", "$4.8 million").replace("Officials declined", "Aides declined")
    v3 = "Update: the bridge reopened after a brief closure.\n" + v2.replace(
        "according to a city report", "according to a 2024 city report"
    )
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    versions.import_new_version(memory_db, article_id, v3, actor=ANA)
    still = {row[0] for row in memory_db.execute("select id from claims")}
    assert every_id <= still
    assert articles.get_article(memory_db, article_id)["body"] == v3
    assert [v["number"] for v in versions.list_versions(memory_db, article_id)] == [1, 2, 3]
    assert versions.body_of_version(memory_db, article_id, 1) == V1
    assert versions.body_of_version(memory_db, article_id, 2) == v2
    assert_offsets_valid_in_every_version(memory_db, article_id)
    real = claims.list_claims(memory_db, article_id).claims
    assert [c["position"] for c in real] == list(range(1, len(real) + 1))
    for claim in real:
        assert v3[claim["start"] : claim["end"]] == claim["text"]


def test_split_and_merged_claims_are_re_anchored_too(memory_db, article_id):
    cost = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    at = cost["start"] + cost["text"].index("the city")
    corrections.split_claim(memory_db, cost["id"], at, ANA)
    mayor = by_text(memory_db, article_id)["The mayor opened the new bridge on Monday."]
    corrections.merge_with_next(memory_db, mayor["id"], ANA)
    v2 = V1.replace("the new bridge", "the new steel bridge").replace("$4.5", "$4.8")
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    merged = claims.get_claim(memory_db, mayor["id"])
    assert (
        merged["text"] == "The mayor opened the new steel bridge on Monday.\nIt cost $4.8 million,"
    )
    assert merged["changed_in_version"] == 2
    assert_offsets_valid_in_every_version(memory_db, article_id)


def test_a_confirmed_source_stays_the_reviewers(memory_db, article_id):
    claim = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    corrections.set_attribution(memory_db, claim["id"], ANA, "organization", "the city")
    v2 = "Opening line.\n" + V1
    versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    moved = claims.get_claim(memory_db, claim["id"])
    assert (moved["attribution_text"], moved["attribution_confirmed_by"]) == ("the city", "ana")
    assert v2[moved["attribution_start"] : moved["attribution_end"]] == "the city"


def test_the_same_text_again_is_not_a_new_version(memory_db, article_id):
    result = versions.import_new_version(memory_db, article_id, V1 + "\n", actor=ANA)
    assert (result.created, result.number) == (False, 1)
    assert memory_db.table("article_versions").count == 0


def test_another_articles_text_cannot_be_a_version(memory_db, article_id):
    other = articles.import_article(memory_db, "A different story. Entirely.", actor=ANA)
    with pytest.raises(errors.ArticleRejected, match=f"article {other.article_id}"):
        versions.import_new_version(
            memory_db, article_id, "A different story. Entirely.", actor=ANA
        )


def test_a_new_version_is_recorded_in_the_articles_history_and_each_claims(memory_db, article_id):
    claim = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    versions.import_new_version(memory_db, article_id, V1.replace("4.5", "4.8"), actor=ANA)
    events = [
        row[0]
        for row in memory_db.execute(
            "select after from history where article_id = ? and action = 'new version'",
            [article_id],
        )
    ]
    assert events == ["version 2: 1 changed, 0 removed, 0 new, 5 unchanged"]
    actions = [
        row[0]
        for row in memory_db.execute("select action from history where claim_id = ?", [claim["id"]])
    ]
    assert actions == ["changed in version"]


def test_changes_made_on_an_earlier_version_are_not_undone_into_the_new_one(memory_db, article_id):
    claim = by_text(memory_db, article_id)["It cost $4.5 million, the city said."]
    claims.set_status(memory_db, claim["id"], "sourced", ANA)
    change = memory_db.execute("select max(id) from history").fetchone()[0]
    versions.import_new_version(memory_db, article_id, "Intro.\n" + V1, actor=ANA)
    with pytest.raises(errors.InvalidInput, match="earlier version"):
        undo.undo(memory_db, change, ANA)
    assert claims.get_claim(memory_db, claim["id"])["status"] == "sourced"


def test_an_article_is_found_by_its_url(memory_db):
    result = articles.import_article(
        memory_db, "One. Two.", actor=ANA, url="https://news.example/story"
    )
    assert versions.article_for_url(memory_db, "https://news.example/story") == result.article_id
    assert versions.article_for_url(memory_db, "https://news.example/other") is None
    assert versions.article_for_url(memory_db, None) is None


# --- a decision holds only for the claim it was made on ----------------------------------

DECIDED = (
    "The bridge will cost 25 million euros, the council said.\n"
    "Mayor Ines Halvorsen approved the plan on Monday.\n"
    "The river bank floods every winter.\n"
    "Critics called the project late and expensive."
)
EDITOR = actor("eda", "editor")


def decide_all(db, article_id, status="sourced"):
    """Every claim of the article given `status` by an editor (decision state approved
    where approval is on, decided otherwise); {text: claim id}."""
    found = by_text(db, article_id)
    for claim in found.values():
        claims.set_status(db, claim["id"], status, EDITOR)
    return {text: claim["id"] for text, claim in found.items()}


@pytest.mark.parametrize(
    "old, new",
    [
        # The attack run's example: another number.
        ("will cost 25 million euros", "will cost 25 to 50 million euros"),
        # Another name.
        ("Mayor Ines Halvorsen approved", "Mayor Ines Lindqvist approved"),
        # A negation gained.
        ("The river bank floods every winter.", "The river bank never floods in winter."),
    ],
    ids=["number", "name", "negation"],
)
def test_a_claim_that_says_something_else_loses_its_decision(memory_db, old, new):
    article_id = articles.import_article(memory_db, DECIDED, actor=actor("ada")).article_id
    ids = decide_all(memory_db, article_id)
    [claim_id] = [cid for text, cid in ids.items() if old in text]
    result = versions.import_new_version(
        memory_db, article_id, DECIDED.replace(old, new), actor=ANA
    )
    after = claims.get_claim(memory_db, claim_id)
    assert new in after["text"] and after["changed_in_version"] == 2
    assert (after["status"], after["decision_state"]) == ("unverified", "changed")
    assert result.undecided == 1
    entry = [h for h in history_of(memory_db, claim_id) if h["action"] == "changed since decided"]
    [entry] = entry
    assert entry["before"] == {"status": "sourced", "decision_state": "decided"}
    assert entry["after"]["status"] == "unverified" and entry["after"]["version"] == 2
    # Every other claim keeps its decision.
    for text, other in ids.items():
        if other != claim_id:
            assert claims.get_claim(memory_db, other)["status"] == "sourced", text


def test_a_rewording_that_claims_the_same_keeps_its_decision(memory_db):
    article_id = articles.import_article(memory_db, DECIDED, actor=actor("ada")).article_id
    ids = decide_all(memory_db, article_id, "disputed")
    v2 = DECIDED.replace("late and expensive", "late, expensive").replace(
        "25 million euros, the council said", "25 million euros, the council says"
    )
    result = versions.import_new_version(memory_db, article_id, v2, actor=ANA)
    assert result.changed == 2 and result.undecided == 0
    for claim_id in ids.values():
        claim = claims.get_claim(memory_db, claim_id)
        assert (claim["status"], claim["decision_state"]) == ("disputed", "decided")


def test_the_reset_decision_reads_as_a_sentence_in_the_history(memory_db):
    article_id = articles.import_article(memory_db, DECIDED, actor=actor("ada")).article_id
    ids = decide_all(memory_db, article_id)
    claim_id = next(cid for text, cid in ids.items() if "25 million" in text)
    versions.import_new_version(
        memory_db, article_id, DECIDED.replace("25 million", "25 to 50 million"), actor=ANA
    )
    [entry] = [h for h in history_of(memory_db, claim_id) if h["action"] == "changed since decided"]
    sentence = "".join(
        str(value if kind != "claim" else "claim 1")
        for kind, value in history_sentences.describe(entry)
    )
    assert "version 2 changed what claim 1 says, so its decision no longer holds" in sentence
    assert "set to unverified, was sourced" in sentence


def history_of(db, claim_id):
    return [
        {**row, "before": json.loads(row["before"] or "null"), "after": json.loads(row["after"])}
        for row in db.query("select * from history where claim_id = ? order by id", [claim_id])
    ]


# --- a new version obeys a new article's limits ------------------------------------------


def test_a_version_with_more_claims_than_an_article_may_have_is_refused(memory_db, monkeypatch):
    """21,000 sentences were stored as a new version while the same text as a new article
    was refused; the limit is the same for both now (four claims here, to stay quick)."""
    monkeypatch.setattr(articles, "MAX_CLAIMS", 4)
    article_id = articles.import_article(memory_db, DECIDED, actor=actor("ada")).article_id
    longer = DECIDED.replace("every winter.", "every winter. Repairs took a year.")
    with pytest.raises(errors.ArticleRejected, match="This version has 5 claims; the limit is 4"):
        versions.import_new_version(memory_db, article_id, longer, actor=ANA)
    with pytest.raises(errors.ArticleRejected, match="has 5 claims; the limit is 4"):
        articles.import_article(memory_db, longer, actor=actor("ada"))
    article = articles.get_article(memory_db, article_id)
    assert (article["current_version"], article["body"]) == (1, DECIDED)
    assert memory_db.table("article_versions").count == 0
    assert (
        memory_db.execute(
            "select count(*) from claims where article_id = ?", [article_id]
        ).fetchone()[0]
        == 4
    )


def test_a_version_with_more_lines_than_claims_allowed_is_refused_before_splitting(
    memory_db, monkeypatch
):
    monkeypatch.setattr(articles, "MAX_CLAIMS", 4)
    article_id = articles.import_article(memory_db, DECIDED, actor=actor("ada")).article_id
    with pytest.raises(errors.ArticleRejected, match="5 paragraphs"):
        versions.import_new_version(memory_db, article_id, DECIDED + "\nOne more.", actor=ANA)
