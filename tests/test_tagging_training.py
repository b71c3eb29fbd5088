import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bilstm_helpers.tagging.encoding import PAD_TAG, char_vocabulary, word_vocabulary  # noqa: E402
from bilstm_helpers.tagging.models import Tagger  # noqa: E402
from bilstm_helpers.tagging.training import CRFTagger, SentenceBatches, predict_tags, word_accuracy  # noqa: E402
from bilstm_helpers.tagging.treebank import UPOS_TAGS, TaggedSentence  # noqa: E402

WORDS = ["the", "dog", "runs", "up", "that", "hill", "a", "cat", "sleeps", "."]
TAGS = ["DET", "NOUN", "VERB", "ADP", "DET", "NOUN", "DET", "NOUN", "VERB", "PUNCT"]


def sentences(n=23, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        picks = rng.integers(0, len(WORDS), size=rng.integers(1, 9))
        out.append(TaggedSentence(f"s{k}", [WORDS[i] for i in picks], [TAGS[i] for i in picks]))
    return out


def vocabularies(data):
    return word_vocabulary(data), char_vocabulary(data)


def test_unshuffled_batches_keep_the_order_and_pad_each_batch_to_its_longest_sentence():
    data = sentences()
    words, chars = vocabularies(data)
    batches = SentenceBatches(data, words, chars, batch_size=5)
    assert len(batches) == 5 == len(list(batches))
    k = 0
    for word_ids, char_ids, lengths, tag_ids in batches:
        assert word_ids.shape == tag_ids.shape == (len(lengths), int(lengths.max()))
        assert char_ids.shape == (*word_ids.shape, 16)
        for b, n in enumerate(lengths.tolist()):
            sentence = data[k]
            assert n == len(sentence)
            assert word_ids[b, :n].tolist() == words.ids(sentence.words)
            assert [UPOS_TAGS[t] for t in tag_ids[b, :n].tolist()] == sentence.tags
            assert (tag_ids[b, n:] == PAD_TAG).all() and (word_ids[b, n:] == 0).all()
            k += 1
    assert k == len(data)


def test_shuffled_batches_hold_every_sentence_once_with_its_own_tags_and_change_every_epoch():
    data = sentences(200)
    words, chars = vocabularies(data)
    batches = SentenceBatches(data, words, chars, batch_size=8, shuffle=True, seed=3)
    epochs = []
    for _ in range(2):
        seen, items = [], list(batches)  # iterating sets batches.order
        for (word_ids, _, lengths, tag_ids), rows in zip(items, batches.order):
            for b, (i, n) in enumerate(zip(rows, lengths.tolist())):
                assert word_ids[b, :n].tolist() == words.ids(data[i].words)  # ids and tags stay aligned
                assert [UPOS_TAGS[t] for t in tag_ids[b, :n].tolist()] == data[i].tags
            seen += list(rows)
        assert sorted(seen) == list(range(len(data)))
        epochs.append(seen)
    assert epochs[0] != list(range(len(data))) and epochs[0] != epochs[1]
    again = SentenceBatches(data, words, chars, batch_size=8, shuffle=True, seed=3)
    list(again)
    assert [list(r) for r in again.order] == [list(r) for r in SentenceBatches(
        data, words, chars, batch_size=8, shuffle=True, seed=3)._batches()]


def test_shuffled_batches_group_sentences_of_similar_length():
    data = sentences(400)
    words, chars = vocabularies(data)
    padded = {}
    for shuffle in (False, True):
        batches = SentenceBatches(data, words, chars, batch_size=8, shuffle=shuffle)
        padded[shuffle] = sum(int((tag_ids == PAD_TAG).sum()) for *_, tag_ids in batches)
    assert padded[True] < padded[False] / 2


def test_bad_batch_arguments_are_refused():
    data = sentences()
    words, chars = vocabularies(data)
    with pytest.raises(ValueError, match="batch_size"):
        SentenceBatches(data, words, chars, batch_size=0)
    with pytest.raises(ValueError, match="no sentences"):
        SentenceBatches([], words, chars)
    with pytest.raises(ValueError, match="shuffle=False"):
        predict_tags(Tagger(len(words), len(UPOS_TAGS)), SentenceBatches(data, words, chars, shuffle=True))


def test_crf_tagger_loss_is_the_crf_likelihood_and_prediction_is_viterbi():
    data = sentences()
    words, chars = vocabularies(data)
    torch.manual_seed(0)
    model = CRFTagger(Tagger(len(words), len(UPOS_TAGS), embedding_dim=8, hidden_size=8, num_chars=len(chars)))
    with torch.no_grad():
        model.crf.transitions.normal_()
    batches = SentenceBatches(data, words, chars, batch_size=6)
    word_ids, char_ids, lengths, tag_ids = next(iter(batches))
    model.eval()
    emissions = model(word_ids, char_ids, lengths)
    expected = model.crf.neg_log_likelihood(emissions, tag_ids.clamp(min=0), lengths)
    assert torch.allclose(model.loss(emissions, tag_ids), expected)
    predicted = predict_tags(model, batches)
    first = model.crf.decode(emissions, lengths)
    assert predicted[:6] == [[UPOS_TAGS[i] for i in path] for path in first]
    argmax = predict_tags(model.tagger, batches)  # the same emissions without the CRF
    assert [len(p) for p in argmax] == [len(s) for s in data] and argmax != predicted


def test_word_accuracy_by_hand_with_unknown_words():
    train = [TaggedSentence("a", ["the", "dog"], ["DET", "NOUN"])]
    test = [TaggedSentence("b", ["the", "cat", "runs"], ["DET", "NOUN", "VERB"])]
    result = word_accuracy(test, [["DET", "NOUN", "NOUN"]], known=word_vocabulary(train))
    assert result["all"] == pytest.approx(2 / 3) and result["words"] == 3
    assert result["in_vocabulary"] == 1.0 and result["out_of_vocabulary"] == 0.5
    assert result["out_of_vocabulary_share"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="one tag per word"):
        word_accuracy(test, [["DET", "NOUN"]])
