import keras
import numpy as np
import pytest
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

from bilstm_helpers.keras import input_pipeline
from bilstm_helpers.keras.input_pipeline import (
    input_autotuning_is_off,
    turn_off_input_autotuning,
    turn_on_input_autotuning,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6, 3)).astype("float32")  # synthetic (batch, time, features)
Y = (X[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]


@pytest.fixture(autouse=True)
def keras_own_pipeline_after_each_test():
    yield
    turn_on_input_autotuning()


def trained_weights(seed: int) -> list[np.ndarray]:
    """Fit a seeded BiLSTM with shuffled batches and a validation split; its weights."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(6, 3)), keras.layers.Bidirectional(keras.layers.LSTM(4)),
                              keras.layers.Dropout(0.3), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X[:64], Y[:64], epochs=3, batch_size=8, shuffle=True, validation_data=(X[64:], Y[64:]), verbose=0)
    return model.get_weights()


def test_a_seeded_fit_ends_with_the_same_weights_without_autotuning():
    before = trained_weights(seed=3)
    assert turn_off_input_autotuning() is True
    after = trained_weights(seed=3)
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)  # bitwise: same batches in the same order
    assert not np.array_equal(trained_weights(seed=4)[0], after[0])  # the check can tell seeds apart


def test_the_pipeline_keras_builds_from_arrays_has_autotuning_off_until_turned_on_again():
    def autotune_enabled() -> bool | None:
        dataset = ArrayDataAdapter(X, Y, batch_size=8, shuffle=True).get_tf_dataset()
        return dataset.options().autotune.enabled

    assert autotune_enabled() is not False and not input_autotuning_is_off()
    turn_off_input_autotuning()
    assert autotune_enabled() is False and input_autotuning_is_off()
    turn_on_input_autotuning()
    assert autotune_enabled() is not False and not input_autotuning_is_off()


def test_a_second_call_does_not_wrap_twice_and_turning_on_restores_keras_own_method():
    original = ArrayDataAdapter.get_tf_dataset
    assert turn_off_input_autotuning() and turn_off_input_autotuning()
    patched = ArrayDataAdapter.get_tf_dataset
    assert patched is not original and getattr(patched, input_pipeline.MARK) is original
    turn_on_input_autotuning()
    assert ArrayDataAdapter.get_tf_dataset is original


def test_a_keras_release_without_the_adapter_changes_nothing(monkeypatch):
    monkeypatch.setattr(input_pipeline, "ArrayDataAdapter", None)
    assert turn_off_input_autotuning() is False
    assert not input_autotuning_is_off()
