"""Diagrams drawn by code: the unrolled bidirectional LSTM and reversal within
lengths.

The figure shows one sequence of ``time_steps`` inputs ``x_t``, a forward lane
of LSTM cells that passes its state left to right, a backward lane that passes
its state right to left, and at every step the merge of the two hidden states
into the output ``y_t``. Each lane starts from a zero state at its own end.
"""

from __future__ import annotations

import matplotlib.axes
import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

from bilstm_helpers.checks import check_merge_mode

MAX_TIME_STEPS = 12
FORWARD_COLOUR = "#1f77b4"
BACKWARD_COLOUR = "#d62728"
MERGE_COLOUR = "#2ca02c"
# What the merge node shows and the width of y_t, per merge mode.
MERGE_LABELS = {"concat": ("concat", "2H"), "sum": ("+", "H"), "mul": ("\u00d7", "H"),
                "ave": ("avg", "H"), None: (None, "H")}
# Heights of the rows, bottom to top.
Y_INPUT, Y_FORWARD, Y_BACKWARD, Y_MERGE, Y_OUTPUT = 0.0, 1.5, 3.0, 4.5, 5.8


def draw_unrolled_bilstm(time_steps: int = 4, merge_mode: str | None = "concat",
                         ax: matplotlib.axes.Axes | None = None) -> matplotlib.figure.Figure:
    """Draw a bidirectional LSTM unrolled over ``time_steps`` steps.

    Args:
        time_steps: number of steps T to draw, 1 to ``MAX_TIME_STEPS``.
        merge_mode: ``"concat"``, ``"sum"``, ``"mul"``, ``"ave"`` or ``None``
            (the two lanes' outputs are returned separately), as in
            :func:`bilstm_helpers.bilstm.bilstm_forward`.
        ax: matplotlib axes to draw into; a new figure when ``None``.

    Returns:
        The figure holding the drawing. Its axes carry one text label per
        cell, so the drawing can be inspected (``ax.texts``) as well as seen.

    Raises:
        ValueError: ``time_steps`` is not an integer between 1 and
            ``MAX_TIME_STEPS``, or ``merge_mode`` is not one of the modes.
    """
    if isinstance(time_steps, bool) or not isinstance(time_steps, int) or not 1 <= time_steps <= MAX_TIME_STEPS:
        raise ValueError(
            f"time_steps must be an integer from 1 to {MAX_TIME_STEPS}, got {time_steps!r}; "
            "a longer unrolled diagram is unreadable, draw a few steps instead")
    merge_mode = check_merge_mode(merge_mode)

    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 * time_steps + 3.4, 4.6))
    steps = range(time_steps)
    for t in steps:
        _box(ax, t, Y_INPUT, f"$x_{{{t}}}$", "#7f7f7f", filled=False)
        _box(ax, t, Y_FORWARD, "LSTM", FORWARD_COLOUR, width=0.7)
        _box(ax, t, Y_BACKWARD, "LSTM", BACKWARD_COLOUR, width=0.7)
        # x_t feeds both lanes; the arrow to the backward lane passes beside the forward cell.
        _arrow(ax, (t, Y_INPUT + 0.3), (t, Y_FORWARD - 0.3), "#7f7f7f")
        _arrow(ax, (t - 0.3, Y_INPUT + 0.3), (t - 0.3, Y_BACKWARD - 0.3), "#7f7f7f", bend=-0.35)
        _draw_merge(ax, t, merge_mode)
    for t in steps[:-1]:
        _arrow(ax, (t + 0.35, Y_FORWARD), (t + 0.65, Y_FORWARD), FORWARD_COLOUR)
        _arrow(ax, (t + 0.65, Y_BACKWARD), (t + 0.35, Y_BACKWARD), BACKWARD_COLOUR)
    last = time_steps - 1
    _state_stub(ax, (-0.95, Y_FORWARD), (-0.35, Y_FORWARD), FORWARD_COLOUR, "left")
    _state_stub(ax, (last + 0.95, Y_BACKWARD), (last + 0.35, Y_BACKWARD), BACKWARD_COLOUR, "right")
    ax.text(-1.9, Y_FORWARD + 0.2, "forward lane:\nreads $t = 0 \\rightarrow T-1$",
            ha="left", va="bottom", fontsize=10, color=FORWARD_COLOUR)
    ax.text(last + 1.9, Y_BACKWARD + 0.2, "backward lane:\nreads $t = T-1 \\rightarrow 0$",
            ha="right", va="bottom", fontsize=10, color=BACKWARD_COLOUR)
    ax.set_xlim(-1.95, last + 1.95)
    ax.set_ylim(Y_INPUT - 0.6, Y_OUTPUT + 0.6)
    ax.set_axis_off()
    ax.set_title(f"A bidirectional LSTM unrolled over T = {time_steps} steps, merge_mode={merge_mode!r}")
    return ax.figure


def _draw_merge(ax: matplotlib.axes.Axes, t: int, merge_mode: str | None) -> None:
    symbol, width = MERGE_LABELS[merge_mode]
    if symbol is None:  # no merge: two outputs per step
        _arrow(ax, (t - 0.1, Y_BACKWARD + 0.3), (t - 0.1, Y_OUTPUT - 0.3), BACKWARD_COLOUR)
        _arrow(ax, (t + 0.3, Y_FORWARD + 0.3), (t + 0.3, Y_OUTPUT - 0.3), FORWARD_COLOUR, bend=0.25)
        ax.text(t, Y_OUTPUT, f"$y^{{f}}_{{{t}}}, y^{{b}}_{{{t}}}$\n({width} each)",
                ha="center", va="center", fontsize=11)
        return
    _box(ax, t, Y_MERGE, symbol, MERGE_COLOUR, width=0.7)
    _arrow(ax, (t - 0.1, Y_BACKWARD + 0.3), (t - 0.1, Y_MERGE - 0.3), BACKWARD_COLOUR)
    _arrow(ax, (t + 0.3, Y_FORWARD + 0.3), (t + 0.3, Y_MERGE - 0.3), FORWARD_COLOUR, bend=0.35)
    _arrow(ax, (t, Y_MERGE + 0.3), (t, Y_OUTPUT - 0.3), MERGE_COLOUR)
    ax.text(t, Y_OUTPUT, f"$y_{{{t}}}$ ({width})", ha="center", va="center", fontsize=11)


def _box(ax: matplotlib.axes.Axes, x: float, y: float, label: str, colour: str, filled: bool = True,
         width: float = 0.8) -> None:

    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.3), width, 0.6, boxstyle="round,pad=0.02",
                                facecolor=colour if filled else "white", edgecolor=colour,
                                alpha=0.9 if filled else 1.0, linewidth=1.5))
    ax.text(x, y, label, ha="center", va="center", fontsize=11,
            color="white" if filled else "black")


def _arrow(ax: matplotlib.axes.Axes, start: tuple[float, float], end: tuple[float, float], colour: str,
           bend: float = 0.0) -> None:
    """An arrow from start to end; ``bend`` > 0 bows it to the right of its direction."""
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.3,
                            "connectionstyle": f"arc3,rad={bend}"})


def _state_stub(ax: matplotlib.axes.Axes, start: tuple[float, float], end: tuple[float, float], colour: str,
                side: str) -> None:
    _arrow(ax, start, end, colour)
    ax.text(start[0], start[1] - 0.25, "$h, c = 0$", ha=side, va="top", fontsize=9, color=colour)


def draw_reversal_within_lengths(lengths: tuple[int, ...] = (5, 3),
                                 fig: matplotlib.figure.Figure | None = None) -> matplotlib.figure.Figure:
    """Draw what the backward direction reads from a post-padded batch: the
    padded batch, the padded array flipped in time (``x[:, ::-1]``, wrong for
    the shorter sequences) and each sequence reversed within its own length
    (:func:`~bilstm_helpers.bilstm.reverse_within_lengths`, right).

    The three layouts are computed by the functions they show, on a batch of
    step labels, so the drawing cannot disagree with the code.

    Args:
        lengths: (B,) the sequences' lengths, 1 to ``MAX_TIME_STEPS``, at most
            6 sequences; the batch is padded to the longest.
        fig: a figure to draw into (three axes are added); a new one when None.

    Returns:
        The figure: three axes, top to bottom, each with one text per cell
        ("a0", "b2", "pad", ...), so the drawing can be inspected (``ax.texts``).

    Raises:
        ValueError: no lengths, too many, or a length outside 1..MAX_TIME_STEPS.
    """

    from bilstm_helpers.bilstm import reverse_within_lengths

    lengths_array = np.asarray(lengths)
    if (lengths_array.ndim != 1 or not 1 <= len(lengths_array) <= 6
            or not np.issubdtype(lengths_array.dtype, np.integer)
            or lengths_array.min() < 1 or lengths_array.max() > MAX_TIME_STEPS):
        raise ValueError(f"lengths must be 1 to 6 integers from 1 to {MAX_TIME_STEPS}, got {lengths!r}; "
                         "draw a small batch, e.g. lengths=(5, 3)")
    batch, steps = len(lengths_array), int(lengths_array.max())
    # Step t of sequence b is labelled 1 + b * steps + t; padding is 0.
    codes = np.zeros((batch, steps, 1))
    for b, length in enumerate(lengths_array):
        codes[b, :length, 0] = 1 + b * steps + np.arange(length)
    layouts = [
        ("the padded batch x (post-padding), in input order", codes, None),
        ("x[:, ::-1]: the padded array flipped (wrong)", codes[:, ::-1], BACKWARD_COLOUR),
        ("reverse_within_lengths(x, lengths): each sequence reversed in its length (right)",
         reverse_within_lengths(codes, lengths_array), MERGE_COLOUR),
    ]
    if fig is None:
        fig = plt.figure(figsize=(1.05 * steps + 3.6, 1.25 * batch * 3 + 1.4))
    axes = fig.subplots(3, 1)
    for ax, (title, layout, colour) in zip(axes, layouts):
        for b in range(batch):
            for t in range(steps):
                code = int(layout[b, t, 0])
                label = "pad" if code == 0 else f"{'abcdef'[(code - 1) // steps]}{(code - 1) % steps}"
                ax.add_patch(Rectangle((t + 0.05, batch - 1 - b + 0.08), 0.9, 0.84,
                                       facecolor="#e6e6e6" if code == 0 else "white",
                                       edgecolor="#7f7f7f", linewidth=1.2))
                ax.text(t + 0.5, batch - 1 - b + 0.5, label, ha="center", va="center", fontsize=12,
                        color="#7f7f7f" if code == 0 else "black")
            ax.text(-0.15, batch - 1 - b + 0.5, f"sequence {'abcdef'[b]}\n(length {lengths_array[b]})",
                    ha="right", va="center", fontsize=10)
        if colour is not None:  # the backward direction reads these rows left to right
            ax.annotate("", xy=(steps, -0.25), xytext=(0, -0.25),
                        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.5})
            ax.text(steps / 2, -0.35, "the backward LSTM reads each row from left to right",
                    ha="center", va="top", fontsize=9, color=colour)
        ax.set_title(title, fontsize=11, color=colour or "black", loc="left")
        ax.set_xlim(-2.3, steps + 0.1)
        ax.set_ylim(-0.9, batch + 0.05)
        ax.set_axis_off()
    fig.tight_layout()
    return fig
