import numpy as np

from bilstm_helpers.gradcheck import numerical_gradient, relative_error
from bilstm_helpers.rnn import init_rnn, rnn_backward, rnn_forward


def test_rnn_input_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    params = init_rnn(2, 3, seed=1)
    x = rng.normal(size=(2, 5, 2))
    weights = rng.normal(size=(2, 3))

    def loss():
        return float(np.sum(rnn_forward(x, params)[0][:, -1] * weights))

    _, hs = rnn_forward(x, params)
    assert relative_error(rnn_backward(weights, hs, params), numerical_gradient(loss, x)) < 1e-7


def test_rnn_shapes():
    outputs, hs = rnn_forward(np.zeros((4, 6, 2)), init_rnn(2, 3))
    assert outputs.shape == (4, 6, 3) and hs.shape == (7, 4, 3)
