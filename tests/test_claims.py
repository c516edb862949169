"""Statuses, notes and history on an in-memory database: no Flask involved."""

import pytest

from support import actor
from workbench import errors
from workbench.review import articles
from workbench.review.claims import get_claim, list_claims, set_status
from workbench.review.history import claim_history
from workbench.review.notes import MAX_NOTE_CHARS, add_note


@pytest.fixture
def claim_ids(memory_db):
    article_id = articles.import_article(
        memory_db, "Claim one. Claim two. Claim three.", actor=actor("importer")
    ).article_id
    return [c["id"] for c in list_claims(memory_db, article_id).claims]


def test_new_claims_are_unverified_at_version_1(memory_db, claim_ids):
    claim = get_claim(memory_db, claim_ids[0])
    assert (claim["status"], claim["version"], claim["notes"]) == ("unverified", 1, [])


def test_set_status_records_who_when_and_bumps_the_version(memory_db, claim_ids):
    change = set_status(memory_db, claim_ids[0], "sourced", actor("ana"), expected_version=1)
    claim = change.claim
    assert (claim["status"], claim["version"], claim["updated_by"]) == ("sourced", 2, "ana")
    assert claim["updated_at"].endswith("Z")
    assert (claim["note_count"], claim["evidence_count"]) == (0, 0)
    assert claim == {**get_claim(memory_db, claim_ids[0], with_notes=False), **claim}


def test_set_status_returns_the_history_row_it_wrote(memory_db, claim_ids):
    change = set_status(memory_db, claim_ids[0], "disputed", actor("ana"))
    [row] = claim_history(memory_db, claim_ids[0])
    assert change.history_id == row["id"]
    assert row["after"]["status"] == "disputed"


def test_every_status_change_leaves_a_history_row(memory_db, claim_ids):
    set_status(memory_db, claim_ids[0], "sourced", actor("ana"))
    set_status(memory_db, claim_ids[0], "disputed", actor("bo"))
    history = claim_history(memory_db, claim_ids[0])
    assert [(h["actor"], h["before"], h["after"]) for h in history] == [
        (
            "ana",
            {"status": "unverified", "decision_state": "none"},
            {"status": "sourced", "decision_state": "decided"},
        ),
        (
            "bo",
            {"status": "sourced", "decision_state": "decided"},
            {"status": "disputed", "decision_state": "decided"},
        ),
    ]


def test_stale_version_is_refused_and_the_first_value_stays(memory_db, claim_ids):
    set_status(memory_db, claim_ids[0], "sourced", actor("ana"), expected_version=1)
    with pytest.raises(errors.VersionConflict) as conflict:
        set_status(memory_db, claim_ids[0], "disputed", actor("bo"), expected_version=1)
    assert (conflict.value.current["status"], conflict.value.current["updated_by"]) == (
        "sourced",
        "ana",
    )
    assert get_claim(memory_db, claim_ids[0])["status"] == "sourced"
    assert len(claim_history(memory_db, claim_ids[0])) == 1


def test_setting_the_status_it_already_has_is_not_a_conflict(memory_db, claim_ids):
    set_status(memory_db, claim_ids[0], "sourced", actor("ana"), expected_version=1)
    change = set_status(memory_db, claim_ids[0], "sourced", actor("bo"), expected_version=1)
    assert (change.claim["version"], change.claim["updated_by"]) == (2, "ana")
    assert change.history_id is None
    assert len(claim_history(memory_db, claim_ids[0])) == 1


@pytest.mark.parametrize("status", ["Sourced", "SOURCED", "true", "", None, "sourced "])
def test_status_outside_the_three_is_refused(memory_db, claim_ids, status):
    with pytest.raises(errors.InvalidInput, match="not a status"):
        set_status(memory_db, claim_ids[0], status, actor("ana"))
    assert get_claim(memory_db, claim_ids[0])["version"] == 1


def test_unknown_claim_raises(memory_db):
    with pytest.raises(errors.ClaimNotFound):
        set_status(memory_db, 999999, "sourced", actor("ana"))


def test_notes_keep_author_and_time_in_order(memory_db, claim_ids):
    add_note(memory_db, claim_ids[1], "Checked the ministry site.", actor("ana"))
    add_note(memory_db, claim_ids[1], "  Second opinion.  ", actor("bo"))
    notes = get_claim(memory_db, claim_ids[1])["notes"]
    assert [(n["author"], n["body"]) for n in notes] == [
        ("ana", "Checked the ministry site."),
        ("bo", "Second opinion."),
    ]
    assert [h["action"] for h in claim_history(memory_db, claim_ids[1])] == ["note", "note"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "empty"),
        ("   \n", "empty"),
        (None, "empty"),
        ("x" * (MAX_NOTE_CHARS + 1), "limit"),
        ("a\x00b", "NUL"),
    ],
)
def test_unusable_notes_are_refused(memory_db, claim_ids, body, message):
    with pytest.raises(errors.InvalidInput, match=message):
        add_note(memory_db, claim_ids[0], body, actor("ana"))
    assert memory_db.table("notes").count == 0


def test_list_claims_filters_by_status_and_paginates(memory_db, claim_ids):
    article_id = get_claim(memory_db, claim_ids[0])["article_id"]
    set_status(memory_db, claim_ids[2], "disputed", actor("ana"))
    disputed = list_claims(memory_db, article_id, status="disputed")
    assert [c["id"] for c in disputed.claims] == [claim_ids[2]]
    first = list_claims(memory_db, article_id, page=1, page_size=2)
    second = list_claims(memory_db, article_id, page=2, page_size=2)
    assert ([c["id"] for c in first.claims], first.has_next) == (claim_ids[:2], True)
    assert ([c["id"] for c in second.claims], second.has_next) == (claim_ids[2:], False)
