"""Framework-free scores, against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score, recall_score

from bilstm_helpers.metrics import accuracy, best_threshold, confusion, scores, scores_at_valid_threshold

RNG = np.random.default_rng(0)
Y = (RNG.random(200) < 0.2).astype(int)
PROB = np.clip(0.3 * Y + RNG.random(200) * 0.7, 0, 1)


def test_scores_match_scikit_learn() -> None:
    s = scores(Y, PROB, threshold=0.5)
    pred = (PROB >= 0.5).astype(int)
    tn, fp, fn, tp = confusion_matrix(Y, pred).ravel()
    assert (s["tn"], s["fp"], s["fn"], s["tp"]) == (tn, fp, fn, tp)
    assert s["precision"] == pytest.approx(precision_score(Y, pred))
    assert s["recall"] == pytest.approx(recall_score(Y, pred))
    assert s["f1"] == pytest.approx(f1_score(Y, pred))
    assert s["fpr"] == pytest.approx(fp / (fp + tn))
    assert scores(Y, np.zeros(200), 0.5)["f1"] == 0.0  # nothing predicted: 0, not NaN
    with pytest.raises(ValueError, match="must have the same length"):
        confusion(Y, PROB[:-1])


def test_best_threshold_maximises_f1() -> None:
    best = best_threshold(Y, PROB)
    f1 = {t: f1_score(Y, PROB >= t) for t in np.unique(PROB)}
    assert f1_score(Y, PROB >= best) == pytest.approx(max(f1.values()))
    with pytest.raises(ValueError, match="no positive sample"):
        best_threshold(np.zeros(5), np.linspace(0, 1, 5))


def test_scores_at_valid_threshold() -> None:
    s = scores_at_valid_threshold(Y[:100], PROB[:100], Y[100:], PROB[100:])
    assert s == scores(Y[100:], PROB[100:], best_threshold(Y[:100], PROB[:100]))


def test_accuracy_thresholds_at_one_half() -> None:
    assert accuracy(PROB, Y) == pytest.approx(accuracy_score(Y, PROB > 0.5))
    assert accuracy([0.5, 0.51], [0, 1]) == 1.0  # exactly 0.5 counts as negative
    assert accuracy([0.9, 0.1], [0, 1]) == 0.0
