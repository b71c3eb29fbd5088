"""Diagrams of array layouts: which row of ``h_n`` holds which final state.

A bidirectional ``torch.nn.LSTM`` with ``num_layers = L`` returns ``h_n`` and
``c_n`` of shape (2L, batch, hidden): one row per layer and direction, ordered
layer 0 forward, layer 0 backward, layer 1 forward, ..., so row ``2 l + d``
(``d`` = 0 forward, 1 backward) is ``h_n.view(L, 2, batch, hidden)[l, d]``.
The forward direction's final state is the one after step T-1, the backward
direction's the one after step 0.

This module draws that layout with matplotlib only (no PyTorch).
"""

from __future__ import annotations

import matplotlib.axes
import matplotlib.figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

MAX_LAYERS = 4
MAX_TIME_STEPS = 6
FORWARD_COLOUR = "#1f77b4"
BACKWARD_COLOUR = "#d62728"
INPUT_COLOUR = "#7f7f7f"
DIRECTIONS = ("forward", "backward")


def h_n_rows(num_layers: int) -> list[tuple[int, int, str]]:
    """The rows of ``h_n`` in order: ``(layer, direction index, direction name)``.

    Args:
        num_layers: L, 1 to ``MAX_LAYERS``.

    Returns:
        2L tuples; tuple ``k`` describes ``h_n[k]`` (``k = 2 * layer + direction``).
    """
    _check_int("num_layers", num_layers, MAX_LAYERS)
    return [(layer, d, DIRECTIONS[d]) for layer in range(num_layers) for d in (0, 1)]


def draw_h_n_layout(num_layers: int = 2, time_steps: int = 4,
                    ax: matplotlib.axes.Axes | None = None) -> matplotlib.figure.Figure:
    """Draw a stacked bidirectional LSTM and the row of ``h_n`` each lane ends in.

    The input ``x_0 .. x_{T-1}`` is at the top; below it each layer has a
    forward lane (cells linked left to right) and a backward lane (right to
    left); each layer reads both lanes of the layer above it (2H features).
    The cell where a lane ends (step T-1 forward, step 0 backward) is drawn
    with a thick edge and linked to its row of ``h_n`` (shape (2L, B, H)) in
    the table on the right, which also gives the ``h_n.view(L, 2, B, H)``
    index of the row.

    Args:
        num_layers: L, 1 to ``MAX_LAYERS``.
        time_steps: T, the number of steps drawn, 2 to ``MAX_TIME_STEPS``.
        ax: matplotlib axes to draw into; a new figure when ``None``.

    Returns:
        The figure. Each table row is a text ``"h_n[k]"`` followed by its
        description, so the drawing can be inspected (``ax.texts``).

    Raises:
        ValueError: ``num_layers`` or ``time_steps`` is not an integer in range.
    """
    rows = h_n_rows(num_layers)
    _check_int("time_steps", time_steps, MAX_TIME_STEPS, low=2)

    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 * time_steps + 7.6, 1.05 * len(rows) + 1.9))
    last = time_steps - 1
    table_x = last + 1.6
    for t in range(time_steps):
        ax.text(t, 1.0, f"$x_{{{t}}}$", ha="center", va="center", fontsize=12, color="black")
    ax.text(-0.9, 1.0, "input", ha="right", va="center", fontsize=10, color=INPUT_COLOUR)
    for k, (layer, d, name) in enumerate(rows):
        y = _lane_y(k)
        colour = (FORWARD_COLOUR, BACKWARD_COLOUR)[d]
        end = last if d == 0 else 0
        for t in range(time_steps):
            _cell(ax, t, y, colour, thick=t == end)
        for t in range(last):
            start, stop = (t + 0.3, t + 0.7) if d == 0 else (t + 0.7, t + 0.3)
            _arrow(ax, (start, y), (stop, y), colour)
        ax.text(-0.9, y, f"layer {layer}\n{name}", ha="right", va="center", fontsize=10, color=colour)
        if d == 0:  # the forward lane ends on the right, next to the table
            _arrow(ax, (last + 0.32, y), (table_x - 0.05, y), colour, dashed=True)
        else:  # the backward lane ends at step 0: run back under the lane to the table
            below = y - 0.42
            ax.plot([0, 0, table_x - 0.5], [y - 0.25, below, below], color=colour, lw=1.1, ls="--")
            _arrow(ax, (table_x - 0.5, below), (table_x - 0.05, y - 0.05), colour, dashed=True)
        ax.text(table_x + 0.05, y, f"h_n[{k}]", ha="left", va="center", fontsize=12,
                family="monospace", color="white",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": colour})
        after = f"after step {last}" if d == 0 else "after step 0"
        ax.text(table_x + 1.35, y, f"layer {layer} {name} ({after})\nh_n.view(L, 2, B, H)[{layer}, {d}]",
                ha="left", va="center", fontsize=10, color="black")
    for layer in range(num_layers):  # each layer reads the one above (or x): both lanes, 2H features
        top = 0.75 if layer == 0 else _lane_y(2 * layer - 1) - 0.5
        _arrow(ax, (-0.45, top), (-0.45, _lane_y(2 * layer) + 0.3), INPUT_COLOUR)
        if layer > 0:
            ax.text(-0.4, (top + _lane_y(2 * layer) + 0.3) / 2, "2H", ha="left", va="center",
                    fontsize=9, color=INPUT_COLOUR)
    ax.text(-2.3, _lane_y(len(rows) - 1) - 0.85, "thick edge: the step where a lane ends, "
            "its final state (forward after step T-1, backward after step 0)",
            ha="left", va="center", fontsize=10, color="black")
    ax.set_xlim(-2.4, table_x + 5.6)
    ax.set_ylim(_lane_y(len(rows) - 1) - 1.1, 1.4)
    ax.set_axis_off()
    ax.set_title(f"h_n of nn.LSTM(num_layers={num_layers}, bidirectional=True): "
                 f"shape (2L, B, H) = ({2 * num_layers}, B, H)", fontsize=12)
    return ax.figure


def _lane_y(k: int) -> float:
    """Height of the lane of ``h_n[k]``; layers are separated by an extra gap."""
    return -1.1 * k - 0.5 * (k // 2)


def _check_int(name: str, value: object, high: int, low: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}; "
                         "a larger diagram is unreadable, draw a smaller one")


def _cell(ax: matplotlib.axes.Axes, x: float, y: float, colour: str, thick: bool) -> None:

    ax.add_patch(FancyBboxPatch((x - 0.28, y - 0.25), 0.56, 0.5, boxstyle="round,pad=0.02",
                                facecolor=colour, edgecolor="black" if thick else colour,
                                alpha=0.85, linewidth=2.6 if thick else 1.0))


def _arrow(ax: matplotlib.axes.Axes, start: tuple[float, float], end: tuple[float, float], colour: str,
           dashed: bool = False) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2,
                            "linestyle": "--" if dashed else "-"})
