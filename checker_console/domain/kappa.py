"""Cohen's kappa for two raters, with its large-sample 95% confidence interval. No I/O.

Why our own 40 lines rather than a library: statsmodels' ``cohens_kappa`` is the maintained
implementation with an interval, but it brings SciPy, pandas and patsy (well over 100 MB) into a
web console for one formula; scikit-learn's ``cohen_kappa_score`` has no interval. This module
implements the same published estimator statsmodels does, and the tests check it against a
hand-worked table and a textbook table (Fleiss, Levin and Paik, *Statistical Methods for Rates
and Proportions*, 3rd ed., table 18.1) and against figures statsmodels 0.15 printed for them.

The variance is Fleiss, Cohen and Everitt (1969), "Large sample standard errors of kappa and
weighted kappa", Psychological Bulletin 72(5):323-327: with cell shares p_ij, row shares p_i.,
column shares p_.j, observed agreement p_o and chance agreement p_e,

    var = ( sum_i p_ii [1 - (p_i. + p_.i)(1 - k)]^2
          + (1 - k)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
          - [k - p_e (1 - k)]^2 ) / (n (1 - p_e)^2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: The 97.5th percentile of the standard normal distribution.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Kappa:
    n: int
    observed: float  # p_o, the share of cases both raters put in the same category
    expected: float  # p_e, the agreement expected by chance from each rater's own shares
    #: None when kappa is undefined: no cases, or both raters always used one category.
    kappa: float | None
    standard_error: float | None
    low: float | None
    high: float | None


def cohens_kappa(table: Sequence[Sequence[int]]) -> Kappa:
    """Kappa of a square table of counts: rows are rater A's categories, columns rater B's."""
    size = len(table)
    if any(len(row) != size for row in table):
        raise ValueError("the agreement table must be square")
    n = sum(sum(row) for row in table)
    if n == 0:
        return Kappa(0, 0.0, 0.0, None, None, None, None)
    p = [[count / n for count in row] for row in table]
    rows = [sum(p[i]) for i in range(size)]
    cols = [sum(p[i][j] for i in range(size)) for j in range(size)]
    observed = sum(p[i][i] for i in range(size))
    expected = sum(rows[i] * cols[i] for i in range(size))
    if math.isclose(expected, 1.0):
        return Kappa(n, observed, expected, None, None, None, None)
    kappa = (observed - expected) / (1 - expected)
    diagonal = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(size))
    off_diagonal = (1 - kappa) ** 2 * sum(
        p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(size) for j in range(size) if i != j
    )
    correction = (kappa - expected * (1 - kappa)) ** 2
    variance = max(0.0, diagonal + off_diagonal - correction) / (n * (1 - expected) ** 2)
    error = math.sqrt(variance)
    return Kappa(
        n=n,
        observed=observed,
        expected=expected,
        kappa=kappa,
        standard_error=error,
        low=max(-1.0, kappa - Z_95 * error),
        high=min(1.0, kappa + Z_95 * error),
    )
