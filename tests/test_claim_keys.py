"""Finding the same claim in other articles (pure): keys that find candidates, the rules
and threshold that decide, and their precision and recall on the labelled pairs in
tests/data/matching/elsewhere_pairs.json."""

import json
import pathlib

import pytest
from rapidfuzz import fuzz

from workbench.text import claim_keys
from workbench.text.claim_keys import is_same_claim, match_keys, normalise

PAIRS = json.loads(
    (
        pathlib.Path(__file__).resolve().parent / "data" / "matching" / "elsewhere_pairs.json"
    ).read_text(encoding="utf-8")
)["pairs"]


def precision_recall(decide):
    decided = [(decide(normalise(p["a"]), normalise(p["b"])), p["same"]) for p in PAIRS]
    hits = sum(1 for said, same in decided if said and same)
    return hits / max(1, sum(1 for said, _ in decided if said)), hits / sum(
        1 for _, same in decided if same
    )


def test_the_labelled_pairs_are_balanced_and_many():
    same = sum(1 for pair in PAIRS if pair["same"])
    assert same >= 45 and len(PAIRS) - same >= 45


def test_the_rules_and_threshold_keep_precision_on_the_labelled_pairs():
    precision, recall = precision_recall(is_same_claim)
    print(
        f"\nclaims elsewhere at token_sort_ratio >= {claim_keys.SAME_CLAIM_SCORE:g} with the "
        f"rules: precision {precision:.2f}, recall {recall:.2f} on {len(PAIRS)} pairs"
    )
    assert precision == 1.0, "a decision would be offered for a claim that says something else"
    assert recall >= 0.9


def test_string_similarity_alone_would_copy_decisions_onto_different_claims():
    # Why the rules exist: one word changed ("rose" for "fell") keeps similarity high.
    precision, _ = precision_recall(
        lambda a, b: fuzz.token_sort_ratio(a, b) >= claim_keys.SAME_CLAIM_SCORE
    )
    assert precision < 0.7


def test_every_labelled_same_pair_shares_a_key():
    missed = [
        p["a"]
        for p in PAIRS
        if p["same"] and not set(match_keys(normalise(p["a"]))) & set(match_keys(normalise(p["b"])))
    ]
    assert missed == []


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("The ministry said 42 people died.", "42 people died, the ministry said.", True),
        ("The ministry said 42 people died.", "The ministry said 24 people died.", False),
        ("The school followed the rules.", "The school did not follow the rules.", False),
        ("Shares rose 8% on Monday.", "Shares fell 8% on Monday.", False),
        ("Rents rose 9% in the capital.", "Rents rose 9% outside the capital.", False),
        (
            "El ministerio dijo que murieron 42 personas.",
            "Murieron 42 personas, según el ministerio.",
            True,
        ),
        (
            "El Gobierno subirá las pensiones en enero.",
            "El Gobierno nunca subirá las pensiones en enero.",
            False,
        ),
        (
            "La empresa despidió a 300 trabajadores.",
            "La empresa despidió a 30 trabajadores.",
            False,
        ),
    ],
)
def test_numbers_negations_and_replaced_words_decide(a, b, same):
    assert is_same_claim(normalise(a), normalise(b)) is same


def test_normalising_folds_case_punctuation_and_spacing_but_keeps_numbers():
    assert (
        normalise("  The RATE rose to 4.5%,  “officials” said. ")
        == "the rate rose to 4.5 officials said"
    )
