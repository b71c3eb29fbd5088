"""bilstm_helpers.plots.diagrams: the unrolled BiLSTM figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from bilstm_helpers.plots.diagrams import draw_unrolled_bilstm


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


def test_reversal_diagram_shows_the_three_layouts() -> None:
    from bilstm_helpers.plots.diagrams import draw_reversal_within_lengths

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
    from bilstm_helpers.plots.diagrams import draw_reversal_within_lengths

    with pytest.raises(ValueError, match="lengths must be 1 to 6 integers"):
        draw_reversal_within_lengths(bad)
