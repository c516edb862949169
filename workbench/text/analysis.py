"""Article text -> the rows to store for its claims: offsets, source, flags."""

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ArticleRejected
from . import attribution, flags, languages
from .non_claims import non_claim_reasons
from .search_stems import claim_stems
from .splitter import ClaimSpan, split_claims


def claim_rows(
    text: str,
    on_stage: Callable[[str], None] | None = None,
    max_claims: int | None = None,
    language: str = languages.DEFAULT,
    headings: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """One dict per claim, ready for the claims table (without article_id).

    `on_stage` hears "splitting" and then "finding sources" (a long import's progress).
    ArticleRejected when there are more than `max_claims`, found before the sources and
    flags, which take most of the time and memory. `language` is the article's; `headings`
    the page's headings (those lines, and bylines, credits and the like, are marked "not a
    claim" with the reason: non_claims.py).
    """
    if on_stage:
        on_stage("splitting")
    spans = split_claims(text, language)
    if max_claims is not None and len(spans) > max_claims:
        raise ArticleRejected(
            "The article has %(count)s claims; the limit is %(limit)s per article. Import it "
            "in parts.",
            count=format(len(spans), ","),
            limit=format(max_claims, ","),
        )
    if on_stage:
        on_stage("finding sources")
    not_claims = non_claim_reasons(text, spans, headings)
    rows = []
    position = 0
    for span, fields in zip(spans, annotate(text, spans, language=language), strict=True):
        reason = not_claims.get(span.index)
        if reason is None:
            position += 1
        rows.append(
            {
                "position": position if reason is None else None,
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "is_claim": 0 if reason else 1,
                "hidden_reason": reason,
                **fields,
            }
        )
    return rows


def annotate(
    text: str,
    spans: list[ClaimSpan],
    only: set[int] | None = None,
    language: str = languages.DEFAULT,
) -> list[dict[str, Any]]:
    """Source and flag columns for each span, in order (the spans give the context); with
    `only`, the parser looks at just those spans' sentences (the rules read them all)."""
    found = languages.find_sources(text, spans, language, only=only)
    return [
        {
            **attribution_fields(source, candidates),
            **flag_fields(span.text, source.kind if source else "none", language),
            "stems": claim_stems(span.text, language),
        }
        for span, (source, candidates) in zip(spans, found, strict=True)
    ]


def attribution_fields(
    source: attribution.Attribution | None, candidates: tuple = ()
) -> dict[str, Any]:
    """An Attribution (or None: the article's own assertion) as claims-table columns.

    `candidates` are the other sources the sentence names, (text, kind, start, end), stored
    as JSON for the reviewer's one-click choices.
    """
    stored_candidates = (
        json.dumps(
            [
                dict(zip(("text", "kind", "start", "end"), candidate, strict=True))
                for candidate in candidates
            ]
        )
        if candidates
        else None
    )
    if source is None:
        return {
            "attribution_text": None,
            "attribution_kind": "none",
            "attribution_start": None,
            "attribution_end": None,
            "attribution_medium": None,
            "attribution_method": None,
            "attribution_confidence": None,
            "attribution_candidates": stored_candidates,
        }
    return {
        "attribution_text": source.text,
        "attribution_kind": source.kind,
        "attribution_start": source.start,
        "attribution_end": source.end,
        "attribution_medium": json.dumps(source.medium.span_dict_with_medium())
        if source.medium
        else None,
        "attribution_method": source.method,
        "attribution_confidence": source.confidence,
        "attribution_candidates": stored_candidates,
    }


def flag_fields(
    claim_text: str, attribution_kind: str | None, language: str = languages.DEFAULT
) -> dict[str, Any]:
    names = flags.claim_flags(claim_text, attribution_kind, language)
    return {
        "flags": " ".join(names),
        "check_first": flags.check_first_rank(names, attribution_kind),
    }


def spans_from_rows(rows: list[dict[str, Any]]) -> tuple[list[ClaimSpan], list[dict[str, Any]]]:
    """ClaimSpans for stored claim rows, in reading order, for re-annotating an article."""
    ordered = sorted(rows, key=lambda row: (row["start"], row["end"], row["id"]))
    return [
        ClaimSpan(index, row["start"], row["end"], row["text"]) for index, row in enumerate(ordered)
    ], ordered
