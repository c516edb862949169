"""Labelled corpora -> how well the splitter and the attribution rules reproduce them.

Pure: no Flask, no database. Each corpus is one JSON file:
`{"title", "text", "sentences": [{"text", "attribution": {"text", "kind"} | null}]}`,
where the sentences are the correct human split of `text`, in order.

Metrics:
- sentence boundaries: a boundary is the end offset of a sentence; precision, recall and
  F1 compare the splitter's set of ends with the labelled set, text by text.
- attribution kind accuracy: over the labelled sentences the splitter reproduced exactly
  (same start and end), the share whose predicted kind equals the label (no attribution
  counts as kind "none").
- attribution span match: over the same sentences, the share whose predicted source text
  equals the labelled text (no attribution on both sides is a match).
Totals are micro-averaged: counts are summed over all files before dividing.
"""

import json
import pathlib

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


def evaluate(data_dir):
    """Score every `*.json` corpus in `data_dir`; per-file counts and rates, then overall."""
    files = {path.stem: _score_corpus(json.loads(path.read_text(encoding="utf-8")))
             for path in sorted(pathlib.Path(data_dir).glob("*.json"))}
    overall = _rates(_sum_counts(files.values()))
    targets = {
        name: {"value": overall[name], "target": target, "passed": overall[name] >= target}
        for name, target in TARGETS.items()
    }
    return {"files": files, "overall": overall, "targets": targets}


def format_table(results):
    """A plain-text table: one row per corpus and overall, then each target with PASS/FAIL."""
    header = ("corpus", "sentences", "boundary P", "boundary R", "boundary F1", "kind acc",
              "span acc")
    rows = [_table_row(name, scores) for name, scores in results["files"].items()]
    rows.append(_table_row("overall", results["overall"]))
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = [_join(header, widths), _join(["-" * width for width in widths], widths)]
    lines += [_join(row, widths) for row in rows[:-1]]
    lines += [_join(["-" * width for width in widths], widths), _join(rows[-1], widths), ""]
    label_width = max(len(label) for label in TARGET_LABELS.values())
    for name, check in results["targets"].items():
        verdict = "PASS" if check["passed"] else "FAIL"
        lines.append(f"{TARGET_LABELS[name]:<{label_width}}  {check['value']:.3f}"
                     f"  target >= {check['target']:.2f}  {verdict}")
    return "\n".join(lines) + "\n"


def _score_corpus(corpus):
    text = corpus["text"]
    expected = _expected_spans(text, corpus["sentences"])
    predicted = split_claims(text)
    counts = _boundary_counts({end for _, end, _ in expected}, {span.end for span in predicted})
    counts.update(_attribution_counts(text, expected, predicted))
    counts["sentences"] = len(expected)
    return _rates(counts)


def _expected_spans(text, sentences):
    """(start, end, label) for each labelled sentence, found in the text in order."""
    spans = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence["text"], cursor)
        if start == -1:
            raise ValueError(f"labelled sentence not found after offset {cursor}: "
                             f"{sentence['text']!r}")
        cursor = start + len(sentence["text"])
        spans.append((start, cursor, sentence.get("attribution")))
    return spans


def _boundary_counts(expected_ends, predicted_ends):
    return {
        "boundary_true_positives": len(expected_ends & predicted_ends),
        "boundary_predicted": len(predicted_ends),
        "boundary_expected": len(expected_ends),
    }


def _attribution_counts(text, expected, predicted):
    """Kind and span agreement on the sentences the splitter reproduced exactly."""
    detected = dict(zip(((span.start, span.end) for span in predicted),
                        detect_attributions(text, predicted)))
    compared = kind_matches = span_matches = 0
    for start, end, label in expected:
        if (start, end) not in detected:
            continue
        found = detected[(start, end)]
        compared += 1
        kind_matches += _kind(found) == (label["kind"] if label else "none")
        span_matches += (found.text if found else None) == (label["text"] if label else None)
    return {"attribution_compared": compared, "kind_matches": kind_matches,
            "span_matches": span_matches}


def _kind(attribution):
    return attribution.kind if attribution else "none"


_COUNTS = ("sentences", "boundary_true_positives", "boundary_predicted", "boundary_expected",
           "attribution_compared", "kind_matches", "span_matches")


def _sum_counts(scores):
    totals = dict.fromkeys(_COUNTS, 0)
    for score in scores:
        for name in _COUNTS:
            totals[name] += score[name]
    return totals


def _rates(counts):
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
        "span_accuracy": _ratio(counts["span_matches"], compared),
    }


def _ratio(numerator, denominator):
    # An empty corpus scores 0, not a division error: a target can then only fail.
    return numerator / denominator if denominator else 0.0


def _table_row(name, scores):
    return [name, str(scores["sentences"]),
            *(f"{scores[key]:.3f}" for key in ("boundary_precision", "boundary_recall",
                                               "boundary_f1", "kind_accuracy",
                                               "span_accuracy"))]


def _join(cells, widths):
    first, *rest = cells
    return "  ".join([first.ljust(widths[0])] +
                     [cell.rjust(width) for cell, width in zip(rest, widths[1:])]).rstrip()
