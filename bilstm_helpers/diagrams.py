"""Diagrams drawn by code: the unrolled bidirectional LSTM.

The figure shows one sequence of ``time_steps`` inputs ``x_t``, a forward lane
of LSTM cells that passes its state left to right, a backward lane that passes
its state right to left, and at every step the merge of the two hidden states
into the output ``y_t``. Each lane starts from a zero state at its own end.

matplotlib is imported when a diagram is drawn, not when the package is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checks import check_merge_mode

if TYPE_CHECKING:  # imported for the type hints only
    import matplotlib.axes
    import matplotlib.figure

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
    import matplotlib.pyplot as plt

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
    from matplotlib.patches import FancyBboxPatch

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


# ---------------------------------------------------------------------------
# One LSTM cell: the gates, the carousel, and which arrows carry h and which c.
# Self-contained: the helpers below are private to this drawing.

CELL_STATE_COLOUR = "#ff7f0e"  # arrows that carry the cell state c
HIDDEN_COLOUR = "#1f77b4"      # arrows that carry the output h
INPUT_COLOUR = "#7f7f7f"       # the input x_t
GATE_COLOUR = "#2ca02c"        # the gates' activations i, f, g, o
# Gate boxes on the lower row: name, activation, x position.
CELL_GATES = (("f", "\u03c3", 2.4), ("i", "\u03c3", 4.2), ("g", "tanh", 6.1), ("o", "\u03c3", 7.9))
CELL_GATE_NAMES = {"f": "forget", "i": "input", "g": "candidate", "o": "output"}
Y_CAROUSEL, Y_MIX, Y_GATES, Y_BUS = 5.0, 3.8, 2.4, 1.0


def draw_lstm_cell(ax: matplotlib.axes.Axes | None = None) -> matplotlib.figure.Figure:
    """Draw one LSTM cell: four gates, the cell-state carousel, the output.

    The drawing follows the equations of :mod:`bilstm_helpers.lstm`::

        i, f, o = sigmoid(x_t W + h_{t-1} U + b) blocks,  g = tanh(...)
        c_t = f * c_{t-1} + i * g        (upper line: the carousel)
        h_t = o * tanh(c_t)              (lower right: the output)

    Arrows that carry the cell state ``c`` are orange, arrows that carry the
    output ``h`` are blue, the input ``x_t`` is grey and the gate activations
    green. Each arrow's ``gid`` names what it carries (``"c"``, ``"h"``,
    ``"x"`` or the gate ``"i"``, ``"f"``, ``"g"``, ``"o"``), so a test can
    follow the paths as well as a reader can.

    Args:
        ax: matplotlib axes to draw into; a new figure when ``None``.

    Returns:
        The figure holding the drawing.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.6))
    ax.add_patch(FancyBboxPatch((0.6, 0.4), 9.8, 5.3, boxstyle="round,pad=0.1", facecolor="#f7f7f7",
                                edgecolor="#bbbbbb", linewidth=1.2, zorder=0))
    ax.text(5.2, 0.5, "one LSTM cell, step $t$", ha="center", va="bottom", fontsize=9, color="#777777")

    # The carousel: c_{t-1} -> (x f_t) -> (+ i_t g_t) -> c_t, no weight matrix on the way.
    x_forget, x_add = CELL_GATES[0][2], CELL_GATES[2][2]
    _cell_arrow(ax, (-0.9, Y_CAROUSEL), (x_forget - 0.25, Y_CAROUSEL), "c")
    _cell_node(ax, x_forget, Y_CAROUSEL, "\u00d7")
    _cell_arrow(ax, (x_forget + 0.25, Y_CAROUSEL), (x_add - 0.25, Y_CAROUSEL), "c")
    _cell_node(ax, x_add, Y_CAROUSEL, "+")
    _cell_arrow(ax, (x_add + 0.25, Y_CAROUSEL), (11.4, Y_CAROUSEL), "c")
    ax.text(-1.0, Y_CAROUSEL, "$c_{t-1}$", ha="right", va="center", fontsize=13, color=CELL_STATE_COLOUR)
    ax.text(11.5, Y_CAROUSEL, "$c_t$", ha="left", va="center", fontsize=13, color=CELL_STATE_COLOUR)
    ax.text(4.15, Y_CAROUSEL + 0.35, "carousel: $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$",
            ha="center", va="bottom", fontsize=10, color=CELL_STATE_COLOUR)

    # h_{t-1} and x_t meet on the bus that feeds every gate (through U and W).
    ax.text(-1.0, Y_BUS, "$h_{t-1}$", ha="right", va="center", fontsize=13, color=HIDDEN_COLOUR)
    _cell_line(ax, [(-0.9, Y_BUS), (CELL_GATES[-1][2], Y_BUS)], "h")
    ax.text(1.4, -0.75, "$x_t$", ha="center", va="top", fontsize=13, color=INPUT_COLOUR)
    _cell_arrow(ax, (1.4, -0.7), (1.4, Y_BUS - 0.05), "x")
    ax.text(1.55, Y_BUS - 0.15, "$[h_{t-1}, x_t]$", ha="left", va="top", fontsize=9, color="#555555")
    for name, activation, x in CELL_GATES:
        _cell_arrow(ax, (x, Y_BUS), (x, Y_GATES - 0.32), "h")
        _cell_gate(ax, x, Y_GATES, activation)
        ax.text(x - 0.1, Y_GATES - 0.4, f"{CELL_GATE_NAMES[name]} ${name}_t$", ha="right", va="top",
                fontsize=9, color=GATE_COLOUR)
    x_f, x_i, x_g, x_o = (x for _, _, x in CELL_GATES)
    _cell_arrow(ax, (x_f, Y_GATES + 0.32), (x_f, Y_CAROUSEL - 0.25), "f")
    _cell_node(ax, x_g, Y_MIX, "\u00d7")
    _cell_arrow(ax, (x_i, Y_GATES + 0.32), (x_g - 0.25, Y_MIX), "i", bend=-0.3)
    _cell_arrow(ax, (x_g, Y_GATES + 0.32), (x_g, Y_MIX - 0.25), "g")
    _cell_arrow(ax, (x_g, Y_MIX + 0.25), (x_g, Y_CAROUSEL - 0.25), "g")

    # The output: h_t = o_t * tanh(c_t), read off the carousel.
    x_out = 9.3
    _cell_arrow(ax, (x_out, Y_CAROUSEL), (x_out, Y_MIX + 0.3), "c")
    _cell_gate(ax, x_out, Y_MIX, "tanh", colour=CELL_STATE_COLOUR)
    _cell_node(ax, x_out, Y_GATES, "\u00d7")
    _cell_arrow(ax, (x_out, Y_MIX - 0.3), (x_out, Y_GATES + 0.25), "c")
    _cell_arrow(ax, (x_o + 0.45, Y_GATES), (x_out - 0.25, Y_GATES), "o")
    y_out = Y_BUS - 1.0
    _cell_line(ax, [(x_out, Y_GATES - 0.25), (x_out, y_out), (10.6, y_out)], "h")
    _cell_arrow(ax, (10.6, y_out), (11.4, y_out), "h")
    ax.text(11.5, y_out, "$h_t$", ha="left", va="center", fontsize=13, color=HIDDEN_COLOUR)
    ax.text(10.4, y_out - 0.15, "to the next step\nand to the output $y_t$", ha="center", va="top",
            fontsize=9, color=HIDDEN_COLOUR)

    handles = [Line2D([], [], color=CELL_STATE_COLOUR, lw=2.4, label="carries the cell state $c$"),
               Line2D([], [], color=HIDDEN_COLOUR, lw=1.6, label="carries the output $h$"),
               Line2D([], [], color=INPUT_COLOUR, lw=1.6, label="carries the input $x_t$"),
               Line2D([], [], color=GATE_COLOUR, lw=1.6, label="gate activation ($i, f, g, o$)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, frameon=False,
              fontsize=9)
    ax.set_xlim(-2.0, 12.3)
    ax.set_ylim(-1.4, 6.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title("One LSTM cell: the carousel (top) and the gates fed by $h_{t-1}$ and $x_t$ (bottom)")
    return ax.figure


def _cell_colour(carries: str) -> str:
    return {"c": CELL_STATE_COLOUR, "h": HIDDEN_COLOUR, "x": INPUT_COLOUR}.get(carries, GATE_COLOUR)


def _cell_arrow(ax: matplotlib.axes.Axes, start: tuple[float, float], end: tuple[float, float], carries: str,
                bend: float = 0.0) -> None:
    """An arrow tagged (``gid``) with what it carries: "c", "h", "x" or a gate name."""
    arrow = ax.annotate("", xy=end, xytext=start,
                        arrowprops={"arrowstyle": "-|>", "color": _cell_colour(carries),
                                    "lw": 2.4 if carries == "c" else 1.4, "shrinkA": 0, "shrinkB": 0,
                                    "connectionstyle": f"arc3,rad={bend}"})
    arrow.set_gid(carries)


def _cell_line(ax: matplotlib.axes.Axes, points: list[tuple[float, float]], carries: str) -> None:
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=_cell_colour(carries), lw=2.4 if carries == "c" else 1.4, gid=carries,
            solid_capstyle="butt")


def _cell_node(ax: matplotlib.axes.Axes, x: float, y: float, symbol: str) -> None:
    """A pointwise operation (x or +) drawn as a small circle."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), 0.25, facecolor="white", edgecolor="#333333", linewidth=1.3, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=12, zorder=4)


def _cell_gate(ax: matplotlib.axes.Axes, x: float, y: float, activation: str, colour: str = GATE_COLOUR) -> None:
    """A layer box: one block of x_t W + h_{t-1} U + b through its activation."""
    from matplotlib.patches import FancyBboxPatch

    width = 0.9 if activation == "tanh" else 0.6
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.3), width, 0.6, boxstyle="round,pad=0.02",
                                facecolor=colour, edgecolor=colour, zorder=3))
    ax.text(x, y, activation, ha="center", va="center", fontsize=11, color="white", zorder=4)
