"""A bidirectional LSTM in NumPy: reverse, run, re-align, merge.

The backward direction reads each sequence from its own last real step back
to step 0. For a post-padded ragged batch that means reversing each sequence
*within its length*, not flipping the padded array (which would feed the
padding first). Its outputs are reversed back so that step t of the forward
and the backward output describe the same input step before they are merged.

This module is the plain reference that the book prints: the two directions
run one after the other. :mod:`bilstm_helpers.fast_bilstm` is its speed twin
(same signatures, tested equal to this one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bilstm_helpers.checks import check_bidirectional_state, check_lengths, check_merge_mode, check_sequences
from bilstm_helpers.lstm import LSTMCache, LSTMParams, init_lstm, lstm_backward, lstm_scan, step_mask

Array = np.ndarray
States = tuple[Array, Array, Array, Array]


@dataclass
class BiLSTMParams:
    """Two independent LSTM layers: ``forward`` and ``backward``."""

    forward: LSTMParams
    backward: LSTMParams

    @property
    def input_size(self) -> int:
        return self.forward.input_size

    @property
    def hidden_size(self) -> int:
        return self.forward.hidden_size

    def count(self) -> int:
        """Number of trainable numbers: 2 * 4 * H * (D + H + 1)."""
        return self.forward.count() + self.backward.count()


def init_bilstm(
    input_size: int, hidden_size: int, seed: int = 0, dtype: type = np.float32
) -> BiLSTMParams:
    """Two independently initialised directions (Keras defaults, see init_lstm)."""
    return BiLSTMParams(
        init_lstm(input_size, hidden_size, seed=seed, dtype=dtype),
        init_lstm(input_size, hidden_size, seed=seed + 1, dtype=dtype),
    )


def reverse_within_lengths(x: Array, lengths: Array | None) -> Array:
    """Reverse each sequence in time within its own length.

    Args:
        x: (B, T, F), post-padded.
        lengths: (B,) ints in 1..T, or None (then it is ``x[:, ::-1]``).

    Returns:
        (B, T, F): ``out[b, t] = x[b, lengths[b] - 1 - t]`` for t < lengths[b],
        zeros at padded steps. Applying it twice gives back x (padding zeroed),
        and it is its own adjoint, so gradients go back through it unchanged.
    """
    if lengths is None:
        return x[:, ::-1]
    T = x.shape[1]
    steps = np.arange(T)
    source = lengths[:, None] - 1 - steps[None, :]  # (B, T)
    valid = source >= 0
    source = np.where(valid, source, steps[None, :])
    out = np.take_along_axis(x, source[:, :, None], axis=1)
    out *= valid[:, :, None]
    return out


def merge(a: Array, b: Array, merge_mode: str | None) -> Array | tuple[Array, Array]:
    """Combine forward output a and backward output b, each (..., H).

    concat -> (..., 2H); sum, mul, ave -> (..., H); None -> (a, b).
    """
    if merge_mode == "concat":
        return np.concatenate([a, b], axis=-1)
    if merge_mode == "sum":
        return a + b
    if merge_mode == "mul":
        return a * b
    if merge_mode == "ave":
        return (a + b) / 2
    return a, b


def merge_backward(dy, a: Array, b: Array, merge_mode: str | None) -> tuple[Array, Array]:
    """Gradients w.r.t. a and b given dy, the gradient w.r.t. merge(a, b)."""
    if merge_mode == "concat":
        H = a.shape[-1]
        return dy[..., :H], dy[..., H:]
    if merge_mode == "sum":
        return dy, dy
    if merge_mode == "mul":
        return dy * b, dy * a
    if merge_mode == "ave":
        return dy / 2, dy / 2
    return dy


@dataclass
class BiLSTMCache:
    """What :func:`bilstm_backward` needs: both directions' caches, the
    (unmerged) outputs that were merged, lengths and the settings."""

    forward: LSTMCache
    backward: LSTMCache
    merged: tuple[Array, Array]
    lengths: Array | None
    merge_mode: str | None
    return_sequences: bool


def bilstm_forward(
    x: Array,
    params: BiLSTMParams,
    lengths: Array | None = None,
    merge_mode: str | None = "concat",
    return_sequences: bool = True,
    initial_state: States | None = None,
) -> tuple[Array | tuple[Array, Array], States, BiLSTMCache]:
    """Run both directions and merge them, as Keras's ``Bidirectional`` does.

    Args:
        x: (B, T, D), post-padded when ``lengths`` is given.
        lengths: (B,) ints in 1..T, or None for full-length sequences.
        merge_mode: 'concat', 'sum', 'mul', 'ave' or None.
        return_sequences: True gives every step; False gives, per sequence,
            the forward output at its last real step and the backward output
            at step 0 (where the backward direction ends).
        initial_state: (h_fwd, c_fwd, h_bwd, c_bwd), each (B, H), or None.

    Returns:
        y: (B, T, 2H) for concat with return_sequences, (B, T, H) for the
            other modes, without the time axis when return_sequences is
            False, and a pair (forward, backward) when merge_mode is None.
        states: (h_fwd, c_fwd, h_bwd, c_bwd), each (B, H), Keras's order.
        cache: for :func:`bilstm_backward`.
    """
    merge_mode = check_merge_mode(merge_mode)
    x = check_sequences(x, params.input_size).astype(params.forward.kernel.dtype, copy=False)
    B, T, _ = x.shape
    lengths = check_lengths(lengths, B, T)
    state_f, state_b = check_bidirectional_state(initial_state, B, params.hidden_size, x.dtype)
    mask = step_mask(lengths, T)

    x_reversed = reverse_within_lengths(x, lengths)
    out_f, (h_f, c_f), cache_f = lstm_scan(x, params.forward, mask, *state_f)
    out_r, (h_b, c_b), cache_b = lstm_scan(x_reversed, params.backward, mask, *state_b)
    out_b = reverse_within_lengths(out_r, lengths)  # re-align with the input steps

    a, b = (out_f, out_b) if return_sequences else (h_f, h_b)
    cache = BiLSTMCache(cache_f, cache_b, (a, b), lengths, merge_mode, return_sequences)
    return merge(a, b, merge_mode), (h_f, c_f, h_b, c_b), cache


def bilstm_backward(
    dy, cache: BiLSTMCache, d_states: States | None = None
) -> tuple[BiLSTMParams, Array, States]:
    """Backpropagation through both directions.

    Args:
        dy: gradient w.r.t. y, shaped like y (a pair when merge_mode is None).
        cache: from :func:`bilstm_forward`.
        d_states: gradients w.r.t. (h_fwd, c_fwd, h_bwd, c_bwd), or None.

    Returns:
        grads: a :class:`BiLSTMParams` of gradients.
        dx: (B, T, D), zero at padded steps.
        d_initial_states: (dh_fwd, dc_fwd, dh_bwd, dc_bwd), each (B, H).
    """
    da, db = merge_backward(dy, *cache.merged, cache.merge_mode)
    dh_f, dc_f, dh_b, dc_b = d_states if d_states is not None else (None,) * 4
    if cache.return_sequences:
        d_out_f, d_out_r = da, reverse_within_lengths(db, cache.lengths)
    else:  # y was made of the final states
        d_out_f = d_out_r = None
        dh_f = da if dh_f is None else dh_f + da
        dh_b = db if dh_b is None else dh_b + db
    grads_f, dx_f, d0_f = lstm_backward(d_out_f, cache.forward, (dh_f, dc_f))
    grads_b, dx_r, d0_b = lstm_backward(d_out_r, cache.backward, (dh_b, dc_b))
    dx = dx_f + reverse_within_lengths(dx_r, cache.lengths)
    return BiLSTMParams(grads_f, grads_b), dx, (*d0_f, *d0_b)
