import numpy as np
import pytest

from bilstm_helpers.bilstm import bilstm_forward, init_bilstm
from bilstm_helpers.convert import load_torch_lstm
from bilstm_helpers.torch.ragged import packed_bilstm, padding_flag_column, ragged_bilstm, reverse_index

torch = pytest.importorskip("torch")

LENGTHS = [7, 3, 1, 5]


def make(num_layers=1, proj_size=0, seed=0, bias=True):
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(3, 4, num_layers=num_layers, batch_first=True, bidirectional=True,
                         proj_size=proj_size, bias=bias).double()
    x = torch.randn(len(LENGTHS), max(LENGTHS), 3, dtype=torch.float64)
    for b, n in enumerate(LENGTHS):
        x[b, n:] = 5.0  # non-zero padding: it must not matter
    return lstm, x


def packed_run(lstm, x, lengths, initial_state=None):
    return packed_bilstm(lstm, x, torch.tensor(lengths), initial_state)


@pytest.mark.parametrize("num_layers, proj_size, bias", [(1, 0, True), (2, 0, True), (2, 2, True),
                                                         (1, 0, False)])
def test_outputs_and_states_equal_pack_padded_sequence(num_layers, proj_size, bias):
    lstm, x = make(num_layers, proj_size, bias=bias)
    out, (h, c) = ragged_bilstm(lstm, x, LENGTHS)
    out_ref, (h_ref, c_ref) = packed_run(lstm, x, LENGTHS)
    assert out.shape == out_ref.shape and h.shape == h_ref.shape and c.shape == c_ref.shape
    torch.testing.assert_close(out, out_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(h, h_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(c, c_ref, atol=1e-6, rtol=0)


def test_padded_steps_are_zero():
    lstm, x = make(2)
    out = ragged_bilstm(lstm, x, LENGTHS)[0]
    for b, n in enumerate(LENGTHS):
        assert torch.all(out[b, n:] == 0)
        assert torch.all(out[b, :n].abs() > 0)


def initial_state(num_layers, seed=1):
    generator = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(2 * num_layers, len(LENGTHS), 4, dtype=torch.float64,
                             generator=generator) for _ in range(2))


def test_initial_state_is_used_like_nn_lstm():
    lstm, x = make(2)
    state = initial_state(2)
    out, (h, c) = ragged_bilstm(lstm, x, LENGTHS, state)
    out_ref, (h_ref, c_ref) = packed_run(lstm, x, LENGTHS, state)
    torch.testing.assert_close(out, out_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(h, h_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(c, c_ref, atol=1e-6, rtol=0)


@pytest.mark.parametrize("num_layers, with_state", [(1, False), (2, False), (2, True)])
def test_gradients_equal_pack_padded_sequence(num_layers, with_state):
    lstm, x = make(num_layers)
    weights = torch.randn(len(LENGTHS), max(LENGTHS), 8, dtype=torch.float64)
    state = initial_state(num_layers) if with_state else None

    def grads(run):
        lstm.zero_grad()
        xg = x.clone().requires_grad_(True)
        out, (h, c) = run(lstm, xg, LENGTHS, state)
        ((out * weights).sum() + (h**2).sum() + (c**3).sum()).backward()
        return [xg.grad] + [p.grad.clone() for p in lstm.parameters()]

    for ours, ref in zip(grads(ragged_bilstm), grads(packed_run)):
        torch.testing.assert_close(ours, ref, atol=1e-6, rtol=0)


def test_agrees_with_the_numpy_bilstm_in_float32():
    params = init_bilstm(3, 5, seed=3)
    params.backward.bias += 0.2
    lstm = load_torch_lstm(torch.nn.LSTM(3, 5, batch_first=True, bidirectional=True), params)
    x = np.random.default_rng(0).normal(size=(4, 7, 3)).astype(np.float32)
    lengths = np.array(LENGTHS)
    y_np, (h_f, c_f, h_b, c_b), _ = bilstm_forward(x, params, lengths=lengths)
    with torch.no_grad():
        out, (h, c) = ragged_bilstm(lstm, torch.from_numpy(x), lengths)
    np.testing.assert_allclose(out.numpy(), y_np, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), np.stack([h_f, h_b]), atol=1e-5)
    np.testing.assert_allclose(c.numpy(), np.stack([c_f, c_b]), atol=1e-5)


def test_reverse_index_is_its_own_inverse():
    index, valid = reverse_index(torch.tensor([3, 1]), 4)
    assert index.tolist() == [[2, 1, 0, 3], [0, 1, 2, 3]]
    assert valid.tolist() == [[True, True, True, False], [True, False, False, False]]
    assert torch.equal(index.gather(1, index), torch.arange(4).expand(2, 4))


@pytest.mark.parametrize("kwargs, match", [
    ({"bidirectional": False}, "bidirectional=True"),
    ({"batch_first": False}, "batch_first=True"),
])
def test_rejects_a_layer_it_cannot_run(kwargs, match):
    lstm = torch.nn.LSTM(3, 4, **{"batch_first": True, "bidirectional": True, **kwargs})
    with pytest.raises(ValueError, match=match):
        ragged_bilstm(lstm, torch.zeros(2, 5, 3), [5, 2])


def test_rejects_something_that_is_not_an_lstm():
    with pytest.raises(ValueError, match="torch.nn.LSTM"):
        ragged_bilstm(torch.nn.GRU(3, 4, batch_first=True, bidirectional=True),
                      torch.zeros(2, 5, 3), [5, 2])


@pytest.mark.parametrize("x_shape, lengths, match", [
    ((5, 3), [5], r"\(batch, time, features\)"),
    ((2, 5, 4), [5, 2], "input_size=3"),
    ((2, 5, 3), [5, 2, 1], r"shape \(batch,\) = \(2,\)"),
    ((2, 5, 3), [5, 0], "lie in 1..5"),
    ((2, 5, 3), [6, 2], "lie in 1..5"),
    ((2, 5, 3), [5.0, 2.0], "must be integers"),
])
def test_rejects_bad_x_and_lengths(x_shape, lengths, match):
    lstm = torch.nn.LSTM(3, 4, batch_first=True, bidirectional=True)
    with pytest.raises(ValueError, match=match):
        ragged_bilstm(lstm, torch.zeros(x_shape), lengths)


def test_rejects_initial_state_of_the_wrong_shape():
    lstm = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)
    good = torch.zeros(4, 2, 4)
    with pytest.raises(ValueError, match=r"h_0 has shape \(2, 2, 4\)"):
        ragged_bilstm(lstm, torch.zeros(2, 5, 3), [5, 2], (torch.zeros(2, 2, 4), good))
    with pytest.raises(ValueError, match=r"c_0 has shape \(4, 4, 2\)"):
        ragged_bilstm(lstm, torch.zeros(2, 5, 3), [5, 2], (good, torch.zeros(4, 4, 2)))


# The pitfalls of chapter 4, guarded: what the helper answers is what packing answers.

def test_pitfall_1_final_states_are_not_the_last_output_step():
    lstm, x = make()
    out, (h, _) = ragged_bilstm(lstm, x, LENGTHS)
    rows, last = torch.arange(len(LENGTHS)), torch.tensor(LENGTHS) - 1
    torch.testing.assert_close(h[0], out[rows, last, :4])
    torch.testing.assert_close(h[1], out[:, 0, 4:])
    assert not torch.allclose(h[1], out[:, -1, 4:])


def test_pitfall_2_padding_is_neutral_for_the_helper_not_for_a_plain_run():
    lstm, x = make()
    sequence = x[1:2, :3]
    alone = lstm(sequence)[1][0]
    for total in (5, 9):
        padded = torch.cat([sequence, torch.zeros(1, total - 3, 3, dtype=torch.float64)], dim=1)
        torch.testing.assert_close(ragged_bilstm(lstm, padded, [3])[1][0], alone, atol=1e-12, rtol=0)
        assert (lstm(padded)[1][0] - alone).abs().max() > 1e-3


def test_pitfall_3_h_n_layout_with_layers_and_projection():
    lstm, x = make(num_layers=2, proj_size=2)
    _, (h, c) = ragged_bilstm(lstm, x, LENGTHS)
    assert h.shape == (4, len(LENGTHS), 2) and c.shape == (4, len(LENGTHS), 4)
    last_layer = h.view(2, 2, len(LENGTHS), 2)[-1]
    assert torch.equal(last_layer, h[2:])


def test_pitfall_4_unsorted_lengths_keep_the_batch_order():
    lstm, x = make()
    _, (h, c) = ragged_bilstm(lstm, x, LENGTHS)
    for b, n in enumerate(LENGTHS):
        _, (h_alone, c_alone) = lstm(x[b : b + 1, :n])
        torch.testing.assert_close(h[:, b], h_alone[:, 0], atol=1e-12, rtol=0)
        torch.testing.assert_close(c[:, b], c_alone[:, 0], atol=1e-12, rtol=0)


def test_exact_with_large_weights_and_in_float32():
    # the padding flag's weights are sized from the layer's own weights
    lstm, x = make(num_layers=2)
    with torch.no_grad():
        for p in lstm.parameters():
            p.mul_(40.0)
    lstm = lstm.float()
    out, (h, c) = ragged_bilstm(lstm, x.float(), LENGTHS)
    out_ref, (h_ref, c_ref) = packed_run(lstm, x.float(), LENGTHS)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=0)
    torch.testing.assert_close(h, h_ref, atol=1e-5, rtol=0)
    torch.testing.assert_close(c, c_ref, atol=1e-5, rtol=1e-5)


def test_dropout_layer_in_eval_mode_equals_packing():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, dropout=0.5, batch_first=True,
                         bidirectional=True).double().eval()
    _, x = make()
    out, _ = ragged_bilstm(lstm, x, LENGTHS)
    torch.testing.assert_close(out, packed_run(lstm, x, LENGTHS)[0], atol=1e-6, rtol=0)
    lstm.train()
    assert not torch.equal(ragged_bilstm(lstm, x, LENGTHS)[0], out)  # dropout between layers


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("proj_size", [0, 2])
def test_padding_flag_column_pins_the_gates_for_every_state(dtype, proj_size):
    torch.manual_seed(3)
    lstm = torch.nn.LSTM(3, 4, batch_first=True, bidirectional=True, proj_size=proj_size).to(dtype)
    with torch.no_grad():
        lstm.weight_hh_l0.mul_(20.0)  # large weights: a fixed offset would not be enough
    weight_hr = lstm.weight_hr_l0 if proj_size else None
    bias = lstm.bias_ih_l0 + lstm.bias_hh_l0
    column = padding_flag_column(lstm.weight_hh_l0, bias, weight_hr)
    hidden = 4
    assert column.shape == (4 * hidden, 1) and column.dtype == dtype and not column.requires_grad
    assert torch.all(column[2 * hidden:] == 0)
    # The worst state for each gate row: h_j = +-(largest |h_j|) with the sign of the weight.
    h_max = weight_hr.abs().sum(1).max() if proj_size else 1.0
    with torch.no_grad():
        reach = lstm.weight_hh_l0.abs().sum(1) * h_max + bias.abs()
        i_worst = torch.sigmoid(column[:hidden, 0] + reach[:hidden])
        f_worst = torch.sigmoid(column[hidden:2 * hidden, 0] - reach[hidden:2 * hidden])
        h = (2 * torch.rand(1000, lstm.weight_hh_l0.shape[1], dtype=dtype) - 1) * h_max
        z = column[:, 0] + h @ lstm.weight_hh_l0.T + bias
    assert torch.all(i_worst == 0) and torch.all(f_worst == 1)
    assert torch.all(torch.sigmoid(z[:, :hidden]) == 0) and torch.all(torch.sigmoid(z[:, hidden:2 * hidden]) == 1)


def test_padding_flag_column_without_bias_and_bad_shapes():
    weight_hh = torch.ones(8, 2)
    column = padding_flag_column(weight_hh)
    assert float(column[0]) == -(2.0 + 800.0) and float(column[2]) == 2.0 + 800.0
    with pytest.raises(ValueError, match="weight_hh must be"):
        padding_flag_column(torch.ones(7, 2))
    with pytest.raises(ValueError, match="bias must be"):
        padding_flag_column(weight_hh, torch.ones(4))
