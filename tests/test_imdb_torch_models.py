import pickle

import numpy as np
import pytest
import torch

from bilstm_helpers.imdb.torch_models import (
    IMDBBiLSTM,
    TextBatches,
    keras_like_init,
    masked_max_over_time,
    predict_whole_reviews,
)
from bilstm_helpers.imdb.vectorize import build_vocabulary
from bilstm_helpers.torch.training import predict_proba


def test_masked_max_ignores_padded_steps():
    output = torch.tensor([[[1.0], [5.0], [9.0]], [[-3.0], [-2.0], [7.0]]])
    pooled = masked_max_over_time(output, torch.tensor([3, 2]))
    assert pooled[:, 0].tolist() == [9.0, -2.0]


def test_classifier_gives_one_logit_per_review_unchanged_by_padding_ids():
    torch.manual_seed(0)
    model = IMDBBiLSTM(50, 8, 4, dropout=0.3).eval()
    ids = torch.randint(2, 50, (3, 6))
    lengths = torch.tensor([6, 4, 2])
    steps = torch.arange(6)[None, :]
    other = torch.where(steps < lengths[:, None], ids, torch.randint(2, 50, (3, 6)))
    logits = model(ids, lengths)
    assert logits.shape == (3,)
    torch.testing.assert_close(model(other, lengths), logits)  # padded ids are never read
    torch.testing.assert_close(model(ids[1:2, :4], lengths[1:2]), logits[1:2], rtol=1e-5, atol=1e-6)


def test_keras_like_init_sets_the_forget_bias_to_one():
    model = IMDBBiLSTM(10, 4, 3)
    keras_like_init(model)
    assert model.lstm.bias_ih_l0[3:6].tolist() == [1.0] * 3
    assert float(model.lstm.bias_hh_l0.detach().abs().sum()) == 0.0
    assert float(model.embedding.weight.detach().abs().max()) <= 0.05


def test_keras_like_init_gives_orthogonal_recurrent_and_glorot_input_weights():
    torch.manual_seed(0)
    embedding_dim, hidden = 48, 16
    model = IMDBBiLSTM(10, embedding_dim, hidden)
    keras_like_init(model)
    for suffix in ("", "_reverse"):
        w_hh = getattr(model.lstm, f"weight_hh_l0{suffix}").detach()  # (4H, H), Keras's (H, 4H) transposed
        torch.testing.assert_close(w_hh.T @ w_hh, torch.eye(hidden), atol=1e-5, rtol=0)
        w_ih = getattr(model.lstm, f"weight_ih_l0{suffix}").detach()  # (4H, D): Glorot over all gates
        limit = (6 / (embedding_dim + 4 * hidden)) ** 0.5
        assert float(w_ih.abs().max()) <= limit
        assert abs(float(w_ih.var()) / (limit**2 / 3) - 1) < 0.1  # uniform(-a, a) has variance a^2 / 3


@pytest.mark.parametrize("kwargs, match", [
    ({"num_words": 0, "embedding_dim": 4, "hidden_size": 3}, "must be >= 1"),
    ({"num_words": 10, "embedding_dim": 4, "hidden_size": 3, "dropout": 1.0}, "dropout"),
])
def test_classifier_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        IMDBBiLSTM(**kwargs)


def test_batches_cut_to_the_longest_review_and_reshuffle_reproducibly():
    x = np.array([[3, 4, 0, 0], [5, 0, 0, 0], [6, 7, 8, 0]])
    batches = TextBatches(x, np.array([2, 1, 3]), np.array([1, 0, 1]), batch_size=2)
    ids, lengths, labels = next(iter(batches))
    assert ids.shape == (2, 2) and lengths.tolist() == [2, 1] and labels.dtype == torch.float32
    assert len(batches) == 2


def test_shuffled_batches_change_the_order_keep_rows_aligned_and_repeat_with_the_seed():
    n = 40
    lengths = np.arange(n) % 7 + 1
    x = np.where(np.arange(8)[None, :] < lengths[:, None], np.arange(n)[:, None] + 2, 0)  # row i holds id i + 2
    labels = np.arange(n) % 2

    def passes(seed, count=2):
        batches = TextBatches(x, lengths, labels, batch_size=4, shuffle=True, seed=seed)
        out = []
        for _ in range(count):
            rows = []
            for ids, batch_lengths, batch_labels in batches:
                for k in range(len(ids)):
                    row = int(ids[k, 0]) - 2
                    assert int(batch_lengths[k]) == lengths[row] and int(batch_labels[k]) == labels[row]
                    assert (ids[k, :lengths[row]] == row + 2).all()  # ids, length and label stay together
                    rows.append(row)
            out.append(rows)
        return out

    first, second = passes(seed=1)
    assert sorted(first) == list(range(n)) and sorted(second) == list(range(n))  # every row once per pass
    assert first != list(range(n)) and second != first  # shuffled, and again on the next pass
    assert passes(seed=1) == [first, second] and passes(seed=2)[0] != first


def test_batches_reject_empty_reviews():
    with pytest.raises(ValueError, match="drop empty reviews"):
        TextBatches(np.zeros((2, 3), int), np.array([0, 2]), np.array([0, 1]), batch_size=2)


def test_batches_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="lengths and labels"):
        TextBatches(np.zeros((2, 3), int), np.array([1, 2, 3]), np.array([0, 1]), batch_size=2)


def test_batches_reject_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        TextBatches(np.ones((2, 3), int), np.array([1, 2]), np.array([0, 1]), batch_size=0)


def test_predict_proba_keeps_row_order_and_rejects_shuffled_batches():
    torch.manual_seed(0)
    model = IMDBBiLSTM(20, 4, 3)
    x = np.array([[3, 4, 0], [5, 0, 0], [6, 7, 8]])
    p = predict_proba(model, TextBatches(x, np.array([2, 1, 3]), np.zeros(3), batch_size=2))
    single = predict_proba(model, TextBatches(x[2:], np.array([3]), np.zeros(1), batch_size=1))
    assert p.shape == (3,) and np.all((p > 0) & (p < 1))
    np.testing.assert_allclose(p[2], single[0], rtol=1e-5)
    with pytest.raises(ValueError, match="shuffle=False"):
        predict_proba(model, TextBatches(x, np.array([2, 1, 3]), np.zeros(3), 2, shuffle=True))


def test_the_classifier_is_a_module_level_class_that_pickles():
    model = IMDBBiLSTM(20, 4, 3)
    assert isinstance(model, IMDBBiLSTM) and isinstance(model, torch.nn.Module)
    copy = pickle.loads(pickle.dumps(model))
    ids, lengths = torch.tensor([[3, 4, 5]]), torch.tensor([3])
    torch.testing.assert_close(copy.eval()(ids, lengths), model.eval()(ids, lengths))


def test_predict_whole_reviews_reads_every_word_in_the_texts_order_within_the_budget():
    torch.manual_seed(0)
    texts = ["good " * 7 + "bad", "fine", "bad film " * 20, "good film", "bad " * 3 + "good " * 9]
    vocabulary = build_vocabulary(texts, num_words=6)
    model = IMDBBiLSTM(vocabulary.num_words, 8, 4).eval()
    shapes = []
    model.register_forward_pre_hook(lambda module, inputs: shapes.append(tuple(inputs[0].shape)))
    proba = predict_whole_reviews(model, texts, vocabulary, tokens_per_batch=24)
    assert proba.shape == (5,)
    assert max(rows * time for rows, time in shapes if rows > 1) <= 24  # the 40-word text goes alone
    assert sum(rows for rows, _ in shapes) == 5
    for text, p in zip(texts, proba):  # each text alone, every word read: the same probability
        ids = torch.as_tensor(vocabulary.encode(text), dtype=torch.int64)[None, :]
        with torch.no_grad():
            alone = torch.sigmoid(model(ids, torch.tensor([ids.shape[1]])))
        assert abs(float(alone) - float(p)) < 1e-6
    with pytest.raises(ValueError, match="text 1 has no word"):
        predict_whole_reviews(model, ["good", "!!!"], vocabulary)
