"""Claims already checked elsewhere, stored when claims are written: found at import,
after corrections and new versions; copying a decision and its evidence (history, undo)."""

import pytest

from support import actor
from workbench import errors
from workbench.memory import matching
from workbench.review import articles, claims, copying, corrections, evidence, undo, versions
from workbench.review.history import claim_history

ANA = actor("ana", "reviewer")
FIRST = "The ministry said 42 people died in the floods. Roads were closed for a week."
SECOND = "Rescuers worked through the night. 42 people died in the floods, the ministry said."


@pytest.fixture
def reviewed(memory_db):
    """The first article's claim disputed with evidence; the second article imported after."""
    first = articles.import_article(memory_db, FIRST, actor=ANA).article_id
    claim_id = claim_of(memory_db, first, "The ministry")
    claims.set_status(memory_db, claim_id, "disputed", ANA)
    evidence.add_evidence(memory_db, claim_id, ANA, "https://example.org/toll", "contradicts")
    second = articles.import_article(memory_db, SECOND, actor=ANA).article_id
    return {
        "first": first,
        "claim": claim_id,
        "second": second,
        "copy": claim_of(memory_db, second, "42 people"),
    }


def claim_of(db, article_id, opening):
    return next(
        row[0]
        for row in db.execute("select id, text from claims where article_id = ?", [article_id])
        if row[1].startswith(opening)
    )


def test_an_imported_claim_finds_the_same_claim_reviewed_in_another_article(memory_db, reviewed):
    [found] = matching.reviewed_elsewhere(
        memory_db, [claims.get_claim(memory_db, reviewed["copy"])]
    )
    assert found["elsewhere"]["claim_id"] == reviewed["claim"]
    assert (found["elsewhere"]["status"], found["elsewhere"]["article_id"]) == (
        "disputed",
        reviewed["first"],
    )


def test_matches_are_stored_both_ways_and_never_within_one_article(memory_db, reviewed):
    pairs = memory_db.execute("select claim_id, other_id from claim_matches order by 1").fetchall()
    assert sorted(pairs) == sorted(
        [(reviewed["claim"], reviewed["copy"]), (reviewed["copy"], reviewed["claim"])]
    )


def test_an_unreviewed_match_is_not_shown_as_reviewed(memory_db, reviewed):
    [found] = matching.reviewed_elsewhere(
        memory_db, [claims.get_claim(memory_db, reviewed["claim"])]
    )
    assert found["elsewhere"] is None, "the second article's claim is still unverified"
    assert [m["id"] for m in matching.matches_of(memory_db, reviewed["claim"])] == [
        reviewed["copy"]
    ]


def test_a_deleted_articles_review_is_not_offered(memory_db, reviewed):
    articles.delete_article(memory_db, reviewed["first"], ANA)
    [found] = matching.reviewed_elsewhere(
        memory_db, [claims.get_claim(memory_db, reviewed["copy"])]
    )
    assert found["elsewhere"] is None


def test_copying_a_review_takes_its_status_and_evidence_in_one_change(memory_db, reviewed):
    copied = copying.copy_review(
        memory_db, reviewed["copy"], reviewed["claim"], ANA, expected_version=1
    )
    assert copied["status"] == "disputed"
    assert [(e["url"], e["stance"], e["added_by"]) for e in copied["evidence"]] == [
        ("https://example.org/toll", "contradicts", "ana")
    ]
    [entry] = claim_history(memory_db, reviewed["copy"])
    assert entry["action"] == "status"
    assert entry["after"]["copied_from"] == reviewed["claim"]
    assert entry["after"]["evidence_ids"] == [e["id"] for e in copied["evidence"]]


def test_undoing_a_copied_review_puts_back_the_status_and_hides_the_evidence(memory_db, reviewed):
    copying.copy_review(memory_db, reviewed["copy"], reviewed["claim"], ANA)
    change = memory_db.execute("select max(id) from history").fetchone()[0]
    undo.undo(memory_db, change, ANA)
    after = claims.get_claim(memory_db, reviewed["copy"])
    assert after["status"] == "unverified" and after["evidence"] == []
    kept = memory_db.execute("select count(*) from evidence where claim_id = ?", [reviewed["copy"]])
    assert kept.fetchone()[0] == 1, "hidden, never erased"


def test_copying_only_evidence_when_the_status_is_the_same(memory_db, reviewed):
    claims.set_status(memory_db, reviewed["copy"], "disputed", ANA)
    copying.copy_review(memory_db, reviewed["copy"], reviewed["claim"], ANA)
    entry = claim_history(memory_db, reviewed["copy"])[-1]
    assert entry["action"] == "copied evidence"
    undo.undo(memory_db, entry["id"], ANA)
    assert claims.get_claim(memory_db, reviewed["copy"])["evidence"] == []
    with pytest.raises(errors.InvalidInput, match="already"):
        copying.copy_review(memory_db, reviewed["claim"], reviewed["copy"], ANA)


def test_copying_is_refused_from_a_claim_that_does_not_match(memory_db, reviewed):
    other = claim_of(memory_db, reviewed["first"], "Roads")
    claims.set_status(memory_db, other, "sourced", ANA)
    with pytest.raises(errors.InvalidInput, match="not one this claim matches"):
        copying.copy_review(memory_db, reviewed["copy"], other, ANA)


def test_copying_from_an_unreviewed_claim_is_refused(memory_db, reviewed):
    with pytest.raises(errors.InvalidInput, match="not been reviewed"):
        copying.copy_review(memory_db, reviewed["claim"], reviewed["copy"], ANA)


def test_a_stale_version_is_a_conflict(memory_db, reviewed):
    claims.set_status(memory_db, reviewed["copy"], "sourced", ANA)
    with pytest.raises(errors.VersionConflict):
        copying.copy_review(memory_db, reviewed["copy"], reviewed["claim"], ANA, expected_version=1)


def test_a_corrected_claim_is_matched_again(memory_db, reviewed):
    copy = claims.get_claim(memory_db, reviewed["copy"])
    corrections.edit_boundaries(
        memory_db, copy["id"], copy["start"], copy["start"] + len("42 people died"), ANA
    )
    assert matching.matches_of(memory_db, reviewed["copy"]) == []


def test_a_new_version_matches_its_changed_and_new_claims(memory_db, reviewed):
    text = "Rescuers worked through the night. Roads were closed for a week."
    versions.import_new_version(memory_db, reviewed["second"], text, actor=ANA)
    new = claim_of(memory_db, reviewed["second"], "Roads")
    assert [m["id"] for m in matching.matches_of(memory_db, new)] == [
        claim_of(memory_db, reviewed["first"], "Roads")
    ]


def test_claims_stored_before_matching_are_indexed_once(memory_db, reviewed):
    memory_db.execute("delete from claim_match_keys")
    memory_db.execute("delete from claim_match_index")
    memory_db.execute("delete from claim_matches")
    assert matching.index_missing(memory_db) == 4
    assert matching.index_missing(memory_db) == 0
    assert len(matching.matches_of(memory_db, reviewed["copy"])) == 1
