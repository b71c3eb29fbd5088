"""Keras 3 text classifiers for the IMDB case study (imports Keras at the top).

One builder covers every model of the chapter: the tutorial model S1
(Embedding(5000, 15) -> Bidirectional(LSTM(10), merge_mode='sum') ->
Dense(1, sigmoid)), its masked variant, the larger from-scratch BiLSTM and
the one-way LSTM it is compared with. Inputs are the int32 id matrices of
:func:`~bilstm_helpers.imdb.vectorize.vectorize`, x: (batch, maxlen), with
``PAD_ID`` = 0 as padding.
"""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

POOLINGS = ("last", "max")
#: What ``fit_timed(restore_best=True)`` can choose the epoch on, and in which direction.
MONITORS = {"val_accuracy": "max", "val_loss": "min"}


def build_text_classifier(num_words: int, maxlen: int, *, embedding_dim: int = 15,
                          units: int = 10, bidirectional: bool = True,
                          merge_mode: str | None = "sum", mask_zero: bool = False,
                          pooling: str = "last", dropout: float = 0.0,
                          learning_rate: float = 1e-3):
    """Embedding -> (Bi)LSTM -> Dense(1, sigmoid), compiled with Adam and
    binary cross-entropy (metric: accuracy).

    Args:
        num_words: ids 0..num_words-1 (the Embedding's input_dim).
        maxlen: the padded length of the inputs, x: (batch, maxlen).
        embedding_dim: size of each word vector.
        units: the LSTM's hidden_size (per direction).
        bidirectional: False gives a one-way (forward) LSTM.
        merge_mode: how ``Bidirectional`` merges the directions ('sum', 'concat', ...).
        mask_zero: mask the padding (id 0) so that the LSTM skips it.
        pooling: 'last' classifies from the final state of each direction;
            'max' takes the maximum over time of every step's output
            (``return_sequences=True`` then ``GlobalMaxPooling1D``).
        dropout: rate of a ``Dropout`` after the embedding and before the
            Dense layer (0 = none).
        learning_rate: Adam's step size.

    Returns:
        model: a compiled ``keras.Model``, (batch, maxlen) int ids ->
            (batch, 1) probabilities of a positive review.
    """
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be 'last' or 'max', got {pooling!r}; "
                         "'last' is the tutorial's choice.")
    if pooling == "max" and mask_zero:
        raise ValueError("pooling='max' with mask_zero=True is not supported here: "
                         "GlobalMaxPooling1D would take padded steps into the maximum. "
                         "Use pooling='last' with the mask, or mask_zero=False.")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout}; e.g. dropout=0.3.")
    layers = keras.layers
    inputs = keras.Input(shape=(maxlen,), dtype="int32", name="ids")
    h = layers.Embedding(num_words, embedding_dim, mask_zero=mask_zero, name="embedding")(inputs)
    if dropout:
        h = layers.Dropout(dropout)(h)
    lstm = layers.LSTM(units, return_sequences=pooling == "max", name="lstm")
    h = layers.Bidirectional(lstm, merge_mode=merge_mode, name="bilstm")(h) if bidirectional else lstm(h)
    if pooling == "max":
        h = layers.GlobalMaxPooling1D(name="max_over_time")(h)
    if dropout:
        h = layers.Dropout(dropout)(h)
    outputs = layers.Dense(1, activation="sigmoid", name="positive")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def s1_model(maxlen: int = 300, mask_zero: bool = False):
    """The tutorial's model (S1): Embedding(5000, 15) -> Bidirectional(LSTM(10),
    merge_mode='sum') -> Dense(1, sigmoid); x: (batch, maxlen) -> (batch, 1)."""
    return build_text_classifier(5000, maxlen, embedding_dim=15, units=10, merge_mode="sum",
                                 mask_zero=mask_zero)


class Budget(keras.callbacks.Callback):
    """Counts the epochs started and stops training at the first batch that
    ends more than ``budget_s`` seconds after ``start`` (``time.perf_counter``);
    ``budget_s=None`` never stops."""

    def __init__(self, budget_s: float | None, start: float) -> None:
        super().__init__()
        self.budget_s, self.start, self.epochs_run = budget_s, start, 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs_run = epoch + 1

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.budget_s is not None and time.perf_counter() - self.start > self.budget_s:
            self.model.stop_training = True


def fit_timed(model, x: np.ndarray, y: np.ndarray, *, epochs: int, batch_size: int,
              validation_data: tuple[np.ndarray, np.ndarray] | None = None,
              budget_s: float | None = None, restore_best: bool = False,
              monitor: str = "val_accuracy") -> dict[str, Any]:
    """``model.fit`` without progress bars, timed, optionally within a time budget.

    Args:
        x: (n, maxlen) int32 ids.
        y: (n,) 0/1 labels.
        epochs: the most epochs to run.
        batch_size: examples per step.
        validation_data: (x_val, y_val), scored after every epoch.
        budget_s: stop training at the first batch that ends after this many
            seconds (the epoch is cut short); None trains all epochs.
        restore_best: after training, keep the weights of the best epoch by
            ``monitor`` (needs ``validation_data``): the number of epochs is
            then chosen on validation, deterministically.
        monitor: what ``restore_best`` maximizes, 'val_accuracy', or
            minimizes, 'val_loss' (see ``MONITORS``).

    Returns:
        run: a dict with ``seconds`` (training wall time), ``epochs_run``
            (epochs started), ``history`` (Keras's per-epoch metrics as
            lists of floats) and, with ``restore_best``, ``best_epoch``
            (1-based, the epoch whose weights the model keeps).
    """
    if monitor not in MONITORS:
        raise ValueError(f"monitor must be one of {sorted(MONITORS)}, got {monitor!r}; "
                         "e.g. monitor='val_loss'.")
    start = time.perf_counter()

    callbacks = [Budget(budget_s, start)]
    if restore_best:
        if validation_data is None:
            raise ValueError("restore_best=True chooses an epoch on validation: pass validation_data.")
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, mode=MONITORS[monitor],
                                                       patience=epochs, restore_best_weights=True))
    budget = callbacks[0]
    history = model.fit(x, np.asarray(y, dtype="float32"), epochs=epochs, batch_size=batch_size,
                        validation_data=validation_data, callbacks=callbacks, verbose=0)
    run = {"seconds": time.perf_counter() - start, "epochs_run": budget.epochs_run,
           "history": {k: [float(v) for v in vals] for k, vals in history.history.items()}}
    if restore_best:
        scores = np.asarray(run["history"][monitor])
        run["best_epoch"] = int(np.argmax(scores) if MONITORS[monitor] == "max" else np.argmin(scores)) + 1
    return run


def direction_states(model, x: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Final states of the two directions of a ``pooling='last'`` BiLSTM model.

    Runs the model's embedding (with its mask, if any) and then the forward
    and the backward layer of its ``Bidirectional`` separately, in one
    compiled Keras model that shares the trained layers.

    Args:
        model: from :func:`~bilstm_helpers.imdb.keras_models.build_text_classifier`
            with ``bidirectional=True``, ``pooling='last'``, ``dropout=0``.
        x: (n, maxlen) int ids.

    Returns:
        h_forward: (n, units) the forward layer's state after the last
            (unmasked) step.
        h_backward: (n, units) the backward layer's state after the first.
            With ``merge_mode='sum'`` the Dense layer sees their sum.
    """
    names = [layer.name for layer in model.layers]
    if "bilstm" not in names or "max_over_time" in names or any("dropout" in n for n in names):
        raise ValueError("direction_states needs a model from build_text_classifier with "
                         "bidirectional=True, pooling='last' and dropout=0; got layers "
                         f"{names}.")
    embedding, bilstm = model.get_layer("embedding"), model.get_layer("bilstm")
    ids = keras.Input(shape=tuple(model.input_shape[1:]), dtype="int32")
    vectors = embedding(ids)  # carries the mask when mask_zero=True
    split = keras.Model(ids, [bilstm.forward_layer(vectors), bilstm.backward_layer(vectors)])
    h_forward, h_backward = split.predict(np.asarray(x), batch_size=batch_size, verbose=0)
    return np.asarray(h_forward), np.asarray(h_backward)


def dense_proba(model, h: np.ndarray) -> np.ndarray:
    """The model's output layer (``Dense(1, sigmoid)``, named 'positive')
    applied to features h: (n, units) -> (n,) probabilities."""
    dense = model.get_layer("positive")
    kernel, bias = (np.asarray(w) for w in dense.get_weights())
    return 1.0 / (1.0 + np.exp(-(np.asarray(h) @ kernel[:, 0] + bias[0])))


def _last_state_layers(model, what: str):
    names = [layer.name for layer in model.layers]
    rnn = "bilstm" if "bilstm" in names else "lstm"
    if rnn not in names or "max_over_time" in names or any("dropout" in n for n in names):
        raise ValueError(f"{what} needs a model from build_text_classifier with pooling='last' "
                         f"and dropout=0; got layers {names}.")
    return model.get_layer("embedding"), model.get_layer(rnn), model.get_layer("positive")


def embedding_gradient_norms(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How strongly the loss reaches each word: the norm of d loss / d (word vector).

    For every review, the gradient of its binary cross-entropy with respect
    to the word vectors that the Embedding hands to the (Bi)LSTM, one norm per
    step. Needs the TensorFlow backend.

    Args:
        model: from :func:`build_text_classifier` with ``pooling='last'`` and
            ``dropout=0`` (one-way or bidirectional, masked or not).
        x: (n, maxlen) int ids.
        y: (n,) 0/1 labels.

    Returns:
        norms: (n, maxlen) float, ``||d loss_i / d e_{i,t}||_2``.
    """
    if keras.backend.backend() != "tensorflow":
        raise ValueError("embedding_gradient_norms uses tf.GradientTape: set KERAS_BACKEND=tensorflow.")
    embedding, rnn, dense = _last_state_layers(model, "embedding_gradient_norms")
    ids = tf.convert_to_tensor(np.asarray(x), dtype="int32")
    labels = tf.convert_to_tensor(np.asarray(y, dtype="float32").reshape(-1, 1))
    vectors = embedding(ids)
    mask = embedding.compute_mask(ids)
    with tf.GradientTape() as tape:
        tape.watch(vectors)
        p = dense(rnn(vectors, mask=mask))
        loss = tf.reduce_sum(keras.losses.binary_crossentropy(labels, p))
    return np.linalg.norm(np.asarray(tape.gradient(loss, vectors)), axis=-1)


def max_over_time_steps(model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Which step wins the maximum over time, feature by feature.

    Args:
        model: from :func:`build_text_classifier` with ``pooling='max'``.
        x: (n, maxlen) int ids.

    Returns:
        steps: (n, features) int, the step (0..maxlen-1) whose output is the
            pooled feature; with pre-padding, steps < maxlen - length are padding.
    """
    names = [layer.name for layer in model.layers]
    if "max_over_time" not in names:
        raise ValueError(f"max_over_time_steps needs a model with pooling='max'; got layers {names}.")
    rnn = model.get_layer("bilstm" if "bilstm" in names else "lstm")
    ids = keras.Input(shape=tuple(model.input_shape[1:]), dtype="int32")
    outputs = rnn(model.get_layer("embedding")(ids))  # dropout is off at inference
    steps = keras.Model(ids, keras.ops.argmax(outputs, axis=1))
    return np.asarray(steps.predict(np.asarray(x), batch_size=batch_size, verbose=0)).astype(int)

