"""bilstm_helpers.gradient_flow: input-gradient norms by distance, forget-gate products."""

from __future__ import annotations

import numpy as np
import pytest

from bilstm_helpers.gradcheck import numerical_gradient
from bilstm_helpers.gradient_flow import (
    carousel_only,
    forget_gate_product,
    lstm_gradient_by_distance,
    lstm_gradient_by_path,
    mean_forget_gate,
    rnn_gradient_by_distance,
    rnn_step_jacobian_norms,
    with_forget_bias,
    with_spectral_norm,
)
from bilstm_helpers.lstm import LSTMParams, init_lstm, lstm_forward, sigmoid
from bilstm_helpers.rnn import init_rnn, rnn_forward


def finite_difference_norms(loss, x: np.ndarray) -> np.ndarray:
    """(T,) batch-mean norm of the numerical dL/dx_t, last step first."""
    return np.linalg.norm(numerical_gradient(loss, x), axis=2).mean(axis=0)[::-1]


def test_lstm_norms_match_finite_differences_last_step_first() -> None:
    rng = np.random.default_rng(0)
    params = init_lstm(2, 3, seed=1, dtype=np.float64)
    x, d_h_last = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 3))

    def loss() -> float:
        return float(np.sum(lstm_forward(x, params)[1][0] * d_h_last))

    norms = lstm_gradient_by_distance(x, params, d_h_last)
    np.testing.assert_allclose(norms, finite_difference_norms(loss, x), rtol=1e-6)
    assert norms.shape == (5,) and norms[0] > norms[-1]  # distance 0 is the last step


def test_rnn_norms_match_finite_differences_last_step_first() -> None:
    rng = np.random.default_rng(1)
    params = init_rnn(2, 3, seed=2)
    x, d_h_last = rng.normal(size=(2, 6, 2)), rng.normal(size=(2, 3))

    def loss() -> float:
        return float(np.sum(rnn_forward(x, params)[0][:, -1] * d_h_last))

    np.testing.assert_allclose(rnn_gradient_by_distance(x, params, d_h_last),
                               finite_difference_norms(loss, x), rtol=1e-6)


def test_forget_gate_product_is_the_power_of_a_constant_gate() -> None:
    # No input and no recurrence: f = sigmoid(b_f) at every step, the product over d steps is f**d.
    hidden_size, time = 3, 7
    params = LSTMParams(np.zeros((2, 4 * hidden_size)), np.zeros((hidden_size, 4 * hidden_size)),
                        np.zeros(4 * hidden_size))
    params = with_forget_bias(params, 2.0)
    x = np.random.default_rng(2).normal(size=(4, time, 2))
    np.testing.assert_allclose(forget_gate_product(x, params), sigmoid(2.0) ** np.arange(time), rtol=1e-12)
    assert mean_forget_gate(x, params) == pytest.approx(sigmoid(2.0))


def test_carousel_only_gradient_follows_the_forget_gate_product() -> None:
    # With U = 0 the error crosses steps only through diag(f): after d steps it is
    # scaled by about the product of forget gates, not more.
    rng = np.random.default_rng(3)
    params = carousel_only(with_forget_bias(init_lstm(4, 8, seed=0, dtype=np.float64), 3.0))
    x, d_h_last = rng.normal(size=(16, 40, 4)), rng.normal(size=(16, 8))
    norms = lstm_gradient_by_distance(x, params, d_h_last)
    ratio = (norms[-1] / norms[0]) / forget_gate_product(x, params)[-1]
    assert 0.2 < ratio < 2.0, ratio


def test_variants_copy_and_change_only_their_block() -> None:
    params = init_lstm(3, 4, seed=0, dtype=np.float64)
    before = params.bias.copy()
    changed = with_forget_bias(params, 5.0)
    np.testing.assert_array_equal(changed.bias[4:8], 5.0)
    np.testing.assert_array_equal(np.delete(changed.bias, range(4, 8)), np.delete(before, range(4, 8)))
    np.testing.assert_array_equal(params.bias, before)
    zeroed = carousel_only(params)
    assert not zeroed.recurrent_kernel.any() and params.recurrent_kernel.any()
    np.testing.assert_array_equal(zeroed.kernel, params.kernel)


def test_spectral_norm_bounds_the_step_jacobians() -> None:
    params = with_spectral_norm(init_rnn(2, 5, seed=0), 2.0)
    assert np.linalg.norm(params.recurrent_kernel, ord=2) == pytest.approx(2.0)
    x = np.random.default_rng(4).normal(size=(3, 6, 2))
    norms = rnn_step_jacobian_norms(x, params)
    assert norms.shape == (6, 3) and np.all(norms <= 2.0 + 1e-12)
    # With zero input the state stays 0, tanh' = 1, and each Jacobian is U^T itself.
    np.testing.assert_allclose(rnn_step_jacobian_norms(np.zeros((1, 4, 2)), params), 2.0)


def test_bad_inputs() -> None:
    params = init_lstm(2, 3, dtype=np.float64)
    with pytest.raises(ValueError, match=r"d_h_last must have shape \(batch, hidden_size\) = \(2, 3\)"):
        lstm_gradient_by_distance(np.zeros((2, 4, 2)), params, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="d_h_last must have shape"):
        rnn_gradient_by_distance(np.zeros((2, 4, 2)), init_rnn(2, 3), np.zeros(3))
    with pytest.raises(ValueError, match="spectral_norm must be positive"):
        with_spectral_norm(init_rnn(2, 3), 0.0)


def test_carousel_path_is_the_gradient_with_the_recurrent_input_held_fixed() -> None:
    # Hold h_{k-1} fixed where it enters the gates: then x_t reaches the loss only
    # along the cell state, and finite differences give exactly the carousel path.
    rng = np.random.default_rng(5)
    params = with_forget_bias(init_lstm(2, 3, seed=4, dtype=np.float64), 2.0)
    x, d_h_last = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 3))
    fixed_h = lstm_forward(x, params)[2].hs  # (T + 1, B, H), index 0 the initial state

    def loss_along_the_cell_state() -> float:
        H = params.hidden_size
        c = np.zeros((2, H))
        for t in range(x.shape[1]):
            z = x[:, t] @ params.kernel + fixed_h[t] @ params.recurrent_kernel + params.bias
            i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), sigmoid(z[:, 3 * H :])
            c = f * c + i * np.tanh(z[:, 2 * H : 3 * H])
        return float(np.sum(o * np.tanh(c) * d_h_last))

    carousel, recurrent = lstm_gradient_by_path(x, params, d_h_last)
    np.testing.assert_allclose(carousel, finite_difference_norms(loss_along_the_cell_state, x), rtol=1e-6)
    assert recurrent[0] < 1e-12 and np.all(recurrent[1:] > 1e-6)  # no recurrent path to the last step


def test_without_recurrent_kernel_the_carousel_is_the_whole_gradient() -> None:
    rng = np.random.default_rng(6)
    params = carousel_only(init_lstm(3, 4, seed=0, dtype=np.float64))
    x, d_h_last = rng.normal(size=(3, 8, 3)), rng.normal(size=(3, 4))
    carousel, recurrent = lstm_gradient_by_path(x, params, d_h_last)
    np.testing.assert_allclose(carousel, lstm_gradient_by_distance(x, params, d_h_last), rtol=1e-12)
    assert recurrent.max() < 1e-14
