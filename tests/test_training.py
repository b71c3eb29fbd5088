import numpy as np
import pytest

from bilstm_helpers.gradcheck import numerical_gradient, relative_error
from bilstm_helpers.toy import batch_stream, make_sequences
from bilstm_helpers.training import Adam, SequenceClassifier, binary_cross_entropy, leaves


def test_binary_cross_entropy_matches_the_textbook_formula():
    logits = np.array([-3.0, 0.0, 2.0, 15.0])
    targets = np.array([0.0, 1.0, 1.0, 0.0])
    p = 1 / (1 + np.exp(-logits))
    expected = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    loss, dlogits = binary_cross_entropy(logits, targets)
    assert loss == pytest.approx(expected, rel=1e-9)  # the naive form loses digits near p = 1
    np.testing.assert_allclose(dlogits, (p - targets) / 4)


def test_binary_cross_entropy_ignores_zero_weight_entries():
    loss, dlogits = binary_cross_entropy(np.array([1.0, 5.0]), np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    assert loss == pytest.approx(np.log1p(np.exp(-1.0)))
    assert dlogits[1] == 0.0


def test_binary_cross_entropy_rejects_mismatched_targets():
    with pytest.raises(ValueError, match=r"targets have shape \(100,\) but the model predicts \(100, 1\)"):
        binary_cross_entropy(np.zeros((100, 1)), np.zeros(100))


def test_adam_minimises_a_quadratic():
    from dataclasses import dataclass

    @dataclass
    class P:
        w: np.ndarray

    params, optimizer = P(np.array([3.0, -2.0])), Adam(learning_rate=0.1)
    for _ in range(500):
        optimizer.step(params, P(2 * params.w))
    np.testing.assert_allclose(params.w, 0.0, atol=1e-2)


def test_adams_first_step_is_the_learning_rate_times_the_sign_of_the_gradient():
    from dataclasses import dataclass

    @dataclass
    class P:
        w: np.ndarray

    params, optimizer = P(np.array([3.0, -2.0, 0.5])), Adam(learning_rate=0.1)
    optimizer.step(params, P(np.array([4.0, -0.5, 0.7])))  # bias-corrected m / sqrt(v) = g / |g| at step 1
    np.testing.assert_allclose(params.w, [3.0 - 0.1, -2.0 + 0.1, 0.5 - 0.1], rtol=0, atol=1e-5)


@pytest.mark.parametrize("direction", ["forward", "backward", "bidirectional"])
@pytest.mark.parametrize("per_step", [True, False])
def test_classifier_gradients(direction, per_step):
    rng = np.random.default_rng(0)
    model = SequenceClassifier(2, 3, direction=direction, merge_mode="mul", per_step=per_step, seed=1)
    x, lengths = rng.normal(size=(3, 4, 2)), np.array([4, 2, 3])
    targets = rng.integers(0, 2, size=(3, 4) if per_step else 3).astype(float)
    _, grads = model.loss_and_grads(x, targets, lengths)
    for param, grad in zip(leaves(model.params), leaves(grads)):
        numeric = numerical_gradient(lambda: model.loss_and_grads(x, targets, lengths)[0], param)
        assert relative_error(grad, numeric) < 1e-6


def test_classifier_learns_the_cumulative_sum_task():
    model = SequenceClassifier(1, 8, direction="bidirectional", seed=0)
    losses = model.fit(batch_stream(32, 10, "past", seed=0), steps=300, learning_rate=1e-2)
    assert losses[-20:].mean() < 0.5 * losses[:20].mean()
    x, y = make_sequences(500, 10, "past", seed=1)
    assert ((model.predict_proba(x) > 0.5) == y).mean() > 0.9


def test_classifier_rejects_bad_settings():
    with pytest.raises(ValueError, match="unknown direction"):
        SequenceClassifier(1, 2, direction="sideways")
    with pytest.raises(ValueError, match="one merged output"):
        SequenceClassifier(1, 2, merge_mode=None)
    with pytest.raises(ValueError, match="unknown merge_mode"):
        SequenceClassifier(1, 2, merge_mode="max")
