import numpy as np
import pytest

from bilstm_helpers.bilstm import (
    bilstm_backward,
    bilstm_forward,
    init_bilstm,
    merge,
    reverse_within_lengths,
)
from bilstm_helpers.lstm import lstm_forward


@pytest.fixture
def ragged():
    rng = np.random.default_rng(0)
    params = init_bilstm(3, 4, seed=0, dtype=np.float64)
    for layer in (params.forward, params.backward):  # trained layers have non-zero biases
        layer.bias += rng.normal(scale=0.5, size=layer.bias.shape)
    lengths = np.array([5, 2, 4])
    x = rng.normal(size=(3, 5, 3)) * (np.arange(5)[None, :, None] < lengths[:, None, None])
    return params, x, lengths


def test_reverse_within_lengths():
    x = np.arange(1, 9, dtype=float).reshape(2, 4, 1)
    out = reverse_within_lengths(x, np.array([4, 2]))
    np.testing.assert_array_equal(out[..., 0], [[4, 3, 2, 1], [6, 5, 0, 0]])
    np.testing.assert_array_equal(reverse_within_lengths(out, np.array([4, 2]))[..., 0],
                                  [[1, 2, 3, 4], [5, 6, 0, 0]])
    np.testing.assert_array_equal(reverse_within_lengths(x, None), x[:, ::-1])


def test_parameter_count_doubles():
    params = init_bilstm(7, 5)
    assert params.count() == 2 * params.forward.count() == 2 * 4 * 5 * (7 + 5 + 1)


def test_backward_direction_is_an_lstm_on_the_reversed_sequence(ragged):
    params, x, lengths = ragged
    (y_f, y_b), _, _ = bilstm_forward(x, params, lengths, merge_mode=None)
    for b, n in enumerate(lengths):
        alone, _, _ = lstm_forward(x[b : b + 1, :n][:, ::-1], params.backward)
        np.testing.assert_allclose(y_b[b, :n], alone[0, ::-1], atol=1e-12)
        np.testing.assert_array_equal(y_b[b, n:], 0.0)
        np.testing.assert_array_equal(y_f[b, n:], 0.0)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_ragged_batch_equals_each_sequence_alone(ragged, merge_mode):
    params, x, lengths = ragged
    for return_sequences in (True, False):
        y, states, _ = bilstm_forward(x, params, lengths, merge_mode, return_sequences)
        for b, n in enumerate(lengths):
            y_alone, states_alone, _ = bilstm_forward(x[b : b + 1, :n], params, None, merge_mode,
                                                      return_sequences)
            pairs = zip(y, y_alone) if merge_mode is None else [(y, y_alone)]
            for batch_out, alone_out in pairs:
                np.testing.assert_allclose(batch_out[b, :n] if return_sequences else batch_out[b],
                                           alone_out[0], atol=1e-12)
            for s, s_alone in zip(states, states_alone):
                np.testing.assert_allclose(s[b], s_alone[0], atol=1e-12)


def test_flipping_the_padded_array_is_wrong(ragged):
    params, x, lengths = ragged
    (_, y_b), _, _ = bilstm_forward(x, params, lengths, merge_mode=None)
    naive, _, _ = lstm_forward(x[:, ::-1], params.backward)
    naive = naive[:, ::-1]
    np.testing.assert_allclose(naive[0], y_b[0], atol=1e-12)  # full length: same
    assert np.abs(naive[1, :2] - y_b[1, :2]).max() > 1e-3  # padded: the padding leaks in


def test_merge_modes_shapes_and_values():
    a, b = np.full((2, 3, 4), 2.0), np.full((2, 3, 4), 3.0)
    assert merge(a, b, "concat").shape == (2, 3, 8)
    np.testing.assert_array_equal(merge(a, b, "sum"), 5.0)
    np.testing.assert_array_equal(merge(a, b, "mul"), 6.0)
    np.testing.assert_array_equal(merge(a, b, "ave"), 2.5)
    assert merge(a, b, None) == (a, b)


def test_return_sequences_false_takes_each_direction_where_it_ends(ragged):
    params, x, lengths = ragged
    (seq_f, seq_b), _, _ = bilstm_forward(x, params, lengths, None, return_sequences=True)
    (last_f, last_b), _, _ = bilstm_forward(x, params, lengths, None, return_sequences=False)
    np.testing.assert_allclose(last_f, seq_f[np.arange(3), lengths - 1], atol=1e-12)
    np.testing.assert_allclose(last_b, seq_b[:, 0], atol=1e-12)


def test_padded_steps_receive_zero_gradient(ragged):
    params, x, lengths = ragged
    y, _, cache = bilstm_forward(x, params, lengths)
    _, dx, _ = bilstm_backward(np.ones_like(y), cache)
    for b, n in enumerate(lengths):
        np.testing.assert_array_equal(dx[b, n:], 0.0)
        assert np.all(np.abs(dx[b, :n]) > 0)


def test_float32_stays_float32():
    params = init_bilstm(3, 4, dtype=np.float32)
    y, _, cache = bilstm_forward(np.ones((2, 3, 3), np.float32), params)
    grads, dx, _ = bilstm_backward(np.ones_like(y), cache)
    assert y.dtype == dx.dtype == grads.forward.kernel.dtype == np.float32


def test_reference_is_plain_and_chapter_2_excerpt_holds():
    """bilstm.py is the readable reference: no threads, public lstm functions only,
    and the excerpt chapter 2 prints still cuts out the reverse-run-realign-merge lines."""
    import inspect

    from bilstm_helpers import bilstm
    from bilstm_helpers.excerpts import excerpt

    source = inspect.getsource(bilstm)
    assert "Thread" not in source and "_forward(" not in source.replace("bilstm_forward(", "")
    shown = excerpt(bilstm_forward, "x_reversed = reverse_within_lengths", "return merge(a, b, merge_mode)")
    assert "lstm_scan(x, params.forward" in shown and "lstm_scan(x_reversed, params.backward" in shown
