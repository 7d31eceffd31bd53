"""Cohen's kappa and its interval against a hand-worked table and a textbook table.

The reference intervals were also printed by statsmodels 0.15's ``cohens_kappa`` for the same
tables (the implementation the console does not depend on; see ``domain/kappa.py``).
"""

from __future__ import annotations

import pytest

from checker_console.domain.kappa import cohens_kappa


def test_kappa_matches_the_hand_worked_two_by_two_table() -> None:
    # 50 cases: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4.
    # var = (0.10972 + 0.10188 - 0.01) / (50 * 0.25) = 0.016128 (worked by hand, FCE 1969).
    result = cohens_kappa([[20, 5], [10, 15]])

    assert (result.n, result.observed, result.expected) == (50, pytest.approx(0.7), 0.5)
    assert result.kappa == pytest.approx(0.4)
    assert result.standard_error == pytest.approx(0.016128**0.5)
    assert (result.low, result.high) == (
        pytest.approx(0.15109, abs=1e-5),
        pytest.approx(0.64891, abs=1e-5),
    )


def test_kappa_matches_the_textbook_three_category_table() -> None:
    # Fleiss, Levin and Paik, Statistical Methods for Rates and Proportions (3rd ed.), table
    # 18.1: two raters' diagnoses of 100 people; the book gives kappa = 0.68.
    result = cohens_kappa([[75, 1, 4], [5, 4, 1], [0, 0, 10]])

    assert (result.observed, result.expected) == (pytest.approx(0.89), pytest.approx(0.66))
    assert round(result.kappa, 2) == 0.68
    assert result.standard_error == pytest.approx(0.0877030, abs=1e-6)
    assert (result.low, result.high) == (
        pytest.approx(0.50458, abs=1e-5),
        pytest.approx(0.84837, abs=1e-5),
    )


def test_perfect_agreement_is_kappa_one_and_chance_agreement_is_near_zero() -> None:
    assert cohens_kappa([[10, 0], [0, 10]]).kappa == pytest.approx(1.0)
    assert cohens_kappa([[25, 25], [25, 25]]).kappa == pytest.approx(0.0)


def test_kappa_is_undefined_without_cases_or_when_both_always_say_the_same() -> None:
    assert cohens_kappa([[0, 0], [0, 0]]).kappa is None
    only_approvals = cohens_kappa([[12, 0], [0, 0]])
    assert (only_approvals.kappa, only_approvals.observed) == (None, 1.0)


def test_a_table_that_is_not_square_is_refused() -> None:
    with pytest.raises(ValueError, match="square"):
        cohens_kappa([[1, 2], [3]])
