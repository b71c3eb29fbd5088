"""A vanilla (Elman) RNN in NumPy, the baseline of the LSTM chapter.

    h_t = tanh(x_t W + h_{t-1} U + b)

Shapes: ``B`` batch, ``T`` time, ``D`` input features, ``H`` hidden units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bilstm_helpers.checks import check_sequences


@dataclass
class RNNParams:
    """kernel W (D, H), recurrent_kernel U (H, H), bias b (H,)."""

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray


def init_rnn(input_size: int, hidden_size: int, seed: int = 0, dtype: type = np.float64) -> RNNParams:
    """Glorot-uniform W, orthogonal U, zero b (Keras's SimpleRNN defaults)."""
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (input_size + hidden_size))
    q, r = np.linalg.qr(rng.normal(size=(hidden_size, hidden_size)))
    return RNNParams(
        rng.uniform(-limit, limit, (input_size, hidden_size)).astype(dtype),
        (q * np.sign(np.diag(r))).astype(dtype),
        np.zeros(hidden_size, dtype),
    )


def rnn_forward(x: np.ndarray, params: RNNParams) -> tuple[np.ndarray, np.ndarray]:
    """x: (B, T, D) -> (outputs (B, T, H), hs (T + 1, B, H) for the backward pass)."""
    x = check_sequences(x, params.kernel.shape[0])
    B, T, _ = x.shape
    hs = np.zeros((T + 1, B, params.bias.size), dtype=x.dtype)
    for t in range(T):
        hs[t + 1] = np.tanh(x[:, t] @ params.kernel + hs[t] @ params.recurrent_kernel + params.bias)
    return hs[1:].transpose(1, 0, 2), hs


def rnn_backward(d_h_last: np.ndarray, hs: np.ndarray, params: RNNParams) -> np.ndarray:
    """Gradient w.r.t. every input step of a loss that depends on h_T only.

    Args:
        d_h_last: (B, H), gradient w.r.t. the last output h_T.
        hs: (T + 1, B, H) from :func:`rnn_forward`.

    Returns:
        dx: (B, T, D).
    """
    T = hs.shape[0] - 1
    dx = np.empty((hs.shape[1], T, params.kernel.shape[0]), dtype=hs.dtype)
    dh = d_h_last
    for t in reversed(range(T)):
        dz = dh * (1.0 - hs[t + 1] ** 2)
        dx[:, t] = dz @ params.kernel.T
        dh = dz @ params.recurrent_kernel.T
    return dx
