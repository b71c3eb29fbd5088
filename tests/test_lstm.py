import warnings

import numpy as np
import pytest

from bilstm_helpers.lstm import init_lstm, lstm_backward, lstm_forward, lstm_step, sigmoid


def test_parameter_count_formula():
    params = init_lstm(input_size=7, hidden_size=5)
    assert params.count() == 4 * 5 * (7 + 5 + 1)
    assert params.kernel.shape == (7, 20) and params.recurrent_kernel.shape == (5, 20)
    assert params.bias.shape == (20,)


def test_forget_gate_bias_starts_at_one():
    bias = init_lstm(3, 4).bias
    np.testing.assert_array_equal(bias[4:8], 1.0)
    np.testing.assert_array_equal(np.delete(bias, range(4, 8)), 0.0)


def test_sigmoid_is_stable_and_accurate():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(values, [0.0, 0.5, 1.0])
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_matches_step_by_step_cell(dtype):
    rng = np.random.default_rng(0)
    params = init_lstm(3, 4, seed=1, dtype=dtype)
    x = rng.normal(size=(2, 6, 3)).astype(dtype)
    h0, c0 = rng.normal(size=(2, 2, 4)).astype(dtype)
    outputs, (h_n, c_n), _ = lstm_forward(x, params, initial_state=(h0, c0))
    assert outputs.dtype == dtype and outputs.shape == (2, 6, 4)
    h, c = h0, c0
    for t in range(6):
        h, c, _ = lstm_step(x[:, t], h, c, params)
        np.testing.assert_allclose(outputs[:, t], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h_n, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_n, c, rtol=1e-5, atol=1e-6)


def test_ragged_batch_equals_each_sequence_alone():
    rng = np.random.default_rng(1)
    params = init_lstm(3, 4, seed=2, dtype=np.float64)
    lengths = np.array([6, 2, 4])
    x = rng.normal(size=(3, 6, 3))
    outputs, (h_n, c_n), _ = lstm_forward(x, params, lengths)
    for b, n in enumerate(lengths):
        alone, (h_alone, c_alone), _ = lstm_forward(x[b : b + 1, :n], params)
        np.testing.assert_allclose(outputs[b, :n], alone[0], atol=1e-12)
        np.testing.assert_array_equal(outputs[b, n:], 0.0)
        np.testing.assert_allclose(h_n[b], h_alone[0], atol=1e-12)
        np.testing.assert_allclose(c_n[b], c_alone[0], atol=1e-12)


def test_padded_steps_get_zero_gradient_and_do_not_matter():
    rng = np.random.default_rng(2)
    params = init_lstm(2, 3, seed=0, dtype=np.float64)
    lengths = np.array([4, 1])
    x = rng.normal(size=(2, 4, 2))
    outputs, _, cache = lstm_forward(x, params, lengths)
    _, dx, _ = lstm_backward(rng.normal(size=outputs.shape), cache, (rng.normal(size=(2, 3)), None))
    np.testing.assert_array_equal(dx[1, 1:], 0.0)
    assert np.all(dx[0] != 0) and np.all(dx[1, 0] != 0)
    x_other_padding = x.copy()
    x_other_padding[1, 1:] = 99.0
    np.testing.assert_array_equal(lstm_forward(x_other_padding, params, lengths)[0], outputs)


def test_initial_state_gradient_matches_finite_differences():
    from bilstm_helpers.gradcheck import numerical_gradient, relative_error

    rng = np.random.default_rng(3)
    params = init_lstm(2, 3, seed=0, dtype=np.float64)
    x, h0, c0 = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    weights = rng.normal(size=(2, 3, 3))

    def loss():
        return float(np.sum(lstm_forward(x, params, initial_state=(h0, c0))[0] * weights))

    _, _, cache = lstm_forward(x, params, initial_state=(h0, c0))
    _, _, (dh0, dc0) = lstm_backward(weights, cache)
    assert relative_error(dh0, numerical_gradient(loss, h0)) < 1e-6
    assert relative_error(dc0, numerical_gradient(loss, c0)) < 1e-6


def test_mismatched_initial_state_is_rejected():
    params = init_lstm(2, 3)
    x = np.zeros((4, 5, 2))
    with pytest.raises(ValueError, match=r"initial h must have shape \(batch, hidden_size\) = \(4, 3\)"):
        lstm_forward(x, params, initial_state=(np.zeros((4, 2)), np.zeros((4, 3))))
    with pytest.raises(ValueError, match="pair"):
        lstm_forward(x, params, initial_state=(np.zeros((4, 3)),))


def test_lstm_scan_is_the_time_loop_of_lstm_forward():
    from bilstm_helpers.lstm import lstm_scan, step_mask

    rng = np.random.default_rng(2)
    params = init_lstm(3, 4, seed=2, dtype=np.float64)
    x = rng.normal(size=(3, 5, 3))
    lengths = np.array([5, 2, 4])
    h0, c0 = rng.normal(size=(2, 3, 4))
    out, (h_n, c_n), _ = lstm_forward(x, params, lengths, initial_state=(h0, c0))
    out_scan, (h_scan, c_scan), _ = lstm_scan(x, params, step_mask(lengths, 5), h0, c0)
    for a, b in ((out, out_scan), (h_n, h_scan), (c_n, c_scan)):
        np.testing.assert_array_equal(a, b)
