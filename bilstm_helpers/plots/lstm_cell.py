"""One LSTM cell drawn by code: its four gates, the cell state ``c`` running
along the top (the "carousel") and the output ``h``; the colours say which
arrows carry ``c`` and which carry ``h``.
"""

from __future__ import annotations

import matplotlib.axes
import matplotlib.figure
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch

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

    ax.add_patch(Circle((x, y), 0.25, facecolor="white", edgecolor="#333333", linewidth=1.3, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=12, zorder=4)


def _cell_gate(ax: matplotlib.axes.Axes, x: float, y: float, activation: str, colour: str = GATE_COLOUR) -> None:
    """A layer box: one block of x_t W + h_{t-1} U + b through its activation."""

    width = 0.9 if activation == "tanh" else 0.6
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.3), width, 0.6, boxstyle="round,pad=0.02",
                                facecolor=colour, edgecolor=colour, zorder=3))
    ax.text(x, y, activation, ha="center", va="center", fontsize=11, color="white", zorder=4)
