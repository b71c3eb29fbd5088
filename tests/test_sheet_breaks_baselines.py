"""The rolling-statistics baseline: statistics against NumPy, the pipeline, validation-only choice of C."""

from __future__ import annotations

import numpy as np
import pytest

from bilstm_helpers.sheet_breaks.baselines import (
    fit_rolling_baseline,
    flatten_windows,
    logistic_baseline,
    logistic_baseline_model,
    rolling_logistic,
    window_statistics,
)
from bilstm_helpers.sheet_breaks.pipeline import Prepared, Split


def test_window_statistics_match_numpy() -> None:
    x = np.random.default_rng(0).normal(size=(6, 5, 3))
    stats = window_statistics(x, ("mean", "sd", "slope", "last"))
    assert stats.shape == (6, 4 * 3)
    np.testing.assert_allclose(stats[:, :3], x.mean(1))
    np.testing.assert_allclose(stats[:, 3:6], x.std(1))
    slope = np.array([[np.polyfit(np.arange(5), x[i, :, f], 1)[0] for f in range(3)] for i in range(6)])
    np.testing.assert_allclose(stats[:, 6:9], slope)
    np.testing.assert_allclose(stats[:, 9:], x[:, -1])
    ramp = np.arange(5.0)[None, :, None] * 2.5 + 1.0  # slope 2.5 per step
    np.testing.assert_allclose(window_statistics(ramp, ("slope",)), [[2.5]])


def test_window_statistics_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="samples, lookback, features"):
        window_statistics(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="lookback >= 2"):
        window_statistics(np.zeros((4, 1, 3)))
    with pytest.raises(ValueError, match="unknown statistics"):
        window_statistics(np.zeros((4, 5, 3)), ("median",))


def _prepared(seed: int, n: int = 600) -> Prepared:
    """Windows whose label is carried by the sd of feature 0 only (mean and last value are not)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    x = rng.normal(size=(n, 5, 2)).astype(np.float32)
    x[y == 1, :, 0] *= 4.0  # breaks shake: same mean, larger sd
    parts = np.split(np.arange(n), [n // 2, 3 * n // 4])
    return Prepared(x[parts[0]], y[parts[0]], x[parts[1]], y[parts[1]], x[parts[2]], y[parts[2]],
                    ["a", "b"], np.arange(n), Split(*parts))


def test_sd_finds_what_mean_slope_last_cannot() -> None:
    from sklearn.metrics import average_precision_score

    data = _prepared(0)
    with_sd = fit_rolling_baseline(data, ("mean", "sd", "slope", "last"))
    without = fit_rolling_baseline(data, ("mean", "slope", "last"))
    assert with_sd["p_test"].shape == data.y_test.shape and with_sd["seconds"] > 0
    assert average_precision_score(data.y_test, with_sd["p_test"]) > 0.9
    assert average_precision_score(data.y_test, without["p_test"]) < 0.5


def test_c_is_chosen_on_validation_only() -> None:
    from sklearn.metrics import average_precision_score

    data = _prepared(1)
    result = fit_rolling_baseline(data, ("mean", "sd"), cs=(1e-4, 1.0))
    valid_ap = {c: average_precision_score(data.y_valid, rolling_logistic(("mean", "sd"), c)
                                           .fit(data.x_train, data.y_train).predict_proba(data.x_valid)[:, 1])
                for c in (1e-4, 1.0)}
    assert result["c"] == max(valid_ap, key=valid_ap.get)
    # the test labels play no part: scrambling them changes nothing
    scrambled = data._replace(y_test=np.zeros_like(data.y_test))
    assert fit_rolling_baseline(scrambled, ("mean", "sd"), cs=(1e-4, 1.0))["c"] == result["c"]
    with pytest.raises(ValueError, match="cs is empty"):
        fit_rolling_baseline(data, cs=())


def test_flattened_logistic_baseline() -> None:
    from bilstm_helpers.sheet_breaks.pipeline import prepare
    from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks

    data = prepare(make_sheet_breaks(0, TwinParams(n_rows=1500, n_breaks=14, n_decoys=5)).frame, lookback=3)
    valid, test = logistic_baseline(data, seed=0)
    assert valid.shape == data.y_valid.shape and test.shape == data.y_test.shape
    fitted = logistic_baseline_model(data, seed=0)
    np.testing.assert_allclose(fitted.predict_proba(flatten_windows(data.x_test))[:, 1], test)
    assert flatten_windows(data.x_test).shape == (len(data.x_test), 3 * data.x_test.shape[2])
