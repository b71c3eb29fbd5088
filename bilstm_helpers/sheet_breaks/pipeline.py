"""From the sheet-break table to model inputs, as in the Educative sheet-break
tutorial (S0), minus its leak.

Steps, each a function: :func:`one_hot` the categorical columns,
:func:`curve_shift` the label (predict a break ``shift`` rows ahead, drop the
break rows), :func:`make_windows` of ``lookback`` rows, split the windows in
time (:func:`time_split`, with gaps so that no window shares a row with
another set) or, to show the leak, at random (:func:`random_split`), scale
with statistics of the training windows only (:class:`WindowScaler`), and
weigh the rare class (:func:`class_weights`). :func:`prepare` runs them all.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from bilstm_helpers.sheet_breaks.data import BINARY, CATEGORICAL


def one_hot(frame: pd.DataFrame, columns: tuple[str, ...] = (CATEGORICAL, BINARY),
            categories: dict[str, list] | None = None) -> pd.DataFrame:
    """Replace each categorical column by 0/1 columns ``<name>_<value>``.

    Args:
        frame: (rows, columns) with ``time`` and ``y`` kept as they are.
        categories: values per column (default: those present, sorted); a
            value outside them raises ``ValueError``.

    Returns:
        (rows, columns - len(columns) + number of categories) frame.
    """
    for column in columns:
        if column not in frame:
            raise ValueError(f"column {column!r} is not in the frame; pass the categorical "
                             f"columns it has (columns={tuple(c for c in columns if c in frame)}).")
    out = frame.drop(columns=list(columns))
    for column in columns:
        values = frame[column]
        known = sorted(values.unique()) if categories is None else list(categories[column])
        unknown = set(values.unique()) - set(known)
        if unknown:
            raise ValueError(f"{column} holds values {[float(v) for v in sorted(unknown)[:5]]} that are not among its "
                             "categories; add them to `categories`.")
        for value in known:
            label = int(value) if float(value).is_integer() else value
            out[f"{column}_{label}"] = (values == value).astype(np.float64)
    return out


def curve_shift(y: np.ndarray, shift: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The sheet-break tutorial's (S0) curve shifting: label the ``shift`` rows before each break 1 and
    drop the break rows.

    A model then predicts at row t whether a break comes within the next
    ``shift`` rows (4 minutes for 2-minute rows and ``shift = 2``).

    Args:
        y: (rows,) 0/1 break labels.

    Returns:
        keep: (rows,) bool, False on the break rows; labels: (kept rows,) 0/1,
        the shifted labels of the kept rows.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, (0, 1)).all():
        raise ValueError(f"y must be a 1-d array of 0/1 labels, got shape {y.shape}; "
                         "pass frame['y'].to_numpy().")
    if shift < 1:
        raise ValueError(f"shift must be >= 1 row, got {shift}.")
    ahead = np.zeros(len(y), dtype=np.int64)
    for s in range(1, shift + 1):
        ahead[:-s] |= y[s:]
    keep = y == 0
    return keep, ahead[keep]


def make_windows(x: np.ndarray, labels: np.ndarray, lookback: int) -> tuple[np.ndarray, np.ndarray]:
    """The sheet-break tutorial's (S0) "temporalize": the window of rows t-lookback+1 .. t gets row t's label.

    Args:
        x: (rows, features); labels: (rows,).

    Returns:
        windows: (rows - lookback + 1, lookback, features); y: (rows - lookback + 1,).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(labels) != len(x):
        raise ValueError(f"x must be (rows, features) with one label per row, got x {x.shape} "
                         f"and {len(labels)} labels.")
    if not 1 <= lookback <= len(x):
        raise ValueError(f"lookback must be in 1..{len(x)} rows, got {lookback}.")
    windows = np.lib.stride_tricks.sliding_window_view(x, lookback, axis=0).transpose(0, 2, 1)
    return np.ascontiguousarray(windows), np.asarray(labels)[lookback - 1:]


class Split(NamedTuple):
    """Window indices of the three sets, each (windows in the set,)."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray


def _check_fractions(fractions: tuple[float, float, float]) -> None:
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive shares that sum to 1 "
                         f"(train, valid, test), got {fractions}; the sheet-break tutorial (S0) uses "
                         "(0.64, 0.16, 0.2).")


def time_split(n_windows: int, lookback: int,
               fractions: tuple[float, float, float] = (0.64, 0.16, 0.2)) -> Split:
    """Train, then valid, then test in time order, with ``lookback`` windows
    left out between sets, so that no two sets share a row.

    Args:
        n_windows: windows from :func:`make_windows` (in time order).
    """
    _check_fractions(fractions)
    if n_windows < 3 * (lookback + 1) + 2 * lookback:
        raise ValueError(f"{n_windows} windows are too few to split with gaps of {lookback}; "
                         "use more rows or a shorter lookback.")
    a = int(round(fractions[0] * n_windows))
    b = int(round((fractions[0] + fractions[1]) * n_windows))
    index = np.arange(n_windows)
    return Split(index[:a], index[a + lookback:b], index[b + lookback:])


def random_split(n_windows: int, seed: int,
                 fractions: tuple[float, float, float] = (0.64, 0.16, 0.2)) -> Split:
    """The sheet-break tutorial's (S0) split: windows shuffled, so overlapping neighbours land in
    different sets (the leak this chapter measures)."""
    _check_fractions(fractions)
    index = np.random.default_rng(seed).permutation(n_windows)
    a = int(round(fractions[0] * n_windows))
    b = int(round((fractions[0] + fractions[1]) * n_windows))
    return Split(np.sort(index[:a]), np.sort(index[a:b]), np.sort(index[b:]))


class WindowScaler:
    """Standardise every feature with the mean and sd of the training windows.

    Features with sd 0 in training (e.g. a grade never seen there) are only
    centred.
    """

    def fit(self, windows: np.ndarray) -> "WindowScaler":
        """windows: (samples, lookback, features), the training windows only."""
        if np.asarray(windows).ndim != 3:
            raise ValueError(f"windows must be (samples, lookback, features), got shape "
                             f"{np.shape(windows)}; pass the output of make_windows.")
        flat = np.asarray(windows).reshape(-1, windows.shape[-1])
        # one feature at a time in float64: no float64 copy of all windows (memory stays low)
        self.mean_, sd = np.zeros(flat.shape[1]), np.zeros(flat.shape[1])
        for j in range(flat.shape[1]):
            column = flat[:, j].astype(np.float64)
            self.mean_[j], sd[j] = column.mean(), column.std()
        self.scale_ = np.where(sd > 0, sd, 1.0)
        return self

    def transform(self, windows: np.ndarray) -> np.ndarray:
        """(samples, lookback, features) -> the same shape, standardised, float32."""
        if not hasattr(self, "mean_"):
            raise ValueError("the scaler is not fitted; call fit(train_windows) first.")
        if np.shape(windows)[-1] != len(self.mean_):
            raise ValueError(f"windows have {np.shape(windows)[-1]} features, the scaler was "
                             f"fitted on {len(self.mean_)}; use windows built the same way.")
        out = np.empty(np.shape(windows), dtype=np.float32)
        for i in range(0, len(out), 1024):  # float64 arithmetic, one chunk at a time (memory stays low)
            out[i:i + 1024] = (np.asarray(windows[i:i + 1024], dtype=np.float64) - self.mean_) / self.scale_
        return out


def class_weights(y: np.ndarray) -> dict[int, float]:
    """Keras ``class_weight`` that gives both classes equal total weight:
    ``n / (2 * count)``. y: (samples,) 0/1 with both classes present."""
    y = np.asarray(y)
    counts = np.bincount(y.astype(int), minlength=2)
    if counts.min() == 0 or len(counts) > 2:
        raise ValueError(f"class weights need 0/1 labels with both classes present, got counts "
                         f"{counts.tolist()}; use a larger training set.")
    return {c: float(len(y) / (2 * counts[c])) for c in (0, 1)}


class Prepared(NamedTuple):
    """Scaled windows and labels of the three sets.

    Attributes:
        x_train: (samples, lookback, features) float32, training windows.
        y_train: (samples,) 0/1 labels of the training windows.
        x_valid: (samples, lookback, features) validation windows.
        y_valid: (samples,) their labels.
        x_test: (samples, lookback, features) test windows.
        y_test: (samples,) their labels.
        features: the names of the features.
        end_rows: (windows,) row of the original table at each window's end,
            for all windows before the split.
        split: the window indices of each set.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    features: list[str]
    end_rows: np.ndarray
    split: Split


def prepare(frame: pd.DataFrame, lookback: int = 5, shift: int = 2, split: str = "time",
            seed: int = 0, fractions: tuple[float, float, float] = (0.64, 0.16, 0.2)) -> Prepared:
    """One-hot, curve-shift, window, split (``"time"`` or ``"random"``), scale.

    Args:
        frame: (rows, 63) from the loader or the twin.
    """
    if split not in ("time", "random"):
        raise ValueError(f"split must be 'time' (honest) or 'random' (the tutorial's, leaky), got {split!r}.")
    table = one_hot(frame)
    keep, labels = curve_shift(table["y"].to_numpy(), shift)
    features = [c for c in table.columns if c not in ("time", "y")]
    x = table[features].to_numpy()[keep]
    windows, y = make_windows(x, labels, lookback)
    end_rows = np.flatnonzero(keep)[lookback - 1:]
    parts = (time_split(len(y), lookback, fractions) if split == "time"
             else random_split(len(y), seed, fractions))
    scaler = WindowScaler().fit(windows[parts.train])
    sets = [(scaler.transform(windows[i]), y[i]) for i in parts]
    return Prepared(*sets[0], *sets[1], *sets[2], features, end_rows, parts)
