import numpy as np
import pytest

from bilstm_helpers.tagging.baselines import MostFrequentTag
from bilstm_helpers.tagging.encoding import PAD_TAG, UNK_ID, char_vocabulary, encode, word_vocabulary
from bilstm_helpers.tagging.treebank import UPOS_TAGS, TaggedSentence

TRAIN = [TaggedSentence("a", ["I", "can", "can", "it"], ["PRON", "AUX", "VERB", "PRON"]),
         TaggedSentence("b", ["a", "can"], ["DET", "NOUN"]),
         TaggedSentence("c", ["I", "can"], ["PRON", "AUX"])]


def test_vocabulary_puts_frequent_words_first_and_maps_unknown_words_to_one():
    words = word_vocabulary(TRAIN)
    assert words.tokens[:3] == ["<pad>", "<unk>", "can"]
    assert words.ids(["can", "zebra"]) == [2, UNK_ID]
    assert "I" in words and "i" not in words  # case is kept


def test_encode_pads_after_each_sentence_and_marks_padded_tags():
    words, chars = word_vocabulary(TRAIN), char_vocabulary(TRAIN)
    batch = encode(TRAIN[1:], words, chars, max_chars=2)
    assert batch.word_ids.shape == (2, 2) and batch.char_ids.shape == (2, 2, 2)
    assert batch.lengths.tolist() == [2, 2]
    assert batch.tag_ids[0].tolist() == [UPOS_TAGS.index("DET"), UPOS_TAGS.index("NOUN")]
    ragged = encode(TRAIN, words, chars)
    assert ragged.tag_ids[1, 2:].tolist() == [PAD_TAG, PAD_TAG] and ragged.word_ids[1, 2:].tolist() == [0, 0]
    assert ragged.char_ids[0, 1, :4].tolist() == chars.ids("can") + [0]
    with pytest.raises(ValueError, match="'XYZ' is not a UPOS tag"):
        encode([TaggedSentence("d", ["x"], ["XYZ"])], words, chars)
    with pytest.raises(ValueError, match="has no words"):
        encode([TaggedSentence("e", [], [])], words, chars)


def test_most_frequent_tag_per_word_and_overall_for_unknown_words():
    tagger = MostFrequentTag().fit(TRAIN)
    # "can": AUX 2 times, VERB 1, NOUN 1 -> AUX; overall PRON (3) beats AUX (2)
    assert tagger.predict([TaggedSentence("t", ["can", "zebra"], ["AUX", "NOUN"])]) == [["AUX", "PRON"]]
    with pytest.raises(ValueError, match="call fit"):
        MostFrequentTag().predict(TRAIN)
    with pytest.raises(ValueError, match="no tagged words"):
        MostFrequentTag().fit([])
    assert np.mean([p == t for s, pred in zip(TRAIN, tagger.predict(TRAIN))
                    for p, t in zip(pred, s.tags)]) == pytest.approx(6 / 8)
