"""The sheet-break tutorial's (S0) model and its metrics: Keras metrics against NumPy and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

from bilstm_helpers import sheet_break_models as sbm
from bilstm_helpers.sheet_break_pipeline import prepare
from bilstm_helpers.sheet_break_synthetic import TwinParams, make_sheet_breaks

RNG = np.random.default_rng(0)
Y = (RNG.random(200) < 0.2).astype(int)
PROB = np.clip(0.3 * Y + RNG.random(200) * 0.7, 0, 1)


def test_scores_match_scikit_learn() -> None:
    s = sbm.scores(Y, PROB, threshold=0.5)
    pred = (PROB >= 0.5).astype(int)
    tn, fp, fn, tp = confusion_matrix(Y, pred).ravel()
    assert (s["tn"], s["fp"], s["fn"], s["tp"]) == (tn, fp, fn, tp)
    assert s["precision"] == pytest.approx(precision_score(Y, pred))
    assert s["recall"] == pytest.approx(recall_score(Y, pred))
    assert s["f1"] == pytest.approx(f1_score(Y, pred))
    assert s["fpr"] == pytest.approx(fp / (fp + tn))
    assert sbm.scores(Y, np.zeros(200), 0.5)["f1"] == 0.0  # nothing predicted: 0, not NaN
    with pytest.raises(ValueError, match="must have the same length"):
        sbm.confusion(Y, PROB[:-1])


def test_best_threshold_maximises_f1() -> None:
    best = sbm.best_threshold(Y, PROB)
    f1 = {t: f1_score(Y, PROB >= t) for t in np.unique(PROB)}
    assert f1_score(Y, PROB >= best) == pytest.approx(max(f1.values()))
    with pytest.raises(ValueError, match="no positive sample"):
        sbm.best_threshold(np.zeros(5), np.linspace(0, 1, 5))


def test_keras_metrics_agree_with_numpy() -> None:
    metrics = sbm.sheet_break_metrics()
    y_true = Y[:, None].astype("float32")
    y_pred = PROB[:, None].astype("float32")
    values = {}
    for metric in metrics[1:]:
        metric.update_state(y_true[:120], y_pred[:120])
        metric.update_state(y_true[120:], y_pred[120:])  # counts accumulate over batches
        values[metric.name] = float(metric.result())
    s = sbm.scores(Y, PROB, 0.5)
    assert values["recall"] == pytest.approx(s["recall"], abs=1e-6)
    assert values["f1"] == pytest.approx(s["f1"], abs=1e-6)
    assert values["fpr"] == pytest.approx(s["fpr"], abs=1e-6)
    fpr = metrics[3]
    fpr.reset_state()
    assert float(fpr.result()) == 0.0


def test_parameter_counts_match_s0() -> None:
    model = sbm.build_sheet_break_model(lookback=5, n_features=69)
    counts = [layer.count_params() for layer in model.layers]
    assert counts[0] == sbm.lstm_layer_parameters(69, 16) == 11_008
    assert counts[2] == sbm.lstm_layer_parameters(32, 8) == 2_624
    assert model.count_params() == 13_713  # the sheet-break tutorial's (S0) total
    assert model.output_shape == (None, 1)
    one_way = sbm.build_sheet_break_model(5, 69, bidirectional=False)
    assert one_way.layers[0].count_params() == sbm.lstm_layer_parameters(69, 16, bidirectional=False)


def test_training_and_baselines_run() -> None:
    frame = make_sheet_breaks(0, TwinParams(n_rows=1500, n_breaks=14, n_decoys=5)).frame
    data = prepare(frame, lookback=3)
    model, history = sbm.train_sheet_break_model(data, seed=0, epochs=2, patience=1)
    assert {"loss", "val_loss", "val_f1", "val_recall", "val_fpr"} <= set(history)
    prob = sbm.predict_proba(model, data.x_test)
    assert prob.shape == data.y_test.shape and ((0 <= prob) & (prob <= 1)).all()
    again, _ = sbm.train_sheet_break_model(data, seed=0, epochs=2, patience=1)
    np.testing.assert_allclose(sbm.predict_proba(again, data.x_test), prob, atol=1e-5)  # seeded
    valid, test = sbm.logistic_baseline(data, seed=0)
    assert valid.shape == data.y_valid.shape and test.shape == data.y_test.shape
    fitted = sbm.logistic_baseline_model(data, seed=0)
    np.testing.assert_allclose(fitted.predict_proba(sbm.flatten_windows(data.x_test))[:, 1], test)
    assert sbm.flatten_windows(data.x_test).shape == (len(data.x_test), 3 * data.x_test.shape[2])


def test_scores_at_valid_threshold() -> None:
    s = sbm.scores_at_valid_threshold(Y[:100], PROB[:100], Y[100:], PROB[100:])
    assert s == sbm.scores(Y[100:], PROB[100:], sbm.best_threshold(Y[:100], PROB[:100]))
