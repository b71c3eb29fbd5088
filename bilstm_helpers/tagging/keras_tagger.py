"""The word-level BiLSTM tagger in Keras 3, with masking, and the same weights as a PyTorch one.

:func:`keras_tagger` builds ``Embedding(mask_zero=True) -> Bidirectional(LSTM,
return_sequences=True) -> Dense``: the mask makes each direction skip the
padding after a sentence, as the PyTorch :class:`~bilstm_helpers.tagging.models.Tagger`
does with lengths. :func:`copy_torch_tagger` loads a word-only PyTorch
tagger's weights (through :func:`~bilstm_helpers.convert.torch_to_keras`), so
that the two can be compared word by word.
"""

from __future__ import annotations

import keras
import numpy as np

from bilstm_helpers.convert import torch_to_keras
from bilstm_helpers.tagging.models import Tagger


def keras_tagger(num_words: int, num_tags: int, embedding_dim: int = 64, hidden_size: int = 64) -> keras.Model:
    """word_ids (batch, time), post-padded with 0 -> tag scores (batch, time, num_tags).

    Scores at padded steps are not meaningful; read them at real steps only.
    """
    layers = keras.layers
    word_ids = keras.Input((None,), dtype="int32", name="word_ids")
    x = layers.Embedding(num_words, embedding_dim, mask_zero=True, name="embedding")(word_ids)
    x = layers.Bidirectional(layers.LSTM(hidden_size, return_sequences=True), merge_mode="concat",
                             name="bilstm")(x)
    scores = layers.Dense(num_tags, name="head")(x)
    return keras.Model(word_ids, scores, name="keras_tagger")


def copy_torch_tagger(tagger: Tagger) -> keras.Model:
    """A :func:`keras_tagger` holding the weights of a word-only BiLSTM ``tagger``.

    Raises:
        ValueError: the tagger reads characters or only one direction.
    """
    if tagger.chars is not None or tagger.direction != "both":
        raise ValueError("copy_torch_tagger takes a word-only BiLSTM tagger: "
                         "Tagger(..., direction='both', num_chars=0).")
    state = {k: v.detach().cpu().numpy() for k, v in tagger.state_dict().items()}
    embedding = state["embedding.weight"]
    model = keras_tagger(embedding.shape[0], state["head.weight"].shape[0], embedding.shape[1],
                         tagger.lstm.hidden_size)
    model.get_layer("embedding").set_weights([embedding])
    lstm_state = {k.removeprefix("lstm."): v for k, v in state.items() if k.startswith("lstm.")}
    model.get_layer("bilstm").set_weights(torch_to_keras(lstm_state))
    model.get_layer("head").set_weights([state["head.weight"].T, state["head.bias"]])
    return model


def real_step_gap(keras_scores: np.ndarray, torch_scores: np.ndarray, lengths: np.ndarray) -> float:
    """The largest absolute difference between two (batch, time, num_tags) score arrays at real steps.

    Args:
        keras_scores, torch_scores: (batch, time, num_tags).
        lengths: (batch,) real steps per sequence.
    """
    real = np.arange(keras_scores.shape[1])[None, :] < np.asarray(lengths)[:, None]
    return float(np.abs(np.asarray(keras_scores) - np.asarray(torch_scores))[real].max())
