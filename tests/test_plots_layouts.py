"""bilstm_helpers.plots.layouts: the row layout of h_n for stacked bidirectional layers."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from bilstm_helpers.plots.layouts import draw_h_n_layout, h_n_rows


def test_rows_are_layer_major_forward_first() -> None:
    assert h_n_rows(2) == [(0, 0, "forward"), (0, 1, "backward"), (1, 0, "forward"), (1, 1, "backward")]
    assert [2 * layer + d for layer, d, _ in h_n_rows(4)] == list(range(8))


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_table_lists_every_row_in_order_with_its_view_index(num_layers: int) -> None:
    fig = draw_h_n_layout(num_layers, time_steps=3)
    texts = [t.get_text() for t in fig.axes[0].texts]
    rows = [t for t in texts if t.startswith("h_n[")]
    assert rows == [f"h_n[{k}]" for k in range(2 * num_layers)]
    for k, (layer, d, name) in enumerate(h_n_rows(num_layers)):
        description = texts[texts.index(f"h_n[{k}]") + 1]
        after = "after step 2" if d == 0 else "after step 0"
        assert description == f"layer {layer} {name} ({after})\nh_n.view(L, 2, B, H)[{layer}, {d}]"
    assert f"({2 * num_layers}, B, H)" in fig.axes[0].get_title()
    plt.close(fig)


def test_one_thick_final_cell_per_lane() -> None:
    fig = draw_h_n_layout(2, time_steps=4)
    widths = [patch.get_linewidth() for patch in fig.axes[0].patches]
    assert len(widths) == 4 * 4 and sum(w > 2 for w in widths) == 4
    plt.close(fig)


def test_draws_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_h_n_layout(1, ax=right) is fig
    assert not left.texts and right.texts
    plt.close(fig)


@pytest.mark.parametrize(("kwargs", "match"), [({"num_layers": 0}, "num_layers"), ({"num_layers": 5}, "num_layers"),
                                               ({"num_layers": True}, "num_layers"), ({"time_steps": 1}, "time_steps"),
                                               ({"time_steps": 2.0}, "time_steps")])
def test_bad_sizes(kwargs, match) -> None:
    with pytest.raises(ValueError, match=f"{match} must be an integer"):
        draw_h_n_layout(**kwargs)


def test_drawing_does_not_import_torch() -> None:
    code = ("import sys, matplotlib; matplotlib.use('Agg'); "
            "from bilstm_helpers.plots.layouts import draw_h_n_layout; draw_h_n_layout(2); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
