"""The sheet-break figures: labelled with their data source, one panel per item."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from bilstm_helpers.sheet_breaks.plots import plot_around_breaks, plot_history, plot_score_table, precursor_contrast
from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks

TWIN = make_sheet_breaks(0, TwinParams(n_rows=1500, n_breaks=12, n_decoys=0, p_absent=0.0))


def test_precursor_contrast_finds_the_precursor_pool() -> None:
    contrast = precursor_contrast(TWIN.frame, before=10)
    pool = set(sum(TWIN.events["sensors"], []))
    assert contrast.index[0] in pool and contrast.iloc[0] > 1.5
    with pytest.raises(ValueError, match="no break"):
        precursor_contrast(TWIN.frame.assign(y=0))


def test_figures_say_their_source() -> None:
    breaks = list(np.flatnonzero(TWIN.frame["y"]))[:3]
    fig = plot_around_breaks(TWIN.frame, breaks, ["x1", "x3"], "SYNTHETIC")
    assert len(fig.axes) == 2 and "SYNTHETIC" in fig.get_suptitle()
    assert len(fig.axes[0].lines) == 3 + 1  # one line per break and the break marker
    history = {k: [0.5, 0.4] for k in ("loss", "f1", "recall", "fpr")}
    history.update({f"val_{k}": v for k, v in list(history.items())})
    fig = plot_history(history, "SYNTHETIC")
    assert len(fig.axes) == 5 and "SYNTHETIC" in fig.get_suptitle()
    # the class-weighted training loss and the unweighted validation loss never share a panel
    assert [len(ax.lines) for ax in fig.axes] == [1, 1, 2, 2, 2]
    assert "weighted" in fig.axes[0].get_title() and "unweighted" in fig.axes[1].get_title()
    table = pd.DataFrame({"model": ["a", "a", "b"], "f1": [0.1, 0.3, 0.2], "pr_auc": [0.5, 0.7, 0.6]})
    fig = plot_score_table(table, "SYNTHETIC", models=["b", "a"])
    assert "SYNTHETIC" in fig.get_suptitle() and [ax.get_ylabel() for ax in fig.axes] == ["test f1", "test pr_auc"]
    mean_a = fig.axes[0].lines[3].get_data()[1]  # model "a" is second: its points, then its mean marker
    assert mean_a[0] == pytest.approx(0.2)
    bar = fig.axes[0].collections[1].get_segments()[0]  # error bar of "a": mean +- sd with ddof=1
    assert bar[:, 1].tolist() == pytest.approx([0.2 - 0.1414214, 0.2 + 0.1414214])
    plt.close("all")
