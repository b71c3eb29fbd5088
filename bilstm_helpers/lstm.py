"""An LSTM layer in NumPy: forward pass, backpropagation through time, ragged batches.

Shapes: ``B`` batch, ``T`` time, ``D`` input features, ``H`` hidden units.
The four gates are stacked in the order **i, f, g, o** (input, forget,
candidate, output), the order of both Keras (which calls g "c") and PyTorch,
so weights move between the three without reshuffling::

    z_t = x_t W + h_{t-1} U + b                      (B, 4H)
    i_t = sigmoid(z_i)   f_t = sigmoid(z_f)   o_t = sigmoid(z_o)
    g_t = tanh(z_g)
    c_t = f_t * c_{t-1} + i_t * g_t                  cell state
    h_t = o_t * tanh(c_t)                            output

Ragged batches are post-padded and described by ``lengths``: at a step
``t >= lengths[b]`` sequence ``b`` keeps its state and outputs zeros, so the
final state is the state at the sequence's own last step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bilstm_helpers.checks import check_lengths, check_sequences, check_state


@dataclass
class LSTMParams:
    """Weights of one LSTM layer, named and laid out as in Keras.

    Attributes:
        kernel: W, (input_size, 4 * hidden_size), gates i, f, g, o.
        recurrent_kernel: U, (hidden_size, 4 * hidden_size).
        bias: b, (4 * hidden_size,).
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray

    @property
    def input_size(self) -> int:
        return self.kernel.shape[0]

    @property
    def hidden_size(self) -> int:
        return self.recurrent_kernel.shape[0]

    def count(self) -> int:
        """Number of trainable numbers: 4 * H * (D + H + 1)."""
        return self.kernel.size + self.recurrent_kernel.size + self.bias.size


def init_lstm(
    input_size: int, hidden_size: int, seed: int = 0, dtype: type = np.float32
) -> LSTMParams:
    """Keras's default initialisation: Glorot-uniform W, orthogonal U, zero b
    with the forget-gate bias set to 1 (so the cell remembers at the start)."""
    rng = np.random.default_rng(seed)
    H4 = 4 * hidden_size
    limit = np.sqrt(6.0 / (input_size + H4))
    kernel = rng.uniform(-limit, limit, size=(input_size, H4))
    q, r = np.linalg.qr(rng.normal(size=(H4, hidden_size)))
    recurrent_kernel = (q * np.sign(np.diag(r))).T  # (H, 4H), orthonormal rows
    bias = np.zeros(H4)
    bias[hidden_size : 2 * hidden_size] = 1.0
    return LSTMParams(*(np.ascontiguousarray(a, dtype=dtype) for a in (kernel, recurrent_kernel, bias)))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-z)), accurate and warning-free for any z.

    For z = -1000, exp(1000) overflows to inf and 1 / (1 + inf) is exactly 0,
    the right answer; the overflow flag is silenced, nothing else is.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z)))


def _gate_signs(hidden_size: int, dtype) -> np.ndarray:
    """(4H,) factors folded into W, U and b so that the whole gate block can
    be activated with one exp: -1 on i, f, o gives sigmoid(z) = 1 / (1 + e^-z);
    -2 on g gives sigmoid(2z), and tanh(z) = 2 * sigmoid(2z) - 1."""
    ones = np.ones(hidden_size)
    return np.concatenate([-ones, -ones, -2 * ones, -ones]).astype(dtype)


def lstm_step(
    x_t: np.ndarray, h: np.ndarray, c: np.ndarray, params: LSTMParams
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """One time step, written for reading rather than speed.

    Args:
        x_t: (B, D) inputs at this step.
        h, c: (B, H) previous output and cell state.

    Returns:
        h_new, c_new: (B, H); gates: {"i", "f", "g", "o"} -> (B, H).
    """
    H = params.hidden_size
    z = x_t @ params.kernel + h @ params.recurrent_kernel + params.bias
    i = sigmoid(z[:, :H])
    f = sigmoid(z[:, H : 2 * H])
    g = np.tanh(z[:, 2 * H : 3 * H])
    o = sigmoid(z[:, 3 * H :])
    c_new = f * c + i * g
    h_new = o * np.tanh(c_new)
    return h_new, c_new, {"i": i, "f": f, "g": g, "o": o}


@dataclass
class LSTMCache:
    """What the backward pass needs from the forward pass (time-major).

    Attributes:
        params: the layer's weights.
        xs: (T, B, D) inputs.
        hs: (T + 1, B, H) outputs; index 0 is the initial state.
        cs: (T + 1, B, H) cell states; index 0 is the initial state.
        gates: (T, B, 4H) gate activations i, f, g, o.
        tanh_cs: (T, B, H) tanh of the cell states.
        mask: (T, B, 1) bool, True at real steps; None for full lengths.
    """

    params: LSTMParams
    xs: np.ndarray
    hs: np.ndarray
    cs: np.ndarray
    gates: np.ndarray
    tanh_cs: np.ndarray
    mask: np.ndarray | None


def step_mask(lengths: np.ndarray | None, time: int) -> np.ndarray | None:
    """(T, B, 1) bool, True where step t is a real step of sequence b."""
    if lengths is None:
        return None
    return (np.arange(time)[:, None] < lengths[None, :])[:, :, None]


def lstm_forward(
    x: np.ndarray,
    params: LSTMParams,
    lengths: np.ndarray | None = None,
    initial_state: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """Run the layer over a batch.

    Args:
        x: (B, T, D), post-padded when ``lengths`` is given.
        lengths: (B,) ints in 1..T, or None when all sequences have T steps.
        initial_state: (h0, c0), each (B, H); zeros when None.

    Returns:
        outputs: (B, T, H), zero at padded steps.
        (h_n, c_n): each (B, H), taken at each sequence's own last step.
        cache: for :func:`lstm_backward`.
    """
    x = check_sequences(x, params.input_size).astype(params.kernel.dtype, copy=False)
    B, T, _ = x.shape
    lengths = check_lengths(lengths, B, T)
    h0, c0 = check_state(initial_state, B, params.hidden_size, x.dtype)
    return lstm_scan(x, params, step_mask(lengths, T), h0, c0)


def lstm_scan(
    x: np.ndarray, params: LSTMParams, mask: np.ndarray | None, h0: np.ndarray, c0: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """The time loop of :func:`lstm_forward`, on inputs that are already checked.

    :func:`lstm_forward` checks and converts its arguments, then calls this;
    a caller that has done that itself (a bidirectional layer runs two
    directions on one checked batch) calls it directly.

    Args:
        x: (batch, time, features) = (B, T, D), in the weights' dtype.
        params: the layer's weights.
        mask: (T, B, 1) bool from :func:`step_mask`, True at real steps;
            None when every sequence has T steps.
        h0, c0: (B, H) initial output and cell state.

    Returns:
        outputs: (B, T, H), zero at padded steps.
        (h_n, c_n): each (B, H), taken at each sequence's own last step.
        cache: for :func:`lstm_backward`.
    """
    B, T, D = x.shape
    H = params.hidden_size
    signs = _gate_signs(H, x.dtype)
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, B, D)
    # The input part of every step in one matrix product; filled in place
    # with the gate activations step by step.
    gates = (xs.reshape(T * B, D) @ (params.kernel * signs) + params.bias * signs).reshape(T, B, 4 * H)
    recurrent = params.recurrent_kernel * signs
    hs = np.empty((T + 1, B, H), dtype=x.dtype)
    cs = np.empty((T + 1, B, H), dtype=x.dtype)
    tanh_cs = np.empty((T, B, H), dtype=x.dtype)
    ig = np.empty((B, H), dtype=x.dtype)
    h_proj = np.empty((B, 4 * H), dtype=x.dtype)
    hs[0], cs[0] = h0, c0
    with np.errstate(over="ignore"):  # exp -> inf gives sigmoid = 0, exactly right
        for t in range(T):
            a = gates[t]
            a += np.matmul(hs[t], recurrent, out=h_proj)
            np.exp(a, out=a)  # sigmoid of every block, see _gate_signs
            a += 1.0
            np.reciprocal(a, out=a)
            i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            g *= 2.0
            g -= 1.0  # now tanh
            np.multiply(f, cs[t], out=cs[t + 1])
            np.multiply(i, g, out=ig)
            cs[t + 1] += ig
            np.tanh(cs[t + 1], out=tanh_cs[t])
            np.multiply(o, tanh_cs[t], out=hs[t + 1])
            if mask is not None:  # padded step: carry the state over unchanged
                np.copyto(hs[t + 1], hs[t], where=~mask[t])
                np.copyto(cs[t + 1], cs[t], where=~mask[t])
    outputs = hs[1:] if mask is None else hs[1:] * mask
    cache = LSTMCache(params, xs, hs, cs, gates, tanh_cs, mask)
    return outputs.transpose(1, 0, 2), (hs[T].copy(), cs[T].copy()), cache


def lstm_backward(
    d_outputs: np.ndarray | None,
    cache: LSTMCache,
    d_final_state: tuple[np.ndarray | None, np.ndarray | None] | None = None,
) -> tuple[LSTMParams, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Backpropagation through time.

    Args:
        d_outputs: (B, T, H) gradient of the loss w.r.t. the outputs, or None.
        cache: from :func:`lstm_forward`.
        d_final_state: gradients w.r.t. (h_n, c_n), each (B, H) or None.

    Returns:
        grads: an :class:`LSTMParams` of gradients.
        dx: (B, T, D), zero at padded steps.
        (dh0, dc0): gradients w.r.t. the initial state, each (B, H).
    """
    p, mask = cache.params, cache.mask
    T, B, D = cache.xs.shape
    H = p.hidden_size
    dtype = cache.hs.dtype
    dh = np.zeros((B, H), dtype=dtype)
    dc = np.zeros((B, H), dtype=dtype)
    if d_final_state is not None:
        dh += 0 if d_final_state[0] is None else d_final_state[0]
        dc += 0 if d_final_state[1] is None else d_final_state[1]
    d_out = None
    if d_outputs is not None:
        d_out = np.asarray(d_outputs, dtype=dtype).transpose(1, 0, 2)

    # Local derivatives of every step, for all steps at once (T, B, .):
    #   dz = [dc * g i(1-i),  dc * c_prev f(1-f),  dc * i (1-g^2),  dh * tanh(c) o(1-o)]
    #   dc += dh * o (1 - tanh(c)^2)   before dz, and   dc_prev = dc * f   after.
    a = cache.gates
    i, f, g, o = a[..., :H], a[..., H : 2 * H], a[..., 2 * H : 3 * H], a[..., 3 * H :]
    tanh_c = cache.tanh_cs
    local = np.empty_like(a)
    local[..., :H] = g * i * (1.0 - i)
    local[..., H : 2 * H] = cache.cs[:-1] * f * (1.0 - f)
    local[..., 2 * H : 3 * H] = i * (1.0 - g * g)
    local[..., 3 * H :] = tanh_c * o * (1.0 - o)
    dc_from_h = o * (1.0 - tanh_c * tanh_c)
    f_carry = f
    if mask is not None:  # padded steps: no gradient into the gates, state passes through
        local *= mask
        dc_from_h *= mask
        f_carry = np.where(mask, f, 1.0)
        if d_out is not None:
            d_out = d_out * mask  # padded outputs are constant zeros
        keep = ~mask

    dz_all = np.empty((T, B, 4 * H), dtype=dtype)
    dz_ifg = dz_all[..., : 3 * H].reshape(T, B, 3, H)  # views that split 3H into (3, H)
    local_ifg = local[..., : 3 * H].reshape(T, B, 3, H)
    recurrent_T = p.recurrent_kernel.T
    scratch = np.empty((B, H), dtype=dtype)
    for t in reversed(range(T)):
        if d_out is not None:
            dh += d_out[t]
        dc += np.multiply(dh, dc_from_h[t], out=scratch)
        np.multiply(local_ifg[t], dc[:, None, :], out=dz_ifg[t])
        np.multiply(local[t, :, 3 * H :], dh, out=dz_all[t, :, 3 * H :])
        dh_prev = dz_all[t] @ recurrent_T
        if mask is not None:
            dh_prev += dh * keep[t]
        dh = dh_prev
        dc *= f_carry[t]
    dz_flat = dz_all.reshape(T * B, 4 * H)
    grads = LSTMParams(
        kernel=cache.xs.reshape(T * B, D).T @ dz_flat,
        recurrent_kernel=cache.hs[:-1].reshape(T * B, H).T @ dz_flat,
        bias=dz_flat.sum(axis=0),
    )
    dx = (dz_flat @ p.kernel.T).reshape(T, B, D).transpose(1, 0, 2)
    return grads, dx, (dh, dc)
