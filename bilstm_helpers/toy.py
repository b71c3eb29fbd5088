"""Synthetic toy sequence tasks (random numbers, not real data).

Every task draws x uniformly from [0, 1) and labels each step 0/1. They
differ only in which part of the sequence the label at step t depends on:

- ``past``: the running sum x_0 + ... + x_t exceeds n / 4, where n is the
  sequence length. This is the cumulative-sum problem of the Machine Learning
  Mastery tutorial (n = 10 there).
- ``future``: the sum x_t + ... + x_{n-1} exceeds n / 4 (the mirror image).
- ``both``: the sum up to t exceeds the sum after t, i.e. step t lies past the
  "half-way point of the mass" of the sequence; it needs the whole sequence.

The second half of this module trains the NumPy models of chapter 2 on
these tasks, seeded, so a second run of a notebook draws the same curves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bilstm_helpers.stats import SeedComparison, compare_seeds, seed_sd
from bilstm_helpers.training import SequenceClassifier

Task = Literal["past", "future", "both"]
TASKS = ("past", "future", "both")


def label_steps(x: np.ndarray, task: Task) -> np.ndarray:
    """Labels for a batch of full-length sequences.

    Args:
        x: (batch, time) or (batch, time, 1) values in [0, 1).

    Returns:
        (batch, time) float labels in {0, 1}.
    """
    if x.ndim == 3:
        if x.shape[2] != 1:
            raise ValueError(f"toy tasks have one feature, got x of shape {x.shape}.")
        x = x[:, :, 0]
    if x.ndim != 2:
        raise ValueError(f"x must be (batch, time) or (batch, time, 1), got shape {x.shape}.")
    n = x.shape[1]
    past = np.cumsum(x, axis=1)
    future = np.cumsum(x[:, ::-1], axis=1)[:, ::-1]  # x_t + ... + x_{n-1}
    if task == "past":
        labels = past > n / 4
    elif task == "future":
        labels = future > n / 4
    elif task == "both":
        labels = past > past[:, -1:] - past  # sum up to t > sum after t
    else:
        raise ValueError(f"unknown task {task!r}; use one of {TASKS}.")
    return labels.astype(np.float64)


def make_sequences(n_sequences: int, length: int = 10, task: Task = "past",
                   seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw a batch of synthetic sequences and their per-step labels.

    Returns:
        x: (n_sequences, length, 1) uniform [0, 1) values;
        y: (n_sequences, length) labels in {0, 1}.
    """
    if n_sequences < 1 or length < 1:
        raise ValueError(f"need n_sequences >= 1 and length >= 1, got {n_sequences}, {length}.")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(n_sequences, length, 1))
    return x, label_steps(x, task)


def cumulative_sum_sequences(n_sequences: int, length: int = 10,
                             seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """The cumulative-sum problem: label 1 once the running sum exceeds length / 4."""
    return make_sequences(n_sequences, length, "past", seed)


def batch_stream(batch_size: int, length: int = 10, task: Task = "past",
                 seed: int = 0) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """An endless, seeded stream of fresh training batches (x, y)."""
    rng = np.random.default_rng(seed)
    while True:
        yield make_sequences(batch_size, length, task, rng)


def position_rates(y_train: np.ndarray) -> np.ndarray:
    """The label rate at each step of the training sequences.

    Args:
        y_train: (n_sequences, time) labels in {0, 1}.

    Returns:
        (time,) the fraction of training sequences labelled 1 at each step.
    """
    y_train = np.asarray(y_train, dtype=float)
    if y_train.ndim != 2 or len(y_train) == 0:
        raise ValueError(f"y_train must be (n_sequences, time) labels with n_sequences >= 1, "
                         f"got shape {y_train.shape}.")
    return y_train.mean(axis=0)


def position_baseline_accuracy(y_train: np.ndarray, y_test: np.ndarray) -> float:
    """Per-step accuracy of the position-only predictor, the cheapest baseline
    for a per-step task: at step t it predicts the label that is more frequent
    at step t in the training sequences, whatever the inputs are.

    Args:
        y_train: (n_train, time) training labels in {0, 1}.
        y_test: (n_test, time) test labels in {0, 1}, the same time steps.

    Returns:
        The fraction of test steps it labels correctly.
    """
    rates = position_rates(y_train)
    y_test = np.asarray(y_test, dtype=float)
    if y_test.ndim != 2 or y_test.shape[1] != len(rates):
        raise ValueError(f"y_test must be (n_test, {len(rates)}) like the training labels, "
                         f"got shape {y_test.shape}; use sequences of the same length.")
    return float(((rates > 0.5) == y_test).mean())


def ragged_position_baseline_accuracy(y_train: np.ndarray, lengths_train: np.ndarray, y_test: np.ndarray,
                                      lengths_test: np.ndarray, by_length: bool = False) -> float:
    """Per-step accuracy of the position baseline on ragged sequences (padding -1).

    At step t it predicts the label that is more frequent at step t among the
    training sequences' real steps; with ``by_length=True``, among the training
    sequences of the same length only (a tagger sees the length too). A step
    or (length, step) never seen in training gets label 0.

    Args:
        y_train: (n_train, time) labels in {0, 1} at real steps, -1 at padding.
        lengths_train: (n_train,) real steps per training sequence.
        y_test, lengths_test: (n_test, time) and (n_test,), the same layout.

    Returns:
        The fraction of real test steps it labels correctly.
    """
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    lengths_train, lengths_test = np.asarray(lengths_train), np.asarray(lengths_test)
    time = y_train.shape[1]
    if y_test.ndim != 2 or y_test.shape[1] != time or len(lengths_test) != len(y_test) \
            or len(lengths_train) != len(y_train):
        raise ValueError(f"give y_train (n_train, {time}), y_test (n_test, {time}) and one length per "
                         f"sequence; got {y_train.shape}, {y_test.shape}, {lengths_train.shape}, "
                         f"{lengths_test.shape}.")
    real_train, real_test = y_train >= 0, y_test >= 0
    if not (real_train.sum(axis=1) == lengths_train).all() or not (real_test.sum(axis=1) == lengths_test).all():
        raise ValueError("lengths do not match the labels: a sequence of length n has labels 0/1 at its "
                         "first n steps and -1 after them.")
    rates = np.full((time + 1, time), 0.5)  # positive-label rate at (length, step); row 0: any length
    counts = real_train.sum(axis=0)
    rates[0] = np.where(counts > 0, np.where(real_train, y_train, 0).sum(axis=0) / np.maximum(counts, 1), 0.5)
    if by_length:
        for n in np.unique(lengths_train):
            rates[n, :n] = y_train[lengths_train == n, :n].mean(axis=0)
        predicted = rates[lengths_test] > 0.5
    else:
        predicted = np.broadcast_to(rates[0] > 0.5, y_test.shape)
    return float((predicted == (y_test == 1))[real_test].mean())

@dataclass
class ToyRun:
    """One training run: losses (steps,) per batch, accuracy on fresh data.

    ``name`` tells models of one direction apart (e.g. a wider forward LSTM);
    it defaults to the direction.
    """

    task: str
    direction: str
    seed: int
    losses: np.ndarray
    accuracy: float
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.direction


def lstm_classifier_params(input_size: int, hidden_size: int, direction: str = "forward") -> int:
    """Trainable numbers of a per-step classifier: the (Bi)LSTM, 4H(D + H + 1)
    per direction, plus its Dense(1) head on H (2H for a concat BiLSTM) features."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(f"input_size and hidden_size must be >= 1, got {input_size}, {hidden_size}.")
    directions = 2 if direction == "bidirectional" else 1
    return directions * (4 * hidden_size * (input_size + hidden_size + 1) + hidden_size) + 1


def matched_hidden_size(input_size: int, hidden_size: int) -> int:
    """The hidden size of a one-way LSTM classifier whose parameter count is
    closest to that of a concat BiLSTM classifier with ``hidden_size`` units
    per direction (29 for D = 1, H = 20: 3,626 against 3,561)."""
    target = lstm_classifier_params(input_size, hidden_size, "bidirectional")
    return min(range(1, 4 * hidden_size),
               key=lambda h: abs(lstm_classifier_params(input_size, h) - target))


def train_on_task(task: str, direction: str, seed: int, steps: int = 1200, batch_size: int = 32,
                  length: int = 10, hidden_size: int = 20, learning_rate: float = 1e-2,
                  test_sequences: int = 1000, name: str = "") -> ToyRun:
    """Train a per-step classifier on ``task`` and test it on fresh sequences.

    Training batches (batch_size, length, 1) come from a stream seeded with
    ``seed``; the test set of ``test_sequences`` sequences uses another seed,
    so the model never saw it.
    """
    model = SequenceClassifier(1, hidden_size, direction=direction, seed=seed)
    losses = model.fit(batch_stream(batch_size, length, task, seed=seed), steps, learning_rate)
    x_test, y_test = make_sequences(test_sequences, length, task, seed=10_000 + seed)
    accuracy = float(((model.predict_proba(x_test) > 0.5) == y_test).mean())
    return ToyRun(task, direction, seed, losses, accuracy, name)


def position_baseline_run(task: str, seed: int, steps: int = 1200, batch_size: int = 32,
                          length: int = 10, test_sequences: int = 1000) -> ToyRun:
    """The position-only baseline on the data :func:`train_on_task` would use:
    the label rate at each step is estimated on the same ``steps`` training
    batches and scored on the same fresh test sequences. No model, no losses.
    """
    stream = batch_stream(batch_size, length, task, seed=seed)
    y_train = np.concatenate([next(stream)[1] for _ in range(steps)])
    _, y_test = make_sequences(test_sequences, length, task, seed=10_000 + seed)
    return ToyRun(task, "none", seed, np.empty(0), position_baseline_accuracy(y_train, y_test),
                  "position only")


def compare_directions(tasks: list[str], directions: list[str], seeds: list[int],
                       **settings) -> list[ToyRun]:
    """Every (task, direction, seed) combination of :func:`train_on_task`."""
    return [train_on_task(task, direction, seed, **settings)
            for task in tasks for direction in directions for seed in seeds]


def accuracy_table(runs: list[ToyRun]) -> dict[tuple[str, str], tuple[float, float]]:
    """{(task, name): (mean accuracy, standard deviation over seeds)}; the name
    is the direction unless the run was given another."""
    groups: dict[tuple[str, str], list[float]] = {}
    for run in runs:
        groups.setdefault((run.task, run.name), []).append(run.accuracy)
    return {key: (float(np.mean(acc)), seed_sd(acc))
            for key, acc in groups.items()}


def compare_runs(runs: list[ToyRun], task: str, a: str, b: str) -> SeedComparison:
    """Test accuracy of the runs named ``a`` against those named ``b`` on
    ``task``, one score per seed, as :func:`~bilstm_helpers.stats.compare_seeds`
    (difference ``a - b`` and its standard error)."""
    scores = {name: [run.accuracy for run in runs if run.task == task and run.name == name]
              for name in (a, b)}
    return compare_seeds(scores[a], scores[b])
