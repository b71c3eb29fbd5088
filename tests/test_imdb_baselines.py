import numpy as np
import pytest
import scipy.sparse as sp

from bilstm_helpers.imdb.baselines import (
    NBLogCountRatio,
    choose_nb_on_validation,
    choose_on_validation,
    hashed_ngrams,
    nb_head,
    nb_logreg,
    positive_logit,
    tfidf_logreg,
)

POS = ["a great film, great acting<br />loved it", "wonderful and moving", "great fun, I loved it",
       "a wonderful story", "loved every minute, great"]
NEG = ["a dull film, awful acting", "boring and awful", "I hated it, dull", "an awful mess",
       "boring, dull, hated every minute"]
TEXTS, LABELS = POS + NEG, np.array([1] * 5 + [0] * 5)


def test_log_count_ratio_by_hand():
    X = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 0], [0, 1, 1]], dtype=float))
    y = np.array([1, 1, 0])
    nb = NBLogCountRatio(alpha=1.0).fit(X, y)
    p, q = np.array([3.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0])
    np.testing.assert_allclose(nb.ratio_, np.log(p / p.sum()) - np.log(q / q.sum()))
    np.testing.assert_allclose(nb.transform(X).toarray(), X.toarray() * nb.ratio_)


def test_log_count_ratio_sign_follows_the_class():
    X = hashed_ngrams((1, 1), n_features=2**12).transform(TEXTS)
    nb = NBLogCountRatio().fit(X, LABELS)
    column = hashed_ngrams((1, 1), n_features=2**12).transform(["great"]).indices[0]
    assert nb.ratio_[column] > 0
    column = hashed_ngrams((1, 1), n_features=2**12).transform(["awful"]).indices[0]
    assert nb.ratio_[column] < 0


@pytest.mark.parametrize("X, y, message", [
    (np.ones((3, 2)), [1, 1, 1], "both present"),
    (np.ones((3, 2)), [1, 0], "one label per row"),
    (-np.ones((2, 2)), [1, 0], "negative entries")])
def test_log_count_ratio_refuses_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        NBLogCountRatio().fit(X, np.array(y))


def test_log_count_ratio_refuses_other_width_and_unfitted():
    with pytest.raises(ValueError, match="not fitted"):
        NBLogCountRatio().transform(np.ones((1, 2)))
    nb = NBLogCountRatio().fit(np.eye(2), np.array([1, 0]))
    with pytest.raises(ValueError, match="same vectorizer"):
        nb.transform(np.ones((1, 3)))


def test_hashed_ngrams_are_binary_and_use_the_book_tokenizer():
    X = hashed_ngrams((1, 2), n_features=2**16).transform(["Great great<br />GREAT film", "don't"])
    assert set(np.unique(X.data)) == {1.0}
    assert X[0].nnz == 4  # great, film, "great great", "great film"
    assert X[1].nnz == 1  # "don't" stays one word


@pytest.mark.parametrize("build", [lambda: tfidf_logreg((1, 1), C=10.0, min_df=1),
                                   lambda: tfidf_logreg((1, 2), C=10.0, min_df=1),
                                   lambda: nb_logreg((1, 3), C=10.0, n_features=2**16)])
def test_pipelines_learn_the_toy_reviews(build):
    model = build().fit(TEXTS, LABELS)
    assert np.mean(model.predict(TEXTS) == LABELS) == 1.0
    logits = positive_logit(model, ["great, loved it", "awful and dull"])
    assert logits[0] > 0 > logits[1]
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), model.predict_proba(["great, loved it",
                                                                               "awful and dull"])[:, 1])


def test_choose_on_validation_never_sees_other_data_and_picks_the_best():
    # one hash bucket: every review looks the same, so that candidate cannot separate the classes
    model, best, choices = choose_on_validation(lambda n_features: nb_logreg((1, 1), C=10.0, n_features=n_features),
                                         [{"n_features": 1}, {"n_features": 2**12}], TEXTS, LABELS,
                                         ["great, loved it", "dull and awful"], [1, 0])
    assert best.params == {"n_features": 2**12} and model.named_steps["features"].n_features == 2**12
    assert [c.params for c in choices] == [{"n_features": 1}, {"n_features": 2**12}]
    assert choices[0].val_accuracy == 0.5
    assert choices[1].val_accuracy == 1.0 and choices[1].seconds > 0
    with pytest.raises(ValueError, match="grid is empty"):
        choose_on_validation(nb_logreg, [], TEXTS, LABELS, TEXTS, LABELS)


def test_hashing_then_head_is_the_whole_pipeline():
    hasher = hashed_ngrams((1, 2), n_features=2**12)
    head = nb_head(C=1.0).fit(hasher.transform(TEXTS), LABELS)
    whole = nb_logreg((1, 2), C=1.0, n_features=2**12).fit(TEXTS, LABELS)
    np.testing.assert_allclose(head.decision_function(hasher.transform(["great", "dull"])),
                               positive_logit(whole, ["great", "dull"]))


def test_choose_nb_on_validation_gives_what_refitting_every_candidate_gives():
    val_texts, y_val = ["great, loved it", "dull and awful", "a moving story", "boring mess", "great fun",
                        "awful, hated it"], [1, 0, 1, 0, 1, 0]
    ranges, Cs = [(1, 1), (1, 2)], [0.001, 10.0]
    model, best, choices = choose_nb_on_validation(TEXTS, LABELS, val_texts, y_val, ranges, Cs, n_features=2**12)
    grid = [{"ngram_range": r, "C": C} for r in ranges for C in Cs]
    ref_model, ref_best, ref_choices = choose_on_validation(
        lambda ngram_range, C: nb_logreg(ngram_range, C=C, n_features=2**12), grid, TEXTS, LABELS, val_texts, y_val)
    assert [c.params for c in choices] == grid
    assert [c.val_accuracy for c in choices] == [c.val_accuracy for c in ref_choices]
    assert best.params == ref_best.params and all(c.seconds > 0 for c in choices)
    # the returned model is the chosen candidate (on ties, the first one)
    assert model.named_steps["model"].C == best.params["C"]
    assert model.named_steps["features"].ngram_range == best.params["ngram_range"]
    assert best.val_accuracy == max(c.val_accuracy for c in choices)
    np.testing.assert_allclose(positive_logit(model, val_texts), positive_logit(ref_model, val_texts))
    with pytest.raises(ValueError, match="at least one value"):
        choose_nb_on_validation(TEXTS, LABELS, val_texts, y_val, ngram_ranges=[], Cs=[0.1])
