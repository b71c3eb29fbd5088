"""Seeded toy experiments: train NumPy models on the synthetic toy tasks and
measure per-step accuracy on fresh sequences.

The chapters compare reading directions with these; every run is seeded, so a
second run of a notebook draws the same curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .seed_stats import SeedComparison, compare_seeds
from .toy_tasks import batch_stream, make_sequences, position_baseline_accuracy
from .training import SequenceClassifier


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
    return {key: (float(np.mean(acc)), float(np.std(acc, ddof=1)) if len(acc) > 1 else 0.0)
            for key, acc in groups.items()}


def compare_runs(runs: list[ToyRun], task: str, a: str, b: str) -> SeedComparison:
    """Test accuracy of the runs named ``a`` against those named ``b`` on
    ``task``, one score per seed, as :func:`~bilstm_helpers.seed_stats.compare_seeds`
    (difference ``a - b`` and its standard error)."""
    scores = {name: [run.accuracy for run in runs if run.task == task and run.name == name]
              for name in (a, b)}
    return compare_seeds(scores[a], scores[b])
