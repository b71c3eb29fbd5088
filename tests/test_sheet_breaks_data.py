"""The sheet-break loader reads the twin's CSV exactly as the real file, and
says what is wrong with a wrong file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilstm_helpers.sheet_breaks import data as sbd
from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks, write_csv

SMALL = TwinParams(n_rows=400, n_breaks=4, n_decoys=3, min_gap=40)


@pytest.fixture(scope="module")
def twin() -> pd.DataFrame:
    return make_sheet_breaks(seed=1, params=SMALL).frame


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sbd.ENV_VAR, raising=False)
    monkeypatch.delenv("BILSTM_DATA_DIR", raising=False)


def assert_same(loaded: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert list(loaded.columns) == list(sbd.COLUMNS)
    assert (loaded["time"] == frame["time"]).all()
    assert loaded["y"].dtype == np.int64 and (loaded["y"] == frame["y"]).all()
    np.testing.assert_allclose(loaded[list(sbd.SENSORS)], frame[list(sbd.SENSORS)], rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("scheme", ["xy", "named"])
def test_reads_the_twin_csv_in_both_schemes(twin, tmp_path, scheme) -> None:
    path = tmp_path / "data.csv"
    write_csv(twin, path, scheme=scheme)
    header = path.read_text().splitlines()[0].split(",")
    assert header[:2] == (["time", "y"] if scheme == "xy" else ["DateTime", "SheetBreak"])
    assert path.read_text().splitlines()[1].startswith("5/1/99 0:00,")  # the real file's format
    assert_same(sbd.load_sheet_breaks(path), twin)


def test_env_var_and_data_dir(twin, tmp_path, monkeypatch) -> None:
    path = tmp_path / "sheet_break.csv"
    write_csv(twin, path)
    assert sbd.find_sheet_break_csv() is None
    monkeypatch.setenv("BILSTM_DATA_DIR", str(tmp_path))
    assert sbd.find_sheet_break_csv() == path
    monkeypatch.setenv("BILSTM_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv(sbd.ENV_VAR, str(path))
    assert_same(sbd.load_sheet_breaks(), twin)


def test_missing_paths(tmp_path, monkeypatch) -> None:
    with pytest.raises(ValueError, match="the path argument points at .* not a file"):
        sbd.find_sheet_break_csv(tmp_path / "nope.csv")
    monkeypatch.setenv(sbd.ENV_VAR, str(tmp_path / "nope.csv"))
    with pytest.raises(ValueError, match=r"\$BILSTM_SHEET_BREAK_CSV points at .*unset"):
        sbd.find_sheet_break_csv()
    monkeypatch.delenv(sbd.ENV_VAR)
    with pytest.raises(ValueError, match="no sheet-break CSV found"):
        sbd.load_sheet_breaks()


def test_unreadable_file(tmp_path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="not a readable CSV"):
        sbd.load_sheet_breaks(tmp_path / "empty.csv")


def test_wrong_columns(twin) -> None:
    with pytest.raises(ValueError, match="unrecognised columns"):
        sbd.to_standard_columns(twin.rename(columns={"time": "date"}))
    with pytest.raises(ValueError, match=r"lacks the columns \['x5'\]"):
        sbd.to_standard_columns(twin.drop(columns="x5"))
    with pytest.raises(ValueError, match=r"unexpected columns \['Unnamed: 0'\]"):
        sbd.to_standard_columns(twin.assign(**{"Unnamed: 0": 0}))
    named = twin.rename(columns={"time": "DateTime", "y": "SheetBreak", "x61": "EventPress"})
    with pytest.raises(ValueError, match="named scheme .* lacks Grade&Bwt"):
        sbd.to_standard_columns(named)
    named = named.rename(columns={"x28": "Grade&Bwt"}).drop(columns="x3")
    with pytest.raises(ValueError, match="named scheme .* has 62 columns"):
        sbd.to_standard_columns(named)


def small_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"time": ["5/1/99 0:00", "5/1/99 0:02", "5/1/99 0:04"], "y": [0, 1, 0]})
    for column in sbd.SENSORS:
        frame[column] = [0.0, 1.0, 0.0]
    return frame


def test_validation_accepts_iso_times() -> None:
    frame = small_frame().assign(time=["1999-05-01 00:00:00", "1999-05-01 00:02:00", "1999-05-01 00:04:00"])
    assert sbd.validate_sheet_breaks(frame)["time"].iloc[2] == pd.Timestamp("1999-05-01 00:04")


@pytest.mark.parametrize("change, message", [
    (dict(time=["5/1/99 0:00", "soon", "5/1/99 0:04"]), "time value 'soon' is not a date-time"),
    (dict(time=["5/1/99 0:00", "5/1/99 0:00", "5/1/99 0:04"]), "duplicated time .*drop_duplicates"),
    (dict(time=["5/1/99 0:00", "5/1/99 0:04", "5/1/99 0:02"]), "not sorted .*sort_values"),
    (dict(y=[0, 2, 0]), "label y must be 0 or 1, found 2"),
    (dict(y=[0, 0, 0]), "has no break"),
    (dict(x7=[0.0, "n/a", 1.0]), "sensor x7 holds a non-numeric or missing value 'n/a'"),
    (dict(x9=[0.0, np.nan, 1.0]), "sensor x9 holds a non-numeric or missing value"),
    (dict(x61=[0.0, 3.0, 1.0]), "x61 .* must be binary"),
])
def test_validation_errors(change, message) -> None:
    with pytest.raises(ValueError, match=message):
        sbd.validate_sheet_breaks(small_frame().assign(**change))
