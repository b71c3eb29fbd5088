import math

import numpy as np
import pytest

from bilstm_helpers.seed_stats import compare_seeds, seeds_needed


def test_compare_seeds_by_hand():
    c = compare_seeds([0.80, 0.82, 0.84], [0.81, 0.83])
    assert c.mean_a == pytest.approx(0.82) and c.mean_b == pytest.approx(0.82)
    assert c.difference == pytest.approx(0.0, abs=1e-12)
    assert c.sd_a == pytest.approx(0.02) and c.sd_b == pytest.approx(math.sqrt(2e-4))
    assert c.spread_a == pytest.approx(0.04) and c.spread_b == pytest.approx(0.02)
    assert c.standard_error == pytest.approx(math.sqrt(0.02**2 / 3 + 2e-4 / 2))
    assert c.single_run_sd == pytest.approx(math.sqrt(0.02**2 + 2e-4))


def test_compare_seeds_sign_follows_the_order():
    assert compare_seeds([0.9, 0.92], [0.8, 0.82]).difference == pytest.approx(0.1)
    assert compare_seeds([0.8, 0.82], [0.9, 0.92]).difference == pytest.approx(-0.1)


@pytest.mark.parametrize("bad, message", [([0.8], "at least 2 scores"), ([[0.8, 0.9]], "flat list"),
                                          ([0.8, np.nan], "NaN")])
def test_compare_seeds_refuses_bad_scores(bad, message):
    with pytest.raises(ValueError, match=message):
        compare_seeds(bad, [0.8, 0.9])


def test_seeds_needed():
    assert seeds_needed(0.01, 0.01, 0.01) == 2  # sqrt(2e-4 / 2) = 0.01
    assert seeds_needed(0.01, 0.01, 0.005) == 8
    assert seeds_needed(0.0, 0.0, 0.001) == 1
    with pytest.raises(ValueError, match="must be > 0"):
        seeds_needed(0.01, 0.01, 0.0)
    with pytest.raises(ValueError, match=">= 0"):
        seeds_needed(float("nan"), 0.01, 0.01)
