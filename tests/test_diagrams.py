"""bilstm_helpers.diagrams: the unrolled BiLSTM figure."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

from bilstm_helpers.diagrams import CELL_STATE_COLOUR, HIDDEN_COLOUR, draw_lstm_cell, draw_unrolled_bilstm


def labels(fig) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


@pytest.mark.parametrize("time_steps", [1, 4, 7])
def test_one_cell_per_lane_and_step(time_steps: int) -> None:
    fig = draw_unrolled_bilstm(time_steps=time_steps)
    found = labels(fig)
    assert found.count("LSTM") == 2 * time_steps
    assert found.count("concat") == time_steps
    assert [f"$x_{{{t}}}$" for t in range(time_steps)] == [s for s in found if s.startswith("$x_")]
    assert f"T = {time_steps}" in fig.axes[0].get_title()
    plt.close(fig)


@pytest.mark.parametrize(("merge_mode", "symbol", "width"),
                         [("sum", "+", "(H)"), ("mul", "\u00d7", "(H)"), ("ave", "avg", "(H)"),
                          ("concat", "concat", "(2H)")])
def test_merge_node_and_output_width_follow_the_mode(merge_mode: str, symbol: str, width: str) -> None:
    fig = draw_unrolled_bilstm(time_steps=3, merge_mode=merge_mode)
    found = labels(fig)
    assert found.count(symbol) == 3
    assert sum(s.endswith(width) for s in found) == 3
    plt.close(fig)


def test_no_merge_gives_two_outputs_per_step() -> None:
    fig = draw_unrolled_bilstm(time_steps=2, merge_mode=None)
    found = labels(fig)
    assert not {"concat", "+", "avg"} & set(found)
    assert sum("y^{f}" in s and "y^{b}" in s for s in found) == 2
    plt.close(fig)


def test_draws_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_unrolled_bilstm(time_steps=2, ax=right) is fig
    assert not left.texts and right.texts
    plt.close(fig)


@pytest.mark.parametrize("bad", [0, 13, 2.0, True, "4"])
def test_bad_time_steps(bad) -> None:
    with pytest.raises(ValueError, match="time_steps must be an integer"):
        draw_unrolled_bilstm(time_steps=bad)


def test_bad_merge_mode() -> None:
    with pytest.raises(ValueError, match="unknown merge_mode 'max'"):
        draw_unrolled_bilstm(merge_mode="max")


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = "import sys, bilstm_helpers.diagrams; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_reversal_diagram_shows_the_three_layouts() -> None:
    from bilstm_helpers.diagrams import draw_reversal_within_lengths

    fig = draw_reversal_within_lengths((5, 3))
    padded, flipped, within = ([t.get_text() for t in ax.texts if 0 < len(t.get_text()) <= 3]
                               for ax in fig.axes)
    assert padded == ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "pad", "pad"]
    assert flipped == ["a4", "a3", "a2", "a1", "a0", "pad", "pad", "b2", "b1", "b0"]
    assert within == ["a4", "a3", "a2", "a1", "a0", "b2", "b1", "b0", "pad", "pad"]
    assert "wrong" in fig.axes[1].get_title(loc="left") and "right" in fig.axes[2].get_title(loc="left")
    plt.close(fig)


@pytest.mark.parametrize("bad", [(), (0, 3), (13,), (1, 2, 3, 4, 5, 6, 7), (2.5, 1)])
def test_reversal_diagram_bad_lengths(bad) -> None:
    from bilstm_helpers.diagrams import draw_reversal_within_lengths

    with pytest.raises(ValueError, match="lengths must be 1 to 6 integers"):
        draw_reversal_within_lengths(bad)
# --- draw_lstm_cell: one LSTM cell ---------------------------------------------------------------


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
