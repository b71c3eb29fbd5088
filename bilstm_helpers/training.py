"""Training in pure NumPy: a dense head, binary cross-entropy, Adam, and a
small sequence classifier that puts them on top of an LSTM or a BiLSTM.

Shapes: ``B`` batch, ``T`` time, ``F`` features into the head.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Literal

import numpy as np

from bilstm_helpers.bilstm import BiLSTMParams, bilstm_backward, bilstm_forward, init_bilstm, reverse_within_lengths
from bilstm_helpers.checks import check_lengths, check_merge_mode, check_sequences
from bilstm_helpers.fast_bilstm import fast_bilstm_backward, fast_bilstm_forward
from bilstm_helpers.lstm import LSTMParams, init_lstm, lstm_backward, lstm_forward, sigmoid

Direction = Literal["forward", "backward", "bidirectional"]
DIRECTIONS = ("forward", "backward", "bidirectional")


def leaves(params) -> Iterator[np.ndarray]:
    """Every array in a (nested) parameter dataclass, in field order."""
    for field in fields(params):
        value = getattr(params, field.name)
        if is_dataclass(value):
            yield from leaves(value)
        else:
            yield value


@dataclass
class DenseParams:
    """A dense layer to one logit: kernel (F, 1), bias (1,)."""

    kernel: np.ndarray
    bias: np.ndarray


def binary_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy on logits, and its gradient.

    Args:
        logits, targets: same shape, e.g. (B,) or (B, T); targets in {0, 1}.
        weights: same shape, 0 for entries to ignore (padded steps), or None.

    Returns:
        loss: the weighted mean; dlogits: its gradient, shaped like logits.
        Written as max(z, 0) - z*y + log(1 + exp(-|z|)), which never overflows.
    """
    if logits.shape != targets.shape:
        raise ValueError(
            f"targets have shape {targets.shape} but the model predicts {logits.shape}; "
            "give one target per prediction (reshape the targets)."
        )
    if weights is None:
        weights = np.ones_like(logits)
    total = weights.sum()
    per_entry = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
    loss = float((per_entry * weights).sum() / total)
    dlogits = (sigmoid(logits) - targets) * weights / total
    return loss, dlogits


class Adam:
    """Adam (Kingma & Ba 2015) that updates a parameter dataclass in place."""

    def __init__(self, learning_rate: float = 1e-2, beta1: float = 0.9,
                 beta2: float = 0.999, epsilon: float = 1e-7) -> None:
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.steps = 0
        self.moments: list[tuple[np.ndarray, np.ndarray]] | None = None

    def step(self, params, grads) -> None:
        """Apply one update; ``grads`` has the same structure as ``params``."""
        pairs = list(zip(leaves(params), leaves(grads)))
        if self.moments is None:
            self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p, _ in pairs]
        self.steps += 1
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for (p, g), (m, v) in zip(pairs, self.moments):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)


@dataclass
class ClassifierParams:
    """Recurrent layer plus the dense head on top of it."""

    rnn: LSTMParams | BiLSTMParams
    head: DenseParams


class SequenceClassifier:
    """LSTM or BiLSTM + Dense(1, sigmoid), trained with BCE and Adam.

    Args:
        input_size, hidden_size: D and H.
        direction: 'forward' (an LSTM), 'backward' (an LSTM that reads each
            sequence from its end, outputs re-aligned in time) or
            'bidirectional' (both, merged with ``merge_mode``).
        per_step: True predicts one label per step (targets (B, T)); False one
            per sequence from the final states (targets (B,)).
    """

    # A bidirectional model trains on the fast twin of the reference BiLSTM
    # (fast_bilstm, tested equal to bilstm in tests/test_fast_bilstm.py, which
    # also checks that both paths train the classifier to the same results).
    # benchmarks/bench_numpy.py measures the twin's speed against the reference
    # and PyTorch; its figures are in results/bench_numpy.json, not typed here.
    # Set ``fast_bilstm = False`` (class or model) to train on the reference.
    fast_bilstm: bool = True

    def __init__(self, input_size: int, hidden_size: int, direction: Direction = "bidirectional",
                 merge_mode: str | None = "concat", per_step: bool = True, seed: int = 0,
                 dtype: type = np.float64) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r}; use one of {DIRECTIONS}.")
        if direction == "bidirectional" and check_merge_mode(merge_mode) is None:
            raise ValueError("a classifier needs one merged output; use merge_mode "
                             "'concat', 'sum', 'mul' or 'ave'.")
        self.direction, self.merge_mode, self.per_step = direction, merge_mode, per_step
        if direction == "bidirectional":
            rnn = init_bilstm(input_size, hidden_size, seed=seed, dtype=dtype)
            features = 2 * hidden_size if merge_mode == "concat" else hidden_size
        else:
            rnn = init_lstm(input_size, hidden_size, seed=seed, dtype=dtype)
            features = hidden_size
        rng = np.random.default_rng(seed + 2)
        limit = np.sqrt(6.0 / (features + 1))
        head = DenseParams(rng.uniform(-limit, limit, (features, 1)).astype(dtype), np.zeros(1, dtype))
        self.params = ClassifierParams(rnn, head)

    def _features(self, x, lengths):
        """Recurrent features: (B, T, F) if per_step else (B, F), and a cache."""
        if self.direction == "bidirectional":
            forward = fast_bilstm_forward if self.fast_bilstm else bilstm_forward
            y, _, cache = forward(x, self.params.rnn, lengths, self.merge_mode, return_sequences=self.per_step)
            return y, cache
        if self.direction == "backward":
            x = reverse_within_lengths(x, lengths)
        out, (h_n, _), cache = lstm_forward(x, self.params.rnn, lengths)
        if not self.per_step:
            return h_n, cache
        if self.direction == "backward":
            out = reverse_within_lengths(out, lengths)
        return out, cache

    def _features_backward(self, d_features, cache, lengths):
        """Gradients of the recurrent layer's parameters."""
        if self.direction == "bidirectional":
            backward = fast_bilstm_backward if self.fast_bilstm else bilstm_backward
            return backward(d_features, cache)[0]
        if not self.per_step:
            return lstm_backward(None, cache, (d_features, None))[0]
        if self.direction == "backward":
            d_features = reverse_within_lengths(d_features, lengths)
        return lstm_backward(d_features, cache)[0]

    def logits(self, x: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        """x: (B, T, D) -> logits (B, T) if per_step else (B,)."""
        features, _ = self._features(x, self._lengths(x, lengths))
        return (features @ self.params.head.kernel)[..., 0] + self.params.head.bias[0]

    def predict_proba(self, x: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of label 1, shaped like :meth:`logits`."""
        return sigmoid(self.logits(x, lengths))

    def loss_and_grads(self, x: np.ndarray, targets: np.ndarray,
                       lengths: np.ndarray | None = None) -> tuple[float, ClassifierParams]:
        """Mean BCE over real steps (or sequences) and its gradients."""
        lengths = self._lengths(x, lengths)
        features, cache = self._features(x, lengths)
        head = self.params.head
        logits = (features @ head.kernel)[..., 0] + head.bias[0]
        weights = None
        if self.per_step and lengths is not None:
            weights = (np.arange(x.shape[1])[None, :] < lengths[:, None]).astype(logits.dtype)
        loss, dlogits = binary_cross_entropy(logits, np.asarray(targets, logits.dtype), weights)
        flat_features = features.reshape(-1, features.shape[-1])
        d_head = DenseParams(flat_features.T @ dlogits.reshape(-1, 1), dlogits.sum(keepdims=True).reshape(1))
        d_features = dlogits[..., None] * head.kernel[:, 0]
        return loss, ClassifierParams(self._features_backward(d_features, cache, lengths), d_head)

    def fit(self, batches: Iterator[tuple[np.ndarray, np.ndarray]], steps: int,
            learning_rate: float = 1e-2) -> np.ndarray:
        """Train on ``steps`` batches of (x (B, T, D), targets) from an iterator.

        Returns:
            (steps,) the training loss of every batch.
        """
        optimizer = Adam(learning_rate)
        losses = np.empty(steps)
        for step in range(steps):
            x, targets = next(batches)
            losses[step], grads = self.loss_and_grads(x, targets)
            optimizer.step(self.params, grads)
        return losses

    def _lengths(self, x, lengths):
        x = check_sequences(x, self.params.rnn.input_size)
        return check_lengths(lengths, x.shape[0], x.shape[1])
