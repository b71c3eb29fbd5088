"""bilstm_helpers.imdb.keras_models: the chapter's Keras models (small, fast)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("keras")

from bilstm_helpers.imdb.keras_models import build_text_classifier, fit_timed, s1_model
from bilstm_helpers.keras.models import predict_proba
from bilstm_helpers.metrics import accuracy


def test_s1_model_layers_and_parameters() -> None:
    model = s1_model(maxlen=300)
    assert model.output_shape == (None, 1)
    bilstm = model.get_layer("bilstm")
    assert bilstm.merge_mode == "sum" and bilstm.forward_layer.units == 10
    # embedding 5000*15; each direction 4*10*(15+10+1); dense 10+1 (sum keeps 10 features)
    assert model.count_params() == 5000 * 15 + 2 * 4 * 10 * (15 + 10 + 1) + 11


def test_one_way_and_max_pooling_shapes() -> None:
    one_way = build_text_classifier(50, 8, units=4, bidirectional=False)
    assert one_way.count_params() == 50 * 15 + 4 * 4 * (15 + 4 + 1) + 5
    pooled = build_text_classifier(50, 8, units=4, merge_mode="concat", pooling="max", dropout=0.2)
    x = np.random.default_rng(0).integers(0, 50, (3, 8)).astype("int32")
    assert predict_proba(pooled, x).shape == (3,)


def test_masked_model_ignores_padding() -> None:
    model = build_text_classifier(20, 6, units=3, mask_zero=True)
    probabilities = predict_proba(model, np.array([[0, 0, 0, 5, 6, 7], [0, 5, 6, 7, 0, 0]], "int32"))
    assert probabilities[0] == pytest.approx(probabilities[1], abs=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"pooling": "mean"}, "pooling must be 'last' or 'max'"),
    ({"pooling": "max", "mask_zero": True}, "not supported here"),
    ({"dropout": 1.0}, r"dropout must lie in \[0, 1\)"),
])
def test_bad_settings(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_text_classifier(10, 4, **kwargs)


def test_fit_timed_learns_and_stops_at_the_budget() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20, (64, 5)).astype("int32")
    y = (x[:, -1] > 10).astype("int32")  # the label is in the last id
    model = build_text_classifier(20, 5, embedding_dim=4, units=4, learning_rate=0.05)
    run = fit_timed(model, x, y, epochs=25, batch_size=32, validation_data=(x, y))
    assert run["epochs_run"] == 25 and len(run["history"]["val_accuracy"]) == 25
    assert accuracy(predict_proba(model, x), y) > 0.9
    stopped = fit_timed(model, x, y, epochs=1000, batch_size=16, budget_s=0.0)
    assert stopped["epochs_run"] == 1


def test_fit_timed_restores_the_best_validation_epoch() -> None:
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 30, (64, 6)).astype("int32")
    y = (x[:, -1] > 15).astype("float32")
    x_val = rng.integers(1, 30, (32, 6)).astype("int32")
    y_val = (x_val[:, -1] > 15).astype("float32")
    model = build_text_classifier(30, 6, units=4, learning_rate=0.05)
    run = fit_timed(model, x, y, epochs=6, batch_size=16, validation_data=(x_val, y_val), restore_best=True)
    assert accuracy(predict_proba(model, x_val), y_val) == pytest.approx(max(run["history"]["val_accuracy"]))
    assert run["history"]["val_accuracy"][run["best_epoch"] - 1] == max(run["history"]["val_accuracy"])
    with pytest.raises(ValueError, match="pass validation_data"):
        fit_timed(model, x, y, epochs=1, batch_size=16, restore_best=True)

    keras.utils.set_random_seed(0)
    model = build_text_classifier(30, 6, units=4, learning_rate=0.2)
    run = fit_timed(model, x, y, epochs=6, batch_size=16, validation_data=(x_val, y_val), restore_best=True,
                    monitor="val_loss")
    losses = run["history"]["val_loss"]
    assert losses[run["best_epoch"] - 1] == min(losses) and min(losses) < losses[-1]  # not just the last epoch
    assert model.evaluate(x_val, y_val, verbose=0)[0] == pytest.approx(min(losses), rel=1e-5)
    with pytest.raises(ValueError, match="monitor must be one of"):
        fit_timed(model, x, y, epochs=1, batch_size=16, monitor="accuracy")


def test_accuracy() -> None:
    assert accuracy(np.array([0.9, 0.2, 0.6, 0.4]), np.array([1, 0, 0, 0])) == 0.75


@pytest.mark.parametrize("mask_zero", [False, True])
def test_direction_states_add_up_to_the_model(mask_zero: bool) -> None:
    from bilstm_helpers.imdb.keras_models import dense_proba, direction_states

    model = build_text_classifier(20, 6, units=3, mask_zero=mask_zero)
    x = np.array([[0, 0, 3, 5, 6, 7], [1, 2, 3, 4, 5, 6]], "int32")
    h_forward, h_backward = direction_states(model, x, batch_size=1)
    assert h_forward.shape == h_backward.shape == (2, 3)
    np.testing.assert_allclose(dense_proba(model, h_forward + h_backward), predict_proba(model, x), atol=1e-5)


def test_direction_states_needs_last_state_bilstm() -> None:
    from bilstm_helpers.imdb.keras_models import direction_states

    with pytest.raises(ValueError, match="pooling='last'"):
        direction_states(build_text_classifier(10, 4, pooling="max"), np.zeros((1, 4), "int32"))


def test_embedding_gradient_norms_match_finite_differences_and_skip_the_mask() -> None:
    import keras

    from bilstm_helpers.imdb.keras_models import embedding_gradient_norms

    keras.utils.set_random_seed(0)
    model = build_text_classifier(20, 6, units=3, bidirectional=False, mask_zero=True)
    x, y = np.array([[0, 0, 3, 5, 6, 7]], "int32"), np.array([1])
    norms = embedding_gradient_norms(model, x, y)
    assert norms.shape == (1, 6)
    assert np.all(norms[0, :2] == 0) and np.all(norms[0, 2:] > 0)  # masked steps get no gradient
    # finite differences along the gradient of the last word's vector
    emb = model.get_layer("embedding")
    table = emb.get_weights()[0]

    def loss(table_) -> float:
        emb.set_weights([table_])
        p = float(predict_proba(model, x)[0])
        return -np.log(p)

    step = 1e-3
    worse = []
    for sign in (1, -1):
        t = table.copy()
        t[7, 0] += sign * step
        worse.append(loss(t))
    emb.set_weights([table])
    assert abs((worse[0] - worse[1]) / (2 * step)) <= norms[0, 5] * 1.01 + 1e-4


def test_embedding_gradient_norms_one_way_reaches_the_first_word_less() -> None:
    import keras

    from bilstm_helpers.imdb.keras_models import embedding_gradient_norms

    x = np.random.default_rng(0).integers(2, 50, (16, 40)).astype("int32")
    y = np.arange(16) % 2
    ratio = {}
    for bidirectional in (False, True):
        keras.utils.set_random_seed(0)
        model = build_text_classifier(50, 40, units=4, bidirectional=bidirectional)
        norms = embedding_gradient_norms(model, x, y).mean(0)
        ratio[bidirectional] = norms[0] / norms[-1]
    assert ratio[False] < 0.1 < ratio[True]


def test_max_over_time_steps_points_at_the_maximum() -> None:
    import keras

    from bilstm_helpers.imdb.keras_models import max_over_time_steps

    keras.utils.set_random_seed(0)
    model = build_text_classifier(20, 5, units=2, pooling="max", merge_mode="concat")
    x = np.array([[0, 0, 3, 4, 5], [1, 2, 3, 4, 6]], "int32")
    steps = max_over_time_steps(model, x, batch_size=1)
    assert steps.shape == (2, 4) and steps.min() >= 0 and steps.max() < 5
    rnn_out = keras.Model(model.input, model.get_layer("bilstm").output).predict(x, verbose=0)
    np.testing.assert_array_equal(steps, rnn_out.argmax(axis=1))
    with pytest.raises(ValueError, match="pooling='max'"):
        max_over_time_steps(build_text_classifier(10, 4), np.zeros((1, 4), "int32"))
