"""Undo: a new change that puts back what an earlier one replaced; never an erasure."""

import pytest

from support import actor
from workbench import errors
from workbench.review import articles, corrections, undo
from workbench.review.claims import get_claim, list_claims, set_status, set_status_many
from workbench.review.history import claim_history
from workbench.review.notes import add_note
from workbench.review.search import ClaimFilter

TEXT = (
    "The mayor said the bridge opened on Monday. It cost $4.5 million, officials said. "
    "Critics called it late.\nA second paragraph has one more claim."
)
ANA = actor("ana", "reviewer")
BO = actor("bo", "reviewer")


@pytest.fixture
def article_id(memory_db):
    return articles.import_article(memory_db, TEXT, actor=actor("importer")).article_id


@pytest.fixture
def claims(memory_db, article_id):
    return list_claims(memory_db, article_id).claims


def last_history_id(db, claim_id):
    return claim_history(db, claim_id)[-1]["id"]


def history_count(db):
    return db.execute("select count(*) from history").fetchone()[0]


def test_undo_a_status_sets_it_back_with_a_new_history_row(memory_db, claims):
    claim = claims[0]
    set_status(memory_db, claim["id"], "sourced", ANA)
    change = last_history_id(memory_db, claim["id"])
    rows_before = history_count(memory_db)

    result = undo.undo(memory_db, change, ANA)

    assert result.claim_ids == [claim["id"]]
    assert get_claim(memory_db, claim["id"])["status"] == "unverified"
    assert history_count(memory_db) == rows_before + 1, "an undo adds a row, it erases none"
    latest = claim_history(memory_db, claim["id"])[-1]
    assert (latest["actor"], latest["action"], latest["undoes"]) == ("ana", "status", change)
    assert latest["before"] == {"status": "sourced", "decision_state": "decided"}
    assert latest["after"] == {"status": "unverified", "undo_of": change, "decision_state": "none"}


def test_undo_is_refused_when_someone_changed_the_claim_since(memory_db, claims):
    claim = claims[0]
    set_status(memory_db, claim["id"], "sourced", ANA)
    change = last_history_id(memory_db, claim["id"])
    set_status(memory_db, claim["id"], "disputed", BO)

    with pytest.raises(errors.VersionConflict) as refused:
        undo.undo(memory_db, change, ANA)

    assert refused.value.current["status"] == "disputed"
    assert get_claim(memory_db, claim["id"])["status"] == "disputed", "bo's change stays"


def test_only_the_author_or_an_admin_may_undo(memory_db, claims):
    claim = claims[0]
    set_status(memory_db, claim["id"], "sourced", ANA)
    change = last_history_id(memory_db, claim["id"])

    with pytest.raises(errors.NotAllowed):
        undo.undo(memory_db, change, BO)
    assert get_claim(memory_db, claim["id"])["status"] == "sourced"

    undo.undo(memory_db, change, actor("ada", "admin"))
    assert get_claim(memory_db, claim["id"])["status"] == "unverified"


def test_a_change_is_undone_once(memory_db, claims):
    claim = claims[0]
    set_status(memory_db, claim["id"], "sourced", ANA)
    change = last_history_id(memory_db, claim["id"])
    undo.undo(memory_db, change, ANA)

    with pytest.raises(errors.InvalidInput, match="undone already"):
        undo.undo(memory_db, change, ANA)


def test_unknown_history_rows_and_notes_cannot_be_undone(memory_db, claims):
    with pytest.raises(undo.HistoryNotFound):
        undo.undo(memory_db, 999_999, ANA)
    add_note(memory_db, claims[0]["id"], "Called the office.", ANA)
    with pytest.raises(errors.InvalidInput, match="cannot be undone"):
        undo.undo(memory_db, last_history_id(memory_db, claims[0]["id"]), ANA)


def test_undo_a_bulk_change_puts_each_claim_back_to_its_own_status(memory_db, article_id, claims):
    set_status(memory_db, claims[1]["id"], "disputed", ANA)
    set_status_many(memory_db, ClaimFilter(article_id=article_id), "sourced", ANA)
    change = last_history_id(memory_db, claims[0]["id"])

    result = undo.undo(memory_db, change, ANA)

    assert sorted(result.claim_ids) == sorted(c["id"] for c in claims)
    statuses = [get_claim(memory_db, c["id"])["status"] for c in claims]
    assert statuses == ["unverified", "disputed", "unverified", "unverified"]


def test_undo_a_bulk_change_is_all_or_nothing(memory_db, article_id, claims):
    set_status_many(memory_db, ClaimFilter(article_id=article_id), "sourced", ANA)
    change = last_history_id(memory_db, claims[0]["id"])
    set_status(memory_db, claims[2]["id"], "disputed", BO)

    with pytest.raises(errors.VersionConflict):
        undo.undo(memory_db, change, ANA)

    statuses = [get_claim(memory_db, c["id"])["status"] for c in claims]
    assert statuses == ["sourced", "sourced", "disputed", "sourced"]


def test_undo_not_a_claim_restores_it(memory_db, article_id, claims):
    corrections.set_not_a_claim(memory_db, claims[1]["id"], True, ANA)
    change = last_history_id(memory_db, claims[1]["id"])

    undo.undo(memory_db, change, ANA)

    restored = get_claim(memory_db, claims[1]["id"])
    assert (restored["is_claim"], restored["position"]) == (1, 2)


def test_undo_a_split_joins_the_parts_again(memory_db, article_id, claims):
    second = claims[1]
    at = second["start"] + second["text"].index("officials")
    corrections.split_claim(memory_db, second["id"], at, ANA)
    change = last_history_id(memory_db, second["id"])

    undo.undo(memory_db, change, ANA)

    rejoined = get_claim(memory_db, second["id"])
    assert rejoined["text"] == second["text"]
    assert [c["text"] for c in list_claims(memory_db, article_id).claims] == [
        c["text"] for c in claims
    ]
    body = articles.get_article(memory_db, article_id)["body"]
    assert body[rejoined["start"] : rejoined["end"]] == rejoined["text"]


def test_undo_a_merge_gives_each_claim_its_own_notes_back(memory_db, article_id, claims):
    first, second = claims[0], claims[1]
    add_note(memory_db, second["id"], "Budget office confirms.", BO)
    add_note(memory_db, first["id"], "Mayor's office confirms.", BO)
    corrections.merge_with_next(memory_db, first["id"], ANA)
    change = last_history_id(memory_db, first["id"])

    undo.undo(memory_db, change, ANA)

    listed = list_claims(memory_db, article_id).claims
    assert [c["text"] for c in listed] == [c["text"] for c in claims]
    assert [n["body"] for n in get_claim(memory_db, first["id"])["notes"]] == [
        "Mayor's office confirms."
    ]
    assert [n["body"] for n in get_claim(memory_db, second["id"])["notes"]] == [
        "Budget office confirms."
    ]


def test_undo_a_source_change_restores_the_detected_source(memory_db, claims):
    claim = claims[1]  # "It cost $4.5 million, officials said."
    detected = (claim["attribution_text"], claim["attribution_kind"], claim["flags"])
    corrections.set_attribution(memory_db, claim["id"], ANA, "none")
    change = last_history_id(memory_db, claim["id"])

    undo.undo(memory_db, change, ANA)

    back = get_claim(memory_db, claim["id"])
    assert (back["attribution_text"], back["attribution_kind"], back["flags"]) == detected


def test_undo_new_boundaries_restores_the_old_extent(memory_db, article_id, claims):
    third = claims[2]
    corrections.edit_boundaries(memory_db, third["id"], third["start"], third["end"] - 6, ANA)
    change = last_history_id(memory_db, third["id"])

    undo.undo(memory_db, change, ANA)

    assert get_claim(memory_db, third["id"])["text"] == third["text"]


def test_undo_a_bulk_not_a_claim_restores_every_claim(memory_db, article_id, claims):
    changed, batch = corrections.set_not_a_claim_many(
        memory_db, article_id, [claims[0]["id"], claims[2]["id"]], ANA
    )
    assert changed == 2
    assert [c["id"] for c in list_claims(memory_db, article_id).claims] == [
        claims[1]["id"],
        claims[3]["id"],
    ]

    undo.undo(memory_db, batch, ANA)

    assert [c["id"] for c in list_claims(memory_db, article_id).claims] == [c["id"] for c in claims]


def test_a_typed_source_with_kind_none_is_refused_and_nothing_changes(memory_db, claims):
    claim = claims[0]
    with pytest.raises(errors.InvalidInput, match="Jane Doe"):
        corrections.set_attribution(memory_db, claim["id"], ANA, "none", "Jane Doe")
    assert get_claim(memory_db, claim["id"])["version"] == claim["version"]
