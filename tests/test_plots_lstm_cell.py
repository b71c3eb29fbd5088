"""The LSTM cell diagram: every gate, both states, colours by what an arrow carries."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt

from bilstm_helpers.plots.lstm_cell import CELL_STATE_COLOUR, HIDDEN_COLOUR, draw_lstm_cell


def labels(fig) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def cell_arrows(fig) -> dict[str, list]:
    """Arrows of the cell drawing grouped by what they carry (their gid)."""
    groups: dict[str, list] = {}
    for text in fig.axes[0].texts:
        if getattr(text, "arrow_patch", None) is not None:
            groups.setdefault(text.get_gid(), []).append(text)
    return groups


def test_lstm_cell_shows_every_gate_and_both_states() -> None:
    fig = draw_lstm_cell()
    found = labels(fig)
    for name in ["forget $f_t$", "input $i_t$", "candidate $g_t$", "output $o_t$",
                 "$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"]:
        assert name in found, name
    assert found.count("\u03c3") == 3 and found.count("tanh") == 2  # sigmoid i, f, o; tanh on g and on c_t
    assert any("c_t = f_t \\odot c_{t-1} + i_t \\odot g_t" in s for s in found)
    plt.close(fig)


def test_lstm_cell_colours_say_which_arrows_carry_c_and_which_h() -> None:
    fig = draw_lstm_cell()
    arrows = cell_arrows(fig)
    # The carousel: c_{t-1} -> x f -> + i g -> c_t, then c_t -> tanh -> x o.
    assert len(arrows["c"]) == 5
    assert len(arrows["h"]) == 5  # h_{t-1} into each of the four gates, h_t out
    assert {"f", "i", "g", "o", "x"} <= set(arrows)
    for carries, colour in [("c", CELL_STATE_COLOUR), ("h", HIDDEN_COLOUR)]:
        assert all(matplotlib.colors.same_color(a.arrow_patch.get_edgecolor(), colour) for a in arrows[carries])
    # Only the carousel runs the whole width at the height of c_{t-1} and c_t.
    carousel_y = {round(a.xy[1], 6) for a in arrows["c"][:3]}
    assert len(carousel_y) == 1
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "carries the cell state $c$" in legend and "carries the output $h$" in legend
    plt.close(fig)


def test_lstm_cell_draws_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_lstm_cell(ax=right) is fig
    assert not left.texts and right.texts
    plt.close(fig)
