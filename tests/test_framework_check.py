"""bilstm_helpers.framework_check: NumPy, Keras and PyTorch on one set of weights."""

import numpy as np
import pytest

from bilstm_helpers.bilstm import init_bilstm
from bilstm_helpers.framework_check import framework_gaps


@pytest.mark.parametrize(("merge_mode", "return_sequences"), [("concat", True), (None, False), ("mul", True)])
def test_the_three_implementations_agree(merge_mode, return_sequences):
    params = init_bilstm(3, 4, seed=0)
    params.forward.bias += 0.5
    x = np.random.default_rng(0).normal(size=(3, 6, 3)).astype("float32")
    gaps = framework_gaps(params, x, np.array([6, 3, 1]), merge_mode, return_sequences)
    assert max(gaps) < 1e-5, gaps


def test_weights_of_the_wrong_shape_are_refused():
    params = init_bilstm(3, 4, seed=0)
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    good = framework_gaps(params, x, np.array([5, 2]))
    params.backward.recurrent_kernel = params.backward.recurrent_kernel.T.copy()  # (H, 4H) -> wrong
    with pytest.raises(ValueError):
        framework_gaps(params, x, np.array([5, 2]))
    assert max(good) < 1e-5


def test_bad_lengths():
    params = init_bilstm(3, 4, seed=0)
    with pytest.raises(ValueError):
        framework_gaps(params, np.zeros((2, 5, 3), "float32"), np.array([6, 2]))
