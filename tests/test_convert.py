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
