import numpy as np
import pytest

from bilstm_helpers.bilstm import init_bilstm
from bilstm_helpers.gradcheck import check_bilstm_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic():
    a = np.array([1.0, -2.0, 3.0])
    grad = numerical_gradient(lambda: float(np.sum(a**2)), a)
    np.testing.assert_allclose(grad, 2 * a, rtol=1e-8)
    np.testing.assert_array_equal(a, [1.0, -2.0, 3.0])  # restored after perturbing


def test_relative_error_scale_free():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_bilstm_gradients_ragged(merge_mode, return_sequences):
    rng = np.random.default_rng(3)
    params = init_bilstm(3, 4, seed=5, dtype=np.float64)
    for layer in (params.forward, params.backward):  # non-trivial biases
        layer.bias += rng.normal(scale=0.5, size=layer.bias.shape)
    x = rng.normal(size=(3, 5, 3))
    errors = check_bilstm_gradients(params, x, np.array([5, 2, 4]), merge_mode, return_sequences)
    assert set(errors) == {f"{d}.{n}" for d in ("forward", "backward")
                           for n in ("kernel", "recurrent_kernel", "bias")} | {"x"}
    assert max(errors.values()) < 1e-6, errors


def test_bilstm_gradients_full_length():
    rng = np.random.default_rng(4)
    params = init_bilstm(2, 3, seed=1, dtype=np.float64)
    errors = check_bilstm_gradients(params, rng.normal(size=(2, 4, 2)))
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    # A check that cannot fail is no check: break the backward pass on purpose.
    import bilstm_helpers.gradcheck as gradcheck

    real_backward = gradcheck.bilstm_backward

    def broken_backward(dy, cache, d_states=None):
        grads, dx, d0 = real_backward(dy, cache, d_states)
        grads.forward.recurrent_kernel *= 1.01
        return grads, dx, d0

    monkeypatch.setattr(gradcheck, "bilstm_backward", broken_backward)
    params = init_bilstm(2, 3, seed=1, dtype=np.float64)
    errors = check_bilstm_gradients(params, np.random.default_rng(0).normal(size=(2, 4, 2)))
    assert errors["forward.recurrent_kernel"] > 1e-4
