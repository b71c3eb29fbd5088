"""Test accuracy against review length, in groups of equal size, over seeds.

Chapters 6 and 7 ask where a classifier fails: they cut the test reviews into
groups by their length in words (quantiles, so each group holds about the same
number of reviews) and score every seed's predictions in every group. Chapter
7 reuses chapter 6's edges, so the two models are scored on the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bilstm_helpers.metrics import accuracy


def length_edges(lengths: np.ndarray, n_groups: int = 5) -> np.ndarray:
    """Edges of ``n_groups`` groups of about equal size: the quantiles of lengths.

    lengths: (reviews,) words per review -> edges: (n_groups + 1,), from the
    shortest review to the longest.
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or len(lengths) < n_groups:
        raise ValueError(f"lengths must be (reviews,) with at least n_groups={n_groups} reviews, "
                         f"got shape {lengths.shape}.")
    return np.quantile(lengths, np.linspace(0, 1, n_groups + 1))


def accuracy_by_length(probabilities: Sequence[np.ndarray], labels: np.ndarray, lengths: np.ndarray,
                       edges: Sequence[float]) -> dict[str, list]:
    """Each seed's accuracy in each length group, summarised over the seeds.

    Args:
        probabilities: one (reviews,) array of positive-class probabilities per seed.
        labels: (reviews,) 0 or 1.
        lengths: (reviews,) words per review (before truncation).
        edges: (groups + 1,) increasing, from :func:`length_edges`; a review
            belongs to group g when edges[g] <= length < edges[g + 1] (the
            last group also takes the longest review).

    Returns:
        {"bins_words": ["6-118", ...], "edges_words": edges, "mean", "min",
        "max": (groups,) lists, each seed's accuracy per group summarised over
        the seeds}.

    Raises:
        ValueError: arrays of different lengths, edges that do not increase,
            or a group without reviews.
    """
    labels, lengths, edges = np.asarray(labels), np.asarray(lengths), np.asarray(edges, dtype=float)
    probabilities = [np.asarray(p).reshape(-1) for p in probabilities]
    if not probabilities or any(p.shape != labels.shape for p in probabilities) or lengths.shape != labels.shape:
        raise ValueError(f"need one probability per review for every seed, and labels and lengths "
                         f"of the same (reviews,) shape; got labels {labels.shape}, lengths {lengths.shape}, "
                         f"probabilities {[p.shape for p in probabilities]}.")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must increase, got {edges.tolist()}; use length_edges(lengths).")
    n_groups = len(edges) - 1
    group = np.clip(np.searchsorted(edges, lengths, side="right") - 1, 0, n_groups - 1)
    sizes = np.bincount(group, minlength=n_groups)
    if np.any(sizes == 0):
        raise ValueError(f"length groups without reviews: sizes {sizes.tolist()} for edges "
                         f"{edges.tolist()}; compute the edges from these reviews (length_edges).")
    by_seed = np.array([[accuracy(p[group == g], labels[group == g]) for g in range(n_groups)]
                        for p in probabilities])  # (seeds, groups)
    return {"bins_words": [f"{int(edges[g])}-{int(edges[g + 1])}" for g in range(n_groups)],
            "edges_words": edges.tolist(), "mean": by_seed.mean(0).tolist(),
            "min": by_seed.min(0).tolist(), "max": by_seed.max(0).tolist()}


def format_length_table(tables: dict[str, dict]) -> str:
    """Rows 'name  mean (lowest-highest seed)' per group, under a header of the
    groups' word ranges; tables: name -> :func:`accuracy_by_length`'s result."""
    bins = next(iter(tables.values()))["bins_words"]
    width = max(len(name) for name in tables) + 2
    lines = [f"{'words':{width}}" + "  ".join(f"{b:>19}" for b in bins)]
    for name, row in tables.items():
        lines.append(f"{name:{width}}" + "  ".join(
            f"{m:.3f} ({lo:.3f}-{hi:.3f})" for m, lo, hi in zip(row["mean"], row["min"], row["max"])))
    return "\n".join(lines)
