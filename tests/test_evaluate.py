"""Evaluation: the splitter and attribution rules against labelled corpora (workbench.evaluate)."""

import json
import pathlib

import pytest

from workbench.text.evaluate import TARGETS, evaluate, format_table

DATA = pathlib.Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def results():
    return evaluate(DATA)


def test_corpora_are_varied_and_large_enough(results):
    assert len(results["files"]) >= 5
    assert results["overall"]["sentences"] >= 150
    for name, scores in results["files"].items():
        assert 10 <= scores["sentences"] <= 30, name


@pytest.mark.parametrize("metric", list(TARGETS))
def test_labelled_corpora_meet_the_target(results, metric):
    check = results["targets"][metric]
    assert check["passed"], f"{metric} below target:\n{format_table(results)}"


def write_corpus(directory, name, text, sentences):
    corpus = {"title": name, "text": text, "sentences": sentences}
    (directory / f"{name}.json").write_text(json.dumps(corpus), encoding="utf-8")


def person(text):
    return {"text": text, "kind": "named_person"}


@pytest.fixture
def tiny_data(tmp_path):
    """Two made-up corpora with known mistakes.

    a: the label merges two sentences the splitter separates (one extra predicted
       boundary, one sentence the splitter does not reproduce and is not compared).
    b: the label calls "Officials" an organisation; the rules say anonymous (same span).
    """
    text = "Jane Doe said it rained. The river rose. Officials said roads closed.\n"
    write_corpus(
        tmp_path,
        "a",
        text,
        [
            {"text": "Jane Doe said it rained.", "attribution": person("Jane Doe")},
            {"text": "The river rose. Officials said roads closed.", "attribution": None},
        ],
    )
    write_corpus(
        tmp_path,
        "b",
        "Officials said roads closed.\n",
        [
            {
                "text": "Officials said roads closed.",
                "attribution": {"text": "Officials", "kind": "organization"},
            }
        ],
    )
    return tmp_path


def test_metric_arithmetic(tiny_data):
    overall = evaluate(tiny_data)["overall"]
    assert (
        overall["boundary_true_positives"],
        overall["boundary_predicted"],
        overall["boundary_expected"],
    ) == (3, 4, 3)
    assert overall["boundary_precision"] == pytest.approx(0.75)
    assert overall["boundary_recall"] == pytest.approx(1.0)
    assert overall["boundary_f1"] == pytest.approx(6 / 7)
    assert overall["attribution_compared"] == 2
    assert overall["kind_accuracy"] == pytest.approx(0.5)
    assert overall["span_accuracy"] == pytest.approx(1.0)


TINY_TABLE = """\
corpus   sentences  boundary P  boundary R  boundary F1  kind acc  span acc
-------  ---------  ----------  ----------  -----------  --------  --------
a                2       0.667       1.000        0.800     1.000     1.000
b                1       1.000       1.000        1.000     0.000     1.000
-------  ---------  ----------  ----------  -----------  --------  --------
overall          3       0.750       1.000        0.857     0.500     1.000

sentence boundaries F1     0.857  target >= 0.97  FAIL
attribution kind accuracy  0.500  target >= 0.85  FAIL
attribution span match     1.000  target >= 0.80  PASS

kind confusion (gold -> detected, compared sentences):
  named_person -> named_person: 1
  organization -> anonymous: 1
"""


def test_format_table(tiny_data):
    assert format_table(evaluate(tiny_data)) == TINY_TABLE


def test_both_unattributed_is_a_span_match(tmp_path):
    write_corpus(
        tmp_path, "c", "The river rose.\n", [{"text": "The river rose.", "attribution": None}]
    )
    overall = evaluate(tmp_path)["overall"]
    assert (overall["kind_accuracy"], overall["span_accuracy"]) == (1.0, 1.0)


def test_a_label_missing_from_the_text_is_an_error(tmp_path):
    write_corpus(
        tmp_path, "d", "The river rose.\n", [{"text": "The river fell.", "attribution": None}]
    )
    with pytest.raises(ValueError, match="The river fell"):
        evaluate(tmp_path)


def test_an_empty_directory_scores_zero_and_fails(tmp_path):
    results = evaluate(tmp_path)
    assert results["overall"]["sentences"] == 0
    assert results["overall"]["boundary_f1"] == 0.0
    assert not any(check["passed"] for check in results["targets"].values())
    lines = format_table(results).splitlines()
    assert lines[-4] == "attribution span match     0.000  target >= 0.80  FAIL"
    assert lines[-1] == "  (none compared)"


# --- The real-news corpus format (NN-slug.txt + NN-slug.gold.json) -------------------------


def write_gold(directory, name, paragraphs, records):
    """A text (one paragraph per line) and its gold records, as the corpus keeps them."""
    (directory / f"{name}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    (directory / f"{name}.gold.json").write_text(json.dumps(records), encoding="utf-8")


def gold(sentence, kind="none", attribution=None, mention=None, ambiguous=False):
    return {
        "sentence": sentence,
        "claim": sentence[:60],
        "attribution": attribution,
        "attribution_kind": kind,
        "attribution_mention": mention,
        "ambiguous": ambiguous,
    }


@pytest.fixture
def gold_data(tmp_path):
    """One made-up article in the corpus format, with one of each kind of scoring case.

    1. "Mayor Ana Lind" is the gold mention, "Ana Lind" the attribution: the detected
       "Ana Lind" is inside the mention, a span match.
    2. unattributed, and unattributed by the rules: counts for kind only.
    3. marked ambiguous: counts only in kind_accuracy_all.
    4. the label says organisation for "Officials"; the rules say anonymous, same span.
    """
    write_gold(
        tmp_path,
        "01-bridge",
        [
            "Mayor Ana Lind said the bridge was safe. The river rose.",
            "Ana Lind also warned of rain. Officials said roads would close.",
        ],
        [
            gold(
                "Mayor Ana Lind said the bridge was safe.",
                "named_person",
                "Ana Lind",
                "Mayor Ana Lind",
            ),
            gold("The river rose."),
            gold(
                "Ana Lind also warned of rain.",
                "named_person",
                "Ana Lind",
                "Ana Lind",
                ambiguous=True,
            ),
            gold("Officials said roads would close.", "organization", "Officials", "Officials"),
        ],
    )
    return tmp_path


def test_gold_format_is_scored_like_the_corpus_score(gold_data):
    overall = evaluate(gold_data, use_model=False)["overall"]
    assert (
        overall["boundary_true_positives"],
        overall["boundary_predicted"],
        overall["boundary_expected"],
    ) == (4, 4, 4)
    assert (overall["attribution_compared"], overall["kind_matches"]) == (3, 2)
    assert (overall["attribution_compared_all"], overall["kind_matches_all"]) == (4, 3)
    assert (overall["span_compared"], overall["span_matches"]) == (2, 2)
    assert overall["confusion"] == {
        "named_person -> named_person": 1,
        "none -> none": 1,
        "organization -> anonymous": 1,
    }


def test_gold_and_json_corpora_are_read_from_one_folder(gold_data):
    write_corpus(
        gold_data, "extra", "The river rose.\n", [{"text": "The river rose.", "attribution": None}]
    )
    assert set(evaluate(gold_data, use_model=False)["files"]) == {"01-bridge", "extra"}


def test_a_text_without_gold_is_not_a_corpus(tmp_path):
    (tmp_path / "notes.txt").write_text("Jane Doe said so.\n", encoding="utf-8")
    assert evaluate(tmp_path, use_model=False)["files"] == {}


def test_a_gold_sentence_missing_from_the_text_is_an_error(tmp_path):
    write_gold(tmp_path, "02-river", ["The river rose."], [gold("The river fell.")])
    with pytest.raises(ValueError, match="The river fell"):
        evaluate(tmp_path, use_model=False)
