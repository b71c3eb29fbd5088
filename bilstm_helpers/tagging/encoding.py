"""Words, characters and tags as padded id arrays for a tagger.

Id 0 is padding and id 1 an unknown word (or character) in every
vocabulary; tags use -1 at padded steps, which losses leave out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bilstm_helpers.tagging.treebank import UPOS_TAGS, TaggedSentence

PAD_ID, UNK_ID = 0, 1
#: Tag id at padded steps (``ignore_index`` of the losses).
PAD_TAG = -1


@dataclass
class Vocabulary:
    """Ids for tokens (words or characters); 0 = padding, 1 = unknown.

    Attributes:
        tokens: (n,) id -> token; ``tokens[0]`` and ``tokens[1]`` are ``"<pad>"`` and ``"<unk>"``.
    """

    tokens: list[str]

    def __post_init__(self) -> None:
        self.index = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def ids(self, tokens: Iterable[str]) -> list[int]:
        """The id of each token, ``UNK_ID`` for tokens not in the vocabulary."""
        return [self.index.get(t, UNK_ID) for t in tokens]


def build_vocabulary(items: Iterable[str], min_count: int = 1) -> Vocabulary:
    """A vocabulary of the items seen at least ``min_count`` times, most frequent first."""
    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}.")
    counts = Counter(items)
    kept = sorted((t for t, n in counts.items() if n >= min_count), key=lambda t: (-counts[t], t))
    return Vocabulary(["<pad>", "<unk>"] + kept)


def word_vocabulary(sentences: Sequence[TaggedSentence], min_count: int = 1) -> Vocabulary:
    """Words of the (training) sentences, as written (case kept: it is a clue to the tag)."""
    return build_vocabulary((w for s in sentences for w in s.words), min_count)


def char_vocabulary(sentences: Sequence[TaggedSentence], min_count: int = 1) -> Vocabulary:
    """Characters of the (training) sentences' words."""
    return build_vocabulary((c for s in sentences for w in s.words for c in w), min_count)


@dataclass
class EncodedBatch:
    """Sentences as post-padded arrays.

    Attributes:
        word_ids: (batch, time) int64, ``PAD_ID`` after each sentence's end.
        char_ids: (batch, time, chars) int64, each word's characters, cut to ``chars``.
        lengths: (batch,) int64 words per sentence.
        tag_ids: (batch, time) int64 index into ``UPOS_TAGS``,
            ``PAD_TAG`` at padded steps.
    """

    word_ids: np.ndarray
    char_ids: np.ndarray
    lengths: np.ndarray
    tag_ids: np.ndarray


def encode(sentences: Sequence[TaggedSentence], words: Vocabulary, chars: Vocabulary,
           max_chars: int = 16) -> EncodedBatch:
    """Encode sentences into one post-padded batch (see :class:`EncodedBatch` for shapes).

    Raises:
        ValueError: an empty list, an empty sentence, or a tag not in UPOS_TAGS.
    """
    if not sentences:
        raise ValueError("no sentences to encode.")
    tag_index = {tag: i for i, tag in enumerate(UPOS_TAGS)}
    lengths = np.array([len(s) for s in sentences], dtype=np.int64)
    if lengths.min() == 0:
        raise ValueError(f"sentence {sentences[int(np.argmin(lengths))].sent_id} has no words.")
    batch, time = len(sentences), int(lengths.max())
    word_ids = np.full((batch, time), PAD_ID, dtype=np.int64)
    char_ids = np.full((batch, time, max_chars), PAD_ID, dtype=np.int64)
    tag_ids = np.full((batch, time), PAD_TAG, dtype=np.int64)
    for b, sentence in enumerate(sentences):
        n = len(sentence)
        word_ids[b, :n] = words.ids(sentence.words)
        for t, word in enumerate(sentence.words):
            ids = chars.ids(word[:max_chars])
            char_ids[b, t, :len(ids)] = ids
        try:
            tag_ids[b, :n] = [tag_index[tag] for tag in sentence.tags]
        except KeyError as error:
            raise ValueError(f"sentence {sentence.sent_id}: {error.args[0]!r} is not a UPOS tag.") from None
    return EncodedBatch(word_ids, char_ids, lengths, tag_ids)
