"""The fast twin (fast_bilstm) against the reference (bilstm): same numbers."""

import numpy as np
import pytest

from bilstm_helpers.bilstm import bilstm_backward, bilstm_forward, init_bilstm
from bilstm_helpers.fast_bilstm import fast_bilstm_backward, fast_bilstm_forward

MERGE_MODES = ["concat", "sum", "mul", "ave", None]
TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=1e-4, atol=2e-5)}


def setup(dtype, batch=4, time=6, features=3, hidden=5, seed=0, weight_scale=1.0):
    rng = np.random.default_rng(seed)
    params = init_bilstm(features, hidden, seed=seed, dtype=dtype)
    for layer in (params.forward, params.backward):  # trained layers: non-zero biases, larger weights
        layer.bias += rng.normal(scale=0.5, size=layer.bias.shape).astype(dtype)
        layer.kernel *= dtype(weight_scale)
        layer.recurrent_kernel *= dtype(weight_scale)
    x = rng.normal(size=(batch, time, features)).astype(dtype)
    return params, x, rng


def flat(result):
    """Every array of a forward result (y, states) or a backward result (grads, dx, d0)."""
    first, second, third = result
    if hasattr(first, "forward"):  # backward: grads, dx, d_initial
        layers = (first.forward, first.backward)
        return [a for p in layers for a in (p.kernel, p.recurrent_kernel, p.bias)] + [second, *third]
    return [*(first if isinstance(first, tuple) else [first]), *second]


def assert_same(reference, fast, dtype):
    assert len(reference) == len(fast)
    for k, (a, b) in enumerate(zip(reference, fast)):
        assert a.shape == b.shape and b.dtype == dtype, f"array {k}: {b.shape} {b.dtype}"
        np.testing.assert_allclose(b, a, err_msg=f"array {k}", **TOLERANCE[dtype])


def run_both(params, x, lengths, merge_mode, return_sequences, initial_state, rng, with_d_states):
    ref_y, ref_states, ref_cache = bilstm_forward(x, params, lengths, merge_mode, return_sequences,
                                                  initial_state)
    y, states, cache = fast_bilstm_forward(x, params, lengths, merge_mode, return_sequences, initial_state)
    shape = np.shape(ref_y[0]) if merge_mode is None else ref_y.shape
    dy = rng.normal(size=shape)
    if merge_mode is None:
        dy = (dy, rng.normal(size=shape))
    d_states = None
    if with_d_states:  # one left out: None means zero
        d_states = (rng.normal(size=ref_states[0].shape), None, *rng.normal(size=(2, *ref_states[0].shape)))
    ref_back = bilstm_backward(dy, ref_cache, d_states)
    back = fast_bilstm_backward(dy, cache, d_states)
    return (ref_y, ref_states, None), (y, states, None), ref_back, back


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("merge_mode", MERGE_MODES)
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("ragged", [True, False])
def test_outputs_states_and_gradients_equal_the_reference(dtype, merge_mode, return_sequences, ragged):
    params, x, rng = setup(dtype)
    lengths = np.array([6, 2, 4, 1]) if ragged else None
    if ragged:
        x *= np.arange(6)[None, :, None] < lengths[:, None, None]
    for initial in (False, True):
        initial_state = tuple(rng.normal(size=(4, 5)).astype(dtype) for _ in range(4)) if initial else None
        ref, fast, ref_back, back = run_both(params, x, lengths, merge_mode, return_sequences,
                                             initial_state, rng, with_d_states=initial)
        assert_same(flat(ref), flat(fast), dtype)
        assert_same(flat(ref_back), flat(back), dtype)


def test_larger_batch_and_saturated_gates():
    """Large weights drive the gates to 0 and 1, where sigmoid via tanh must still agree:
    to 1e-10 in float64, and in float32 no further from the float64 result than the
    reference's own float32 result is (rounding is amplified there, for both)."""
    params, x, _ = setup(np.float64, batch=9, time=13, features=4, hidden=7, seed=3, weight_scale=30.0)
    lengths = np.array([13, 1, 5, 13, 7, 2, 9, 12, 3])
    ref, fast, ref_back, back = run_both(params, x, lengths, "concat", True, None,
                                         np.random.default_rng(7), True)
    assert_same(flat(ref), flat(fast), np.float64)
    assert_same(flat(ref_back), flat(back), np.float64)
    truth = flat(ref) + flat(ref_back)

    params32 = init_bilstm(4, 7, dtype=np.float32)
    for layer32, layer in zip((params32.forward, params32.backward), (params.forward, params.backward)):
        for name in ("kernel", "recurrent_kernel", "bias"):
            setattr(layer32, name, getattr(layer, name).astype(np.float32))
    ref32, fast32, ref32_back, back32 = run_both(params32, x.astype(np.float32), lengths, "concat",
                                                 True, None, np.random.default_rng(7), True)
    for k, (exact, by_ref, by_fast) in enumerate(zip(truth, flat(ref32) + flat(ref32_back),
                                                     flat(fast32) + flat(back32))):
        ref_error, fast_error = np.abs(by_ref - exact).max(), np.abs(by_fast - exact).max()
        assert fast_error <= 3 * ref_error + 1e-5, f"array {k}: {fast_error} vs {ref_error}"


def test_padded_steps_are_zero_and_ignored():
    params, x, _ = setup(np.float64)
    lengths = np.array([6, 2, 4, 1])
    y, _, cache = fast_bilstm_forward(x, params, lengths, merge_mode=None)
    for out in y:
        for b, n in enumerate(lengths):
            np.testing.assert_array_equal(out[b, n:], 0.0)
    _, dx, _ = fast_bilstm_backward((np.ones_like(y[0]), np.ones_like(y[1])), cache)
    for b, n in enumerate(lengths):
        np.testing.assert_array_equal(dx[b, n:], 0.0)
    changed = x.copy()
    changed[1, 2:] = 100.0  # padding of sequence 1
    y_changed, _, _ = fast_bilstm_forward(changed, params, lengths, merge_mode=None)
    np.testing.assert_array_equal(y_changed[0][1], y[0][1])
    np.testing.assert_array_equal(y_changed[1][1], y[1][1])


def test_kept_results_stay_valid_across_calls():
    """Buffers are reused between calls; a cache or output still held must not change."""
    params, x, rng = setup(np.float32, batch=8, time=20, features=3, hidden=6)
    dy = rng.normal(size=(8, 20, 12)).astype(np.float32)
    y1, _, cache1 = fast_bilstm_forward(x, params)
    y1_copy = y1.copy()
    grads1, dx1, _ = fast_bilstm_backward(dy, cache1)
    dx1_copy = dx1.copy()
    for _ in range(3):  # other calls, other inputs, same shapes
        _, _, other = fast_bilstm_forward(2 * x + 1, params)
        fast_bilstm_backward(-dy, other)
    np.testing.assert_array_equal(y1, y1_copy)
    np.testing.assert_array_equal(dx1, dx1_copy)
    again = fast_bilstm_backward(dy, cache1)  # the old cache still gives the old gradients
    assert_same(flat((grads1, dx1_copy, again[2])), flat(again), np.float32)
    ref = bilstm_backward(dy, bilstm_forward(x, params)[2])
    assert_same(flat(ref), flat(again), np.float32)


def test_same_errors_as_the_reference():
    params, x, _ = setup(np.float64)
    for call in (bilstm_forward, fast_bilstm_forward):
        with pytest.raises(ValueError, match="h_fwd, c_fwd, h_bwd, c_bwd"):
            call(x, params, initial_state=(np.zeros((4, 5)),) * 2)
        with pytest.raises(ValueError):
            call(x, params, merge_mode="max")
        with pytest.raises(ValueError):
            call(x, params, lengths=np.array([7, 1, 1, 1]))


def test_a_diverging_twin_fails_the_comparison():
    """The comparison is sharp enough to catch a small error in one gradient."""
    params, x, rng = setup(np.float64)
    _, _, ref_back, back = run_both(params, x, None, "concat", True, None, rng, False)
    back[0].backward.recurrent_kernel[0, 0] *= 1 + 1e-7
    with pytest.raises(AssertionError):
        assert_same(flat(ref_back), flat(back), np.float64)


@pytest.mark.parametrize("per_step", [True, False])
def test_classifier_trains_the_same_on_either_path(per_step):
    """SequenceClassifier uses the fast twin; the reference path gives the same loss and gradients."""
    from bilstm_helpers.training import SequenceClassifier, leaves

    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 7, 2))
    lengths = np.array([7, 3, 5, 1, 7, 2])
    targets = (rng.random((6, 7) if per_step else 6) > 0.5).astype(float)
    results = []
    for fast in (True, False):
        model = SequenceClassifier(2, 4, merge_mode="sum", per_step=per_step, seed=1)
        model.fast_bilstm = fast
        loss, grads = model.loss_and_grads(x, targets, lengths)
        results.append((loss, list(leaves(grads))))
    assert SequenceClassifier.fast_bilstm
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    for fast_grad, ref_grad in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(fast_grad, ref_grad, rtol=1e-10, atol=1e-12)


def test_buffers_are_reused_once_results_are_dropped():
    from bilstm_helpers import fast_bilstm

    params, x, rng = setup(np.float32, batch=8, time=20, features=3, hidden=6)
    dy = rng.normal(size=(8, 20, 12)).astype(np.float32)
    fast_bilstm_backward(dy, fast_bilstm_forward(x, params)[2])
    pooled = [id(buffer) for buffer in fast_bilstm._POOL]
    for _ in range(3):
        fast_bilstm_backward(dy, fast_bilstm_forward(x, params)[2])
    assert [id(buffer) for buffer in fast_bilstm._POOL] == pooled
