"""Reviewers correct the machine: every operation keeps offsets exact and is recorded."""

import pytest

from support import actor
from workbench import errors
from workbench.review import articles, corrections
from workbench.review.claims import get_claim, list_claims
from workbench.review.history import claim_history
from workbench.review.notes import add_note
from workbench.team import accounts

TEXT = (
    "The mayor said the bridge opened on Monday. It cost $4.5 million, officials said. "
    "Critics called it late.\nA second paragraph has one more claim."
)
ANA = accounts.User(1, "ana", "reviewer")


@pytest.fixture
def article_id(memory_db):
    return articles.import_article(memory_db, TEXT, actor=actor("x")).article_id


def claims(db, article_id, include_hidden=False):
    return list_claims(db, article_id, include_hidden=include_hidden).claims


def assert_offsets_consistent(db, article_id):
    """The invariant every correction keeps: text is the article's slice; positions dense."""
    body = articles.get_article(db, article_id)["body"]
    everything = claims(db, article_id, include_hidden=True)
    for claim in everything:
        assert body[claim["start"] : claim["end"]] == claim["text"], claim
        assert claim["text"] == claim["text"].strip()
    real = [c for c in everything if c["is_claim"]]
    assert [
        c["position"] for c in sorted(real, key=lambda c: (c["start"], c["end"], c["id"]))
    ] == list(range(1, len(real) + 1))
    assert all(c["position"] is None for c in everything if not c["is_claim"])
    assert articles.get_article(db, article_id)["body"] == TEXT


def test_split_keeps_the_first_part_and_creates_the_second(memory_db, article_id):
    second = claims(memory_db, article_id)[1]  # "It cost $4.5 million, officials said."
    at = second["start"] + second["text"].index("officials")
    first_part, new = corrections.split_claim(memory_db, second["id"], at, ANA, expected_version=1)
    assert (first_part["text"], new["text"]) == ("It cost $4.5 million,", "officials said.")
    assert (first_part["position"], new["position"]) == (2, 3)
    assert [c["position"] for c in claims(memory_db, article_id)] == [1, 2, 3, 4, 5]
    assert first_part["version"] == 2 and new["status"] == "unverified"
    assert_offsets_consistent(memory_db, article_id)
    assert [h["action"] for h in claim_history(memory_db, second["id"])] == ["split"]
    assert [h["action"] for h in claim_history(memory_db, new["id"])] == ["created by split"]


@pytest.mark.parametrize("where", ["start", "end", "outside", "whitespace-only-left"])
def test_split_points_outside_the_claim_are_refused(memory_db, article_id, where):
    claim = claims(memory_db, article_id)[0]
    at = {
        "start": claim["start"],
        "end": claim["end"],
        "outside": claim["end"] + 5,
        "whitespace-only-left": claim["start"],
    }[where]
    with pytest.raises(errors.InvalidInput):
        corrections.split_claim(memory_db, claim["id"], at, ANA)
    assert get_claim(memory_db, claim["id"])["version"] == 1


def test_merge_joins_with_the_next_claim_and_keeps_its_notes(memory_db, article_id):
    first, second = claims(memory_db, article_id)[:2]
    add_note(memory_db, second["id"], "Budget office confirms.", actor("bo"))
    merged = corrections.merge_with_next(memory_db, first["id"], ANA)
    assert merged["text"] == (
        "The mayor said the bridge opened on Monday. It cost $4.5 million, officials said."
    )
    assert [n["body"] for n in merged["notes"]] == ["Budget office confirms."]
    hidden = get_claim(memory_db, second["id"])
    assert (hidden["is_claim"], hidden["hidden_reason"], hidden["merged_into"]) == (
        0,
        "merged",
        first["id"],
    )
    assert [c["position"] for c in claims(memory_db, article_id)] == [1, 2, 3]
    assert_offsets_consistent(memory_db, article_id)


def test_merging_the_last_claim_is_refused(memory_db, article_id):
    last = claims(memory_db, article_id)[-1]
    with pytest.raises(errors.InvalidInput, match="last claim"):
        corrections.merge_with_next(memory_db, last["id"], ANA)


def test_edit_boundaries_follows_the_article_text(memory_db, article_id):
    third = claims(memory_db, article_id)[2]  # "Critics called it late."
    start = TEXT.index("called it late.")
    edited = corrections.edit_boundaries(
        memory_db, third["id"], start, start + len("called it late.") + 1, ANA
    )
    assert edited["text"] == "called it late."  # the trailing newline is trimmed
    assert claim_history(memory_db, third["id"])[-1]["before"]["text"] == "Critics called it late."
    assert_offsets_consistent(memory_db, article_id)


@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (10, 3), (0, len(TEXT) + 1), (43, 44)])
def test_bad_boundaries_are_refused(memory_db, article_id, start, end):
    claim = claims(memory_db, article_id)[0]
    with pytest.raises(errors.InvalidInput):
        corrections.edit_boundaries(memory_db, claim["id"], start, end, ANA)
    assert get_claim(memory_db, claim["id"])["text"] == claim["text"]


def test_add_claim_from_a_passage(memory_db, article_id):
    start, end = corrections.locate_passage(TEXT, "the bridge opened on Monday", 0)
    added = corrections.add_claim(memory_db, article_id, start, end, ANA, overlap_confirmed=True)
    assert added["text"] == "the bridge opened on Monday" and added["position"] == 2
    assert_offsets_consistent(memory_db, article_id)
    with pytest.raises(errors.InvalidInput, match="already a claim"):
        corrections.add_claim(memory_db, article_id, start, end, ANA, overlap_confirmed=True)


def test_a_claim_overlapping_others_needs_confirming(memory_db, article_id):
    before = memory_db.table("claims").count
    start, end = corrections.locate_passage(TEXT, "on Monday. It cost", 0)
    with pytest.raises(errors.NeedsConfirmation, match="overlaps claims 1, 2"):
        corrections.add_claim(memory_db, article_id, start, end, ANA)
    assert memory_db.table("claims").count == before


def test_locate_passage_tolerates_other_white_space_and_picks_the_nearest():
    body = "Prices rose.\r\nPrices rose again. Prices rose."
    assert corrections.locate_passage(body, "Prices rose.", 40) == (33, 45)
    assert corrections.locate_passage(body, "rose.\nPrices", 0) == (7, 20)
    with pytest.raises(errors.InvalidInput, match="not in the article"):
        corrections.locate_passage(body, "Prices fell.", 0)


def test_not_a_claim_is_kept_but_left_out_of_progress_and_restorable(memory_db, article_id):
    claim = claims(memory_db, article_id)[2]
    corrections.set_not_a_claim(memory_db, claim["id"], True, ANA)
    assert articles.progress(memory_db)[article_id]["total"] == 3
    assert articles.progress(memory_db)[article_id]["hidden"] == 1
    assert claim["id"] not in [c["id"] for c in claims(memory_db, article_id)]
    assert claim["id"] in [c["id"] for c in claims(memory_db, article_id, include_hidden=True)]
    assert_offsets_consistent(memory_db, article_id)
    restored = corrections.set_not_a_claim(memory_db, claim["id"], False, ANA)
    assert (restored["is_claim"], restored["position"]) == (1, 3)
    assert [h["action"] for h in claim_history(memory_db, claim["id"])] == [
        "not a claim",
        "restored",
    ]


def test_set_attribution_uses_a_passage_of_the_article(memory_db, article_id):
    claim = claims(memory_db, article_id)[2]
    fixed = corrections.set_attribution(memory_db, claim["id"], ANA, "named_person", "The mayor")
    assert (fixed["attribution_text"], fixed["attribution_kind"]) == ("The mayor", "named_person")
    assert TEXT[fixed["attribution_start"] : fixed["attribution_end"]] == "The mayor"
    assert fixed["attribution_confirmed_by"] == "ana"
    assert "unattributed" not in fixed["flags"].split()
    entry = claim_history(memory_db, claim["id"])[-1]
    assert (entry["action"], entry["after"]["text"]) == ("attribution", "The mayor")


def test_clearing_the_attribution_flags_the_claim_unattributed(memory_db, article_id):
    claim = claims(memory_db, article_id)[1]
    cleared = corrections.set_attribution(memory_db, claim["id"], ANA, "none")
    assert cleared["attribution_kind"] == "none" and cleared["attribution_text"] is None
    assert "unattributed" in cleared["flags"].split()


@pytest.mark.parametrize(
    "kind, passage, message",
    [
        ("celebrity", "The mayor", "not a kind"),
        ("named_person", "Nobody here", "not in the article"),
        ("named_person", "", "exactly"),
    ],
)
def test_bad_attributions_are_refused(memory_db, article_id, kind, passage, message):
    claim = claims(memory_db, article_id)[0]
    with pytest.raises(errors.InvalidInput, match=message):
        corrections.set_attribution(memory_db, claim["id"], ANA, kind, passage)
    assert get_claim(memory_db, claim["id"])["version"] == 1


def test_confirmed_attribution_survives_reanalysis(memory_db, article_id):
    first, second = claims(memory_db, article_id)[:2]
    corrections.set_attribution(memory_db, second["id"], ANA, "document", "the bridge")
    at = first["start"] + first["text"].index("the bridge")
    corrections.split_claim(memory_db, first["id"], at, ANA)  # re-annotates its neighbours
    assert get_claim(memory_db, second["id"])["attribution_text"] == "the bridge"


def test_stale_version_is_a_conflict_for_corrections(memory_db, article_id):
    claim = claims(memory_db, article_id)[0]
    corrections.confirm_attribution(memory_db, claim["id"], ANA, expected_version=1)
    with pytest.raises(errors.VersionConflict):
        corrections.set_not_a_claim(memory_db, claim["id"], True, ANA, expected_version=1)
    assert get_claim(memory_db, claim["id"])["is_claim"] == 1


def test_a_sequence_of_operations_keeps_every_offset_exact(memory_db, article_id):
    c = claims(memory_db, article_id)
    corrections.merge_with_next(memory_db, c[0]["id"], ANA)
    merged = get_claim(memory_db, c[0]["id"])
    corrections.split_claim(memory_db, merged["id"], merged["start"] + 10, ANA)
    corrections.set_not_a_claim(memory_db, c[2]["id"], True, ANA)
    corrections.add_claim(
        memory_db, article_id, *corrections.locate_passage(TEXT, "Critics", 0), ANA
    )
    assert_offsets_consistent(memory_db, article_id)


def test_switching_a_source_to_kind_none_with_its_text_in_the_box_is_refused(memory_db, article_id):
    """The kind switched to "none" with the source still in the box used to save "no
    source" and drop the text; only an empty box says there is none."""
    claim = claims(memory_db, article_id)[2]
    fixed = corrections.set_attribution(memory_db, claim["id"], ANA, "named_person", "The mayor")
    with pytest.raises(errors.InvalidInput, match="The source box still says “The mayor”"):
        corrections.set_attribution(memory_db, claim["id"], ANA, "none", "The mayor")
    kept = get_claim(memory_db, claim["id"])
    assert (kept["attribution_text"], kept["attribution_kind"]) == ("The mayor", "named_person")
    assert kept["version"] == fixed["version"]
    cleared = corrections.set_attribution(memory_db, claim["id"], ANA, "none", "  ")
    assert cleared["attribution_kind"] == "none" and cleared["attribution_text"] is None
