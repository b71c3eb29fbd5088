"""The Educative sheet-break tutorial's (S0) BiLSTM in Keras 3, its baselines,
metrics and evaluation.

Keras is imported inside the functions that need it. The Keras metrics are
the library's (``F1Score``, ``Recall``) plus :func:`false_positive_rate`,
built from Keras's own ``FalsePositives`` and ``TrueNegatives`` counts. The
NumPy functions (:func:`confusion`, :func:`scores`, :func:`best_threshold`)
evaluate predicted probabilities after training; tests check them against
scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .runtime import import_keras


def false_positive_rate(threshold: float = 0.5, name: str = "fpr") -> Any:
    """A Keras metric: FP / (FP + TN) from ``keras.metrics.FalsePositives``
    and ``keras.metrics.TrueNegatives`` at ``threshold`` (0 when there are no
    negatives yet)."""
    keras = import_keras()

    class FalsePositiveRate(keras.metrics.Metric):
        def __init__(self, threshold: float = 0.5, name: str = "fpr", **kwargs: Any) -> None:
            super().__init__(name=name, **kwargs)
            self.threshold = threshold
            self.fp = keras.metrics.FalsePositives(thresholds=threshold)
            self.tn = keras.metrics.TrueNegatives(thresholds=threshold)

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.fp.update_state(y_true, y_pred, sample_weight)
            self.tn.update_state(y_true, y_pred, sample_weight)

        def result(self):
            fp, tn = self.fp.result(), self.tn.result()
            return keras.ops.divide_no_nan(fp, fp + tn)

        def reset_state(self):
            self.fp.reset_state()
            self.tn.reset_state()

        def get_config(self):
            return {"threshold": self.threshold, "name": self.name}

    return FalsePositiveRate(threshold=threshold, name=name)


def sheet_break_metrics(threshold: float = 0.5) -> list:
    """The sheet-break tutorial's (S0) metrics: accuracy, recall, F1 and
    false-positive rate (Keras), plus the area under the precision-recall curve (``pr_auc``), which does not
    depend on a threshold and is what early stopping watches."""
    keras = import_keras()
    return ["accuracy", keras.metrics.Recall(thresholds=threshold, name="recall"),
            keras.metrics.F1Score(average="micro", threshold=threshold, name="f1"),
            false_positive_rate(threshold), keras.metrics.AUC(curve="PR", name="pr_auc")]


def build_sheet_break_model(lookback: int, n_features: int, bidirectional: bool = True,
                            units: tuple[int, int] = (16, 8), dropout: float = 0.5,
                            learning_rate: float = 1e-3) -> Any:
    """The sheet-break tutorial's (S0) model, compiled: Input(lookback,
    n_features) -> [Bidirectional] LSTM(16, return_sequences) -> Dropout(0.5) -> [Bidirectional] LSTM(8,
    return_sequences) -> Flatten -> Dense(1, sigmoid); Adam, binary
    cross-entropy, :func:`sheet_break_metrics`.

    ``bidirectional=False`` gives the one-way baseline with the same units.
    Input x: (batch, lookback, n_features); output: (batch, 1) probabilities.
    """
    keras = import_keras()
    layers = keras.layers

    def recurrent(size: int) -> Any:
        layer = layers.LSTM(size, activation="tanh", return_sequences=True)
        return layers.Bidirectional(layer) if bidirectional else layer

    model = keras.Sequential([
        keras.Input((lookback, n_features)),
        recurrent(units[0]),
        layers.Dropout(dropout),
        recurrent(units[1]),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ], name="bilstm" if bidirectional else "lstm")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  metrics=sheet_break_metrics())
    return model


def lstm_layer_parameters(input_size: int, hidden_size: int, bidirectional: bool = True) -> int:
    """Weights of one Keras LSTM layer: 4 * H * (D + H + 1), doubled when
    bidirectional (the sheet-break tutorial, S0: 4 * 8 * (32 + 8 + 1) * 2 = 2,624)."""
    return 4 * hidden_size * (input_size + hidden_size + 1) * (2 if bidirectional else 1)


def train_sheet_break_model(data: Any, seed: int, bidirectional: bool = True,
                            epochs: int = 40, batch_size: int = 128, patience: int = 6,
                            class_weight: dict[int, float] | None = None,
                            monitor: str = "val_pr_auc", learning_rate: float = 1e-3) -> tuple[Any, dict]:
    """Seed, build and fit on ``data.x_train`` with early stopping on a
    validation metric (``val_pr_auc`` by default, higher is better; a
    ``*loss`` is minimised), best weights restored.

    Args:
        data: a :class:`~bilstm_helpers.sheet_break_pipeline.Prepared`.

    Returns:
        (model, history): history maps each metric (``loss``, ``val_f1``, ...)
        to its per-epoch values.
    """
    keras = import_keras()
    keras.utils.set_random_seed(seed)
    model = build_sheet_break_model(data.x_train.shape[1], data.x_train.shape[2], bidirectional,
                                    learning_rate=learning_rate)
    stop = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True,
                                         mode="min" if monitor.endswith("loss") else "max")
    fitted = model.fit(data.x_train, data.y_train[:, None].astype("float32"),
                       validation_data=(data.x_valid, data.y_valid[:, None].astype("float32")),
                       epochs=epochs, batch_size=batch_size, class_weight=class_weight,
                       callbacks=[stop], verbose=0)
    return model, {k: [float(v) for v in vals] for k, vals in fitted.history.items()}


def predict_proba(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """x: (samples, lookback, features) -> (samples,) break probabilities.

    Calls the model directly (inference mode, no dropout) in chunks of
    ``batch_size``; unlike ``model.predict`` this traces no new function for
    every model, so evaluating many models prints no retracing warnings.
    """
    keras = import_keras()
    chunks = [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
              for i in range(0, len(x), batch_size)]
    return np.concatenate(chunks).reshape(-1).astype(np.float64)


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


def flatten_windows(x: np.ndarray) -> np.ndarray:
    """(samples, lookback, features) -> (samples, lookback * features) for the
    logistic-regression baseline."""
    return np.asarray(x).reshape(len(x), -1)


def logistic_baseline_model(data: Any, seed: int, c: float = 0.1) -> Any:
    """The fitted model of :func:`logistic_baseline`: a scikit-learn
    ``LogisticRegression`` on :func:`flatten_windows` of ``data.x_train``."""
    from sklearn.linear_model import LogisticRegression

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
