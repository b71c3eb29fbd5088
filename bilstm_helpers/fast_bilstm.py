"""The speed twin of :mod:`bilstm_helpers.bilstm`: the same BiLSTM, faster.

:mod:`bilstm_helpers.bilstm` is the reference, written to be read (chapter 2
prints it). This module computes the same numbers with the same signatures
and return structure (drop-in), tested equal to the reference; diff the two
to see what speed costs. The tricks, each measured (benchmarks/bench_numpy.py):

* **Both directions in one pass**: a leading direction axis of 2 on every
  per-step array, so one batched product and one ufunc call serve both.
* **One product per step for input and recurrence**: the stacked weights
  [W; b; U] times [x_t, 1, h_{t-1}], kept side by side in one array ``xh``
  (the bias rides on the constant 1). Computing x @ W for all steps up front
  measured slower in this layout than the 33 extra rows per step.
* **Feature-major gates**, (4H, B) per direction: each gate is one contiguous
  (H, B) block, so ufuncs run over long runs of memory, not B rows of H.
* **One tanh over the whole gate block**: sigmoid(z) = (1 + tanh(z / 2)) / 2,
  with the weights of i, f, o halved up front; then ``* 0.5 + 0.5`` on those
  three (cheaper than exp, add and reciprocal).
* **Gates reordered to g, i, f, o** inside, so that the sigmoid gates
  (forward) and the gates scaled by dc (backward) are contiguous; gradients
  come back in the usual i, f, g, o order.
* **Backward**: one product [W; b; U] @ dz per step gives dx_t and dh_{t-1};
  the weight gradients accumulate from dz and ``xh`` step by step.
* **In-place ufuncs and pooled buffers**: a fresh large array costs a page
  fault per 4 KiB page on first touch, measured as much as the forward
  pass's arithmetic; ``_arrays`` reuses buffers no array refers to.

Shapes: ``B`` batch, ``T`` time, ``D`` input features, ``H`` hidden units.
"""

from __future__ import annotations

import math
import sys
import threading
from dataclasses import dataclass

import numpy as np

from bilstm_helpers.bilstm import BiLSTMParams, States, merge, merge_backward, reverse_within_lengths
from bilstm_helpers.checks import check_bidirectional_state, check_lengths, check_merge_mode, check_sequences
from bilstm_helpers.lstm import LSTMParams, step_mask

Array = np.ndarray

# Byte buffers lent out by _arrays; one is lent again once no array uses it.
_POOL: list[Array] = []
_UNUSED = [np.empty(0)]  # an array only a list refers to: the reference count of an idle buffer
_POOL_SIZE = 4
_POOL_LOCK = threading.Lock()


def _arrays(dtype, *shapes: tuple[int, ...]) -> list[Array]:
    """Uninitialised arrays of these shapes, carved out of one pooled buffer.

    A fresh large array costs a page fault per 4 KiB page on first touch,
    which here costs as much as the arithmetic. So the buffers are kept and
    reused, but only once no array refers to them any more: every view keeps
    its buffer's reference count up, so caches, outputs and gradients that
    the caller keeps stay valid.
    """
    itemsize = np.dtype(dtype).itemsize
    sizes = [-(-math.prod(shape) * itemsize // 64) * 64 for shape in shapes]  # 64-byte aligned
    nbytes = sum(sizes)
    with _POOL_LOCK:
        idle = [k for k in range(len(_POOL)) if sys.getrefcount(_POOL[k]) == sys.getrefcount(_UNUSED[0])]
        fits = [k for k in idle if _POOL[k].nbytes >= nbytes]
        if fits:
            buffer = _POOL[fits[0]]
        else:
            buffer = np.empty(nbytes, dtype=np.uint8)
            if len(_POOL) < _POOL_SIZE:
                _POOL.append(buffer)
            elif idle:  # replace the smallest idle buffer
                _POOL[min(idle, key=lambda k: _POOL[k].nbytes)] = buffer
    starts = np.cumsum([0, *sizes])
    return [buffer[start : start + math.prod(shape) * itemsize].view(dtype).reshape(shape)
            for start, shape in zip(starts, shapes)]


def _to_internal(hidden_size: int) -> Array:
    """(4H,) column order g, i, f, o taken from the usual i, f, g, o (argsort inverts it)."""
    return np.arange(4 * hidden_size).reshape(4, hidden_size)[[2, 0, 1, 3]].ravel()


@dataclass
class FastBiLSTMCache:
    """What :func:`fast_bilstm_backward` needs. Axis 1 is the direction:
    0 forward, 1 backward (which reads each sequence reversed).

    Attributes:
        params: the layer's weights (usual layout).
        xh: (T + 1, 2, B, D + 1 + H) per step [x_t, 1, h_{t-1}], what the
            gates of step t are computed from; xh[T, ..., D + 1:] is h_T.
        cs: (T + 1, 2, H, B) cell states; index 0 initial.
        gates: (T, 2, 4H, B) activations in the internal order g, i, f, o.
        tanh_cs: (T, 2, H, B) tanh of the cell states.
        mask: (T, 1, 1, B) bool, True at real steps; None for full lengths.
        merged: the two directions' outputs before the merge, as in
            :class:`~bilstm_helpers.bilstm.BiLSTMCache`.
        lengths: (B,) ints, or None for full-length sequences.
        merge_mode: how the two directions were merged.
        return_sequences: whether every step was returned.
    """

    params: BiLSTMParams
    xh: Array
    cs: Array
    gates: Array
    tanh_cs: Array
    mask: Array | None
    merged: tuple[Array, Array]
    lengths: Array | None
    merge_mode: str | None
    return_sequences: bool


def _real_steps(lengths: Array, time: int) -> Array:
    """(B, T, 1) bool, True where step t is a real step of sequence b."""
    return (np.arange(time)[None, :] < lengths[:, None])[:, :, None]


def _stacked_weights(params: BiLSTMParams, order: Array) -> Array:
    """(2, D + 1 + H, 4H): per direction [W; b; U], gate columns in ``order``."""
    return np.stack([np.vstack([p.kernel, p.bias, p.recurrent_kernel])[:, order]
                     for p in (params.forward, params.backward)])


def fast_bilstm_forward(x: Array, params: BiLSTMParams, lengths: Array | None = None,
                        merge_mode: str | None = "concat", return_sequences: bool = True,
                        initial_state: States | None = None,
                        ) -> tuple[Array | tuple[Array, Array], States, FastBiLSTMCache]:
    """:func:`~bilstm_helpers.bilstm.bilstm_forward`, faster: the same arguments
    (``x``: (B, T, D)), checks, results and errors; see it for each one. The
    cache is for :func:`fast_bilstm_backward`.
    """
    merge_mode = check_merge_mode(merge_mode)
    dtype = params.forward.kernel.dtype
    x = check_sequences(x, params.input_size).astype(dtype, copy=False)
    B, T, D = x.shape
    lengths = check_lengths(lengths, B, T)
    states = check_bidirectional_state(initial_state, B, params.hidden_size, dtype)
    H = params.hidden_size
    scale = np.full(4 * H, 0.5, dtype=dtype)  # tanh(z / 2) for the sigmoid gates i, f, o
    scale[:H] = 1.0  # plain tanh(z) for g
    weights = (_stacked_weights(params, _to_internal(H)) * scale).transpose(0, 2, 1).copy()  # (2, 4H, D+1+H)
    mask = None if lengths is None else step_mask(lengths, T)[:, None, None, :, 0]  # (T, 1, 1, B)

    xh, cs, gates, tanh_cs = _arrays(dtype, (T + 1, 2, B, D + 1 + H), (T + 1, 2, H, B),
                                     (T, 2, 4 * H, B), (T, 2, H, B))
    xh[:T, 0, :, :D] = x.transpose(1, 0, 2)
    xh[:T, 1, :, :D] = reverse_within_lengths(x, lengths).transpose(1, 0, 2)
    xh[:, :, :, D] = 1.0  # the bias rides along in the product
    hs = xh[:, :, :, D + 1 :]  # (T + 1, 2, B, H)
    for d, (h0, c0) in enumerate(states):
        hs[0, d], cs[0, d] = h0, c0.T
    ig = np.empty((2, H, B), dtype=dtype)
    for t in range(T):
        a = np.matmul(weights, xh[t].transpose(0, 2, 1), out=gates[t])  # input and recurrent part
        np.tanh(a, out=a)
        sig = a[:, H:]
        sig *= 0.5
        sig += 0.5  # now i, f, o = sigmoid(z)
        c = cs[t + 1]
        np.multiply(a[:, 2 * H : 3 * H], cs[t], out=c)  # f * c_prev
        c += np.multiply(a[:, H : 2 * H], a[:, :H], out=ig)  # + i * g
        np.tanh(c, out=tanh_cs[t])
        np.multiply(a[:, 3 * H :], tanh_cs[t], out=hs[t + 1].transpose(0, 2, 1))  # h, batch-major
        if mask is not None:  # padded step: carry the state over unchanged
            np.copyto(hs[t + 1], hs[t], where=~mask[t].transpose(0, 2, 1))
            np.copyto(c, cs[t], where=~mask[t])

    h_f, h_b = hs[T, 0].copy(), hs[T, 1].copy()
    c_f, c_b = np.ascontiguousarray(cs[T, 0].T), np.ascontiguousarray(cs[T, 1].T)
    if return_sequences:
        outs = hs[1:].transpose(1, 2, 0, 3)  # (2, B, T, H)
        if lengths is not None:
            outs = outs * _real_steps(lengths, T)  # padded outputs are zeros
        a_out, b_out = outs[0], reverse_within_lengths(outs[1], lengths)
    else:
        a_out, b_out = h_f, h_b
    cache = FastBiLSTMCache(params, xh, cs, gates, tanh_cs, mask,
                            (a_out, b_out), lengths, merge_mode, return_sequences)
    if return_sequences and merge_mode == "concat":  # merge's concatenation, into a pooled array
        y = _arrays(dtype, (B, T, 2 * H))[0]
        y[..., :H], y[..., H:] = a_out, b_out
    else:
        y = merge(a_out, b_out, merge_mode)
    return y, (h_f, c_f, h_b, c_b), cache


def fast_bilstm_backward(dy, cache: FastBiLSTMCache, d_states: States | None = None,
                         ) -> tuple[BiLSTMParams, Array, States]:
    """:func:`~bilstm_helpers.bilstm.bilstm_backward`, faster: the same arguments
    (``dy`` shaped like y), results (``dx``: (B, T, D)) and errors; see it for
    each one. ``cache`` comes from :func:`fast_bilstm_forward`.
    """
    xh, mask, lengths = cache.xh, cache.mask, cache.lengths
    T, _, H4, B = cache.gates.shape
    H = H4 // 4
    D = xh.shape[3] - 1 - H
    dtype = xh.dtype

    dh = np.zeros((2, H, B), dtype=dtype)
    dc = np.zeros((2, H, B), dtype=dtype)
    if d_states is not None:
        for k, d_state in enumerate(d_states):
            if d_state is not None:
                (dh, dc)[k % 2][k // 2] += np.asarray(d_state, dtype=dtype).T
    da, db = merge_backward(dy, *cache.merged, cache.merge_mode)
    local, dc_from_h, d_xh, d_out, dxs = _arrays(dtype, (T, 2, 4 * H, B), (T, 2, H, B),
                                                 (2, 2, D + 1 + H, B), (2, B, T, H), (2, B, T, D))
    if cache.return_sequences:
        d_out[0], d_out[1] = da, reverse_within_lengths(np.asarray(db, dtype=dtype), lengths)
        if lengths is not None:
            d_out *= _real_steps(lengths, T)  # padded outputs are constant zeros
    else:  # y was made of the final states
        d_out = None
        dh[0] += np.asarray(da, dtype=dtype).T
        dh[1] += np.asarray(db, dtype=dtype).T

    # Local derivatives of every step at once, internal order g, i, f, o:
    #   dz = [dc * i (1-g^2),  dc * g i(1-i),  dc * c_prev f(1-f),  dh * tanh(c) o(1-o)]
    a = cache.gates
    g, i, f, o = a[:, :, :H], a[:, :, H : 2 * H], a[:, :, 2 * H : 3 * H], a[:, :, 3 * H :]
    tanh_c = cache.tanh_cs
    np.multiply(g, g, out=local[:, :, :H])
    np.subtract(1.0, local[:, :, :H], out=local[:, :, :H])
    local[:, :, :H] *= i
    np.subtract(1.0, a[:, :, H:], out=local[:, :, H:])  # 1 - i, 1 - f, 1 - o
    local[:, :, H:] *= a[:, :, H:]
    local[:, :, H : 2 * H] *= g
    local[:, :, 2 * H : 3 * H] *= cache.cs[:-1]
    local[:, :, 3 * H :] *= tanh_c
    np.multiply(tanh_c, tanh_c, out=dc_from_h)
    np.subtract(1.0, dc_from_h, out=dc_from_h)
    dc_from_h *= o
    f_carry = f
    if mask is not None:  # padded steps: no gradient into the gates, state passes through
        local *= mask
        dc_from_h *= mask
        f_carry = np.where(mask, f, 1.0)
        keep = ~mask

    local_gif = local[:, :, : 3 * H].reshape(T, 2, 3, H * B)  # one long inner axis
    dz = np.empty((2, 4 * H, B), dtype=dtype)
    dz_gif = dz[:, : 3 * H].reshape(2, 3, H * B)
    weights = _stacked_weights(cache.params, _to_internal(H))  # (2, D+1+H, 4H)
    d_weights = np.zeros((2, 4 * H, D + 1 + H), dtype=dtype)
    scratch = np.empty((2, H, B), dtype=dtype)
    d_weights_t = np.empty_like(d_weights)
    for t in reversed(range(T)):
        if d_out is not None:
            dh += d_out[:, :, t].transpose(0, 2, 1)
        dc += np.multiply(dh, dc_from_h[t], out=scratch)
        np.multiply(local_gif[t], dc.reshape(2, 1, H * B), out=dz_gif)
        np.multiply(local[t, :, 3 * H :], dh, out=dz[:, 3 * H :])
        d_weights += np.matmul(dz, xh[t], out=d_weights_t)
        dxh = np.matmul(weights, dz, out=d_xh[t % 2])  # [dx_t; unused; dh_{t-1}]
        dxs[:, :, t] = dxh[:, :D].transpose(0, 2, 1)
        dh_prev = dxh[:, D + 1 :]
        if mask is not None:
            dh *= keep[t]
            dh_prev += dh
        dh = dh_prev
        dc *= f_carry[t]

    d_weights = d_weights.transpose(0, 2, 1)[..., np.argsort(_to_internal(H))]  # (2, D+1+H, 4H): [W; b; U]
    grads = [LSTMParams(dw[:D], dw[D + 1 :], dw[D]) for dw in d_weights]
    dx = np.add(dxs[0], reverse_within_lengths(dxs[1], lengths), out=dxs[0])
    d_initial = (dh[0].T, dc[0].T, dh[1].T, dc[1].T)
    return BiLSTMParams(*grads), dx, tuple(np.ascontiguousarray(s) for s in d_initial)
