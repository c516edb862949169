"""Labelled corpora -> how well the splitter and the attribution rules reproduce them.

Pure: no Flask, no database. Two formats, in one folder or apart:
- our written texts, one JSON file each: `{"title", "text", "sentences": [{"text",
  "attribution": {"text", "kind"} | null}]}`, the sentences being the human split of `text`;
- the real-news corpus format: `NN-slug.txt` with `NN-slug.gold.json`, one record
  per sentence with `sentence`, `attribution`, `attribution_mention`, `attribution_kind`
  and `ambiguous`, scored exactly as that corpus's score.py scores `workbench extract`.

Metrics:
- sentence boundaries: a boundary is the end offset of a sentence; precision, recall and
  F1 compare the splitter's set of ends with the labelled set, text by text.
- attribution kind accuracy: over the labelled sentences the splitter reproduced exactly
  (same start and end), the share whose predicted kind equals the label (no attribution
  counts as kind "none").
- attribution span match: over the same sentences, the share whose predicted source text
  equals the labelled text (no attribution on both sides is a match).
On the gold format, as its score.py: sentences count when the claim ends where a gold
sentence ends and has its text; kind accuracy is over the sentences not marked ambiguous
(`kind_accuracy_all` over all of them); span match is over the unambiguous attributed ones,
and holds when the detected source text contains, or is contained in, the gold attribution
or its in-sentence mention (case and white space ignored). Both formats give the confusion
of gold kind -> detected kind.
Totals are micro-averaged: counts are summed over all files before dividing.
"""

import collections
import json
import pathlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .attribution import detect_attributions
from .splitter import split_claims

TARGETS = {
    "boundary_f1": 0.97,
    "kind_accuracy": 0.85,
    "span_accuracy": 0.80,
}
TARGET_LABELS = {
    "boundary_f1": "sentence boundaries F1",
    "kind_accuracy": "attribution kind accuracy",
    "span_accuracy": "attribution span match",
}


def evaluate(data_dir: str | pathlib.Path, use_model: bool | None = None) -> dict[str, Any]:
    """Score every corpus in `data_dir` (either format); per-file counts and rates, overall.

    `use_model` as for detect_attributions: None uses the model when it is available.
    """
    folder = pathlib.Path(data_dir)
    files = {}
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".gold.json"):
            continue
        files[path.stem] = _score_corpus(json.loads(path.read_text(encoding="utf-8")), use_model)
    for path in sorted(folder.glob("*.txt")):
        gold = path.with_suffix(".gold.json")
        if gold.exists():
            files[path.stem] = _score_gold(
                path.read_text(encoding="utf-8"),
                json.loads(gold.read_text(encoding="utf-8")),
                use_model,
            )
    overall = _rates(_sum_counts(files.values()))
    targets = {
        name: {"value": overall[name], "target": target, "passed": overall[name] >= target}
        for name, target in TARGETS.items()
    }
    return {"files": files, "overall": overall, "targets": targets}


def format_table(results: dict[str, Any]) -> str:
    """A plain-text table: one row per corpus and overall, then each target with PASS/FAIL."""
    header = (
        "corpus",
        "sentences",
        "boundary P",
        "boundary R",
        "boundary F1",
        "kind acc",
        "span acc",
    )
    rows = [_table_row(name, scores) for name, scores in results["files"].items()]
    rows.append(_table_row("overall", results["overall"]))
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = [_join(header, widths), _join(["-" * width for width in widths], widths)]
    lines += [_join(row, widths) for row in rows[:-1]]
    lines += [_join(["-" * width for width in widths], widths), _join(rows[-1], widths), ""]
    label_width = max(len(label) for label in TARGET_LABELS.values())
    for name, check in results["targets"].items():
        verdict = "PASS" if check["passed"] else "FAIL"
        lines.append(
            f"{TARGET_LABELS[name]:<{label_width}}  {check['value']:.3f}"
            f"  target >= {check['target']:.2f}  {verdict}"
        )
    lines += ["", "kind confusion (gold -> detected, compared sentences):"]
    lines += [
        f"  {pair}: {count}" for pair, count in sorted(results["overall"]["confusion"].items())
    ] or ["  (none compared)"]
    return "\n".join(lines) + "\n"


def _score_corpus(corpus: dict[str, Any], use_model: bool | None) -> dict[str, Any]:
    text = corpus["text"]
    expected = _expected_spans(text, corpus["sentences"])
    predicted = split_claims(text)
    counts: dict[str, Any] = dict(
        _boundary_counts({end for _, end, _ in expected}, {span.end for span in predicted})
    )
    counts.update(_attribution_counts(text, expected, predicted, use_model))
    counts["sentences"] = len(expected)
    counts["attribution_compared_all"] = counts["attribution_compared"]
    counts["kind_matches_all"] = counts["kind_matches"]
    counts["span_compared"] = counts["attribution_compared"]
    return _rates(counts)


def _score_gold(text: str, gold: list[dict[str, Any]], use_model: bool | None) -> dict[str, Any]:
    """Counts for one article of the gold format, computed as its score.py computes them."""
    by_end: dict[int, dict[str, Any]] = {}
    cursor = 0
    for record in gold:
        start = text.find(record["sentence"], cursor)
        if start == -1:
            raise ValueError(
                f"gold sentence not found after offset {cursor}: {record['sentence']!r}"
            )
        cursor = start + len(record["sentence"])
        by_end[cursor] = record
    predicted = split_claims(text)
    counts: dict[str, Any] = dict(_boundary_counts(set(by_end), {span.end for span in predicted}))
    counts.update(
        dict.fromkeys(
            (
                "attribution_compared",
                "kind_matches",
                "span_compared",
                "span_matches",
                "attribution_compared_all",
                "kind_matches_all",
            ),
            0,
        )
    )
    confusion: collections.Counter[str] = collections.Counter()
    for span, found in zip(predicted, detect_attributions(text, predicted, use_model), strict=True):
        found_record = by_end.get(span.end)
        if found_record is None or _normal(span.text) != _normal(found_record["sentence"]):
            continue
        record = found_record
        kind = _kind(found)
        counts["attribution_compared_all"] += 1
        counts["kind_matches_all"] += kind == record["attribution_kind"]
        if record.get("ambiguous"):
            continue
        confusion[f"{record['attribution_kind']} -> {kind}"] += 1
        counts["attribution_compared"] += 1
        counts["kind_matches"] += kind == record["attribution_kind"]
        if record["attribution_kind"] != "none":
            counts["span_compared"] += 1
            counts["span_matches"] += _span_matches(found, record)
    counts["sentences"] = len(by_end)
    counts["confusion"] = confusion
    return _rates(counts)


def _span_matches(found: Any, record: dict[str, Any]) -> bool:
    """The detected text contains, or is inside, the gold attribution or its mention."""
    got = _normal(found.text if found else "").lower()
    wanted = [
        _normal(value).lower()
        for value in (record.get("attribution"), record.get("attribution_mention"))
        if value
    ]
    return bool(got) and any(got in value or value in got for value in wanted)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _expected_spans(
    text: str, sentences: list[dict[str, Any]]
) -> list[tuple[int, int, dict[str, Any] | None]]:
    """(start, end, label) for each labelled sentence, found in the text in order."""
    spans = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence["text"], cursor)
        if start == -1:
            raise ValueError(
                f"labelled sentence not found after offset {cursor}: {sentence['text']!r}"
            )
        cursor = start + len(sentence["text"])
        spans.append((start, cursor, sentence.get("attribution")))
    return spans


def _boundary_counts(expected_ends: set[int], predicted_ends: set[int]) -> dict[str, int]:
    return {
        "boundary_true_positives": len(expected_ends & predicted_ends),
        "boundary_predicted": len(predicted_ends),
        "boundary_expected": len(expected_ends),
    }


def _attribution_counts(
    text: str,
    expected: list[tuple[int, int, dict[str, Any] | None]],
    predicted: list[Any],
    use_model: bool | None,
) -> dict[str, Any]:
    """Kind and span agreement on the sentences the splitter reproduced exactly."""
    detected = dict(
        zip(
            ((span.start, span.end) for span in predicted),
            detect_attributions(text, predicted, use_model),
            strict=True,
        )
    )
    compared = kind_matches = span_matches = 0
    confusion: collections.Counter[str] = collections.Counter()
    for start, end, label in expected:
        if (start, end) not in detected:
            continue
        found = detected[(start, end)]
        compared += 1
        confusion[f"{label['kind'] if label else 'none'} -> {_kind(found)}"] += 1
        kind_matches += _kind(found) == (label["kind"] if label else "none")
        span_matches += (found.text if found else None) == (label["text"] if label else None)
    return {
        "attribution_compared": compared,
        "kind_matches": kind_matches,
        "span_matches": span_matches,
        "confusion": confusion,
    }


def _kind(attribution: Any) -> str:
    return attribution.kind if attribution else "none"


_COUNTS = (
    "sentences",
    "boundary_true_positives",
    "boundary_predicted",
    "boundary_expected",
    "attribution_compared",
    "kind_matches",
    "span_compared",
    "span_matches",
    "attribution_compared_all",
    "kind_matches_all",
)


def _sum_counts(scores: Iterable[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = dict.fromkeys(_COUNTS, 0)
    totals["confusion"] = collections.Counter()
    for score in scores:
        for name in _COUNTS:
            totals[name] += score[name]
        totals["confusion"].update(score["confusion"])
    return totals


def _rates(counts: dict[str, Any]) -> dict[str, Any]:
    """Add precision, recall, F1 and the two attribution accuracies to the raw counts."""
    true_positives = counts["boundary_true_positives"]
    precision = _ratio(true_positives, counts["boundary_predicted"])
    recall = _ratio(true_positives, counts["boundary_expected"])
    compared = counts["attribution_compared"]
    return {
        **counts,
        "boundary_precision": precision,
        "boundary_recall": recall,
        "boundary_f1": _ratio(2 * precision * recall, precision + recall),
        "kind_accuracy": _ratio(counts["kind_matches"], compared),
        "kind_accuracy_all": _ratio(counts["kind_matches_all"], counts["attribution_compared_all"]),
        "span_accuracy": _ratio(counts["span_matches"], counts["span_compared"]),
    }


def _ratio(numerator: float, denominator: float) -> float:
    # An empty corpus scores 0, not a division error: a target can then only fail.
    return numerator / denominator if denominator else 0.0


def _table_row(name: str, scores: dict[str, Any]) -> list[str]:
    return [
        name,
        str(scores["sentences"]),
        *(
            f"{scores[key]:.3f}"
            for key in (
                "boundary_precision",
                "boundary_recall",
                "boundary_f1",
                "kind_accuracy",
                "span_accuracy",
            )
        ),
    ]


def _join(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    return "  ".join(
        [first.ljust(widths[0])]
        + [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
    ).rstrip()
