"""How far back the gradient reaches: input-gradient norms by distance.

The LSTM chapter measures, for a loss that depends on the last output only,

    L = sum(h_T * d_h_last),

how much gradient ``dL/dx_t`` reaches each input step, as a function of the
**distance** ``T - 1 - t`` from the loss. Every function here returns arrays
indexed by that distance: entry 0 is the last step, entry ``T - 1`` the
first. The gradients come from the package's own backward passes
(:func:`bilstm_helpers.rnn.rnn_backward`, :func:`bilstm_helpers.lstm.lstm_backward`).

Two variants of a layer isolate the paths the gradient can take:

* :func:`carousel_only` zeroes the LSTM's recurrent kernel ``U``, so that
  ``h_{t-1}`` no longer feeds the gates and the only path from step to step
  is the cell state, ``dc_{t-1} = f_t * dc_t`` (the carousel);
* :func:`with_spectral_norm` rescales a vanilla RNN's ``U`` to a chosen
  largest singular value, the size that decides whether the step Jacobians
  ``diag(1 - h_k^2) U^T`` can grow a vector.

Shapes: ``B`` batch, ``T`` time, ``D`` input features, ``H`` hidden units.
"""

from __future__ import annotations

import numpy as np

from bilstm_helpers.checks import check_sequences
from bilstm_helpers.lstm import LSTMParams, lstm_backward, lstm_forward
from bilstm_helpers.rnn import RNNParams, rnn_backward, rnn_forward


def _check_d_h_last(d_h_last: np.ndarray, batch: int, hidden_size: int) -> np.ndarray:
    d_h_last = np.asarray(d_h_last, dtype=np.float64)
    if d_h_last.shape != (batch, hidden_size):
        raise ValueError(
            f"d_h_last must have shape (batch, hidden_size) = ({batch}, {hidden_size}), got {d_h_last.shape}; "
            "pass one weight per sequence and hidden unit of the last output h_T")
    return d_h_last


def rnn_gradient_by_distance(x: np.ndarray, params: RNNParams, d_h_last: np.ndarray) -> np.ndarray:
    """Batch-mean norm of dL/dx_t for a vanilla RNN, by distance from the loss.

    Args:
        x: (B, T, D) inputs.
        params: the RNN's weights.
        d_h_last: (B, H), the gradient dL/dh_T (the weights of the loss).

    Returns:
        (T,): entry ``d`` is the mean over the batch of ``||dL/dx_{T-1-d}||``.
    """
    x = check_sequences(x, params.kernel.shape[0])
    d_h_last = _check_d_h_last(d_h_last, x.shape[0], params.bias.size)
    _, hs = rnn_forward(x, params)
    return np.linalg.norm(rnn_backward(d_h_last, hs, params), axis=2).mean(axis=0)[::-1]


def lstm_gradient_by_distance(x: np.ndarray, params: LSTMParams, d_h_last: np.ndarray) -> np.ndarray:
    """:func:`rnn_gradient_by_distance` for an LSTM layer with weights ``params``:
    x: (B, T, D), d_h_last: (B, H) -> (T,), entry ``d`` the batch mean of
    ``||dL/dx_{T-1-d}||``."""
    x = check_sequences(x, params.input_size)
    d_h_last = _check_d_h_last(d_h_last, x.shape[0], params.hidden_size)
    _, _, cache = lstm_forward(x, params)
    _, dx, _ = lstm_backward(None, cache, d_final_state=(d_h_last.astype(cache.hs.dtype), None))
    return np.linalg.norm(dx, axis=2).mean(axis=0)[::-1]


def forget_gate_product(x: np.ndarray, params: LSTMParams) -> np.ndarray:
    """What the carousel alone does to the error: the product of forget gates.

    Along the cell state, ``dL/dc_t = dL/dc_{T-1} * f_{T-1} * ... * f_{t+1}``,
    ``d = T - 1 - t`` factors. This returns that product, averaged over the
    batch and the hidden units.

    Args:
        x: (B, T, D) inputs.
        params: the layer's weights.

    Returns:
        (T,): entry ``d`` is the mean of ``prod_{s=T-d}^{T-1} f_s``; entry 0 is 1.
    """
    _, _, cache = lstm_forward(x, params)
    H = params.hidden_size
    forget = cache.gates[:, :, H : 2 * H]  # (T, B, H)
    from_the_end = np.cumprod(forget[::-1], axis=0)  # entry k: f_{T-1} ... f_{T-1-k}
    products = np.concatenate([np.ones_like(forget[:1]), from_the_end[:-1]])
    return products.mean(axis=(1, 2))


def mean_forget_gate(x: np.ndarray, params: LSTMParams) -> float:
    """Mean forget-gate activation over all steps, sequences and units. x: (B, T, D)."""
    _, _, cache = lstm_forward(x, params)
    H = params.hidden_size
    return float(cache.gates[:, :, H : 2 * H].mean())


def with_forget_bias(params: LSTMParams, forget_bias: float) -> LSTMParams:
    """A copy of ``params`` with every forget-gate bias (block f of b, (H,)) set to ``forget_bias``."""
    bias = params.bias.copy()
    H = params.hidden_size
    bias[H : 2 * H] = forget_bias
    return LSTMParams(params.kernel.copy(), params.recurrent_kernel.copy(), bias)


def carousel_only(params: LSTMParams) -> LSTMParams:
    """A copy of ``params`` with the recurrent kernel U (H, 4H) set to zero.

    The gates then see only ``x_t``; the one path from step to step is the
    cell state, whose Jacobian is ``diag(f_t)``.
    """
    return LSTMParams(params.kernel.copy(), np.zeros_like(params.recurrent_kernel), params.bias.copy())


def with_spectral_norm(params: RNNParams, spectral_norm: float) -> RNNParams:
    """A copy of ``params`` with U (H, H) rescaled to the given largest singular value."""
    if not spectral_norm > 0:
        raise ValueError(f"spectral_norm must be positive, got {spectral_norm!r}")
    current = np.linalg.norm(params.recurrent_kernel, ord=2)
    return RNNParams(params.kernel.copy(), params.recurrent_kernel * (spectral_norm / current), params.bias.copy())


def rnn_step_jacobian_norms(x: np.ndarray, params: RNNParams) -> np.ndarray:
    """Spectral norm of every step Jacobian dh_k/dh_{k-1} = diag(1 - h_k^2) U^T.

    Each is at most ``max(1 - h_k^2) * ||U||_2``: below 1 whenever U's
    largest singular value is at most 1, possibly above 1 when it is larger.

    Args:
        x: (B, T, D) inputs.
        params: the RNN's weights.

    Returns:
        (T, B): the largest singular value of each step's Jacobian, per sequence.
    """
    _, hs = rnn_forward(x, params)
    slopes = 1.0 - hs[1:] ** 2  # (T, B, H)
    jacobians = slopes[..., :, None] * params.recurrent_kernel.T  # (T, B, H, H)
    return np.linalg.norm(jacobians, ord=2, axis=(2, 3))


def lstm_gradient_by_path(x: np.ndarray, params: LSTMParams, d_h_last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split an LSTM's dL/dx_t into the carousel path and the recurrent paths.

    Backpropagation is linear, so dL/dx_t is the sum over all paths from the
    loss back to x_t. The **carousel path** goes from h_T to c_{T-1}, back
    along the cell state only (``dc_{k-1} = f_k * dc_k``), and into x_t
    through the gates of step t. The **recurrent paths** are all others:
    each passes at least once from h_{k-1} through U into the gates of step k.
    Both come from the same forward pass, so unlike :func:`carousel_only`
    this isolates a path of one network rather than comparing two networks.

    Args:
        x: (B, T, D) inputs.
        params: the layer's weights.
        d_h_last: (B, H), the gradient dL/dh_T (the weights of the loss).

    Returns:
        (carousel, recurrent): each (T,), entry ``d`` the batch-mean norm of
        that part of dL/dx_{T-1-d}. The recurrent part is zero at distance 0.
    """
    x = check_sequences(x, params.input_size)
    d_h_last = _check_d_h_last(d_h_last, x.shape[0], params.hidden_size)
    _, _, cache = lstm_forward(x, params)
    d_h_last = d_h_last.astype(cache.hs.dtype)
    _, total, _ = lstm_backward(None, cache, d_final_state=(d_h_last, None))
    H = params.hidden_size
    i, f, g, o = (cache.gates[..., k * H : (k + 1) * H] for k in range(4))  # each (T, B, H)
    T = cache.xs.shape[0]
    dz = np.zeros_like(cache.gates)  # (T, B, 4H): the carousel path's gradient at each step's gates
    dz[-1, :, 3 * H :] = d_h_last * cache.tanh_cs[-1] * o[-1] * (1.0 - o[-1])  # h_T = o tanh(c): via o
    dc = d_h_last * o[-1] * (1.0 - cache.tanh_cs[-1] ** 2)  # ... and via c_{T-1}
    for t in reversed(range(T)):
        dz[t, :, :H] = dc * g[t] * i[t] * (1.0 - i[t])
        dz[t, :, H : 2 * H] = dc * cache.cs[t] * f[t] * (1.0 - f[t])
        dz[t, :, 2 * H : 3 * H] = dc * i[t] * (1.0 - g[t] ** 2)
        dc = dc * f[t]
    carousel = (dz @ params.kernel.T).transpose(1, 0, 2)  # (B, T, D)
    recurrent = total - carousel

    def by_distance(dx: np.ndarray) -> np.ndarray:
        return np.linalg.norm(dx, axis=2).mean(axis=0)[::-1]

    return by_distance(carousel), by_distance(recurrent)
