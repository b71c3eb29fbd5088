"""Keras 3 models of the Keras chapter and a seeded multi-seed training runner.

The models are those of the Machine Learning Mastery tutorial on the
cumulative-sum problem (forward ``LSTM(20)``, ``go_backwards`` ``LSTM(20)``,
``Bidirectional(LSTM(20))`` with a chosen ``merge_mode``, each followed by a
per-step ``TimeDistributed(Dense(1, sigmoid))``), the parameter count of a
Keras LSTM layer, and the one ``predict_proba`` of the book's Keras models.
The tutorial trained on one sequence per step;
:func:`~bilstm_helpers.keras.models.train_s4_runs` trains on batches of fresh
synthetic sequences instead, once per seed.

Importing this module imports Keras (and TensorFlow).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from bilstm_helpers.checks import check_merge_mode
from bilstm_helpers.toy import make_sequences

# Every new model's ``predict`` traces a new function; after a few, TensorFlow
# logs a "retracing" notice meant for functions re-created in a loop. The
# chapters score many models on purpose.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

#: Reading directions of :func:`~bilstm_helpers.keras.models.s4_model`:
#: ``backward`` is ``go_backwards=True`` as the tutorial wrote it (its output
#: comes out reversed in time and is scored against labels in input order);
#: ``backward_aligned`` flips the output back so that step t is scored against
#: label t.
KINDS = ("forward", "backward", "backward_aligned", "bidirectional")


def lstm_layer_parameters(input_size: int, hidden_size: int, bidirectional: bool = True) -> int:
    """Trainable numbers of a Keras ``LSTM(hidden_size)`` layer on ``input_size``
    features: 4 gates * H * (D + H + 1) (one bias per gate; PyTorch has two),
    twice that for ``Bidirectional``."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size}, {hidden_size}.")
    return 4 * hidden_size * (input_size + hidden_size + 1) * (2 if bidirectional else 1)


def predict_proba(model: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Probabilities of the positive class from a one-sigmoid-output model.

    ``model.predict`` in inference mode (no dropout), without a progress bar.
    The batch size only bounds memory: at 1,024 reviews of 400 steps a
    BiLSTM's activations take a few hundred MB more than at 256, which
    matters under Binder's 2 GB. (``model.predict`` runs one compiled function;
    calling the model eagerly would run its time steps from Python.)

    x: (samples, time) ids or (samples, time, features) -> (samples,) float64.
    """
    return model.predict(x, batch_size=batch_size, verbose=0).reshape(-1).astype(np.float64)


def s4_model(kind: str = "bidirectional", merge_mode: str | None = "concat", hidden_size: int = 20,
             input_size: int = 1, learning_rate: float = 1e-3, jit_compile: bool | str = "auto") -> Any:
    """A compiled per-step classifier for the cumulative-sum problem.

    Args:
        kind: one of :data:`~bilstm_helpers.keras.models.KINDS`.
        merge_mode: of the ``Bidirectional`` wrapper ('concat', 'sum', 'mul',
            'ave'); only used when kind is 'bidirectional'. None is rejected:
            the Dense head needs one tensor.
        hidden_size: units of each LSTM direction (20 in the tutorial).
        input_size: features per step (1 for the cumulative-sum problem).
        learning_rate: of Adam (Keras's default 1e-3, as in the tutorial).
        jit_compile: passed to ``model.compile``. True (XLA) does not train
            these small models faster on a CPU, and every compiled model keeps
            tens of MB after it is dropped, so the book leaves it off
            (``benchmarks/bench_keras_memory.py`` measures time and memory).

    Returns:
        A functional ``keras.Model``: x (batch, time, input_size) ->
        probabilities (batch, time, 1); Adam, binary cross-entropy.
    """
    layers = keras.layers
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}.")
    merge_mode = check_merge_mode(merge_mode)
    if kind == "bidirectional" and merge_mode is None:
        raise ValueError("merge_mode=None returns two tensors, which a Dense head cannot take; "
                         "use 'concat', 'sum', 'mul' or 'ave'.")
    inputs = keras.Input(shape=(None, input_size), name="x")
    if kind == "bidirectional":
        lstm = layers.LSTM(hidden_size, return_sequences=True)
        h = layers.Bidirectional(lstm, merge_mode=merge_mode, name="bilstm")(inputs)
    else:
        h = layers.LSTM(hidden_size, return_sequences=True, go_backwards=kind != "forward",
                        name="lstm")(inputs)
        if kind == "backward_aligned":
            h = layers.Lambda(lambda t: keras.ops.flip(t, axis=1), name="flip_time")(h)
    outputs = layers.TimeDistributed(layers.Dense(1, activation="sigmoid"), name="per_step")(h)
    model = keras.Model(inputs, outputs, name=f"s4_{kind}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  jit_compile=jit_compile)
    return model


@dataclass
class S4Runs:
    """Seeded runs of one model: ``losses`` (seeds, epochs) mean training loss
    per epoch, ``accuracy`` (seeds,) per-step accuracy on fresh test sequences."""

    kind: str
    merge_mode: str | None
    seeds: list[int]
    losses: np.ndarray
    accuracy: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    def final_loss(self, last: int = 5) -> np.ndarray:
        """(seeds,) mean loss of the last ``last`` epochs of each seed."""
        return self.losses[:, -last:].mean(axis=1)


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int) -> Any:
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)

    def generator():
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]
    return generator()


def reset_for_seed(model: Any, seed: int, **s4_settings: Any) -> Any:
    """Give a compiled :func:`~bilstm_helpers.keras.models.s4_model` the initial
    weights of seed ``seed`` and a fresh optimizer state, so it trains exactly as a new model built after
    ``keras.utils.set_random_seed(seed)`` would, without tracing (and compiling)
    its training step again.

    Args:
        model: from ``s4_model(**s4_settings)``.
        s4_settings: the arguments that built ``model``.
    """
    keras.utils.set_random_seed(seed)
    model.set_weights(s4_model(**s4_settings).get_weights())
    if model.optimizer.built:
        for variable in model.optimizer.variables:
            if variable.name != "learning_rate":  # iterations, momentums, velocities
                variable.assign(keras.ops.zeros(variable.shape, variable.dtype))
    return model


def train_s4_runs(kind: str, seeds: list[int], merge_mode: str | None = "concat", epochs: int = 40,
                  steps_per_epoch: int = 8, batch_size: int = 32, length: int = 10,
                  hidden_size: int = 20, learning_rate: float = 1e-2,
                  test_sequences: int = 1000, jit_compile: bool | str = False) -> S4Runs:
    """Train :func:`~bilstm_helpers.keras.models.s4_model` once per seed on fresh
    synthetic cumulative-sum sequences.

    Seed s draws the initial weights and the training data; every step sees a
    new batch (batch_size, length, 1), so the training loss of an epoch is
    measured on sequences the model had not seen before that step. Models of
    different kinds trained with the same seed see the same data, so their
    losses can be compared seed by seed. One model is compiled per call and
    reset for each seed with :func:`~bilstm_helpers.keras.models.reset_for_seed`.

    Returns:
        :class:`~bilstm_helpers.keras.models.S4Runs` with losses (len(seeds),
        epochs) and accuracy (len(seeds),) on ``test_sequences`` other fresh
        sequences.
    """
    if not seeds or epochs < 1 or steps_per_epoch < 1 or batch_size < 1:
        raise ValueError("need at least one seed and epochs, steps_per_epoch, batch_size >= 1, got "
                         f"{len(seeds)} seeds, {epochs}, {steps_per_epoch}, {batch_size}.")
    build = dict(kind=kind, merge_mode=merge_mode, hidden_size=hidden_size,
                 learning_rate=learning_rate, jit_compile=jit_compile)
    model = s4_model(**build)
    losses, accuracy = [], []
    for seed in seeds:
        reset_for_seed(model, seed, **build)
        x, y = make_sequences(epochs * steps_per_epoch * batch_size, length, "past", seed=seed)
        data = _batches(x.astype("float32"), y[..., None].astype("float32"), batch_size)
        history = model.fit(data, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0,
                            shuffle=False)
        losses.append(history.history["loss"])
        x_test, y_test = make_sequences(test_sequences, length, "past", seed=10_000 + seed)
        p = keras.ops.convert_to_numpy(model(x_test.astype("float32")))[..., 0]
        accuracy.append(float(((p > 0.5) == y_test).mean()))
    settings = dict(epochs=epochs, steps_per_epoch=steps_per_epoch, batch_size=batch_size,
                    length=length, hidden_size=hidden_size, learning_rate=learning_rate)
    return S4Runs(kind, merge_mode, list(seeds), np.asarray(losses), np.asarray(accuracy), settings)
