"""Figures of the sheet-break case study (imports matplotlib).

Every figure takes a ``source`` string that goes into its title, so that
figures of the synthetic twin say SYNTHETIC wherever they appear.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from bilstm_helpers.sheet_breaks.data import BINARY, CATEGORICAL
from bilstm_helpers.stats import seed_sd


def precursor_contrast(frame: pd.DataFrame, before: int = 10) -> pd.Series:
    """How much each continuous sensor moves in the ``before`` rows before breaks,
    relative to how much it moves anywhere: the mean absolute row-to-row
    change there divided by the mean absolute change overall.

    Args:
        frame: (rows, 63) with ``y`` and ``x1 .. x61``.

    Returns:
        (sensors,) ratios, largest first (1 = no different from elsewhere).
    """
    breaks = np.flatnonzero(frame["y"].to_numpy())
    if len(breaks) == 0:
        raise ValueError("the frame has no break (y = 1); precursors need breaks.")
    sensors = [c for c in frame.columns if c.startswith("x") and c not in (CATEGORICAL, BINARY)]
    change = frame[sensors].diff().abs()
    rows = np.unique(np.concatenate([np.arange(max(b - before, 1), b) for b in breaks]))
    ratio = change.iloc[rows].mean() / change.mean().replace(0, np.nan)
    return ratio.dropna().sort_values(ascending=False)


def plot_around_breaks(frame: pd.DataFrame, breaks: list[int], sensors: list[str], source: str,
                       before: int = 30, after: int = 10) -> plt.Figure:
    """One panel per sensor: its standardised values from ``before`` rows
    before to ``after`` rows after each break in ``breaks`` (row numbers),
    aligned at the break (time 0, in minutes)."""
    fig, axes = plt.subplots(1, len(sensors), figsize=(4 * len(sensors), 3.2), sharey=True,
                             squeeze=False)
    minutes = (frame["time"].iloc[1] - frame["time"].iloc[0]).total_seconds() / 60
    for ax, sensor in zip(axes[0], sensors):
        values = frame[sensor].to_numpy()
        z = (values - values.mean()) / (values.std() or 1.0)
        for b in breaks:
            lo, hi = max(b - before, 0), min(b + after + 1, len(z))
            ax.plot((np.arange(lo, hi) - b) * minutes, z[lo:hi], lw=1)
        ax.axvline(0, color="k", ls="--", lw=1)
        ax.set(title=sensor, xlabel="minutes from the break")
    axes[0][0].set_ylabel("standardised value")
    fig.suptitle(f"Sensors around {len(breaks)} breaks ({source})")
    fig.tight_layout()
    return fig


def plot_history(history: dict[str, list[float]], source: str,
                 metrics: tuple[str, ...] = ("loss", "f1", "recall", "fpr")) -> plt.Figure:
    """Per-epoch training and validation curves of a Keras history dict
    (``loss``, ``val_loss``, ...), one panel per metric.

    The loss gets two panels, not one: Keras reports the training loss
    weighted by ``class_weight`` and the validation loss unweighted, so the
    two are different quantities and their gap means nothing. The other
    metrics count windows the same way on both sets and share a panel.
    """
    panels = [(name, split) for name in metrics
              for split in (("training", "validation") if name == "loss" else (None,))]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.0))
    for ax, (name, split) in zip(np.atleast_1d(axes), panels):
        epochs = np.arange(1, len(history[name]) + 1)
        if split == "training":
            ax.plot(epochs, history[name], label="training")
            ax.set(title="training loss (class-weighted)")
        elif split == "validation":
            ax.plot(epochs, history[f"val_{name}"], color="C1", label="validation")
            ax.set(title="validation loss (unweighted)")
        else:
            ax.plot(epochs, history[name], label="training")
            ax.plot(epochs, history[f"val_{name}"], label="validation")
            ax.set(title=name)
            ax.legend()
        ax.set(xlabel="epoch")
    fig.suptitle(f"Training of the BiLSTM, per epoch ({source})")
    fig.tight_layout()
    return fig


def plot_score_table(table: pd.DataFrame, source: str, values: tuple[str, ...] = ("f1", "pr_auc"),
                     models: list[str] | None = None) -> plt.Figure:
    """Test scores per seed (points) and mean +- sd over seeds (ddof=1), one
    panel per score.

    Args:
        table: one row per (model, seed) with a ``model`` column and one column per score.
        values: the score columns to show, one panel each.
        models: the models, in this order (default: as they first appear in ``table``).
    """
    models = models or list(dict.fromkeys(table["model"]))
    fig, axes = plt.subplots(1, len(values), figsize=(6 * len(values), 3.4), squeeze=False)
    for ax, value in zip(axes[0], values):
        for i, model in enumerate(models):
            scores = table.loc[table["model"] == model, value].to_numpy()
            ax.plot(np.full(len(scores), i), scores, "o", alpha=0.6)
            ax.errorbar(i + 0.15, scores.mean(), yerr=seed_sd(scores), fmt="s", color="k", capsize=4)
        ax.set_xticks(range(len(models)), [m.replace("LR rolling ", "LR rolling\n") for m in models], fontsize=8)
        ax.set(ylabel=f"test {value}", title=f"Test {value} per seed, mean +- sd")
    fig.suptitle(f"BiLSTM and baselines ({source})")
    fig.tight_layout()
    return fig
