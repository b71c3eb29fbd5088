import numpy as np
import pytest

from bilstm_helpers.bilstm import bilstm_forward, init_bilstm
from bilstm_helpers.checks import check_bidirectional_state

PARAMS = init_bilstm(input_size=3, hidden_size=2)


def run(x, **kwargs):
    return bilstm_forward(x, PARAMS, **kwargs)


def test_wrong_ndim():
    with pytest.raises(ValueError, match=r"shape \(batch, time, features\).*x\[None\]"):
        run(np.zeros((5, 3)))


def test_feature_size_mismatch():
    with pytest.raises(ValueError, match="4 features but the layer expects input_size=3"):
        run(np.zeros((2, 5, 4)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_input(bad):
    x = np.zeros((2, 5, 3))
    x[1, 2, 0] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        run(x)


@pytest.mark.parametrize("lengths", [[0, 5], [6, 5], [-1, 2]])
def test_lengths_out_of_range(lengths):
    with pytest.raises(ValueError, match=r"lengths must lie in 1\.\.5"):
        run(np.zeros((2, 5, 3)), lengths=np.array(lengths))


def test_lengths_of_wrong_size():
    with pytest.raises(ValueError, match=r"lengths must have shape \(batch,\) = \(2,\)"):
        run(np.zeros((2, 5, 3)), lengths=np.array([5, 5, 5]))


def test_fractional_lengths():
    with pytest.raises(ValueError, match="whole numbers"):
        run(np.zeros((2, 5, 3)), lengths=np.array([2.5, 5.0]))


def test_unknown_merge_mode():
    with pytest.raises(ValueError, match="unknown merge_mode 'max'.*'concat', 'sum', 'mul', 'ave' or None"):
        run(np.zeros((2, 5, 3)), merge_mode="max")


def test_bidirectional_initial_state_needs_four_arrays():
    with pytest.raises(ValueError, match=r"\(h_fwd, c_fwd, h_bwd, c_bwd\), got 2"):
        run(np.zeros((2, 5, 3)), initial_state=(np.zeros((2, 2)), np.zeros((2, 2))))


def test_bidirectional_initial_state_shapes():
    state = [np.zeros((2, 2))] * 3 + [np.zeros((3, 2))]
    with pytest.raises(ValueError, match=r"initial c must have shape"):
        run(np.zeros((2, 5, 3)), initial_state=state)


def test_zero_time_steps():
    with pytest.raises(ValueError, match="0 time steps"):
        run(np.zeros((2, 0, 3)))


def test_check_bidirectional_state_splits_by_direction_and_fills_zeros():
    state = tuple(np.full((2, 3), float(k)) for k in range(4))
    (h_f, c_f), (h_b, c_b) = check_bidirectional_state(state, 2, 3, np.float64)
    assert [a[0, 0] for a in (h_f, c_f, h_b, c_b)] == [0.0, 1.0, 2.0, 3.0]
    zeros = check_bidirectional_state(None, 2, 3, np.float32)
    assert all(a.shape == (2, 3) and a.dtype == np.float32 and not a.any() for pair in zeros for a in pair)
