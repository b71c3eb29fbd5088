"""Matplotlib figures shared by the chapters. Importing this module imports
matplotlib (the package's __init__ does not)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from bilstm_helpers.stats import seed_sd


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Moving average along the last axis; values: (..., steps) ->
    (..., steps - window + 1). window = 1 returns the values unchanged."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}.")
    if window == 1:
        return values
    kernel = np.ones(window) / window
    return np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="valid"), -1, values)


def plot_mean_band(ax: plt.Axes, curves: np.ndarray, label: str, window: int = 1,
                   **line_kwargs) -> None:
    """Mean over runs as a line, mean +- one standard deviation as a band.

    Args:
        curves: (runs, steps), e.g. the loss of every seed at every step.
        window: moving-average window applied to each run first.
    """
    curves = smooth(np.asarray(curves, dtype=float), window)
    mean, sd = curves.mean(axis=0), seed_sd(curves, axis=0)
    steps = np.arange(curves.shape[1]) + window
    (line,) = ax.plot(steps, mean, label=label, **line_kwargs)
    ax.fill_between(steps, mean - sd, mean + sd, color=line.get_color(), alpha=0.2, linewidth=0)


def plot_loss_bands(curves: dict[str, np.ndarray], xlabel: str, title: str,
                    ylabel: str = "training loss (binary cross-entropy)",
                    log: bool = True) -> plt.Figure:
    """One figure comparing models: each model's mean curve with a one-SD band.

    Args:
        curves: model name -> (runs, epochs) losses, e.g. one row per seed.
        log: logarithmic y axis.
    """
    if not curves:
        raise ValueError("curves is empty; pass {model name: (runs, epochs) array}.")
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for name, values in curves.items():
        plot_mean_band(ax, values, label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig
