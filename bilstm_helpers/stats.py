"""Comparing two models by several seeded runs each, not by one run each.

A run's test accuracy depends on its seed (initial weights, dropout masks,
batch order). With accuracies ``a`` (n_a,) and ``b`` (n_b,) from seeds of two
set-ups, the difference of the means has the standard error
``se = sqrt(var(a) / n_a + var(b) / n_b)`` (sample variances, ddof=1), and a
single run of each differs by about ``sqrt(var(a) + var(b))``: a gap smaller
than that says nothing about the set-ups.

Every spread over seeds in the book is :func:`seed_sd` (ddof=1). There are
two decision rules: a difference of means outside two standard errors
(:func:`compare_seeds`, or :func:`compare_to_fixed` against a baseline
without seed spread, then :func:`detectable`, :func:`verdict` or
:func:`describe_difference` to say it), and an order that holds seed by seed
(:func:`ordered_on_every_seed`).
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


def compare_to_fixed(a: Any, fixed: float) -> SeedComparison:
    """Compare scores a: (n_a,), one per seed, n_a >= 2, with the one score of
    a set-up that has no seed spread (a deterministic baseline, e.g. a
    logistic regression fitted by a deterministic solver).

    The standard error is then that of a's mean alone, ``sd_a / sqrt(n_a)``;
    ``sd_b`` and ``spread_b`` are 0.

    Raises:
        ValueError: fewer than two scores in a, or a NaN score.
    """
    a = _scores("a", a)
    if not math.isfinite(fixed):
        raise ValueError(f"fixed must be a finite score, got {fixed}.")
    sd_a = float(a.std(ddof=1))
    return SeedComparison(
        mean_a=float(a.mean()), mean_b=float(fixed), sd_a=sd_a, sd_b=0.0, spread_a=float(np.ptp(a)),
        spread_b=0.0, difference=float(a.mean() - fixed), standard_error=sd_a / math.sqrt(len(a)),
        single_run_sd=sd_a)


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


def seed_sd(values: Any, axis: int = 0) -> np.ndarray | float:
    """The sample standard deviation (ddof=1) over seeds along ``axis``: the
    one convention of the book. A single run has no spread: 0.

    values: (seeds,) or (seeds, steps) -> a float, or (steps,).
    """
    values = np.asarray(values, dtype=float)
    if values.shape[axis] < 2:
        sd = np.zeros(np.delete(values.shape, axis)) if values.ndim > 1 else 0.0
    else:
        sd = values.std(axis=axis, ddof=1)
    return float(sd) if np.ndim(sd) == 0 else sd


def ordered_on_every_seed(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Pairs (a, b) with ``values[a] < values[b]`` for every seed.

    Args:
        values: name -> (seeds,) paired by seed, e.g. each model's final loss.

    Returns:
        The pairs whose order holds on all seeds, sorted by name; a pair whose
        order changes from seed to seed is a difference the seeds do not support.
    """
    lengths = {len(v) for v in values.values()}
    if len(lengths) > 1:
        raise ValueError(f"every entry needs one value per seed; got lengths {sorted(lengths)}.")
    return sorted((a, b) for a in values for b in values
                  if a != b and bool(np.all(np.asarray(values[a]) < np.asarray(values[b]))))


def detectable(comparison: SeedComparison) -> bool:
    """True when the difference of the means lies more than two standard errors from zero."""
    return abs(comparison.difference) > 2 * comparison.standard_error


def verdict(comparison: SeedComparison, lower: str = "lower", higher: str = "higher") -> str:
    """``lower`` or ``higher`` for a :func:`detectable` difference (a - b below or
    above zero), else "no detectable difference"."""
    if not detectable(comparison):
        return "no detectable difference"
    return lower if comparison.difference < 0 else higher


def describe_difference(name_a: str, name_b: str, difference: float, standard_error: float,
                        digits: int = 3) -> str:
    """A verdict on ``mean_a - mean_b`` with its standard error (from
    :func:`compare_seeds`): who is ahead when the
    difference is more than two standard errors from zero, otherwise "no
    detectable difference"."""
    if not standard_error >= 0:
        raise ValueError(f"standard_error must be >= 0, got {standard_error}.")
    figures = f"{difference:+.{digits}f} (standard error {standard_error:.{digits}f})"
    if abs(difference) <= 2 * standard_error:
        return f"{name_a} - {name_b}: {figures}: no detectable difference"
    ahead = name_a if difference > 0 else name_b
    return f"{name_a} - {name_b}: {figures}: {ahead} ahead by more than 2 standard errors"
