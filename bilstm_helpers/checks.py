"""Input validation shared by every layer in the package.

Each check raises ``ValueError`` with a message that names the problem and
says how to fix it. A wrong shape must never turn into a silently wrong
answer through broadcasting.
"""

from __future__ import annotations

import numpy as np

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def check_sequences(x: np.ndarray, input_size: int) -> np.ndarray:
    """Check a batch of sequences and return it as a floating-point array.

    Args:
        x: (batch, time, features) real values.
        input_size: the number of features the layer was built for.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, time, features), got ndim={x.ndim} "
            f"(shape {x.shape}). For a single sequence use x[None]."
        )
    if x.shape[2] != input_size:
        raise ValueError(
            f"x has {x.shape[2]} features but the layer expects input_size="
            f"{input_size}. Build the layer with input_size={x.shape[2]} or fix x."
        )
    if x.shape[1] == 0:
        raise ValueError("x has 0 time steps; a sequence needs at least one step.")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError(
            "x contains NaN or inf; clean or impute the input before the LSTM "
            "(padding must be finite too, e.g. zeros)."
        )
    return x


def check_lengths(lengths: np.ndarray | None, batch: int, time: int) -> np.ndarray | None:
    """Check per-sequence lengths of a post-padded batch.

    Args:
        lengths: (batch,) integers in 1..time, or None for "all full length".

    Returns:
        (batch,) int64 array, or None when every sequence is full length
        (the fast path).
    """
    if lengths is None:
        return None
    lengths = np.asarray(lengths)
    if lengths.shape != (batch,):
        raise ValueError(
            f"lengths must have shape (batch,) = ({batch},), got {lengths.shape}. "
            "Give one length per sequence."
        )
    if not np.issubdtype(lengths.dtype, np.integer):
        if not np.all(np.isfinite(lengths)) or np.any(lengths != np.round(lengths)):
            raise ValueError(f"lengths must be whole numbers, got {lengths}.")
        lengths = lengths.astype(np.int64)
    if lengths.min() < 1 or lengths.max() > time:
        raise ValueError(
            f"lengths must lie in 1..{time} (the padded time axis), got values "
            f"from {lengths.min()} to {lengths.max()}. Drop empty sequences and "
            "pad x to the longest one."
        )
    if np.all(lengths == time):
        return None
    return lengths.astype(np.int64)


def check_merge_mode(merge_mode: str | None) -> str | None:
    """Check a merge mode: 'concat', 'sum', 'mul', 'ave' or None."""
    if merge_mode not in MERGE_MODES:
        raise ValueError(
            f"unknown merge_mode {merge_mode!r}; use one of "
            "'concat', 'sum', 'mul', 'ave' or None (the two outputs separately)."
        )
    return merge_mode


def check_state(
    state: tuple[np.ndarray, np.ndarray] | None, batch: int, hidden_size: int, dtype
) -> tuple[np.ndarray, np.ndarray]:
    """Check an initial (h, c) pair and return it, zeros when None.

    Args:
        state: (h, c), each (batch, hidden_size), or None.
    """
    if state is None:
        zeros = np.zeros((batch, hidden_size), dtype=dtype)
        return zeros, zeros.copy()
    if len(state) != 2:
        raise ValueError(
            f"an initial state is a pair (h, c), got {len(state)} arrays."
        )
    h, c = (np.asarray(s, dtype=dtype) for s in state)
    for name, s in (("h", h), ("c", c)):
        if s.shape != (batch, hidden_size):
            raise ValueError(
                f"initial {name} must have shape (batch, hidden_size) = "
                f"({batch}, {hidden_size}), got {s.shape}."
            )
        if not np.all(np.isfinite(s)):
            raise ValueError(f"initial {name} contains NaN or inf.")
    return h, c


def check_bidirectional_state(
    initial_state: tuple[np.ndarray, ...] | None, batch: int, hidden_size: int, dtype
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Check a bidirectional layer's initial state and split it by direction.

    Args:
        initial_state: (h_fwd, c_fwd, h_bwd, c_bwd), each (batch, hidden_size),
            or None for zeros.

    Returns:
        ((h_fwd, c_fwd), (h_bwd, c_bwd)), each array (batch, hidden_size).
    """
    if initial_state is None:
        return check_state(None, batch, hidden_size, dtype), check_state(None, batch, hidden_size, dtype)
    if len(initial_state) != 4:
        raise ValueError(
            "initial_state for a bidirectional layer is (h_fwd, c_fwd, h_bwd, c_bwd), "
            f"got {len(initial_state)} arrays."
        )
    return (check_state(initial_state[:2], batch, hidden_size, dtype),
            check_state(initial_state[2:], batch, hidden_size, dtype))
