import numpy as np
import pytest

from bilstm_helpers.bilstm import bilstm_forward, init_bilstm
from bilstm_helpers.convert import load_torch_lstm, numpy_to_torch, torch_to_numpy

torch = pytest.importorskip("torch")


def test_numpy_torch_round_trip_keeps_every_weight():
    layers = [init_bilstm(3, 4, seed=0), init_bilstm(8, 4, seed=2)]
    back = torch_to_numpy(numpy_to_torch(layers), num_layers=2)
    for a, b in zip(layers, back):
        for da, db in ((a.forward, b.forward), (a.backward, b.backward)):
            np.testing.assert_array_equal(da.kernel, db.kernel)
            np.testing.assert_array_equal(da.recurrent_kernel, db.recurrent_kernel)
            np.testing.assert_array_equal(da.bias, db.bias)


def test_torch_gives_the_numpy_outputs_with_the_same_weights():
    params = init_bilstm(3, 5, seed=1)
    params.forward.bias += 0.3  # non-zero biases, so a misplaced bias would show
    lstm = load_torch_lstm(torch.nn.LSTM(3, 5, batch_first=True, bidirectional=True), params)
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32)
    with torch.no_grad():
        y_torch = lstm(torch.from_numpy(x))[0].numpy()
    np.testing.assert_allclose(bilstm_forward(x, params)[0], y_torch, atol=1e-5)


def test_load_rejects_a_layer_of_the_wrong_size():
    lstm = torch.nn.LSTM(3, 6, batch_first=True, bidirectional=True)
    with pytest.raises(ValueError, match="weight_ih_l0 has shape"):
        load_torch_lstm(lstm, init_bilstm(3, 5))


def test_load_rejects_a_one_way_lstm():
    with pytest.raises(ValueError, match="bidirectional=True"):
        load_torch_lstm(torch.nn.LSTM(3, 5, batch_first=True), init_bilstm(3, 5))


def test_missing_layer_is_named():
    with pytest.raises(ValueError, match="weight_ih_l1"):
        torch_to_numpy(numpy_to_torch(init_bilstm(3, 4)), num_layers=2)


# ---- Keras -------------------------------------------------------------------

from bilstm_helpers.bilstm import merge  # noqa: E402
from bilstm_helpers.convert import (  # noqa: E402
    keras_to_numpy,
    keras_to_torch,
    load_keras_bidirectional,
    numpy_to_keras,
    torch_to_keras,
)

MERGE_MODES = ["concat", "sum", "mul", "ave", None]


def _keras():
    return pytest.importorskip("keras")


def _params(input_size=3, hidden_size=4, seed=1):
    params = init_bilstm(input_size, hidden_size, seed=seed)
    params.forward.bias += 0.3  # non-zero biases, so a misplaced bias would show
    params.backward.bias -= 0.2
    return params


def _ragged_batch():
    """Synthetic post-padded batch x: (3, 5, 3), lengths (3,), mask (3, 5)."""
    x = np.random.default_rng(0).normal(size=(3, 5, 3)).astype(np.float32)
    lengths = np.array([5, 3, 1])
    mask = np.arange(5)[None, :] < lengths[:, None]
    x[~mask] = 0.0
    return x, lengths, mask


def _flat(y):
    return np.concatenate([np.asarray(t) for t in y], axis=-1) if isinstance(y, (tuple, list)) else np.asarray(y)


def _keras_layer(keras, hidden_size, merge_mode="concat", return_sequences=True):
    return keras.layers.Bidirectional(
        keras.layers.LSTM(hidden_size, return_sequences=return_sequences), merge_mode=merge_mode)


def test_numpy_keras_round_trip_keeps_every_weight():
    layers = [_params(3, 4, seed=0), _params(8, 4, seed=2)]
    weights = numpy_to_keras(layers)
    assert [w.shape for w in weights[:6]] == [(3, 16), (4, 16), (16,)] * 2
    back = keras_to_numpy(weights)
    assert len(back) == 2
    for a, b in zip(numpy_to_keras(back), weights):
        np.testing.assert_array_equal(a, b)


def test_keras_torch_round_trip_sums_the_two_torch_biases():
    state = {k: v for k, v in numpy_to_torch(_params()).items()}
    state["bias_hh_l0"] = np.full_like(state["bias_hh_l0"], 0.5)
    weights = torch_to_keras(state)
    np.testing.assert_allclose(weights[2], state["bias_ih_l0"] + 0.5)
    again = keras_to_torch(weights)
    np.testing.assert_allclose(again["bias_ih_l0"] + again["bias_hh_l0"], weights[2])
    np.testing.assert_array_equal(again["weight_hh_l0_reverse"], state["weight_hh_l0_reverse"])


def test_keras_layer_round_trip():
    keras = _keras()
    layer = _keras_layer(keras, 4)
    layer(np.zeros((1, 2, 3), np.float32))
    params = _params()
    load_keras_bidirectional(layer, params)
    back = keras_to_numpy(layer)[0]
    np.testing.assert_array_equal(back.backward.recurrent_kernel, params.backward.recurrent_kernel)
    np.testing.assert_array_equal(back.forward.bias, params.forward.bias)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("merge_mode", MERGE_MODES)
def test_numpy_keras_torch_agree(merge_mode, return_sequences):
    keras = _keras()
    params = _params()
    x, lengths, mask = _ragged_batch()
    y_numpy, states, _ = bilstm_forward(x, params, lengths=lengths, merge_mode=merge_mode,
                                        return_sequences=return_sequences)
    layer = _keras_layer(keras, 4, merge_mode, return_sequences)
    layer(x)
    load_keras_bidirectional(layer, params)
    y_keras = layer(x, mask=mask)  # a masked ragged batch
    np.testing.assert_allclose(_flat(y_keras), _flat(y_numpy), atol=1e-5)

    # PyTorch on the full-length sequences (ragged PyTorch is the torch_ragged helper's).
    lstm = torch.nn.LSTM(3, 4, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in keras_to_torch(layer).items()})
    with torch.no_grad():
        out, (h_n, _) = lstm(torch.from_numpy(x))
    a, b = (out[..., :4], out[..., 4:]) if return_sequences else (h_n[0], h_n[1])
    y_torch = merge(a.numpy(), b.numpy(), merge_mode)
    y_full = bilstm_forward(x, params, merge_mode=merge_mode, return_sequences=return_sequences)[0]
    np.testing.assert_allclose(_flat(y_torch), _flat(y_full), atol=1e-5)


def test_two_stacked_layers_agree_in_all_three():
    keras = _keras()
    params = [_params(3, 4, seed=0), _params(8, 4, seed=2)]
    x, lengths, mask = _ragged_batch()
    stack = [_keras_layer(keras, 4), _keras_layer(keras, 4)]
    stack[1](stack[0](x))
    load_keras_bidirectional(stack, params)
    y_keras = stack[1](stack[0](x, mask=mask), mask=mask)
    h = bilstm_forward(x, params[0], lengths=lengths)[0]
    y_numpy = bilstm_forward(h, params[1], lengths=lengths)[0]
    np.testing.assert_allclose(np.asarray(y_keras), y_numpy, atol=1e-5)

    lstm = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in keras_to_torch(stack).items()})
    with torch.no_grad():
        y_torch = lstm(torch.from_numpy(x))[0].numpy()
    y_full = bilstm_forward(bilstm_forward(x, params[0])[0], params[1])[0]
    np.testing.assert_allclose(y_torch, y_full, atol=1e-5)


def test_load_keras_rejects_a_layer_of_the_wrong_size():
    keras = _keras()
    layer = _keras_layer(keras, 6)
    layer(np.zeros((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match=r"kernel \(forward, layer 0\) has shape \(3, 16\), expected \(3, 24\)"):
        load_keras_bidirectional(layer, _params(3, 4))


def test_load_keras_rejects_an_unbuilt_layer():
    keras = _keras()
    with pytest.raises(ValueError, match="call the model on an input"):
        load_keras_bidirectional(_keras_layer(keras, 4), _params())


def test_load_keras_rejects_a_wrong_number_of_layers():
    keras = _keras()
    layer = _keras_layer(keras, 4)
    layer(np.zeros((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match="one BiLSTMParams per Bidirectional layer"):
        load_keras_bidirectional(layer, [_params(), _params()])


def test_keras_to_numpy_rejects_an_incomplete_weight_list():
    with pytest.raises(ValueError, match="got 5 Keras weight arrays"):
        keras_to_numpy(numpy_to_keras(_params())[:5])


def test_keras_to_numpy_rejects_a_swapped_array():
    weights = numpy_to_keras(_params())
    weights[1] = weights[1].T  # recurrent kernel (H, 4H) given as (4H, H)
    with pytest.raises(ValueError, match="recurrent_kernel"):
        keras_to_numpy(weights)


def test_importing_convert_imports_no_framework():
    import subprocess
    import sys

    code = ("import sys, bilstm_helpers.convert; "
            "assert 'keras' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- Pitfalls 5-7 (Keras side): the package's NumPy BiLSTM is the reference ----

def test_return_state_order_is_the_numpy_state_order():
    """Pitfall 5: Keras returns [output, h_fwd, c_fwd, h_bwd, c_bwd], the order of
    bilstm_forward's states, also on a masked ragged batch."""
    keras = _keras()
    params = _params()
    x, lengths, mask = _ragged_batch()
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_state=True))
    layer(x)
    load_keras_bidirectional(layer, params)
    output, *states = layer(x, mask=mask)
    y, numpy_states, _ = bilstm_forward(x, params, lengths=lengths, return_sequences=False)
    np.testing.assert_allclose(np.asarray(output), y, atol=1e-5)
    for keras_state, numpy_state in zip(states, numpy_states):
        np.testing.assert_allclose(np.asarray(keras_state), numpy_state, atol=1e-5)


def test_masked_pre_padding_gives_the_numpy_post_padded_result():
    """Pitfall 6: pad_sequences pads in front by default; with a mask the final
    states equal those of the package's post-padded run with lengths."""
    keras = _keras()
    params = _params()
    x, lengths, mask = _ragged_batch()
    pre = np.zeros_like(x)
    for b, n in enumerate(lengths):
        pre[b, x.shape[1] - n:] = x[b, :n]
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_state=True))
    layer(x)
    load_keras_bidirectional(layer, params)
    _, *states = layer(pre, mask=pre.any(axis=-1))
    numpy_states = bilstm_forward(x, params, lengths=lengths)[1]
    for keras_state, numpy_state in zip(states, numpy_states):
        np.testing.assert_allclose(np.asarray(keras_state), numpy_state, atol=1e-5)


def test_hard_sigmoid_gates_do_not_reproduce_sigmoid_weights():
    """Pitfall 7: the same weights with hard_sigmoid gates give other outputs;
    the package (sigmoid gates) matches only Keras's default."""
    keras = _keras()
    params = _params()
    x = _ragged_batch()[0]
    reference = bilstm_forward(x, params)[0]
    gaps = {}
    for activation in ("sigmoid", "hard_sigmoid"):
        layer = keras.layers.Bidirectional(keras.layers.LSTM(
            4, recurrent_activation=activation, return_sequences=True))
        layer(x)
        load_keras_bidirectional(layer, params)
        gaps[activation] = np.abs(np.asarray(layer(x)) - reference).max()
    assert gaps["sigmoid"] < 1e-5 < 1e-3 < gaps["hard_sigmoid"]
