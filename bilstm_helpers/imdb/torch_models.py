"""PyTorch text classifiers on exact ragged batches (the IMDB chapter in PyTorch).

The model is the Keras chapter's best BiLSTM
(:func:`~bilstm_helpers.imdb.keras_models.build_text_classifier`
with ``merge_mode="concat"``, ``pooling="max"``) rebuilt in PyTorch:
``Embedding`` -> dropout -> ``nn.LSTM(bidirectional=True)`` run by
:func:`~bilstm_helpers.torch.ragged.ragged_bilstm` -> maximum over the *real*
steps of each review -> dropout -> ``Linear(2H, 1)``. It takes post-padded ids
with their lengths, so no direction ever reads padding and the padding never
enters the maximum. Its weights start as Keras's do (see
:func:`~bilstm_helpers.imdb.torch_models.keras_like_init`), so that the two frameworks
train the same model. Predictions: :func:`bilstm_helpers.torch.training.predict_proba`,
or :func:`~bilstm_helpers.imdb.torch_models.predict_whole_reviews` for every word of
reviews of any length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import nn

from bilstm_helpers.imdb.vectorize import Vocabulary, length_budget_batches, pad
from bilstm_helpers.torch.ragged import ragged_bilstm
from bilstm_helpers.torch.training import predict_proba

Tensor = torch.Tensor


def masked_max_over_time(output: Tensor, lengths: Tensor) -> Tensor:
    """Maximum over the real steps of each sequence.

    Args:
        output: (batch, time, features), post-padded.
        lengths: (batch,) int64 in 1..time.

    Returns:
        (batch, features): ``output[b, :lengths[b]].max(0)`` for every b;
        padded steps never win, whatever their values.
    """
    steps = torch.arange(output.shape[1], device=output.device)
    padded = steps[None, :] >= lengths.to(output.device)[:, None]  # (batch, time)
    return output.masked_fill(padded[:, :, None], float("-inf")).max(dim=1).values


def keras_like_init(module: nn.Module) -> None:
    """Initialize ``module``'s layers as Keras does (in place).

    ``Embedding``: uniform in [-0.05, 0.05]. ``LSTM``: Glorot-uniform input
    weights over all four gates at once, (4H, D), and orthogonal recurrent
    weights, (4H, H); biases zero except the forget gate's 1 (Keras's
    ``unit_forget_bias``; PyTorch's two bias vectors add up to it).
    ``Linear``: Glorot-uniform weights, zero bias.
    """
    init = torch.nn.init
    for layer in module.modules():
        if isinstance(layer, torch.nn.Embedding):
            init.uniform_(layer.weight, -0.05, 0.05)
        elif isinstance(layer, torch.nn.LSTM):
            hidden = layer.hidden_size
            for name, weight in layer.named_parameters():
                if name.startswith("weight_ih"):
                    init.xavier_uniform_(weight)
                elif name.startswith("weight_hh"):
                    init.orthogonal_(weight)
                elif name.startswith("bias_ih"):
                    init.zeros_(weight)
                    with torch.no_grad():
                        weight[hidden:2 * hidden] = 1.0  # PyTorch's gate order: i, f, g, o
                elif name.startswith("bias_hh"):
                    init.zeros_(weight)
        elif isinstance(layer, torch.nn.Linear):
            init.xavier_uniform_(layer.weight)
            init.zeros_(layer.bias)


class IMDBBiLSTM(nn.Module):
    """The best BiLSTM of the IMDB chapter.

    ``forward(ids, lengths)``: ids (batch, time) int64, post-padded, and
    lengths (batch,) in 1..time -> logits (batch,) of a positive review
    (``torch.sigmoid`` gives probabilities).

    Args:
        num_words: ids 0..num_words-1 (the Embedding's size).
        embedding_dim: size of each word vector.
        hidden_size: the LSTM's units per direction; the pooled features have 2 * hidden_size.
        dropout: rate of the dropout after the embedding and after the pooling (0 = none).
    """

    def __init__(self, num_words: int, embedding_dim: int, hidden_size: int, dropout: float = 0.0) -> None:
        if min(num_words, embedding_dim, hidden_size) < 1:
            raise ValueError(f"num_words, embedding_dim and hidden_size must be >= 1, got "
                             f"{num_words}, {embedding_dim}, {hidden_size}; e.g. (20000, 64, 32).")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {dropout}; e.g. dropout=0.3.")
        super().__init__()
        self.embedding = nn.Embedding(num_words, embedding_dim)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden_size, 1)
        keras_like_init(self)

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        x = self.dropout(self.embedding(ids))  # (batch, time, embedding_dim)
        output, _ = ragged_bilstm(self.lstm, x, lengths)  # (batch, time, 2H), exact per review
        pooled = masked_max_over_time(output, lengths)  # (batch, 2H), real steps only
        return self.head(self.dropout(pooled))[:, 0]  # (batch,) logits


class TextBatches:
    """Re-iterable mini-batches ``(ids, lengths, labels)`` of post-padded ids.

    Each batch is cut to its longest review (the columns after it are padding
    in every row), which saves time on short reviews. With ``shuffle=True``
    every pass over the batches draws a new order from a NumPy generator
    seeded once, so a run is reproducible.

    Args:
        x: (n, maxlen) int ids, post-padded.
        lengths: (n,) real ids per row, each in 1..maxlen.
        labels: (n,) 0 or 1.
        batch_size: rows per batch (the last batch may be smaller).
        shuffle: reshuffle the rows on every pass.
        seed: seed of ``np.random.default_rng`` for the shuffling.

    Yields:
        ids (batch, time) int64, lengths (batch,) int64, labels (batch,)
        float32, with time = the batch's longest length.
    """

    def __init__(self, x: np.ndarray, lengths: np.ndarray, labels: np.ndarray, batch_size: int,
                 shuffle: bool = False, seed: int = 0) -> None:
        x, lengths, labels = np.asarray(x), np.asarray(lengths), np.asarray(labels)
        if x.ndim != 2 or lengths.shape != (len(x),) or labels.shape != (len(x),):
            raise ValueError(f"x must be (n, maxlen) with lengths and labels (n,), got {x.shape}, "
                             f"{lengths.shape}, {labels.shape}; use vectorize(...) for x and lengths.")
        if len(x) and (lengths.min() < 1 or lengths.max() > x.shape[1]):
            raise ValueError(f"lengths must lie in 1..{x.shape[1]}, got min {lengths.min()}, max "
                             f"{lengths.max()}; drop empty reviews (length 0) before batching.")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}; e.g. batch_size=128.")
        self.x, self.lengths, self.labels = x, lengths, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor, Tensor]]:
        order = self.rng.permutation(len(self.x)) if self.shuffle else np.arange(len(self.x))
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            lengths = self.lengths[rows]
            yield (torch.as_tensor(self.x[rows, :lengths.max()], dtype=torch.int64),
                   torch.as_tensor(lengths, dtype=torch.int64),
                   torch.as_tensor(self.labels[rows], dtype=torch.float32))


def predict_whole_reviews(model: nn.Module, texts: Sequence[str], vocabulary: Vocabulary,
                          tokens_per_batch: int = 256 * 400) -> np.ndarray:
    """Probability of a positive review, the model reading every word of each text.

    A model trained on the last ``maxlen`` words can still read whole reviews,
    because it takes exact ragged batches. The texts are encoded, sorted by
    length and batched by :func:`~bilstm_helpers.imdb.vectorize.length_budget_batches`,
    so that no batch holds more than ``tokens_per_batch`` padded positions:
    the long tail of long reviews costs time, not memory.

    Args:
        model: called as ``model(ids, lengths)`` on post-padded ids, giving
            logits (batch,), e.g. :class:`IMDBBiLSTM`.
        texts: n raw reviews, each with at least one word.
        vocabulary: the one the model was trained with.
        tokens_per_batch: the most padded positions (rows x longest length) per batch.

    Returns:
        (n,) float32 probabilities, in the order of ``texts``.
    """
    encoded = [vocabulary.encode(text) for text in texts]
    lengths = np.array([len(ids) for ids in encoded], dtype=np.int64)
    if len(lengths) and lengths.min() < 1:
        empty = int(np.argmin(lengths))
        raise ValueError(f"text {empty} has no word the tokenizer keeps ({texts[empty][:40]!r}); "
                         "drop empty texts before predicting.")
    proba = np.empty(len(texts), dtype=np.float32)
    for rows in length_budget_batches(lengths, tokens_per_batch):
        x, batch_lengths = pad([encoded[row] for row in rows], int(lengths[rows].max()),
                               padding="post", truncating="post")
        proba[rows] = predict_proba(model, TextBatches(x, batch_lengths, np.zeros(len(rows)), len(rows)))
    return proba
