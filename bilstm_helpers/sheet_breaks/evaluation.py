"""Evaluating sheet-break warnings as an operator sees them, and on shared rows.

Window-level scores (F1, recall) count windows; an operator counts breaks and
alarms. :func:`event_scores` groups the test windows by the break they lead
up to and the flagged windows into alarms (runs of consecutive flagged
windows). :func:`common_test_windows` finds the windows that are test windows
of two splits at once, so that models trained on different splits can be
scored on the same rows. :func:`chance_true_positives` is what a model that
ranks at random would catch with the same number of alarms.
Window-level scores at a threshold are in :mod:`bilstm_helpers.metrics`.
"""

from __future__ import annotations

import numpy as np


def event_scores(y_true: np.ndarray, flagged: np.ndarray, end_rows: np.ndarray,
                 break_rows: np.ndarray) -> dict[str, int]:
    """Breaks warned in time and false alarms of one set of windows.

    Args:
        y_true: (windows,) 0/1 window labels (1 = a break within the shift).
        flagged: (windows,) bool, the model's alarms (probability >= threshold).
        end_rows: (windows,) increasing row of the table at each window's end.
        break_rows: (breaks,) rows of the breaks in the table.

    Returns:
        {"breaks": breaks with at least one positive window here,
        "warned": those with at least one flagged positive window (a warning
        in time), "alarms": runs of consecutive flagged windows,
        "false_alarms": runs that contain no positive window,
        "false_alarm_windows": flagged negative windows}.
    """
    y_true, flagged = np.asarray(y_true).reshape(-1), np.asarray(flagged, dtype=bool).reshape(-1)
    end_rows, break_rows = np.asarray(end_rows).reshape(-1), np.asarray(break_rows).reshape(-1)
    if not len(y_true) == len(flagged) == len(end_rows):
        raise ValueError(f"y_true ({len(y_true)}), flagged ({len(flagged)}) and end_rows "
                         f"({len(end_rows)}) need one entry per window; index them with the same set.")
    if np.any(np.diff(end_rows) <= 0):
        raise ValueError("end_rows must increase (windows in time order); use a time-ordered set or "
                         "sort the windows by end row first.")
    positive = y_true == 1
    next_break = np.searchsorted(break_rows, end_rows)  # the first break after each window's end
    starts = np.flatnonzero(flagged & ~np.r_[False, flagged[:-1]])
    ends = np.flatnonzero(flagged & ~np.r_[flagged[1:], False]) + 1
    hits = np.array([positive[a:b].any() for a, b in zip(starts, ends)], dtype=bool)
    return {"breaks": len(np.unique(next_break[positive])),
            "warned": len(np.unique(next_break[positive & flagged])),
            "alarms": len(starts), "false_alarms": int(np.sum(~hits)),
            "false_alarm_windows": int(np.sum(flagged & ~positive))}


def common_test_windows(test_a: np.ndarray, test_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the windows that are in both test sets.

    Args:
        test_a, test_b: (windows in the set,) sorted window indices, e.g.
            ``Prepared.split.test`` of a time-ordered and of a random split
            built from the same table and lookback.

    Returns:
        (in_a, in_b): positions into ``test_a`` and ``test_b`` of the shared
        windows, in the same order, so that ``test_a[in_a] == test_b[in_b]``.
    """
    shared, in_a, in_b = np.intersect1d(test_a, test_b, assume_unique=True, return_indices=True)
    if len(shared) == 0:
        raise ValueError("the two test sets share no window; build both splits from the same "
                         "table and lookback.")
    return in_a, in_b


def chance_true_positives(y_true: np.ndarray, flagged: np.ndarray) -> float:
    """Expected true positives of alarms raised at random: the number of
    flagged windows times the share of positive windows. y_true, flagged: (windows,)."""
    y_true, flagged = np.asarray(y_true).reshape(-1), np.asarray(flagged, dtype=bool).reshape(-1)
    if len(y_true) != len(flagged) or len(y_true) == 0:
        raise ValueError(f"y_true ({len(y_true)}) and flagged ({len(flagged)}) need the same, "
                         "non-zero length.")
    return float(flagged.sum() * y_true.mean())
