"""Move one set of BiLSTM weights between NumPy and PyTorch.

Both use the gate order i, f, g, o. They differ in layout:

=============  ==========================  =====================================
               NumPy (``LSTMParams``)      PyTorch (``nn.LSTM`` state dict)
=============  ==========================  =====================================
input weights  kernel ``(D, 4H)``          ``weight_ih_l{k}`` ``(4H, D)``
recurrent      recurrent_kernel ``(H, 4H)`` ``weight_hh_l{k}`` ``(4H, H)``
bias           bias ``(4H,)``              ``bias_ih_l{k}`` + ``bias_hh_l{k}``
=============  ==========================  =====================================

The backward direction's names end in ``_reverse``. PyTorch adds two biases,
so going to PyTorch puts the whole bias in ``bias_ih`` and zeros in
``bias_hh``; coming back, they are summed. Importing this module does not
import PyTorch; only :func:`load_torch_lstm` needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .bilstm import BiLSTMParams
from .lstm import LSTMParams

Layers = BiLSTMParams | Sequence[BiLSTMParams]


def _as_layers(params: Layers) -> list[BiLSTMParams]:
    return [params] if isinstance(params, BiLSTMParams) else list(params)


def _expect_shape(name: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
    if tuple(array.shape) != shape:
        raise ValueError(
            f"{name} has shape {tuple(array.shape)}, expected {shape}. Check that the "
            "source layer has the same input_size, hidden_size and number of layers."
        )


def numpy_to_torch(params: Layers) -> dict[str, np.ndarray]:
    """PyTorch ``nn.LSTM(bidirectional=True)`` state dict (as NumPy arrays).

    Args:
        params: one ``BiLSTMParams`` or a list of them, one per stacked layer.

    Returns:
        ``{"weight_ih_l0": (4H, D), "weight_hh_l0": (4H, H), "bias_ih_l0": (4H,),
        "bias_hh_l0": (4H,), ..._reverse, ..._l1, ...}``.
    """
    state: dict[str, np.ndarray] = {}
    for k, layer in enumerate(_as_layers(params)):
        for suffix, direction in ((f"_l{k}", layer.forward), (f"_l{k}_reverse", layer.backward)):
            state["weight_ih" + suffix] = np.ascontiguousarray(direction.kernel.T)
            state["weight_hh" + suffix] = np.ascontiguousarray(direction.recurrent_kernel.T)
            state["bias_ih" + suffix] = direction.bias.copy()
            state["bias_hh" + suffix] = np.zeros_like(direction.bias)
    return state


def torch_to_numpy(state: Mapping[str, Any], num_layers: int = 1) -> list[BiLSTMParams]:
    """Inverse of :func:`numpy_to_torch`; accepts tensors or arrays.

    Args:
        state: an ``nn.LSTM(bidirectional=True)`` state dict (``lstm.state_dict()``).
        num_layers: how many stacked layers to read.

    Returns:
        One ``BiLSTMParams`` per layer; biases are ``bias_ih + bias_hh``.
    """
    def get(name: str) -> np.ndarray:
        if name not in state:
            raise ValueError(
                f"state dict has no {name!r}; it must come from nn.LSTM(bidirectional=True, "
                f"num_layers>={num_layers}) without proj_size (keys: {sorted(state)[:4]}...)."
            )
        value = state[name]
        return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)

    layers = []
    for k in range(num_layers):
        directions = []
        for suffix in (f"_l{k}", f"_l{k}_reverse"):
            w_ih, w_hh = get("weight_ih" + suffix), get("weight_hh" + suffix)
            hidden_size = w_hh.shape[1]
            _expect_shape("weight_ih" + suffix, w_ih, (4 * hidden_size, w_ih.shape[1]))
            _expect_shape("weight_hh" + suffix, w_hh, (4 * hidden_size, hidden_size))
            bias = get("bias_ih" + suffix) + get("bias_hh" + suffix)
            directions.append(LSTMParams(w_ih.T.copy(), w_hh.T.copy(), bias))
        layers.append(BiLSTMParams(*directions))
    return layers


def load_torch_lstm(lstm: Any, params: Layers) -> Any:
    """Copy NumPy weights into an existing ``torch.nn.LSTM(bidirectional=True)``.

    Raises ``ValueError`` naming the first tensor whose shape does not match.
    Returns the same module, for chaining.
    """
    import torch

    layers = _as_layers(params)
    if not getattr(lstm, "bidirectional", False) or lstm.num_layers != len(layers):
        raise ValueError(
            f"expected nn.LSTM(bidirectional=True, num_layers={len(layers)}), got "
            f"bidirectional={getattr(lstm, 'bidirectional', None)}, "
            f"num_layers={getattr(lstm, 'num_layers', None)}."
        )
    current = lstm.state_dict()
    new_state = {}
    for name, array in numpy_to_torch(layers).items():
        _expect_shape(name, array, tuple(current[name].shape))
        new_state[name] = torch.as_tensor(array, dtype=current[name].dtype)
    lstm.load_state_dict(new_state)
    return lstm
