"""Finite-difference gradient checks for the NumPy layers.

Backpropagation code is easy to get subtly wrong; central differences in
float64 are slow but cannot be. The check compares the two for every entry of
every parameter and of the input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bilstm_helpers.bilstm import BiLSTMParams, bilstm_backward, bilstm_forward


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d loss / d array by central differences, perturbing ``array`` in place.

    Args:
        loss: a function of no arguments that reads ``array``.
        array: any shape, float64 (float32 is too coarse for eps = 1e-6).
    """
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = loss()
        array[index] = original - eps
        minus = loss()
        array[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||), 0 when both are zero."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


def check_bilstm_gradients(
    params: BiLSTMParams,
    x: np.ndarray,
    lengths: np.ndarray | None = None,
    merge_mode: str | None = "concat",
    return_sequences: bool = True,
    seed: int = 0,
) -> dict[str, float]:
    """Relative error of :func:`~bilstm_helpers.bilstm.bilstm_backward` against finite differences.

    The loss is a fixed random projection of the output (and of the final
    states), so every output entry gets a different, non-zero weight.

    Args:
        params: float64 weights; x: (B, T, D) float64; lengths: (B,) or None.

    Returns:
        {"forward.kernel": err, ..., "backward.bias": err, "x": err}.
    """
    rng = np.random.default_rng(seed)
    y, states, _ = bilstm_forward(x, params, lengths, merge_mode, return_sequences)
    outputs = y if isinstance(y, tuple) else (y,)
    out_weights = [rng.normal(size=o.shape) for o in outputs]
    state_weights = [rng.normal(size=s.shape) for s in states]

    def loss() -> float:
        y, states, _ = bilstm_forward(x, params, lengths, merge_mode, return_sequences)
        outputs = y if isinstance(y, tuple) else (y,)
        return float(sum(np.sum(o * w) for o, w in zip(outputs, out_weights))
                     + sum(np.sum(s * w) for s, w in zip(states, state_weights)))

    _, _, cache = bilstm_forward(x, params, lengths, merge_mode, return_sequences)
    dy = tuple(out_weights) if isinstance(y, tuple) else out_weights[0]
    grads, dx, _ = bilstm_backward(dy, cache, tuple(state_weights))
    errors = {}
    for direction in ("forward", "backward"):
        for name in ("kernel", "recurrent_kernel", "bias"):
            array = getattr(getattr(params, direction), name)
            analytic = getattr(getattr(grads, direction), name)
            errors[f"{direction}.{name}"] = relative_error(analytic, numerical_gradient(loss, array))
    errors["x"] = relative_error(dx, numerical_gradient(loss, x))
    return errors
