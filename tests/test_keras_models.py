import keras
import numpy as np
import pytest

from bilstm_helpers.keras.models import (
    KINDS,
    lstm_layer_parameters,
    predict_proba,
    reset_for_seed,
    s4_model,
    train_s4_runs,
)
from bilstm_helpers.toy import make_sequences


def test_parameter_formula_matches_keras():
    model = s4_model("bidirectional", "sum", hidden_size=5, input_size=3)
    assert model.get_layer("bilstm").count_params() == lstm_layer_parameters(3, 5) == 2 * 4 * 5 * 9
    one_way = s4_model("forward", hidden_size=5, input_size=3)
    assert one_way.get_layer("lstm").count_params() == lstm_layer_parameters(3, 5, bidirectional=False) == 4 * 5 * 9


def test_parameter_formula_rejects_empty_layers():
    with pytest.raises(ValueError, match="hidden_size must be >= 1"):
        lstm_layer_parameters(3, 0)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_gives_one_probability_per_step(kind):
    model = s4_model(kind, hidden_size=3)
    p = np.asarray(model(np.random.default_rng(0).uniform(size=(2, 7, 1)).astype("float32")))
    assert p.shape == (2, 7, 1)
    assert np.all((p > 0) & (p < 1))


def test_go_backwards_output_comes_out_reversed_in_time():
    x = np.random.default_rng(1).uniform(size=(2, 6, 1)).astype("float32")
    keras.utils.set_random_seed(4)
    backward = s4_model("backward", hidden_size=3)
    keras.utils.set_random_seed(4)
    aligned = s4_model("backward_aligned", hidden_size=3)
    np.testing.assert_allclose(np.asarray(aligned(x)), np.asarray(backward(x))[:, ::-1], atol=1e-6)


def test_s4_model_rejects_merge_mode_none():
    with pytest.raises(ValueError, match="merge_mode=None returns two tensors"):
        s4_model("bidirectional", merge_mode=None)


def test_s4_model_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind 'reverse'"):
        s4_model("reverse")


def test_a_reset_model_trains_like_a_new_one():
    settings = dict(epochs=1, steps_per_epoch=4, batch_size=4, length=5, hidden_size=3,
                    test_sequences=10, jit_compile=False)
    runs = train_s4_runs("forward", [5, 3], **settings)  # seed 3 runs on the reset model
    assert runs.losses.shape == (2, 1) and runs.accuracy.shape == (2,)
    keras.utils.set_random_seed(3)
    fresh = s4_model("forward", hidden_size=3, learning_rate=1e-2, jit_compile=False)
    x, y = make_sequences(16, 5, "past", seed=3)
    history = fresh.fit(x.astype("float32"), y[..., None].astype("float32"), batch_size=4,
                        epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(runs.losses[1], history.history["loss"], rtol=1e-5)
    assert runs.final_loss(last=1).shape == (2,)


def test_reset_for_seed_restores_the_initial_weights():
    model = s4_model("forward", hidden_size=3)
    reset_for_seed(model, 7, kind="forward", hidden_size=3)
    before = model.get_weights()
    model.fit(np.ones((4, 5, 1), "float32"), np.ones((4, 5, 1), "float32"), verbose=0)
    reset_for_seed(model, 7, kind="forward", hidden_size=3)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(model.optimizer.iterations.numpy()) == 0


def test_train_rejects_no_seeds():
    with pytest.raises(ValueError, match="at least one seed"):
        train_s4_runs("forward", [])


def test_predict_proba_is_the_models_sigmoid_output_flattened():
    model = s4_model("forward", hidden_size=3)
    x = make_sequences(5, 4, "past", seed=0)[0].astype("float32")
    expected = keras.ops.convert_to_numpy(model(x))[..., 0].reshape(-1)
    np.testing.assert_allclose(predict_proba(model, x, batch_size=2), expected, atol=1e-6)
    assert predict_proba(model, x).dtype == np.float64
