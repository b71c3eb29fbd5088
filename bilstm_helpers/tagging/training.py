"""Batches of sentences, a CRF on top of a tagger, and predictions (PyTorch).

:class:`SentenceBatches` feeds :func:`~bilstm_helpers.torch.training.fit`:
each batch is ``(word_ids, char_ids, lengths, tag_ids)``, post-padded. In
training order the sentences are shuffled, then sorted by length within pools
of 50 batches and cut into batches (so a batch runs little padding), and the
batches are shuffled; every epoch draws a new order from the seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from bilstm_helpers.tagging.crf import LinearChainCRF
from bilstm_helpers.tagging.encoding import PAD_ID, PAD_TAG, Vocabulary, encode
from bilstm_helpers.tagging.models import Tagger
from bilstm_helpers.tagging.treebank import UPOS_TAGS, TaggedSentence

Batch = tuple[Tensor, Tensor, Tensor, Tensor]  # word_ids, char_ids, lengths, tag_ids
POOL_BATCHES = 50  # batches per pool sorted by length when shuffling


class SentenceBatches:
    """Re-iterable batches of encoded sentences.

    Args:
        sentences: (n,) tagged sentences.
        words, chars: the training vocabularies.
        batch_size: sentences per batch.
        shuffle: a new seeded order every epoch (training); else the given order.
        seed: seeds the order (with ``shuffle``).
        max_chars: characters kept per word.

    Iterating yields ``(word_ids (B, T), char_ids (B, T, max_chars), lengths (B,),
    tag_ids (B, T))`` int64 tensors, ``T`` the longest sentence of the batch;
    ``order`` then holds the sentence indices of every batch of that pass.
    """

    def __init__(self, sentences: Sequence[TaggedSentence], words: Vocabulary, chars: Vocabulary,
                 batch_size: int = 32, shuffle: bool = False, seed: int = 0, max_chars: int = 16) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        if not sentences:
            raise ValueError("no sentences to batch.")
        self.batch_size, self.shuffle, self.max_chars = batch_size, shuffle, max_chars
        self.rng = np.random.default_rng(seed)
        encoded = [encode([s], words, chars, max_chars) for s in sentences]  # once; batches copy rows
        self.word_ids = [e.word_ids[0] for e in encoded]
        self.char_ids = [e.char_ids[0] for e in encoded]
        self.tag_ids = [e.tag_ids[0] for e in encoded]
        self.lengths = np.array([e.lengths[0] for e in encoded], dtype=np.int64)
        self.order: list[np.ndarray] = []

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)

    def _batches(self) -> list[np.ndarray]:
        n, size = len(self.lengths), self.batch_size
        if not self.shuffle:
            return [np.arange(i, min(i + size, n)) for i in range(0, n, size)]
        order = self.rng.permutation(n)
        batches = []
        for start in range(0, n, size * POOL_BATCHES):
            pool = order[start:start + size * POOL_BATCHES]
            pool = pool[np.argsort(self.lengths[pool], kind="stable")]
            batches += [pool[i:i + size] for i in range(0, len(pool), size)]
        return [batches[i] for i in self.rng.permutation(len(batches))]

    def __iter__(self) -> Iterator[Batch]:
        self.order = self._batches()
        for rows in self.order:
            lengths = self.lengths[rows]
            time = int(lengths.max())
            word_ids = np.full((len(rows), time), PAD_ID, dtype=np.int64)
            char_ids = np.full((len(rows), time, self.max_chars), PAD_ID, dtype=np.int64)
            tag_ids = np.full((len(rows), time), PAD_TAG, dtype=np.int64)
            for b, (i, n) in enumerate(zip(rows, lengths)):
                word_ids[b, :n], char_ids[b, :n], tag_ids[b, :n] = self.word_ids[i], self.char_ids[i], self.tag_ids[i]
            yield (torch.from_numpy(word_ids), torch.from_numpy(char_ids), torch.from_numpy(lengths),
                   torch.from_numpy(tag_ids))


class CRFTagger(nn.Module):
    """A :class:`~bilstm_helpers.tagging.models.Tagger` whose scores feed a linear-chain CRF.

    ``forward`` returns the tagger's emissions (batch, time, num_tags);
    :meth:`loss` is the CRF's mean negative log-likelihood, and
    :func:`predict_tags` decodes with Viterbi instead of a per-word argmax.
    """

    def __init__(self, tagger: Tagger) -> None:
        super().__init__()
        self.tagger = tagger
        self.crf = LinearChainCRF(tagger.head.out_features)

    def forward(self, word_ids: Tensor, char_ids: Tensor, lengths: Tensor) -> Tensor:
        return self.tagger(word_ids, char_ids, lengths)

    def loss(self, emissions: Tensor, tag_ids: Tensor) -> Tensor:
        """emissions (batch, time, num_tags), tag_ids (batch, time) with PAD_TAG after each sentence."""
        lengths = (tag_ids != PAD_TAG).sum(dim=1)
        return self.crf.neg_log_likelihood(emissions, tag_ids.clamp(min=0), lengths)


def predict_tags(model: nn.Module, batches: SentenceBatches) -> list[list[str]]:
    """The tag of every word, one list per sentence in the order the batches were given.

    Args:
        model: a Tagger (argmax per word) or a CRFTagger (Viterbi over each sentence).
        batches: unshuffled SentenceBatches.
    """
    if batches.shuffle:
        raise ValueError("batches are shuffled, so the predictions would come in a random order; "
                         "build SentenceBatches(..., shuffle=False) for prediction.")
    was_training = model.training
    model.eval()
    tags: list[list[str]] = []
    with torch.no_grad():
        for word_ids, char_ids, lengths, _ in batches:
            scores = model(word_ids, char_ids, lengths)
            if isinstance(model, CRFTagger):
                paths = model.crf.decode(scores, lengths)
            else:
                best = scores.argmax(dim=2)
                paths = [best[b, :n].tolist() for b, n in enumerate(lengths.tolist())]
            tags += [[UPOS_TAGS[i] for i in path] for path in paths]
    model.train(was_training)
    return tags


def word_accuracy(sentences: Sequence[TaggedSentence], predicted: Sequence[Sequence[str]],
                  known: Vocabulary | None = None) -> dict[str, float]:
    """Share of words tagged right: all words, and, given the training vocabulary
    ``known``, words seen in training ("in_vocabulary") and the others ("out_of_vocabulary").

    Raises:
        ValueError: the predictions do not have one tag per word.
    """
    if len(predicted) != len(sentences) or any(len(p) != len(s) for p, s in zip(predicted, sentences)):
        raise ValueError("predicted must hold one tag per word of every sentence, in order.")
    right = np.array([p == t for s, ps in zip(sentences, predicted) for p, t in zip(ps, s.tags)])
    result = {"all": float(right.mean()), "words": int(right.size)}
    if known is not None:
        seen = np.array([w in known for s in sentences for w in s.words])
        result.update(in_vocabulary=float(right[seen].mean()) if seen.any() else float("nan"),
                      out_of_vocabulary=float(right[~seen].mean()) if (~seen).any() else float("nan"),
                      out_of_vocabulary_share=float((~seen).mean()))
    return result
