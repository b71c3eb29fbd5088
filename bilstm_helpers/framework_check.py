"""One set of BiLSTM weights run in NumPy, Keras and PyTorch, compared.

Importing this module imports neither Keras nor PyTorch; :func:`framework_gaps`
imports both when called.
"""

from __future__ import annotations

import numpy as np

from bilstm_helpers.bilstm import BiLSTMParams, bilstm_forward, merge
from bilstm_helpers.checks import check_lengths, check_merge_mode, check_sequences
from bilstm_helpers.convert import load_keras_bidirectional, numpy_to_torch


def _joined(y) -> np.ndarray:
    """A merged output, or the pair of merge_mode=None, as one array (..., F)."""
    if isinstance(y, (list, tuple)):
        return np.concatenate([np.asarray(t) for t in y], -1)
    return np.asarray(y)


def framework_gaps(params: BiLSTMParams, x: np.ndarray, lengths: np.ndarray,
                   merge_mode: str | None = "concat", return_sequences: bool = True) -> tuple[float, float]:
    """Largest absolute differences of the three implementations' outputs.

    Keras sees the post-padded batch through a ``Masking`` layer, the NumPy
    BiLSTM through ``lengths``; PyTorch's ``nn.LSTM`` runs the full-length
    batch (its ragged batches need packing, see :mod:`bilstm_helpers.torch.ragged`)
    and is compared with NumPy on the same full-length batch.

    Args:
        params: one bidirectional layer's weights (float32 is what the
            frameworks compute in).
        x: (B, T, D) inputs; the steps at and after ``lengths[b]`` are zeroed
            for Keras and NumPy.
        lengths: (B,) ints in 1..T.
        merge_mode, return_sequences: as in :func:`~bilstm_helpers.bilstm.bilstm_forward`.

    Returns:
        (|Keras - NumPy| on the ragged batch, |PyTorch - NumPy| on the full batch).
    """
    import keras
    import torch
    merge_mode = check_merge_mode(merge_mode)
    x = check_sequences(x, params.input_size).astype(np.float32)
    lengths = check_lengths(lengths, x.shape[0], x.shape[1])
    H = params.hidden_size
    x_padded = x * (np.arange(x.shape[1])[None, :] < lengths[:, None])[:, :, None]

    inputs = keras.Input(shape=(None, params.input_size))
    bi = keras.layers.Bidirectional(keras.layers.LSTM(H, return_sequences=return_sequences),
                                    merge_mode=merge_mode)
    model = keras.Model(inputs, bi(keras.layers.Masking()(inputs)))
    load_keras_bidirectional(bi, params)
    y_keras = _joined(model(x_padded))
    y_numpy = _joined(bilstm_forward(x_padded, params, lengths, merge_mode, return_sequences)[0])

    lstm = torch.nn.LSTM(params.input_size, H, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in numpy_to_torch(params).items()})
    with torch.no_grad():
        out, (h_n, _) = lstm(torch.from_numpy(x))
    # PyTorch: out (B, T, 2H) is [forward | backward]; h_n (2, B, H) holds each direction's final state
    forward, backward = (out[..., :H], out[..., H:]) if return_sequences else (h_n[0], h_n[1])
    y_torch = _joined(merge(forward.numpy(), backward.numpy(), merge_mode))
    y_full = _joined(bilstm_forward(x, params, None, merge_mode, return_sequences)[0])
    return float(np.abs(y_keras - y_numpy).max()), float(np.abs(y_torch - y_full).max())
