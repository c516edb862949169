"""How far blind reviewers agreed: percent agreement, Cohen's kappa for each pair, and
Krippendorff's alpha (nominal) for any number of reviewers, per article.

Both are written here and checked against textbook worked examples
(tests/test_agreement.py). Alpha is Krippendorff's (2011) coincidence-matrix method, which
handles missing values; the `krippendorff` package computes the same but is GPL-3.0, which
the project's Apache-2.0 licence cannot take in. Kappa is Cohen's (1960) formula,
(p_o - p_e) / (1 - p_e): six lines did not warrant scikit-learn and SciPy (over 100 MB).
"""

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from ..statuses import STATUSES
from .blind import Review, decisions_by_claim, latest, to_adjudicate

Ratings = Sequence[Sequence[str | None]]  # one row per reviewer, one column per claim


def complete_units(ratings: Ratings) -> list[tuple[str, ...]]:
    """The columns (claims) every reviewer rated, as tuples of their values."""
    return [
        tuple(str(value) for value in column)
        for column in zip(*ratings, strict=True)
        if all(value is not None for value in column)
    ]


def percent_agreement(ratings: Ratings) -> float | None:
    """Share of the claims all reviewers rated on which they all chose the same value."""
    units = complete_units(ratings)
    if not units:
        return None
    return sum(1 for unit in units if len(set(unit)) == 1) / len(units)


def cohen_kappa(first: Sequence[str | None], second: Sequence[str | None]) -> float | None:
    """Cohen's kappa for two raters over the units both rated; None when it is undefined
    (no units, or chance agreement is total: both used one and the same value)."""
    pairs = complete_units([first, second])
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    first_counts = Counter(a for a, _ in pairs)
    second_counts = Counter(b for _, b in pairs)
    expected = sum(first_counts[v] * second_counts[v] for v in first_counts) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(ratings: Ratings) -> float | None:
    """Krippendorff's alpha for nominal values (missing values allowed); None when it is
    undefined (fewer than two values in all, or nothing pairable)."""
    # The coincidence matrix: each unit's ordered pairs of values, each weighted
    # 1 / (values in the unit - 1); units with fewer than two values are not pairable.
    coincidences: defaultdict[tuple[str, str], float] = defaultdict(float)
    for column in zip(*ratings, strict=True):
        values = [str(v) for v in column if v is not None]
        if len(values) < 2:
            continue
        for first, second in itertools.permutations(values, 2):
            coincidences[first, second] += 1 / (len(values) - 1)
    totals: defaultdict[str, float] = defaultdict(float)
    for (first, _), weight in coincidences.items():
        totals[first] += weight
    pairable = sum(totals.values())
    if len(totals) < 2:
        return None
    # Nominal: any two different values disagree by 1. alpha = 1 - D_o / D_e.
    observed = sum(weight for (a, b), weight in coincidences.items() if a != b) / pairable
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (
        pairable * (pairable - 1)
    )
    return 1 - observed / expected


def summary(reviewers: Sequence[str], ratings: Ratings) -> dict[str, Any]:
    """Every figure for one set of ratings: per article, and per pair of reviewers."""
    units = len(complete_units(ratings))
    pairs = [
        {
            "reviewers": (reviewers[i], reviewers[j]),
            "claims": len(complete_units([ratings[i], ratings[j]])),
            "percent": percent_agreement([ratings[i], ratings[j]]),
            "kappa": cohen_kappa(ratings[i], ratings[j]),
        }
        for i, j in itertools.combinations(range(len(reviewers)), 2)
    ]
    return {
        "reviewers": list(reviewers),
        "claims": units,
        "percent": percent_agreement(ratings),
        # Kappa is for two raters; alpha for any number (shown for two as well).
        "kappa": cohen_kappa(ratings[0], ratings[1]) if len(reviewers) == 2 else None,
        "alpha": krippendorff_alpha(ratings),
        "pairs": pairs,
        "disagreements": sum(1 for unit in complete_units(ratings) if len(set(unit)) > 1),
    }


def article_agreement(db: Database, article_id: int) -> dict[str, Any] | None:
    """The figures for the article's latest blind review once revealed, else None."""
    review = latest(db, article_id)
    if review is None or review.is_open:
        return None
    return review_agreement(db, review)


def review_agreement(db: Database, review: Review) -> dict[str, Any]:
    """The figures for one revealed blind review (statuses as nominal values)."""
    decided = decisions_by_claim(db, review)
    claim_ids = sorted(decided)
    ratings = [
        [decided[cid].get(name, {}).get("status") for cid in claim_ids] for name in review.reviewers
    ]
    result = summary(review.reviewers, ratings)
    result["article_id"] = review.article_id
    result["review_id"] = review.id
    # "disagreements" is a figure of agreement and never changes; what is left for an
    # editor goes down as each is ruled (the dashboard said "3 to adjudicate" after one).
    result["to_adjudicate"] = to_adjudicate(db, review)[1]
    result["statuses"] = {
        name: Counter(value for value in row if value in STATUSES)
        for name, row in zip(review.reviewers, ratings, strict=True)
    }
    return result


def all_agreements(db: Database) -> list[dict[str, Any]]:
    """The figures for every article whose latest blind review is revealed, newest first."""
    found = []
    for article_id, title in db.execute(
        "select a.id, a.title from articles a where a.deleted_at is null and exists "
        "(select 1 from blind_reviews b where b.article_id = a.id) order by a.id desc"
    ).fetchall():
        figures = article_agreement(db, article_id)
        if figures is not None:
            found.append({**figures, "title": title})
    return found
