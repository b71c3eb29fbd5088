import numpy as np
import pytest

from bilstm_helpers.imdb.ensemble import (
    calibration_error,
    choose_weight,
    error_overlap,
    first_words,
    fit_stacker,
    most_confident_wrong,
    shifter_near_sentiment,
    stacking_cv_accuracy,
    stacking_features,
    to_logit,
)


def test_error_overlap_by_hand():
    y = np.array([1, 1, 0, 0])
    p_a = np.array([0.9, 0.2, 0.1, 0.8])  # right, wrong, right, wrong
    p_b = np.array([0.7, 0.3, 0.6, 0.3])  # right, wrong, wrong, right
    o = error_overlap(y, p_a, p_b)
    assert (o["both_right"], o["only_a_right"], o["only_b_right"], o["both_wrong"]) == (0.25, 0.25, 0.25, 0.25)
    assert o["oracle_accuracy"] == 0.75 and o["disagreement"] == 0.5
    assert o["errors_shared_by_a"] == 0.5
    assert error_overlap(y, p_a, p_a)["logit_correlation"] == pytest.approx(1.0)


def test_error_overlap_refuses_misaligned_scores():
    with pytest.raises(ValueError, match="same order"):
        error_overlap([1, 0], [0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="labels 0/1"):
        error_overlap([2, 0], [0.5, 0.5], [0.5, 0.5])


def test_calibration_error():
    y = np.array([1, 0] * 50)
    assert calibration_error(y, np.where(y == 1, 0.999, 0.001)) == pytest.approx(0.0, abs=2e-3)
    # always 90 % sure, right half of the time: off by 0.4
    p = np.full(100, 0.9)
    assert calibration_error(y, p) == pytest.approx(0.4)


def test_to_logit_is_the_inverse_of_the_sigmoid_and_finite():
    z = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(to_logit(1 / (1 + np.exp(-z))), z, atol=1e-9)
    assert np.all(np.isfinite(to_logit([0.0, 1.0])))


def test_choose_weight_finds_the_informative_model():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    good = (2 * y - 1) * 2.0 + rng.normal(0, 1, 400)
    noise = rng.normal(0, 3, 400)
    w, accuracies = choose_weight(y, good, noise)
    assert w >= 0.8 and accuracies.shape == (21,)
    w, _ = choose_weight(y, noise, good)
    assert w <= 0.2
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        choose_weight(y, good, noise, weights=[1.5])


def test_stacking_uses_length_when_it_decides_which_model_is_right():
    rng = np.random.default_rng(0)
    n = 2000
    y = rng.integers(0, 2, n)
    lengths = rng.choice([50, 1000], n)
    sign = 2 * y - 1
    a = np.where(lengths < 100, 3 * sign, rng.normal(0, 3, n))  # a right on short reviews only
    b = np.where(lengths < 100, rng.normal(0, 3, n), 3 * sign)  # b right on long ones only
    plain = stacking_cv_accuracy(stacking_features([a, b]), y)
    with_length = stacking_cv_accuracy(stacking_features([a, b], lengths), y)
    assert with_length > plain + 0.1 and with_length > 0.95
    assert stacking_features([a, b], lengths).shape == (n, 5)
    stacker = fit_stacker(stacking_features([a, b], lengths), y)
    assert stacker.predict(stacking_features([a, b], lengths)).shape == (n,)
    with pytest.raises(ValueError, match="all be \\(n,\\)"):
        stacking_features([a, b[:10]])


def test_shifter_near_sentiment():
    words = {"good", "bad"}
    found = shifter_near_sentiment(["It was not good.", "Good film.", "I didn't think it was bad",
                                    "but the end came. nothing else. good"], words, window=3)
    assert found.tolist() == [True, False, False, False]
    assert shifter_near_sentiment(["I didn't think it was bad"], words, window=5).tolist() == [True]
    with pytest.raises(ValueError, match="window"):
        shifter_near_sentiment(["x"], words, window=0)


def test_most_confident_wrong():
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.4, 0.01, 0.9, 0.2, 0.99])
    assert most_confident_wrong(y, p, k=5).tolist() == [1, 2, 0]
    assert most_confident_wrong(y, p, k=1).tolist() == [1]


def test_first_words():
    assert first_words("a<br />b c", 2) == "a b ..."
    assert first_words("a b", 5) == "a b"
