"""Agreement statistics against textbook worked examples (each example names its source)."""

import math

import pytest

from workbench.desk.agreement import cohen_kappa, krippendorff_alpha, percent_agreement, summary


def two_raters(table, labels):
    """Expand a square contingency table (rows: rater A, columns: rater B) to two lists."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [labels[i]] * count
            second += [labels[j]] * count
    return first, second


# Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals read by two
# readers, Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
GRANTS = [[20, 5], [10, 15]]
# Wikipedia, "Cohen's kappa", section "Same percentages but different numbers": two
# tables with the same 60% agreement and kappas 0.1304 and 0.2593.
SAME_PERCENT_A = [[45, 15], [25, 15]]
SAME_PERCENT_B = [[25, 35], [5, 35]]
# Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions (3rd ed., 2003),
# Table 18.1: two psychiatrists' diagnoses (psychotic, neurotic, organic) of 100
# patients: p_o = 0.89, p_e = 0.66, kappa = 0.68.
DIAGNOSES = [[75, 1, 4], [5, 4, 1], [0, 0, 10]]


@pytest.mark.parametrize(
    "table, labels, expected_kappa, expected_percent",
    [
        (GRANTS, ["yes", "no"], 0.4, 0.7),
        (SAME_PERCENT_A, ["yes", "no"], 0.1304, 0.6),
        (SAME_PERCENT_B, ["yes", "no"], 0.2593, 0.6),
        (DIAGNOSES, ["psychotic", "neurotic", "organic"], 0.6765, 0.89),
    ],
    ids=["wikipedia-grants", "wikipedia-same-percent-a", "wikipedia-same-percent-b", "fleiss-18.1"],
)
def test_cohen_kappa_matches_worked_examples(table, labels, expected_kappa, expected_percent):
    first, second = two_raters(table, labels)
    assert cohen_kappa(first, second) == pytest.approx(expected_kappa, abs=5e-5)
    assert percent_agreement([first, second]) == pytest.approx(expected_percent)


# Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School
# for Communication, University of Pennsylvania. Example A: binary data, two observers,
# ten units, no missing values: alpha = 0.095.
EXAMPLE_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# Example C: nominal data, four observers, twelve units, missing values (None): 0.743.
N = None
EXAMPLE_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    "ratings, expected",
    [(EXAMPLE_A, 0.095), (EXAMPLE_C, 0.743)],
    ids=["krippendorff-2011-A", "krippendorff-2011-C"],
)
def test_krippendorff_alpha_matches_worked_examples(ratings, expected):
    as_words = [[None if v is None else f"v{v}" for v in row] for row in ratings]
    assert krippendorff_alpha(as_words) == pytest.approx(expected, abs=5e-4)


def test_percent_agreement_counts_only_claims_every_reviewer_rated():
    # Example C: all four observers rated units 2 to 9 (eight units); they are unanimous on
    # units 3, 4, 5, 7 and 9.
    as_words = [[None if v is None else str(v) for v in row] for row in EXAMPLE_C]
    assert percent_agreement(as_words) == pytest.approx(5 / 8)


@pytest.mark.parametrize(
    "first, second",
    [([], []), (["sourced", "sourced"], ["sourced", "sourced"]), ([None], ["sourced"])],
    ids=["nothing", "one-value-only", "nothing-rated-by-both"],
)
def test_kappa_is_undefined_rather_than_made_up(first, second):
    assert cohen_kappa(first, second) is None


def test_alpha_is_undefined_when_every_decision_is_the_same():
    assert krippendorff_alpha([["sourced", "sourced"], ["sourced", "sourced"]]) is None


def test_summary_gives_pairs_and_article_figures_for_three_reviewers():
    ratings = [
        ["sourced", "disputed", "sourced", "unverified"],
        ["sourced", "disputed", "disputed", "unverified"],
        ["sourced", "sourced", "sourced", "unverified"],
    ]
    figures = summary(["ana", "bo", "cy"], ratings)
    assert figures["claims"] == 4
    assert figures["percent"] == pytest.approx(0.5)
    assert figures["kappa"] is None  # three reviewers: alpha, not kappa
    assert math.isfinite(figures["alpha"])
    assert [p["reviewers"] for p in figures["pairs"]] == [
        ("ana", "bo"),
        ("ana", "cy"),
        ("bo", "cy"),
    ]
    assert [p["percent"] for p in figures["pairs"]] == [0.75, 0.75, 0.5]
    assert figures["disagreements"] == 2
