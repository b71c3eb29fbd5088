"""Framework-free scores of predicted probabilities for binary labels.

The chapters score every model, whatever its framework, with these:
:func:`accuracy` at 0.5 (the IMDB chapters), and :func:`confusion`,
:func:`scores` and :func:`best_threshold` at a threshold chosen on the
validation set only (:func:`scores_at_valid_threshold`, the sheet-break
chapter). Tests check them against scikit-learn.
"""

from __future__ import annotations

import numpy as np


def accuracy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Share of correct 0.5-threshold decisions; probabilities, y: (n,)."""
    return float(np.mean((np.asarray(probabilities) > 0.5) == (np.asarray(y) == 1)))


def confusion(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5) -> dict[str, int]:
    """Counts tp, fp, tn, fn of ``prob >= threshold``; y_true, prob: (samples,)."""
    y_true, prob = np.asarray(y_true).reshape(-1), np.asarray(prob).reshape(-1)
    if y_true.shape != prob.shape:
        raise ValueError(f"y_true {y_true.shape} and prob {prob.shape} must have the same "
                         "length; flatten the model's (samples, 1) output first.")
    pred = prob >= threshold
    true = y_true == 1
    return {"tp": int(np.sum(pred & true)), "fp": int(np.sum(pred & ~true)),
            "tn": int(np.sum(~pred & ~true)), "fn": int(np.sum(~pred & true))}


def scores(y_true: np.ndarray, prob: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """precision, recall, f1, fpr (and the counts) at ``threshold``; 0 where a
    ratio has nothing to count. y_true, prob: (samples,)."""
    c = confusion(y_true, prob, threshold)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    precision, recall = ratio(c["tp"], c["tp"] + c["fp"]), ratio(c["tp"], c["tp"] + c["fn"])
    return {"precision": precision, "recall": recall,
            "f1": ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0,
            "fpr": ratio(c["fp"], c["fp"] + c["tn"]), "threshold": float(threshold), **c}


def best_threshold(y_true: np.ndarray, prob: np.ndarray) -> float:
    """The threshold (one of the predicted probabilities) with the highest F1
    on these labels, to be used on the validation set only. y_true, prob: (samples,)."""
    y_true, prob = np.asarray(y_true).reshape(-1), np.asarray(prob).reshape(-1)
    if y_true.sum() == 0:
        raise ValueError("y_true has no positive sample, so F1 is 0 at every threshold; "
                         "choose the threshold on a set that contains breaks.")
    order = np.argsort(-prob, kind="stable")
    tp = np.cumsum(y_true[order] == 1)
    predicted = np.arange(1, len(prob) + 1)
    f1 = 2 * tp / (predicted + y_true.sum())
    last = np.r_[prob[order][1:] != prob[order][:-1], True]  # ties: all or none
    best = np.argmax(np.where(last, f1, -1))
    return float(prob[order][best])


def scores_at_valid_threshold(y_valid: np.ndarray, p_valid: np.ndarray, y_test: np.ndarray,
                              p_test: np.ndarray) -> dict[str, float]:
    """:func:`scores` on the test set at the :func:`best_threshold` of the
    validation set (the test set plays no part in choosing it).

    Args:
        y_valid, p_valid: (valid samples,) labels and probabilities.
        y_test, p_test: (test samples,) labels and probabilities.
    """
    return scores(y_test, p_test, best_threshold(y_valid, p_valid))
