"""Load ProcessMiner's sheet-break CSV (Ranjan et al. 2018) and check it.

The real file cannot be shipped with the book: ProcessMiner hands it out
through a form. A reader who has it points the book at it with a path or the
environment variable ``BILSTM_SHEET_BREAK_CSV`` (or drops it into
``$BILSTM_DATA_DIR`` under one of :data:`FILE_NAMES`). Two column schemes
circulate and both are accepted:

* ``time, y, x1 .. x61`` (the arXiv paper's scheme);
* ``DateTime, SheetBreak, <59 named sensors>, Grade&Bwt, EventPress ...``:
  the named scheme. Sensors are mapped to ``x1 .. x61`` by their order in the
  file, except ``Grade&Bwt`` -> ``x28`` (the paper grade) and ``EventPress``
  -> ``x61`` (binary), which are found by name.

Whatever the scheme, :func:`load_sheet_breaks` returns one frame with the
columns :data:`COLUMNS`: ``time`` (datetime64), ``y`` (int 0/1) and
``x1 .. x61`` (float; ``x28`` holds grade codes, ``x61`` 0/1). Every check
raises ``ValueError`` that names the problem and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from bilstm_helpers.downloads import ENV_DATA_DIR

#: Environment variable that points at the real CSV file.
ENV_VAR = "BILSTM_SHEET_BREAK_CSV"

#: File names looked for in ``$BILSTM_DATA_DIR`` when no path is given.
FILE_NAMES = ("processminer-rare-event-mts - data.csv",
              "processminer-sheet-break-rare-event-dataset.csv", "sheet_break.csv")

#: The sensor columns, in the paper's scheme.
SENSORS = tuple(f"x{i}" for i in range(1, 62))

#: The columns of every frame the loader returns.
COLUMNS = ("time", "y") + SENSORS

#: The categorical sensor (paper grade) and the binary one.
CATEGORICAL, BINARY = "x28", "x61"

#: The named scheme's time and label columns and the two sensors found by name.
NAMED = {"DateTime": "time", "SheetBreak": "y", "Grade&Bwt": CATEGORICAL, "EventPress": BINARY}

#: Time format of the real file (e.g. ``5/1/99 0:00``).
TIME_FORMAT = "%m/%d/%y %H:%M"


def find_sheet_break_csv(path: str | os.PathLike | None = None) -> Path | None:
    """The real CSV: ``path``, else ``$BILSTM_SHEET_BREAK_CSV``, else a file of
    :data:`FILE_NAMES` in ``$BILSTM_DATA_DIR``; None when there is none.

    A path that is given (argument or environment variable) but does not exist
    raises ``ValueError``: a typo must not silently fall back to the twin.
    """
    given = path if path is not None else os.environ.get(ENV_VAR) or None
    if given is not None:
        found = Path(given).expanduser()
        if not found.is_file():
            source = "the path argument" if path is not None else f"${ENV_VAR}"
            raise ValueError(f"{source} points at {str(found)!r}, which is not a file. "
                             f"Fix the path or unset {ENV_VAR} to use the synthetic twin.")
        return found
    folder = os.environ.get(ENV_DATA_DIR)
    if folder:
        for name in FILE_NAMES:
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    return None


def to_standard_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename either column scheme to :data:`COLUMNS` (order kept as there).

    Args:
        frame: (rows, 63) table as read from the CSV.
    """
    columns = [str(c).strip() for c in frame.columns]
    if columns[:2] == ["time", "y"]:
        missing = [c for c in SENSORS if c not in columns]
        if missing:
            raise ValueError(f"the file has the time, y, x1..x61 scheme but lacks the columns "
                             f"{missing[:5]}{' ...' if len(missing) > 5 else ''}; "
                             "use the complete file from ProcessMiner.")
        extra = [c for c in columns if c not in COLUMNS]
        if extra:
            raise ValueError(f"unexpected columns {extra[:5]}: the file should hold time, y, "
                             "x1..x61 only; drop the extra columns (e.g. an index) first.")
        return frame.set_axis(columns, axis=1)[list(COLUMNS)]
    if columns[:2] == ["DateTime", "SheetBreak"]:
        missing = [c for c in ("Grade&Bwt", "EventPress") if c not in columns]
        if missing or len(columns) != len(COLUMNS):
            raise ValueError(
                f"the file has the named scheme (DateTime, SheetBreak, ...) but "
                f"{'lacks ' + ', '.join(missing) if missing else f'has {len(columns)} columns'}; "
                f"it needs DateTime, SheetBreak and 61 sensors including Grade&Bwt and "
                "EventPress. Use the complete file from ProcessMiner.")
        others = iter(c for c in SENSORS if c not in (CATEGORICAL, BINARY))
        mapping = {c: NAMED[c] if c in NAMED else next(others) for c in columns}
        return frame.set_axis([mapping[c] for c in columns], axis=1)[list(COLUMNS)]
    raise ValueError(f"unrecognised columns {columns[:4]}...: expected a file starting with "
                     "'time, y, x1' or 'DateTime, SheetBreak'. Is this ProcessMiner's sheet-break "
                     "CSV? (Read it with pandas and check its header.)")


def validate_sheet_breaks(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a frame with the columns :data:`COLUMNS` and return it typed.

    Checks: a parseable, strictly increasing (sorted, no duplicates) time
    index; labels 0/1 with at least one break; numeric, finite sensors;
    ``x61`` binary.

    Args:
        frame: (rows, 63) with ``time``, ``y``, ``x1 .. x61``.
    """
    frame = frame.copy()
    time = frame["time"]
    if not np.issubdtype(time.dtype, np.datetime64):
        parsed = pd.to_datetime(time, format=TIME_FORMAT, errors="coerce")
        if parsed.isna().any():
            parsed = pd.to_datetime(time, errors="coerce", format="mixed")
        if parsed.isna().any():
            bad = time[parsed.isna()].iloc[0]
            raise ValueError(f"time value {bad!r} is not a date-time; times look like "
                             "'5/1/99 0:00' or '1999-05-01 00:00:00'. Fix or drop that row.")
        frame["time"] = parsed
    steps = frame["time"].diff().dropna()
    if (steps == pd.Timedelta(0)).any():
        where = int(np.argmax((steps == pd.Timedelta(0)).to_numpy())) + 1
        raise ValueError(f"duplicated time {frame['time'].iloc[where]} (row {where}); "
                         "drop duplicated rows, e.g. frame.drop_duplicates('time').")
    if (steps < pd.Timedelta(0)).any():
        where = int(np.argmax((steps < pd.Timedelta(0)).to_numpy())) + 1
        raise ValueError(f"the time index is not sorted (row {where} goes back in time); "
                         "sort the rows by time, e.g. frame.sort_values('time').")
    label = pd.to_numeric(frame["y"], errors="coerce")
    if label.isna().any() or not label.isin([0, 1]).all():
        bad = _plain(frame["y"][label.isna() | ~label.isin([0, 1])].iloc[0])
        raise ValueError(f"label y must be 0 or 1, found {bad!r}; is the label column right "
                         "(y or SheetBreak)?")
    if label.sum() == 0:
        raise ValueError("the label y has no break (no 1): there is nothing to predict; "
                         "check that this is the sheet-break file.")
    frame["y"] = label.astype(np.int64)
    for column in SENSORS:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            bad = _plain(frame[column][values.isna()].iloc[0])
            raise ValueError(f"sensor {column} holds a non-numeric or missing value {bad!r}; "
                             "every sensor must be a number: fix or impute it.")
        frame[column] = values.astype(np.float64)
    if not frame[BINARY].isin([0.0, 1.0]).all():
        raise ValueError(f"{BINARY} (EventPress) must be binary 0/1, found "
                         f"{sorted(frame[BINARY].unique())[:5]}; are the columns in the right order?")
    return frame.reset_index(drop=True)


def _plain(value: object) -> object:
    """A NumPy scalar as a Python one, for readable error messages."""
    return value.item() if isinstance(value, np.generic) else value


def load_sheet_breaks(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and check the real sheet-break CSV.

    Args:
        path: the CSV; default :func:`find_sheet_break_csv`.

    Returns:
        (rows, 63) frame with the columns :data:`COLUMNS` (18,398 rows for the
        real file).
    """
    found = find_sheet_break_csv(path)
    if found is None:
        raise ValueError(f"no sheet-break CSV found: pass its path, set {ENV_VAR}=/path/to/file.csv, "
                         "or use bilstm_helpers.sheet_breaks.synthetic for the synthetic twin.")
    try:
        frame = pd.read_csv(found)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"{found} is not a readable CSV ({error}); "
                         "pass the CSV file from ProcessMiner, not a spreadsheet or archive.") from None
    return validate_sheet_breaks(to_standard_columns(frame))
