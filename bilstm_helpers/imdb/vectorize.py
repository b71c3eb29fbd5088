"""Text to integer sequences, one vectorization for the Keras and PyTorch code.

Reviews are cleaned (HTML line breaks ``<br />`` become spaces, lower case),
split into words, and mapped to ids by a vocabulary built from the training
reviews only. Ids follow Keras's ``num_words`` convention: ``num_words``
counts every id, the two reserved ones included, so ``Embedding(num_words, ...)``
fits and the vocabulary holds the ``num_words - 2`` most frequent words.

Padding and truncation are never implicit: pass ``padding`` and
``truncating`` ('pre' or 'post') to :func:`~bilstm_helpers.imdb.vectorize.vectorize`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: Id of padding, held by every padded position (``mask_zero=True`` masks it).
PAD_ID = 0
#: Id of an out-of-vocabulary word (rarer than the ``num_words - 2`` kept words).
OOV_ID = 1
#: The first id of a real word; ids are given by descending frequency.
FIRST_WORD_ID = 2

_BREAK = re.compile(r"<br\s*/?>", flags=re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SIDES = ("pre", "post")


def clean_text(text: str) -> str:
    """Replace HTML line breaks (``<br />``) by spaces and lower-case the text."""
    return _BREAK.sub(" ", text).lower()


def tokenize(text: str) -> list[str]:
    """Words of a cleaned text: letters and digits, with an apostrophe suffix
    kept (``"don't"``); punctuation is dropped."""
    return _WORD.findall(clean_text(text))


@dataclass
class Vocabulary:
    """Word <-> id mapping.

    Attributes:
        words: (num_words,) ``words[i]`` is the word of id ``i``; ids 0 and 1 are
            the markers ``"<pad>"`` and ``"<oov>"``.
        word_to_id: the inverse mapping for real words.
    """

    words: list[str]
    word_to_id: dict[str, int]

    @property
    def num_words(self) -> int:
        """The number of ids, reserved ones included (the Embedding's input_dim)."""
        return len(self.words)

    def encode(self, text: str) -> np.ndarray:
        """(length,) int32 ids of one raw text; unknown words become ``OOV_ID``."""
        get = self.word_to_id.get
        return np.fromiter((get(w, OOV_ID) for w in tokenize(text)), dtype=np.int32)

    def decode(self, ids: Iterable[int], skip_padding: bool = True) -> str:
        """The words of ids, joined by spaces (padding left out unless asked)."""
        return " ".join(self.words[i] for i in ids if not (skip_padding and i == PAD_ID))


def build_vocabulary(texts: Iterable[str], num_words: int) -> Vocabulary:
    """Vocabulary of the ``num_words - 2`` most frequent words of ``texts``.

    Build it from the training texts only. Ties in frequency are broken
    alphabetically, so the result does not depend on the order of ``texts``.

    Args:
        texts: raw training reviews.
        num_words: the number of ids including ``PAD_ID`` and ``OOV_ID`` (>= 3).
    """
    if num_words < 3:
        raise ValueError(f"num_words must be >= 3 (two reserved ids and a word), got {num_words}; "
                         "use e.g. num_words=5000.")
    counts = Counter()
    for text in texts:
        counts.update(tokenize(text))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: num_words - FIRST_WORD_ID]
    words = ["<pad>", "<oov>"] + [w for w, _ in ranked]
    return Vocabulary(words=words, word_to_id={w: i for i, w in enumerate(words) if i >= FIRST_WORD_ID})


def _check_side(name: str, value: str) -> None:
    if value not in _SIDES:
        raise ValueError(f"{name} must be 'pre' or 'post', got {value!r}; "
                         f"e.g. {name}='pre' (Keras's pad_sequences default).")


def pad(sequences: Sequence[np.ndarray], maxlen: int, *, padding: str,
        truncating: str) -> tuple[np.ndarray, np.ndarray]:
    """Pad and truncate id sequences to one length.

    Args:
        sequences: n arrays of ids, of any lengths.
        maxlen: the common length.
        padding: 'pre' puts the ``PAD_ID`` zeros in front, 'post' behind.
        truncating: 'pre' drops the beginning of a longer sequence (keeps its
            end), 'post' drops its end.

    Returns:
        x: (n, maxlen) int32 ids.
        lengths: (n,) int32, the number of real ids in each row (0 for an
            empty sequence).
    """
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if maxlen < 1:
        raise ValueError(f"maxlen must be >= 1, got {maxlen}; e.g. maxlen=300.")
    x = np.full((len(sequences), maxlen), PAD_ID, dtype=np.int32)
    lengths = np.zeros(len(sequences), dtype=np.int32)
    for row, seq in enumerate(sequences):
        seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        n = len(seq)
        lengths[row] = n
        if n:
            if padding == "pre":
                x[row, maxlen - n:] = seq
            else:
                x[row, :n] = seq
    return x, lengths


def vectorize(texts: Sequence[str], vocabulary: Vocabulary, maxlen: int, *, padding: str,
              truncating: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw texts -> padded ids: :meth:`Vocabulary.encode` each text, then
    :func:`pad` them all.

    Returns:
        x: (n, maxlen) int32 ids.
        lengths: (n,) int32, real ids per row.
    """
    return pad([vocabulary.encode(t) for t in texts], maxlen, padding=padding, truncating=truncating)


def train_validation_split(n: int, validation_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled indices for a training and a validation part.

    The IMDB splits are sorted by label, so Keras's ``validation_split``
    (which takes the last rows) would validate on positive reviews only:
    split with these indices instead.

    Args:
        n: the number of examples.
        validation_fraction: the share that goes to validation, in (0, 1).
        seed: seed of ``np.random.default_rng``.

    Returns:
        train_idx: (n - n_val,) int64 indices for training.
        val_idx: (n_val,) int64 indices for validation, disjoint from
            train_idx; together they cover 0..n-1.
    """
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must lie strictly between 0 and 1, got "
                         f"{validation_fraction}; e.g. 0.2 keeps 80 % for training.")
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * validation_fraction))
    return order[n_val:], order[:n_val]


def bag_of_ids(x: np.ndarray, num_words: int):
    """Which ids occur in each row: a binary bag of words for a linear baseline.

    Args:
        x: (n, maxlen) int ids from :func:`vectorize`; ``PAD_ID`` is left out.
        num_words: ids 0..num_words-1.

    Returns:
        bag: (n, num_words) ``scipy.sparse.csr_matrix`` of float32, 1 where
            the id occurs in the row (column ``PAD_ID`` is all zero).
    """
    from scipy.sparse import csr_matrix

    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be (n, maxlen) ids, got shape {x.shape}; use vectorize(...)[0].")
    if x.size and (x.min() < 0 or x.max() >= num_words):
        raise ValueError(f"ids must lie in 0..{num_words - 1}, got {x.min()}..{x.max()}; "
                         "pass the vocabulary's num_words.")
    rows = np.repeat(np.arange(len(x)), x.shape[1])
    bag = csr_matrix((np.ones(x.size, dtype=np.float32), (rows, x.ravel())), shape=(len(x), num_words))
    bag.data[:] = 1.0  # duplicates were summed: count presence only
    bag.data[bag.indices == PAD_ID] = 0.0
    bag.eliminate_zeros()
    return bag


def length_budget_batches(lengths: np.ndarray, tokens_per_batch: int) -> list[np.ndarray]:
    """Rows grouped by length into batches of bounded size, for reading whole texts.

    The rows are sorted by length (stable) and cut into consecutive batches
    whose padded size, rows x longest length in the batch, stays within
    ``tokens_per_batch``. So memory does not grow with the longest text: a
    batch of long reviews simply holds fewer rows. A single row longer than
    the budget gets a batch of its own.

    Args:
        lengths: (n,) int, the number of ids in each row.
        tokens_per_batch: the most padded positions per batch, e.g. 256 * 400.

    Returns:
        batches: arrays of row indices, each sorted by length; together they
            hold 0..n-1 once each.
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1:
        raise ValueError(f"lengths must be (n,), got shape {lengths.shape}; pass one length per row.")
    if tokens_per_batch < 1:
        raise ValueError(f"tokens_per_batch must be >= 1, got {tokens_per_batch}; e.g. 256 * 400.")
    batches: list[np.ndarray] = []
    order = np.argsort(lengths, kind="stable")
    start = 0
    for end in range(1, len(order) + 1):
        # rows start..end-1 are sorted, so the last one is the longest
        if end - start > 1 and (end - start) * max(int(lengths[order[end - 1]]), 1) > tokens_per_batch:
            batches.append(order[start:end - 1])
            start = end - 1
    if start < len(order):
        batches.append(order[start:])
    return batches
