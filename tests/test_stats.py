import math

import numpy as np
import pytest

from bilstm_helpers.stats import (
    compare_seeds,
    compare_to_fixed,
    describe_difference,
    detectable,
    ordered_on_every_seed,
    seed_sd,
    seeds_needed,
    verdict,
)


def test_compare_seeds_by_hand():
    c = compare_seeds([0.80, 0.82, 0.84], [0.81, 0.83])
    assert c.mean_a == pytest.approx(0.82) and c.mean_b == pytest.approx(0.82)
    assert c.difference == pytest.approx(0.0, abs=1e-12)
    assert c.sd_a == pytest.approx(0.02) and c.sd_b == pytest.approx(math.sqrt(2e-4))
    assert c.spread_a == pytest.approx(0.04) and c.spread_b == pytest.approx(0.02)
    assert c.standard_error == pytest.approx(math.sqrt(0.02**2 / 3 + 2e-4 / 2))
    assert c.single_run_sd == pytest.approx(math.sqrt(0.02**2 + 2e-4))


def test_compare_to_fixed_uses_the_standard_error_of_the_seeded_mean_alone():
    c = compare_to_fixed([0.80, 0.82, 0.84], 0.85)
    assert c.difference == pytest.approx(-0.03) and c.mean_b == 0.85
    assert c.sd_b == 0.0 and c.spread_b == 0.0 and c.sd_a == pytest.approx(0.02)
    assert c.standard_error == pytest.approx(0.02 / math.sqrt(3))
    assert detectable(c)  # 0.03 > 2 * 0.0115
    with pytest.raises(ValueError, match="at least 2 scores"):
        compare_to_fixed([0.8], 0.85)
    with pytest.raises(ValueError, match="finite"):
        compare_to_fixed([0.8, 0.9], float("nan"))


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


def test_ordered_on_every_seed():
    values = {"a": np.array([1.0, 2.0]), "b": np.array([2.0, 3.0]), "c": np.array([0.5, 4.0])}
    assert ordered_on_every_seed(values) == [("a", "b")]


def test_ordered_on_every_seed_needs_paired_values():
    with pytest.raises(ValueError, match="one value per seed"):
        ordered_on_every_seed({"a": np.zeros(2), "b": np.zeros(3)})


def test_seed_sd_is_the_sample_sd_and_zero_for_one_run():
    assert seed_sd([1.0, 2.0, 3.0]) == pytest.approx(1.0)  # ddof=1; ddof=0 would give 0.816
    assert seed_sd([0.7]) == 0.0
    np.testing.assert_allclose(seed_sd(np.array([[0.0, 1.0], [2.0, 1.0]]), axis=0), [math.sqrt(2), 0.0])
    np.testing.assert_array_equal(seed_sd(np.ones((1, 3)), axis=0), np.zeros(3))


def test_describe_difference_says_who_is_ahead_only_outside_two_standard_errors() -> None:
    assert describe_difference("a", "b", 0.05, 0.02).endswith("a ahead by more than 2 standard errors")
    assert describe_difference("a", "b", -0.05, 0.02).endswith("b ahead by more than 2 standard errors")
    assert describe_difference("a", "b", 0.03, 0.02).endswith("no detectable difference")
    with pytest.raises(ValueError, match="standard_error"):
        describe_difference("a", "b", 0.1, float("nan"))


def test_verdict_needs_more_than_two_standard_errors():
    ahead = compare_seeds([0.90, 0.91, 0.92], [0.80, 0.81, 0.82])  # difference 0.1, se ~0.008
    close = compare_seeds([0.80, 0.85, 0.90], [0.79, 0.84, 0.89])  # difference 0.01, se ~0.04
    assert detectable(ahead) and not detectable(close)
    assert verdict(ahead) == "higher" and verdict(ahead, "behind", "ahead") == "ahead"
    assert verdict(compare_seeds([0.80, 0.81, 0.82], [0.90, 0.91, 0.92])) == "lower"
    assert verdict(close) == "no detectable difference"
