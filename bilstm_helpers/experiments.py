"""Seeded toy experiments: train NumPy models on the synthetic toy tasks and
measure per-step accuracy on fresh sequences.

The chapters compare reading directions with these; every run is seeded, so a
second run of a notebook draws the same curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .toy_tasks import batch_stream, make_sequences
from .training import SequenceClassifier


@dataclass
class ToyRun:
    """One training run: losses (steps,) per batch, accuracy on fresh data."""

    task: str
    direction: str
    seed: int
    losses: np.ndarray
    accuracy: float


def train_on_task(task: str, direction: str, seed: int, steps: int = 1200, batch_size: int = 32,
                  length: int = 10, hidden_size: int = 20, learning_rate: float = 1e-2,
                  test_sequences: int = 1000) -> ToyRun:
    """Train a per-step classifier on ``task`` and test it on fresh sequences.

    Training batches (batch_size, length, 1) come from a stream seeded with
    ``seed``; the test set of ``test_sequences`` sequences uses another seed,
    so the model never saw it.
    """
    model = SequenceClassifier(1, hidden_size, direction=direction, seed=seed)
    losses = model.fit(batch_stream(batch_size, length, task, seed=seed), steps, learning_rate)
    x_test, y_test = make_sequences(test_sequences, length, task, seed=10_000 + seed)
    accuracy = float(((model.predict_proba(x_test) > 0.5) == y_test).mean())
    return ToyRun(task, direction, seed, losses, accuracy)


def compare_directions(tasks: list[str], directions: list[str], seeds: list[int],
                       **settings) -> list[ToyRun]:
    """Every (task, direction, seed) combination of :func:`train_on_task`."""
    return [train_on_task(task, direction, seed, **settings)
            for task in tasks for direction in directions for seed in seeds]


def accuracy_table(runs: list[ToyRun]) -> dict[tuple[str, str], tuple[float, float]]:
    """{(task, direction): (mean accuracy, standard deviation over seeds)}."""
    groups: dict[tuple[str, str], list[float]] = {}
    for run in runs:
        groups.setdefault((run.task, run.direction), []).append(run.accuracy)
    return {key: (float(np.mean(acc)), float(np.std(acc, ddof=1)) if len(acc) > 1 else 0.0)
            for key, acc in groups.items()}


def clearly_better(table: dict[tuple[str, str], tuple[float, float]], a: tuple[str, str],
                   b: tuple[str, str], n_sd: float = 2.0) -> bool:
    """True when entry ``a`` of an :func:`accuracy_table` beats entry ``b`` by
    more than ``n_sd`` standard deviations (the larger of the two)."""
    (mean_a, sd_a), (mean_b, sd_b) = table[a], table[b]
    return bool(mean_a - mean_b > n_sd * max(sd_a, sd_b))
