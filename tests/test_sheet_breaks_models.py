"""The sheet-break tutorial's (S0) model and its Keras metrics, against NumPy."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bilstm_helpers.keras.models import lstm_layer_parameters, predict_proba
from bilstm_helpers.metrics import scores
from bilstm_helpers.sheet_breaks.models import (
    FalsePositiveRate,
    build_sheet_break_model,
    sheet_break_metrics,
    train_sheet_break_model,
)
from bilstm_helpers.sheet_breaks.pipeline import prepare
from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks

RNG = np.random.default_rng(0)
Y = (RNG.random(200) < 0.2).astype(int)
PROB = np.clip(0.3 * Y + RNG.random(200) * 0.7, 0, 1)


def test_keras_metrics_agree_with_numpy() -> None:
    metrics = sheet_break_metrics()
    y_true = Y[:, None].astype("float32")
    y_pred = PROB[:, None].astype("float32")
    values = {}
    for metric in metrics[1:]:
        metric.update_state(y_true[:120], y_pred[:120])
        metric.update_state(y_true[120:], y_pred[120:])  # counts accumulate over batches
        values[metric.name] = float(metric.result())
    s = scores(Y, PROB, 0.5)
    assert values["recall"] == pytest.approx(s["recall"], abs=1e-6)
    assert values["f1"] == pytest.approx(s["f1"], abs=1e-6)
    assert values["fpr"] == pytest.approx(s["fpr"], abs=1e-6)
    fpr = metrics[3]
    assert isinstance(fpr, FalsePositiveRate)
    fpr.reset_state()
    assert float(fpr.result()) == 0.0


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_false_positive_rate_is_registered_and_reloads_by_name(tmp_path) -> None:
    assert keras.saving.get_registered_object("bilstm_helpers>FalsePositiveRate") is FalsePositiveRate
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(FalsePositiveRate(0.3)))
    assert isinstance(again, FalsePositiveRate) and again.threshold == 0.3
    model = build_sheet_break_model(lookback=3, n_features=4)
    model.save(tmp_path / "s0.keras")
    loaded = keras.models.load_model(tmp_path / "s0.keras")  # no custom_objects needed
    x = np.random.default_rng(0).random((8, 3, 4)).astype("float32")
    np.testing.assert_allclose(predict_proba(loaded, x), predict_proba(model, x), atol=1e-6)


def test_parameter_counts_match_s0() -> None:
    model = build_sheet_break_model(lookback=5, n_features=69)
    counts = [layer.count_params() for layer in model.layers]
    assert counts[0] == lstm_layer_parameters(69, 16) == 11_008
    assert counts[2] == lstm_layer_parameters(32, 8) == 2_624
    assert model.count_params() == 13_713  # the sheet-break tutorial's (S0) total
    assert model.output_shape == (None, 1)
    one_way = build_sheet_break_model(5, 69, bidirectional=False)
    assert one_way.layers[0].count_params() == lstm_layer_parameters(69, 16, bidirectional=False)


def test_training_is_seeded() -> None:
    frame = make_sheet_breaks(0, TwinParams(n_rows=1500, n_breaks=14, n_decoys=5)).frame
    data = prepare(frame, lookback=3)
    model, history = train_sheet_break_model(data, seed=0, epochs=2, patience=1)
    assert {"loss", "val_loss", "val_f1", "val_recall", "val_fpr"} <= set(history)
    prob = predict_proba(model, data.x_test)
    assert prob.shape == data.y_test.shape and ((0 <= prob) & (prob <= 1)).all()
    again, _ = train_sheet_break_model(data, seed=0, epochs=2, patience=1)
    np.testing.assert_allclose(predict_proba(again, data.x_test), prob, atol=1e-5)  # seeded
