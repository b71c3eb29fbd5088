"""Comparing two models by several seeded runs each, not by one run each.

A run's test accuracy depends on its seed (initial weights, dropout masks,
batch order). With accuracies ``a`` (n_a,) and ``b`` (n_b,) from seeds of two
set-ups, the difference of the means has the standard error
``se = sqrt(var(a) / n_a + var(b) / n_b)`` (sample variances, ddof=1), and a
single run of each differs by about ``sqrt(var(a) + var(b))``: a gap smaller
than that says nothing about the set-ups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SeedComparison:
    """Summary of two sets of seeded scores (all in the scores' units, e.g. accuracy).

    Attributes:
        mean_a: the mean score of set a.
        mean_b: the mean score of set b.
        sd_a: the sample standard deviation (ddof=1) of set a over its seeds.
        sd_b: the same for set b.
        spread_a: largest minus smallest score of set a.
        spread_b: the same for set b.
        difference: ``mean_a - mean_b``.
        standard_error: of ``difference``, ``sqrt(sd_a**2 / n_a + sd_b**2 / n_b)``.
        single_run_sd: the spread of a one-run-each difference, ``sqrt(sd_a**2 + sd_b**2)``.
    """

    mean_a: float
    mean_b: float
    sd_a: float
    sd_b: float
    spread_a: float
    spread_b: float
    difference: float
    standard_error: float
    single_run_sd: float


def _scores(name: str, values: Any) -> np.ndarray:
    scores = np.asarray(values, dtype=float)
    if scores.ndim != 1 or len(scores) < 2:
        raise ValueError(f"{name} must be a flat list of at least 2 scores, one per seed, got shape "
                         f"{scores.shape}; a standard deviation needs two seeds or more.")
    if not np.all(np.isfinite(scores)):
        raise ValueError(f"{name} contains NaN or infinite scores: {scores.tolist()}; "
                         "rerun or drop the failed seeds.")
    return scores


def compare_seeds(a: Any, b: Any) -> SeedComparison:
    """Compare scores a: (n_a,) and b: (n_b,), one per seed, n_a, n_b >= 2.

    Raises:
        ValueError: fewer than two scores in a set, a set that is not flat, or NaN.
    """
    a, b = _scores("a", a), _scores("b", b)
    sd_a, sd_b = float(a.std(ddof=1)), float(b.std(ddof=1))
    return SeedComparison(
        mean_a=float(a.mean()), mean_b=float(b.mean()), sd_a=sd_a, sd_b=sd_b,
        spread_a=float(np.ptp(a)), spread_b=float(np.ptp(b)), difference=float(a.mean() - b.mean()),
        standard_error=math.sqrt(sd_a**2 / len(a) + sd_b**2 / len(b)),
        single_run_sd=math.sqrt(sd_a**2 + sd_b**2))


def seeds_needed(sd_a: float, sd_b: float, standard_error: float) -> int:
    """Seeds per set (the same n for both) for the difference's standard error
    to reach ``standard_error``: the smallest n with sqrt((sd_a**2 + sd_b**2) / n) <= it.

    Raises:
        ValueError: a negative or NaN standard deviation, or a target <= 0.
    """
    if not (sd_a >= 0 and sd_b >= 0):
        raise ValueError(f"standard deviations must be >= 0, got {sd_a} and {sd_b}.")
    if not standard_error > 0:
        raise ValueError(f"standard_error must be > 0, got {standard_error}; e.g. 0.0025 for 0.25 points.")
    return max(1, math.ceil((sd_a**2 + sd_b**2) / standard_error**2 - 1e-12))
