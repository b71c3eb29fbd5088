"""The synthetic twin: the real file's shape, deterministic, with the
documented structure (grades in runs, binary x61, scales, breaks, precursors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilstm_helpers.sheet_breaks.data import COLUMNS, validate_sheet_breaks
from bilstm_helpers.sheet_breaks.synthetic import TwinParams, _episode, make_sheet_breaks, write_csv

SMALL = TwinParams(n_rows=1500, n_breaks=12, n_decoys=10, min_gap=40, grade_run=300)


@pytest.fixture(scope="module")
def twin():
    return make_sheet_breaks(seed=3, params=SMALL)


def test_full_size_matches_the_real_file() -> None:
    frame = make_sheet_breaks(seed=0).frame
    assert frame.shape == (18_398, 63) and list(frame.columns) == list(COLUMNS)
    assert frame["y"].sum() == 124 and round(100 * frame["y"].mean(), 2) == 0.67
    assert frame["time"].iloc[0] == pd.Timestamp("1999-05-01 00:00")
    assert (frame["time"].diff().dropna() == pd.Timedelta(minutes=2)).all()
    sds = frame.drop(columns=["time", "y", "x28", "x61"]).std()
    assert sds.max() / sds.min() > 1e3  # very different scales
    validate_sheet_breaks(frame)  # passes the loader's checks


def test_deterministic(twin) -> None:
    again = make_sheet_breaks(seed=3, params=SMALL)
    pd.testing.assert_frame_equal(again.frame, twin.frame)
    other = make_sheet_breaks(seed=4, params=SMALL)
    assert not np.allclose(other.frame["x1"], twin.frame["x1"])


def test_grades_binary_and_block_correlation(twin) -> None:
    frame = twin.frame
    assert set(frame["x28"].unique()) <= set(SMALL.grades)
    changes = int((frame["x28"].diff().fillna(0) != 0).sum())
    assert changes < len(frame) / 50  # long runs
    assert set(frame["x61"].unique()) <= {0.0, 1.0}
    x = frame[["x1", "x2", "x3", "x4", "x29", "x30", "x31"]].to_numpy()
    corr = np.corrcoef(x, rowvar=False)
    assert corr[0, 1] > 0.2 and abs(corr[0, 5]) < corr[0, 1]  # same block vs other block


def test_events_and_precursors(twin) -> None:
    events = twin.events
    breaks = events[events["kind"] == "break"]
    assert sorted(breaks["row"]) == list(np.flatnonzero(twin.frame["y"]))
    assert np.diff(sorted(breaks["row"])).min() >= SMALL.min_gap
    leads = events["row"] - events["onset"]
    assert leads[events["kind"] == "break"].between(*SMALL.lead_rows).all()
    assert (events["kind"] == "decoy").sum() == SMALL.n_decoys
    present = breaks[breaks["strength"] > 0]
    assert present["strength"].between(*SMALL.strength).all()
    # a precursor moves its sensors more than they move elsewhere
    row = present.iloc[int(np.argmax(present["strength"]))]
    sensor = row["sensors"][0]
    x = twin.frame[sensor].to_numpy()
    episode = np.abs(np.diff(x[row["onset"]:row["row"]])).mean()
    assert episode > np.abs(np.diff(x)).mean()
    assert set(sum(events["behaviours"], [])) <= {"drift", "variance", "oscillation"}


def test_precursor_grows_as_a_power_of_the_ramp() -> None:
    for growth in (1.0, 2.0):
        z = np.zeros((20, 1))
        _episode(np.random.default_rng(0), z, end=15, lead=5, strength=2.0,
                 sensors=np.array([0]), kinds=["drift"], growth=growth)
        np.testing.assert_allclose(np.abs(z[10:15, 0]), 2.0 * (np.arange(1, 6) / 5) ** growth)
        assert not z[:10].any() and not z[15:].any()  # only the lead rows before the end


def test_absent_precursors() -> None:
    events = make_sheet_breaks(seed=0, params=TwinParams(n_rows=1500, n_breaks=12, n_decoys=0,
                                                          p_absent=1.0)).events
    assert (events["strength"] == 0).all()


def test_write_csv_rejects_an_unknown_scheme(twin, tmp_path) -> None:
    with pytest.raises(ValueError, match="scheme must be 'xy' or 'named'"):
        write_csv(twin.frame, tmp_path / "x.csv", scheme="excel")
