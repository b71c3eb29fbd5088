"""bilstm_helpers.imdb.vectorize: cleaning, vocabulary, padding, splits."""

from __future__ import annotations

import numpy as np
import pytest

from bilstm_helpers.imdb.vectorize import (
    OOV_ID,
    PAD_ID,
    bag_of_ids,
    build_vocabulary,
    clean_text,
    length_budget_batches,
    pad,
    tokenize,
    train_validation_split,
    vectorize,
)

TRAIN = ["Good film.<br /><br />Good acting", "a bad film", "Don't watch: BAD bad"]


def test_clean_and_tokenize() -> None:
    assert clean_text("A<br />b<BR/>c<br>") == "a b c "
    assert tokenize("Great!<br /><br />I don't know, 10/10") == ["great", "i", "don't", "know", "10", "10"]


def test_vocabulary_counts_training_texts_by_frequency() -> None:
    vocab = build_vocabulary(TRAIN, num_words=5)
    # bad x3, film x2, good x2 (tie broken alphabetically); br never becomes a word
    assert vocab.words == ["<pad>", "<oov>", "bad", "film", "good"]
    assert vocab.num_words == 5 and (PAD_ID, OOV_ID) == (0, 1)
    np.testing.assert_array_equal(vocab.encode("Good, bad, terrible."), [4, 2, OOV_ID])
    assert vocab.decode([0, 0, 4, 1]) == "good <oov>"


def test_vocabulary_does_not_depend_on_text_order() -> None:
    assert build_vocabulary(TRAIN, 6).words == build_vocabulary(TRAIN[::-1], 6).words


def test_vocabulary_too_small() -> None:
    with pytest.raises(ValueError, match="num_words must be >= 3"):
        build_vocabulary(TRAIN, 2)


def test_padding_and_truncating_sides() -> None:
    seqs = [np.array([5, 6, 7], np.int32), np.array([8], np.int32), np.array([], np.int32)]
    x, lengths = pad(seqs, 2, padding="pre", truncating="pre")
    np.testing.assert_array_equal(x, [[6, 7], [0, 8], [0, 0]])
    np.testing.assert_array_equal(lengths, [2, 1, 0])
    x, _ = pad(seqs, 2, padding="post", truncating="post")
    np.testing.assert_array_equal(x, [[5, 6], [8, 0], [0, 0]])
    x, _ = pad(seqs, 4, padding="post", truncating="pre")
    np.testing.assert_array_equal(x, [[5, 6, 7, 0], [8, 0, 0, 0], [0, 0, 0, 0]])
    assert x.dtype == np.int32 and lengths.dtype == np.int32


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": "left", "truncating": "pre"}, "padding must be 'pre' or 'post'"),
    ({"padding": "pre", "truncating": None}, "truncating must be 'pre' or 'post'"),
])
def test_bad_side(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pad([np.array([1])], 3, **kwargs)


def test_bad_maxlen() -> None:
    with pytest.raises(ValueError, match="maxlen must be >= 1"):
        pad([np.array([1])], 0, padding="pre", truncating="pre")


def test_vectorize_end_to_end() -> None:
    vocab = build_vocabulary(TRAIN, 5)
    x, lengths = vectorize(["good film", "bad bad bad bad"], vocab, 3, padding="pre", truncating="post")
    np.testing.assert_array_equal(x, [[0, 4, 3], [2, 2, 2]])
    np.testing.assert_array_equal(lengths, [2, 3])


def test_split_is_shuffled_disjoint_and_seeded() -> None:
    labels = np.repeat([0, 1], 500)  # sorted by label, like the IMDB folders
    train, val = train_validation_split(len(labels), 0.2, seed=3)
    assert len(val) == 200 and len(train) == 800
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(1000))
    assert 0.35 < labels[val].mean() < 0.65  # both classes in validation
    np.testing.assert_array_equal(val, train_validation_split(1000, 0.2, seed=3)[1])
    assert not np.array_equal(val, train_validation_split(1000, 0.2, seed=4)[1])


def test_split_bad_fraction() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        train_validation_split(10, 1.0, seed=0)


def test_bag_of_ids_marks_presence_without_padding() -> None:
    bag = bag_of_ids(np.array([[0, 0, 3, 3, 2], [1, 2, 0, 0, 0]]), 5).toarray()
    np.testing.assert_array_equal(bag, [[0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
    with pytest.raises(ValueError, match="0..4"):
        bag_of_ids(np.array([[5]]), 5)
    with pytest.raises(ValueError, match="shape"):
        bag_of_ids(np.array([1, 2]), 5)


def test_length_budget_batches_cover_every_row_once_within_the_budget() -> None:
    lengths = np.array([5, 1, 30, 2, 9, 9, 4, 12])
    batches = length_budget_batches(lengths, tokens_per_batch=20)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    for rows in batches:
        assert np.all(np.diff(lengths[rows]) >= 0)  # sorted by length
        assert len(rows) == 1 or len(rows) * lengths[rows].max() <= 20
    assert [lengths[rows].tolist() for rows in batches] == [[1, 2, 4, 5], [9, 9], [12], [30]]


def test_length_budget_batches_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="tokens_per_batch"):
        length_budget_batches(np.array([3, 4]), tokens_per_batch=0)
    with pytest.raises(ValueError, match="one length per row"):
        length_budget_batches(np.ones((2, 2)), tokens_per_batch=10)
