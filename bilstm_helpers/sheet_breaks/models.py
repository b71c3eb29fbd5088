"""The Educative sheet-break tutorial's (S0) BiLSTM in Keras 3 and its training.

Imports Keras at the top. The Keras metrics are the library's (``F1Score``,
``Recall``, ``AUC``) plus :class:`FalsePositiveRate`, built from Keras's own
``FalsePositives`` and ``TrueNegatives`` counts and registered, so a saved
model loads by name. Scores of predicted probabilities after training live
in :mod:`~bilstm_helpers.sheet_breaks.evaluation`; probabilities come from
:func:`bilstm_helpers.keras.models.predict_proba`.
"""

from __future__ import annotations

from typing import Any

import keras


@keras.saving.register_keras_serializable(package="bilstm_helpers")
class FalsePositiveRate(keras.metrics.Metric):
    """FP / (FP + TN) at ``threshold`` from ``keras.metrics.FalsePositives``
    and ``keras.metrics.TrueNegatives`` (0 when there are no negatives yet).

    y_true: (batch, 1) 0/1 labels; y_pred: (batch, 1) probabilities.
    """

    def __init__(self, threshold: float = 0.5, name: str = "fpr", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.fp = keras.metrics.FalsePositives(thresholds=threshold)
        self.tn = keras.metrics.TrueNegatives(thresholds=threshold)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.fp.update_state(y_true, y_pred, sample_weight)
        self.tn.update_state(y_true, y_pred, sample_weight)

    def result(self) -> Any:
        fp, tn = self.fp.result(), self.tn.result()
        return keras.ops.divide_no_nan(fp, fp + tn)

    def reset_state(self) -> None:
        self.fp.reset_state()
        self.tn.reset_state()

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threshold": self.threshold}


def sheet_break_metrics(threshold: float = 0.5) -> list:
    """The sheet-break tutorial's (S0) metrics: accuracy, recall, F1 and
    false-positive rate (Keras), plus the area under the precision-recall curve (``pr_auc``), which does not
    depend on a threshold and is what early stopping watches."""
    return ["accuracy", keras.metrics.Recall(thresholds=threshold, name="recall"),
            keras.metrics.F1Score(average="micro", threshold=threshold, name="f1"),
            FalsePositiveRate(threshold), keras.metrics.AUC(curve="PR", name="pr_auc")]


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


def train_sheet_break_model(data: Any, seed: int, bidirectional: bool = True,
                            epochs: int = 40, batch_size: int = 128, patience: int = 6,
                            class_weight: dict[int, float] | None = None,
                            monitor: str = "val_pr_auc", learning_rate: float = 1e-3) -> tuple[Any, dict]:
    """Seed, build and fit on ``data.x_train`` with early stopping on a
    validation metric (``val_pr_auc`` by default, higher is better; a
    ``*loss`` is minimised), best weights restored.

    Args:
        data: a :class:`~bilstm_helpers.sheet_breaks.pipeline.Prepared`.

    Returns:
        (model, history): history maps each metric (``loss``, ``val_f1``, ...)
        to its per-epoch values.
    """
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
