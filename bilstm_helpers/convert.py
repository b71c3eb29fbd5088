"""Move one set of BiLSTM weights between NumPy, Keras and PyTorch.

All three use the gate order i, f, g, o (Keras calls g "c"). They differ in
layout:

=============  ============================  ============================  ===================================
               NumPy (``LSTMParams``)        Keras (``get_weights()``)     PyTorch (``nn.LSTM`` state dict)
=============  ============================  ============================  ===================================
input weights  kernel ``(D, 4H)``            kernel ``(D, 4H)``            ``weight_ih_l{k}`` ``(4H, D)``
recurrent      recurrent_kernel ``(H, 4H)``  recurrent_kernel ``(H, 4H)``  ``weight_hh_l{k}`` ``(4H, H)``
bias           bias ``(4H,)``                bias ``(4H,)``                ``bias_ih_l{k}`` + ``bias_hh_l{k}``
=============  ============================  ============================  ===================================

Keras's ``Bidirectional(LSTM(H)).get_weights()`` is the list
``[kernel, recurrent_kernel, bias]`` of the forward layer followed by the same
three arrays of the backward layer; a stack of such layers lists them layer
after layer (as ``model.get_weights()`` does for a model made of nothing
else). PyTorch's backward direction's names end in ``_reverse``. PyTorch adds
two biases, so going to PyTorch puts the whole bias in ``bias_ih`` and zeros
in ``bias_hh``; coming back, they are summed. Importing this module imports
neither Keras nor PyTorch; only :func:`~bilstm_helpers.convert.load_torch_lstm` imports PyTorch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bilstm_helpers.bilstm import BiLSTMParams
from bilstm_helpers.lstm import LSTMParams

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
    """Inverse of :func:`~bilstm_helpers.convert.numpy_to_torch`; accepts tensors or arrays.

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


def numpy_to_keras(params: Layers) -> list[np.ndarray]:
    """Weights in the order ``keras.layers.Bidirectional(LSTM(H)).get_weights()`` uses.

    Args:
        params: one ``BiLSTMParams`` or a list of them, one per stacked layer.

    Returns:
        ``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]`` of the forward
        direction, then of the backward direction, for each layer in turn
        (6 arrays per layer).
    """
    weights: list[np.ndarray] = []
    for layer in _as_layers(params):
        for direction in (layer.forward, layer.backward):
            weights += [direction.kernel.copy(), direction.recurrent_kernel.copy(),
                        direction.bias.copy()]
    return weights


def _keras_weight_list(layer_or_weights: Any) -> list[np.ndarray]:
    if isinstance(layer_or_weights, (list, tuple)) and not any(
            hasattr(item, "get_weights") for item in layer_or_weights):
        return [np.asarray(w) for w in layer_or_weights]
    layers = layer_or_weights if isinstance(layer_or_weights, (list, tuple)) else [layer_or_weights]
    weights: list[np.ndarray] = []
    for layer in layers:
        if not hasattr(layer, "get_weights"):
            raise ValueError(f"expected a Keras layer or a list of arrays, got {type(layer).__name__}.")
        weights += [np.asarray(w) for w in layer.get_weights()]
    return weights


def keras_to_numpy(layer_or_weights: Any) -> list[BiLSTMParams]:
    """Inverse of :func:`~bilstm_helpers.convert.numpy_to_keras`.

    Args:
        layer_or_weights: a ``Bidirectional(LSTM)`` layer, a list of such
            layers (a stack), or their ``get_weights()`` list (6 arrays per layer).

    Returns:
        One ``BiLSTMParams`` per layer.
    """
    weights = _keras_weight_list(layer_or_weights)
    if not weights or len(weights) % 6:
        raise ValueError(
            f"got {len(weights)} Keras weight arrays; a Bidirectional(LSTM) layer has 6 "
            "(kernel, recurrent_kernel, bias per direction). Pass only Bidirectional(LSTM) "
            "layers built with use_bias=True, or their get_weights() lists.")
    layers = []
    for start in range(0, len(weights), 6):
        directions = []
        for offset in (0, 3):
            kernel, recurrent, bias = weights[start + offset:start + offset + 3]
            hidden_size = bias.shape[0] // 4 if bias.ndim == 1 else -1
            where = f"{'backward' if offset else 'forward'}, layer {start // 6}"
            _expect_shape(f"bias ({where})", bias, (4 * max(hidden_size, 1),))
            _expect_shape(f"kernel ({where})", kernel, (kernel.shape[0], 4 * hidden_size))
            _expect_shape(f"recurrent_kernel ({where})", recurrent, (hidden_size, 4 * hidden_size))
            directions.append(LSTMParams(kernel.copy(), recurrent.copy(), bias.copy()))
        layers.append(BiLSTMParams(*directions))
    return layers


def load_keras_bidirectional(layer: Any, params: Layers) -> Any:
    """Copy NumPy weights into built ``keras.layers.Bidirectional(LSTM)`` layer(s).

    Args:
        layer: one built ``Bidirectional`` layer, or a list of them for a stack
            (call the model on an input first, so that its weights exist).
        params: one ``BiLSTMParams`` per layer.

    Raises ``ValueError`` naming the first array whose shape does not match.
    Returns ``layer``, for chaining.
    """
    targets = list(layer) if isinstance(layer, (list, tuple)) else [layer]
    layers = _as_layers(params)
    if len(targets) != len(layers):
        raise ValueError(f"got {len(layers)} layers of weights for {len(targets)} Keras layers; "
                         "pass one BiLSTMParams per Bidirectional layer.")
    for k, (target, source) in enumerate(zip(targets, layers)):
        current = target.get_weights()
        if len(current) != 6:
            raise ValueError(
                f"Keras layer {k} ({getattr(target, 'name', target)}) has {len(current)} weight "
                "arrays, expected 6: it must be a built Bidirectional(LSTM(..., use_bias=True)); "
                "call the model on an input before loading.")
        new = numpy_to_keras(source)
        names = ("kernel", "recurrent_kernel", "bias") * 2
        for i, (name, old, array) in enumerate(zip(names, current, new)):
            _expect_shape(f"{name} ({'backward' if i >= 3 else 'forward'}, layer {k})", array,
                          tuple(old.shape))
        target.set_weights([a.astype(old.dtype) for a, old in zip(new, current)])
    return layer


def keras_to_torch(layer_or_weights: Any) -> dict[str, np.ndarray]:
    """Keras ``Bidirectional(LSTM)`` weights as an ``nn.LSTM`` state dict (NumPy arrays).

    Goes through NumPy: ``numpy_to_torch(keras_to_numpy(layer_or_weights))``.
    """
    return numpy_to_torch(keras_to_numpy(layer_or_weights))


def torch_to_keras(state: Mapping[str, Any], num_layers: int = 1) -> list[np.ndarray]:
    """An ``nn.LSTM(bidirectional=True)`` state dict as Keras ``get_weights()`` arrays.

    Goes through NumPy: ``numpy_to_keras(torch_to_numpy(state, num_layers))``;
    the two PyTorch biases are summed into Keras's one.
    """
    return numpy_to_keras(torch_to_numpy(state, num_layers))
