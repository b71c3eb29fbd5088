"""Taggers in PyTorch: word (and character) features -> LSTM -> one score per tag and word.

:class:`Tagger` reads a sentence forward, backward or both ways
(``direction``). Every direction is exact on post-padded batches: the forward
LSTM reads each sentence before its padding; the backward LSTM reads each
sentence reversed *within its own length*; the bidirectional one runs
:func:`~bilstm_helpers.torch.ragged.ragged_bilstm`.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from bilstm_helpers.tagging.encoding import PAD_ID, PAD_TAG
from bilstm_helpers.torch.ragged import ragged_bilstm, reverse_index

DIRECTIONS = ("forward", "backward", "both")


class CharCNN(nn.Module):
    """A word's characters -> one vector: embeddings, a 1-D convolution, max over characters.

    Args:
        num_chars: size of the character vocabulary (id 0 is padding).
        char_dim: character embedding size.
        filters: output size (one feature per filter).
        width: characters the filter sees at once.
    """

    def __init__(self, num_chars: int, char_dim: int = 32, filters: int = 64, width: int = 3) -> None:
        super().__init__()
        self.embedding = nn.Embedding(num_chars, char_dim, padding_idx=PAD_ID)
        self.conv = nn.Conv1d(char_dim, filters, width, padding=width // 2)
        self.out_size = filters

    def forward(self, char_ids: Tensor) -> Tensor:
        """char_ids: (batch, time, chars) -> (batch, time, filters); padding characters never win the max."""
        batch, time, chars = char_ids.shape
        x = self.embedding(char_ids.reshape(batch * time, chars)).transpose(1, 2)  # (BT, C, L)
        h = self.conv(x)  # (BT, F, L)
        real = (char_ids.reshape(batch * time, 1, chars) != PAD_ID)
        h = torch.where(real, h, torch.finfo(h.dtype).min).amax(dim=2)
        h = torch.where(real.any(dim=2), h, 0.0)  # padded words (no characters) -> 0
        return h.reshape(batch, time, -1)


class Tagger(nn.Module):
    """Embeddings (+ character CNN) -> LSTM in ``direction`` -> dropout -> Linear to tag scores.

    Args:
        num_words: word vocabulary size (0 padding, 1 unknown).
        num_tags: number of tags.
        embedding_dim, hidden_size: word vector size and LSTM units per direction.
        direction: "forward", "backward" or "both" (a BiLSTM).
        num_chars: character vocabulary size, or 0 for words only.
        char_filters: size of the character features.
        dropout: on the LSTM's input and output.
        word_dropout: in training, the probability that a word is replaced by the
            unknown id (so the model learns to tag words it has not seen).
    """

    def __init__(self, num_words: int, num_tags: int, embedding_dim: int = 64, hidden_size: int = 64,
                 direction: str = "both", num_chars: int = 0, char_filters: int = 64,
                 dropout: float = 0.3, word_dropout: float = 0.0) -> None:
        super().__init__()
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}.")
        self.direction, self.word_dropout = direction, word_dropout
        self.embedding = nn.Embedding(num_words, embedding_dim, padding_idx=PAD_ID)
        self.chars = CharCNN(num_chars, filters=char_filters) if num_chars else None
        input_size = embedding_dim + (char_filters if num_chars else 0)
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=direction == "both")
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if direction == "both" else 1), num_tags)

    def features(self, word_ids: Tensor, char_ids: Tensor) -> Tensor:
        """(batch, time) word ids and (batch, time, chars) char ids -> (batch, time, input_size)."""
        if self.training and self.word_dropout > 0:
            drop = torch.rand(word_ids.shape, device=word_ids.device) < self.word_dropout
            word_ids = torch.where(drop & (word_ids != PAD_ID), 1, word_ids)
        x = self.embedding(word_ids)
        if self.chars is not None:
            x = torch.cat([x, self.chars(char_ids)], dim=2)
        return self.dropout(x)

    def forward(self, word_ids: Tensor, char_ids: Tensor, lengths: Tensor) -> Tensor:
        """Tag scores (emissions): (batch, time, num_tags); rows at padded steps are 0.

        Args:
            word_ids: (batch, time); char_ids: (batch, time, chars); lengths: (batch,), post-padded.
        """
        x = self.features(word_ids, char_ids)
        time = x.shape[1]
        index, valid = reverse_index(lengths, time)
        if self.direction == "both":
            output, _ = ragged_bilstm(self.lstm, x, lengths)
        elif self.direction == "forward":
            output, _ = self.lstm(x)  # padding comes after each sentence: real steps are exact
        else:  # read each sentence from its own last word: reverse within lengths, run, reverse back
            flip = index[..., None].expand(-1, -1, x.shape[2])
            output, _ = self.lstm(x.gather(1, flip))
            output = output.gather(1, index[..., None].expand(-1, -1, output.shape[2]))
        scores = self.head(self.dropout(output))
        return torch.where(valid[..., None], scores, 0.0)


def one_way_hidden_size(input_size: int, hidden_size: int, num_tags: int) -> int:
    """Units of a one-way LSTM tagger with about the parameters of a BiLSTM tagger.

    PyTorch's LSTM has ``4 H (D + H + 2)`` parameters per direction (input and
    recurrent weights, and two bias vectors), so a BiLSTM tagger with ``H``
    units per direction has ``2 * 4 H (D + H + 2) + (2 H + 1) K`` LSTM and head
    parameters. This solves ``4 h (D + h + 2) + (h + 1) K`` = that for the
    nearest integer ``h``. (The embeddings are the same in both and left out.)
    """
    target = 2 * 4 * hidden_size * (input_size + hidden_size + 2) + (2 * hidden_size + 1) * num_tags
    a, b, c = 4, 4 * (input_size + 2) + num_tags, num_tags - target
    return max(1, round((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))


def token_loss(scores: Tensor, tag_ids: Tensor) -> Tensor:
    """Mean cross-entropy over real words: scores (batch, time, num_tags), tag_ids (batch, time), -1 at padding."""
    return nn.functional.cross_entropy(scores.reshape(-1, scores.shape[2]), tag_ids.reshape(-1),
                                       ignore_index=PAD_TAG)
