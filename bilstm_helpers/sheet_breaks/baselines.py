"""The cheap baselines of the sheet-break case study (scikit-learn).

A practitioner's first try at a window of sensor rows is not a recurrent
network but a few statistics per sensor and a linear model on them.
:func:`window_statistics` computes, for every feature of a window, its
``mean``, ``sd``, least-squares ``slope`` over the window's steps and
``last`` value; :func:`rolling_logistic` puts that transform, a standard
scaler and a class-balanced logistic regression into one scikit-learn
pipeline, and :func:`fit_rolling_baseline` fits it on the training windows,
choosing the regularisation on the validation windows only.
:func:`logistic_baseline` is the tutorial-style logistic regression on the
flattened window (:func:`flatten_windows`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

STATISTICS = ("mean", "sd", "slope", "last")


def window_statistics(x: np.ndarray, statistics: Sequence[str] = ("mean", "slope", "last")) -> np.ndarray:
    """Per-feature statistics of each window.

    Args:
        x: (samples, lookback, features) windows, lookback >= 2.
        statistics: names from ``STATISTICS``, in the order wanted.

    Returns:
        (samples, len(statistics) * features): the first ``features`` columns
        hold the first statistic of every feature, and so on. ``slope`` is
        the least-squares slope per step of the feature over the window.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be windows of shape (samples, lookback, features), got {x.shape}; "
                         "pass the x_train/x_valid/x_test of a Prepared.")
    if x.shape[1] < 2:
        raise ValueError(f"a window of {x.shape[1]} step has no sd or slope; use lookback >= 2.")
    unknown = [s for s in statistics if s not in STATISTICS]
    if unknown or not statistics:
        raise ValueError(f"unknown statistics {unknown or list(statistics)}; choose from {STATISTICS}.")
    steps = np.arange(x.shape[1]) - (x.shape[1] - 1) / 2
    compute = {"mean": lambda: x.mean(axis=1), "sd": lambda: x.std(axis=1),
               "slope": lambda: np.einsum("t,btf->bf", steps, x) / np.sum(steps**2),
               "last": lambda: x[:, -1]}
    return np.concatenate([compute[s]() for s in statistics], axis=1)


def rolling_logistic(statistics: Sequence[str] = ("mean", "slope", "last"), c: float = 0.1,
                     seed: int = 0) -> Any:
    """An unfitted scikit-learn pipeline: :func:`window_statistics` ->
    ``StandardScaler`` -> ``LogisticRegression(C=c, class_weight="balanced")``.

    Its ``fit``/``predict_proba`` take windows x: (samples, lookback, features).
    The lbfgs solver is deterministic; ``seed`` only fixes ``random_state``.
    """

    return make_pipeline(
        FunctionTransformer(window_statistics, kw_args={"statistics": tuple(statistics)}),
        StandardScaler(),
        LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed))


def fit_rolling_baseline(data: Any, statistics: Sequence[str] = ("mean", "slope", "last"),
                         cs: Sequence[float] = (0.01, 0.1, 1.0), seed: int = 0) -> dict[str, Any]:
    """Fit :func:`rolling_logistic` for each ``C`` in ``cs`` on ``data.x_train``
    and keep the one with the highest average precision on ``data.x_valid``
    (the test windows play no part in the choice).

    Args:
        data: a :class:`~bilstm_helpers.sheet_breaks.pipeline.Prepared`.

    Returns:
        {"p_valid": (valid samples,), "p_test": (test samples,) break
        probabilities of the chosen model, "c": its C, "seconds": wall time
        of all fits and predictions, "model": the fitted pipeline}.
    """

    if not cs:
        raise ValueError("cs is empty; give at least one regularisation strength, e.g. (0.1,).")
    start = time.perf_counter()
    best: dict[str, Any] | None = None
    for c in cs:
        model = rolling_logistic(statistics, c, seed).fit(data.x_train, data.y_train)
        p_valid = model.predict_proba(data.x_valid)[:, 1]
        score = average_precision_score(data.y_valid, p_valid)
        if best is None or score > best["valid_ap"]:
            best = {"valid_ap": score, "c": c, "model": model, "p_valid": p_valid}
    assert best is not None
    best["p_test"] = best["model"].predict_proba(data.x_test)[:, 1]
    best["seconds"] = time.perf_counter() - start
    return best


def flatten_windows(x: np.ndarray) -> np.ndarray:
    """(samples, lookback, features) -> (samples, lookback * features) for the
    logistic-regression baseline."""
    return np.asarray(x).reshape(len(x), -1)


def logistic_baseline_model(data: Any, seed: int, c: float = 0.1) -> Any:
    """The fitted model of :func:`logistic_baseline`: a scikit-learn
    ``LogisticRegression`` on :func:`flatten_windows` of ``data.x_train``."""
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    return model.fit(flatten_windows(data.x_train), data.y_train)


def logistic_baseline(data: Any, seed: int, c: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression (balanced class weights, L2 strength ``1 / c``) on
    flattened windows, fitted on ``data.x_train``.

    The lbfgs solver is deterministic: ``seed`` changes nothing and is there
    so that every model is called the same way.

    Returns:
        (p_valid, p_test): break probabilities, (valid samples,) and (test samples,).
    """
    model = logistic_baseline_model(data, seed, c)
    return (model.predict_proba(flatten_windows(data.x_valid))[:, 1],
            model.predict_proba(flatten_windows(data.x_test))[:, 1])
