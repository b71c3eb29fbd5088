
import matplotlib.pyplot as plt
import numpy as np
import pytest

from bilstm_helpers.plots.curves import plot_mean_band, smooth


def test_smooth():
    np.testing.assert_allclose(smooth(np.array([[1.0, 2.0, 3.0, 4.0]]), 2), [[1.5, 2.5, 3.5]])
    with pytest.raises(ValueError, match="window"):
        smooth(np.ones(3), 0)


def test_plot_mean_band_draws_mean_and_band():
    fig, ax = plt.subplots()
    curves = np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]])
    plot_mean_band(ax, curves, "runs")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2.0, 3.0, 4.0])
    assert len(ax.collections) == 1 and ax.get_legend_handles_labels()[1] == ["runs"]
    plt.close(fig)


def test_plot_loss_bands_one_line_per_model():
    from bilstm_helpers.plots.curves import plot_loss_bands

    curves = {"a": np.ones((2, 4)), "b": np.full((2, 4), 2.0)}
    fig = plot_loss_bands(curves, "epoch", "title")
    ax = fig.axes[0]
    assert ax.get_legend_handles_labels()[1] == ["a", "b"] and ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 2.0)
    plt.close(fig)


def test_plot_loss_bands_rejects_no_curves():
    from bilstm_helpers.plots.curves import plot_loss_bands

    with pytest.raises(ValueError, match="curves is empty"):
        plot_loss_bands({}, "epoch", "title")
