"""The tagger a practitioner tries first: each word's most frequent training tag."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from bilstm_helpers.tagging.treebank import TaggedSentence


class MostFrequentTag:
    """Tag each word with its most frequent tag in the training data.

    Words never seen in training get the most frequent tag overall. Ties go to
    the tag that comes first in alphabetical order, so the result does not
    depend on the order of the sentences.

    After ``fit``, ``word_tag_`` maps each training word to its most frequent
    tag and ``default_tag_`` is the most frequent tag overall (for unknown words).
    """

    def fit(self, sentences: Sequence[TaggedSentence]) -> MostFrequentTag:
        """Count the tags of every word of the training sentences; returns self."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        overall: Counter[str] = Counter()
        for sentence in sentences:
            for word, tag in zip(sentence.words, sentence.tags):
                counts[word][tag] += 1
                overall[tag] += 1
        if not overall:
            raise ValueError("no tagged words to fit on.")
        self.word_tag_ = {w: min(c, key=lambda t: (-c[t], t)) for w, c in counts.items()}
        self.default_tag_ = min(overall, key=lambda t: (-overall[t], t))
        return self

    def predict(self, sentences: Sequence[TaggedSentence]) -> list[list[str]]:
        """One tag per word of each sentence."""
        if not hasattr(self, "word_tag_"):
            raise ValueError("call fit(training_sentences) before predict.")
        return [[self.word_tag_.get(w, self.default_tag_) for w in s.words] for s in sentences]
