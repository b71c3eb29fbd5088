"""Event-level scores, shared test windows and chance-level hits, on hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from bilstm_helpers.sheet_breaks.evaluation import chance_true_positives, common_test_windows, event_scores


def test_event_scores_count_breaks_and_alarms() -> None:
    # rows 0..11; breaks at rows 5 and 11; windows end at rows 0..4, 6..10 (break rows dropped)
    end_rows = np.array([0, 1, 2, 3, 4, 6, 7, 8, 9, 10])
    y_true = np.array([0, 0, 0, 1, 1, 0, 0, 0, 1, 1])  # 2 rows before each break
    flagged = np.array([1, 0, 0, 0, 1, 0, 1, 1, 0, 0], dtype=bool)
    result = event_scores(y_true, flagged, end_rows, np.array([5, 11]))
    # alarms: {0}, {4}, {6, 7}; only {4} holds a positive window, so the first break is warned
    assert result == {"breaks": 2, "warned": 1, "alarms": 3, "false_alarms": 2, "false_alarm_windows": 3}
    everything = event_scores(y_true, np.ones(10, dtype=bool), end_rows, np.array([5, 11]))
    assert everything["warned"] == 2 and everything["alarms"] == 1 and everything["false_alarms"] == 0


def test_event_scores_reject_mismatched_or_unsorted_windows() -> None:
    with pytest.raises(ValueError, match="one entry per window"):
        event_scores(np.zeros(3), np.zeros(2, dtype=bool), np.arange(3), np.array([5]))
    with pytest.raises(ValueError, match="time order"):
        event_scores(np.zeros(3), np.zeros(3, dtype=bool), np.array([2, 1, 3]), np.array([5]))


def test_common_test_windows_align_both_sets() -> None:
    a, b = np.array([10, 11, 12, 13, 14]), np.array([1, 4, 11, 14, 20])
    in_a, in_b = common_test_windows(a, b)
    assert a[in_a].tolist() == b[in_b].tolist() == [11, 14]
    with pytest.raises(ValueError, match="share no window"):
        common_test_windows(np.array([1, 2]), np.array([3, 4]))


def test_chance_true_positives() -> None:
    y_true = np.r_[np.ones(10), np.zeros(90)]
    assert chance_true_positives(y_true, np.r_[np.ones(20), np.zeros(80)].astype(bool)) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="same"):
        chance_true_positives(y_true, np.ones(3, dtype=bool))
