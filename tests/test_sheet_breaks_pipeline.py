"""Pipeline helpers: one-hot, curve shifting, windows, splits, scaler, weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilstm_helpers.sheet_breaks import pipeline as sbp
from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks


def test_one_hot() -> None:
    frame = pd.DataFrame({"time": [0, 1, 2], "y": [0, 1, 0], "x1": [0.5, 1.0, 2.0],
                          "x28": [96.0, 82.0, 96.0], "x61": [0.0, 1.0, 0.0]})
    out = sbp.one_hot(frame)
    assert list(out.columns) == ["time", "y", "x1", "x28_82", "x28_96", "x61_0", "x61_1"]
    assert out["x28_96"].tolist() == [1.0, 0.0, 1.0] and out["x61_1"].tolist() == [0.0, 1.0, 0.0]
    fixed = sbp.one_hot(frame, categories={"x28": [82.0, 96.0, 118.0], "x61": [0.0, 1.0]})
    assert fixed["x28_118"].sum() == 0
    with pytest.raises(ValueError, match=r"x28 holds values \[96.0\] .*add them"):
        sbp.one_hot(frame, categories={"x28": [82.0], "x61": [0.0, 1.0]})
    with pytest.raises(ValueError, match="column 'x61' is not in the frame"):
        sbp.one_hot(frame.drop(columns="x61"))


def test_curve_shift_labels_the_rows_before_a_break_and_drops_it() -> None:
    y = np.array([0, 0, 0, 0, 1, 0, 0, 1, 0])
    keep, labels = sbp.curve_shift(y, shift=2)
    assert keep.tolist() == [True] * 4 + [False] + [True] * 2 + [False, True]
    # rows 2, 3 come 2 and 1 rows before the break at 4; rows 5, 6 before the one at 7
    assert labels.tolist() == [0, 0, 1, 1, 1, 1, 0]
    with pytest.raises(ValueError, match="y must be a 1-d array of 0/1"):
        sbp.curve_shift(np.array([0, 2]))
    with pytest.raises(ValueError, match="shift must be >= 1"):
        sbp.curve_shift(y, shift=0)


def test_make_windows() -> None:
    x = np.arange(12, dtype=float).reshape(6, 2)
    windows, y = sbp.make_windows(x, np.arange(6), lookback=3)
    assert windows.shape == (4, 3, 2) and y.tolist() == [2, 3, 4, 5]
    np.testing.assert_array_equal(windows[1], x[1:4])  # rows t-2..t with row t's label
    with pytest.raises(ValueError, match="x must be .rows, features. with one label per row"):
        sbp.make_windows(x, np.arange(5), 3)
    with pytest.raises(ValueError, match="lookback must be in 1..6"):
        sbp.make_windows(x, np.arange(6), 0)


def test_time_split_leaves_gaps() -> None:
    split = sbp.time_split(1000, lookback=5)
    assert split.train.max() < split.valid.min() < split.valid.max() < split.test.min()
    assert split.valid.min() - split.train.max() > 5 and split.test.min() - split.valid.max() > 5
    assert len(split.train) == 640 and len(split.test) == 1000 - 800 - 5
    with pytest.raises(ValueError, match="too few to split"):
        sbp.time_split(20, lookback=5)
    with pytest.raises(ValueError, match="three positive shares that sum to 1"):
        sbp.time_split(1000, 5, (0.5, 0.5, 0.5))


def test_random_split_mixes_neighbours() -> None:
    split = sbp.random_split(1000, seed=0)
    assert sorted(np.concatenate(split).tolist()) == list(range(1000))
    assert split.test.min() < split.train.max()  # interleaved in time
    np.testing.assert_array_equal(sbp.random_split(1000, seed=0).test, split.test)
    with pytest.raises(ValueError, match="three positive shares"):
        sbp.random_split(1000, 0, (0.8, 0.2))


def test_scaler_uses_training_statistics_only() -> None:
    rng = np.random.default_rng(0)
    train, test = rng.normal(5, 2, (50, 4, 3)), rng.normal(50, 2, (10, 4, 3))
    train[..., 2] = 7.0  # constant feature: only centred
    scaler = sbp.WindowScaler().fit(train)
    scaled = scaler.transform(train)
    np.testing.assert_allclose(scaled.reshape(-1, 3).mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(scaled.reshape(-1, 3)[:, :2].std(0), 1, atol=1e-5)
    assert scaler.transform(test)[..., 0].mean() > 10  # test keeps its shift
    with pytest.raises(ValueError, match="not fitted"):
        sbp.WindowScaler().transform(test)
    with pytest.raises(ValueError, match="must be .samples, lookback, features."):
        sbp.WindowScaler().fit(train[0])
    with pytest.raises(ValueError, match="have 2 features, the scaler was fitted on 3"):
        scaler.transform(test[..., :2])


def test_class_weights() -> None:
    weights = sbp.class_weights(np.array([0, 0, 0, 1]))
    assert weights == {0: 4 / 6, 1: 2.0}
    with pytest.raises(ValueError, match="both classes present"):
        sbp.class_weights(np.zeros(5))


@pytest.mark.parametrize("split", ["time", "random"])
def test_prepare(split) -> None:
    frame = make_sheet_breaks(0, TwinParams(n_rows=1200, n_breaks=10, n_decoys=4)).frame
    data = sbp.prepare(frame, lookback=4, split=split)
    n = len(frame) - 10 - 3  # break rows dropped, lookback - 1 rows lost
    total = len(data.y_train) + len(data.y_valid) + len(data.y_test)
    assert total == (n - 8 if split == "time" else n)
    assert data.x_train.shape[1:] == (4, len(data.features)) and data.x_train.dtype == np.float32
    assert data.y_train.sum() + data.y_valid.sum() + data.y_test.sum() <= 20
    assert frame["y"].to_numpy()[data.end_rows].sum() == 0  # no window ends on a break row
    np.testing.assert_allclose(data.x_train.reshape(-1, data.x_train.shape[-1]).mean(0), 0, atol=1e-4)
    with pytest.raises(ValueError, match="split must be 'time' .* or 'random'"):
        sbp.prepare(frame, split="shuffle")
