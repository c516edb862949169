"""Placing claims in a new version of a text (pure: no database), and the threshold's
precision and recall on the labelled pairs in tests/data/matching/reanchor_pairs.json."""

import json
import pathlib
import random

import pytest

from workbench.text import reanchor
from workbench.text.reanchor import Passage, plan_reanchoring
from workbench.text.splitter import split_claims

DATA = pathlib.Path(__file__).resolve().parent / "data"
PAIRS = json.loads((DATA / "matching" / "reanchor_pairs.json").read_text(encoding="utf-8"))["pairs"]


def precision_recall(threshold):
    decided = [(reanchor.similarity(p["old"], p["new"]) >= threshold, p["same"]) for p in PAIRS]
    true_positives = sum(1 for said, same in decided if said and same)
    said_same = sum(1 for said, _ in decided if said)
    really_same = sum(1 for _, same in decided if same)
    return true_positives / said_same, true_positives / really_same


def test_the_labelled_pairs_are_balanced_and_many():
    same = sum(1 for pair in PAIRS if pair["same"])
    assert same >= 45 and len(PAIRS) - same >= 45


def test_the_threshold_keeps_precision_first_on_the_labelled_pairs():
    precision, recall = precision_recall(reanchor.SAME_CLAIM_RATIO)
    print(
        f"\nre-anchoring at fuzz.ratio >= {reanchor.SAME_CLAIM_RATIO:g}: "
        f"precision {precision:.2f}, recall {recall:.2f} on {len(PAIRS)} pairs"
    )
    assert precision >= 0.98, "a claim would move to a different sentence"
    assert recall >= 0.9


def test_a_lower_threshold_would_move_claims_to_different_sentences():
    # Why the threshold is not lower: the labelled pairs show the cost.
    precision, _ = precision_recall(70)
    assert precision < 0.9


def passages_of(text):
    return [Passage(i + 1, s.start, s.end, s.text) for i, s in enumerate(split_claims(text))]


def plan(old, new, passages=None):
    return plan_reanchoring(passages or passages_of(old), old, new, split_claims(new))


def test_an_edited_sentence_between_new_ones_keeps_its_claim_and_not_the_new_ones():
    old = "First line stays. The council approved the plan on Monday. Last line stays."
    new = (
        "First line stays. The council narrowly approved the revised plan on Monday. "
        "A second vote is due. Critics were angry. Last line stays."
    )
    result = plan(old, new)
    placed = {p.claim_id: p.text for p in result.placed}
    assert placed[2] == "The council narrowly approved the revised plan on Monday."
    assert [span.text for span in result.added] == ["A second vote is due.", "Critics were angry."]
    assert result.removed == []


def test_a_sentence_replaced_by_a_different_one_is_removed_not_moved():
    old = "First line stays. The bridge cost four million. Last line stays."
    new = "First line stays. Weather delayed the opening ceremony. Last line stays."
    result = plan(old, new)
    assert result.removed == [2]
    assert [span.text for span in result.added] == ["Weather delayed the opening ceremony."]


def test_a_rewritten_text_removes_every_claim_and_adds_every_sentence():
    result = plan("One thing happened. Another followed.", "Nothing alike here. At all, truly.")
    assert result.placed == [] and result.removed == [1, 2] and len(result.added) == 2


def test_part_of_a_sentence_is_found_again_after_the_sentence_was_edited():
    old = "The mayor, who was re-elected in May, opened the bridge on Monday."
    passage = Passage(
        1, 0, len("The mayor, who was re-elected in May,"), "The mayor, who was re-elected in May,"
    )
    new = "On Monday the mayor, who was re-elected in May, opened the new bridge."
    result = plan(old, new, [passage])
    [placed] = result.placed
    assert placed.text == "the mayor, who was re-elected in May,"
    assert new[placed.start : placed.end] == placed.text


def random_version(text, rng):
    """A new version of `text`: some lines edited, cut, moved or added."""
    lines = text.split("\n")
    out = []
    for line in lines:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.2:
            words = line.split(" ")
            words[rng.randrange(len(words))] = rng.choice(["several", "12", "new", "local"])
            line = " ".join(words)
        out.append(line)
        if rng.random() < 0.08:
            out.append("An editor added this sentence to the story later on.")
    if len(out) > 3 and rng.random() < 0.5:
        out.insert(0, out.pop(rng.randrange(len(out))))
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(12))
def test_every_claim_is_placed_exactly_or_removed_on_random_versions(seed):
    rng = random.Random(seed)
    source = sorted(DATA.glob("*.json"))[seed % 10]
    old = json.loads(source.read_text(encoding="utf-8"))["text"]
    new = random_version(old, rng)
    passages = passages_of(old)
    result = plan(old, new, passages)
    placed_ids = [p.claim_id for p in result.placed]
    assert sorted(placed_ids + result.removed) == [p.claim_id for p in passages]
    for placement in result.placed:
        assert new[placement.start : placement.end] == placement.text
    spans = sorted((p.start, p.end) for p in result.placed)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), (
        "two claims on one passage"
    )
    covered = spans + [(s.start, s.end) for s in result.added]
    for sentence in split_claims(new):
        assert any(s < sentence.end and sentence.start < e for s, e in covered)
    unchanged = {p.text for p in passages} & set(new.split("\n"))
    assert unchanged <= {p.text for p in result.placed if p.how == "exact"}
