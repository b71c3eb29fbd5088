"""The n-gram linear baselines a practitioner tries first on IMDB (scikit-learn).

Three pipelines, each text -> sparse features -> logistic regression:

- :func:`tfidf_logreg` with ``ngram_range=(1, 1)``: TF-IDF weighted words;
- the same with ``ngram_range=(1, 2)``: words and word pairs;
- :func:`nb_logreg`: binary n-grams scaled by the naive-Bayes log-count ratio
  :math:`r = \\log\\frac{(\\alpha + p) / \\lVert \\alpha + p\\rVert_1}{(\\alpha + q) / \\lVert \\alpha + q\\rVert_1}`
  (``p``, ``q``: how many positive and negative training reviews hold each
  n-gram), the NBSVM idea of Wang and Manning (2012) with a logistic
  regression in place of the SVM.

Every pipeline reads raw reviews and tokenizes them with the book's own
:func:`~bilstm_helpers.imdb.vectorize.tokenize` (``<br />`` removed, lower
case, apostrophes kept), so the linear models and the BiLSTM see the same words.
:func:`nb_logreg` hashes its n-grams (``HashingVectorizer``) instead of
building a vocabulary: a binary 1-3-gram ``CountVectorizer`` holds every
trigram of the training reviews in a dictionary before it can prune, which
costs about 1.7 GB of memory on IMDB; hashing keeps a fixed number of columns
and no dictionary at all. The logistic regressions use liblinear's dual
solver, which is the faster one when there are more features than reviews.
:func:`choose_on_validation` picks hyperparameters on
a validation split only; :func:`choose_nb_on_validation` does the same for
the NB-weighted model, hashing each split once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bilstm_helpers.imdb.vectorize import tokenize


def _check_labels(y: Any, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per row of X, got {y.shape}.")
    if not np.isin(y, (0, 1)).all() or len(np.unique(y)) < 2:
        raise ValueError(f"y must hold labels 0 and 1, both present, got values {np.unique(y)[:5].tolist()}; "
                         "use 1 = positive, 0 = negative.")
    return y


class NBLogCountRatio(TransformerMixin, BaseEstimator):
    """Scale each column of a non-negative feature matrix by its NB log-count ratio.

    ``fit(X, y)`` counts, for every feature j, ``p_j = alpha + sum of X[y == 1, j]``
    and ``q_j = alpha + sum of X[y == 0, j]``, and stores
    ``ratio_ = log(p / sum(p)) - log(q / sum(q))``, shape (n_features,).
    ``transform(X)`` returns ``X * ratio_`` (column-wise), sparse if X is.
    A feature seen mostly in positive reviews gets a large positive weight,
    one seen equally often in both classes a weight near 0.

    Args:
        alpha: the smoothing count added to every feature (Wang and Manning use 1).
    """

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X: Any, y: Any) -> NBLogCountRatio:
        """X: (n, n_features) non-negative counts or 0/1; y: (n,) labels 0/1."""
        if not self.alpha > 0:
            raise ValueError(f"alpha must be > 0, got {self.alpha}; e.g. alpha=1.0.")
        y = _check_labels(y, X.shape[0])
        if (X.data if sp.issparse(X) else np.asarray(X)).min(initial=0) < 0:
            raise ValueError("X has negative entries; give counts or binary features "
                             "(e.g. HashingVectorizer(binary=True, alternate_sign=False)).")
        p = self.alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = self.alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
        self.ratio_ = np.log(p / p.sum()) - np.log(q / q.sum())
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: Any) -> Any:
        """X: (n, n_features) -> (n, n_features), each column times its ratio."""
        if not hasattr(self, "ratio_"):
            raise ValueError("this NBLogCountRatio is not fitted yet; call fit(X, y) first.")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but the ratio was fitted on "
                             f"{self.n_features_in_}; use the same vectorizer for both.")
        if sp.issparse(X):
            return sp.csr_matrix(X.multiply(self.ratio_[None, :]), dtype=np.float64)
        return np.asarray(X) * self.ratio_[None, :]


def tfidf_logreg(ngram_range: tuple[int, int] = (1, 1), C: float = 4.0, min_df: int = 2) -> Pipeline:
    """Raw reviews -> TF-IDF n-grams (sublinear tf) -> logistic regression.

    Args:
        ngram_range: (1, 1) words only, (1, 2) words and word pairs.
        C: inverse strength of the L2 penalty of the logistic regression.
        min_df: drop n-grams seen in fewer training reviews.

    Returns:
        pipeline: an unfitted scikit-learn pipeline with the steps "features" and
        "model"; fit it on texts (n,) and labels (n,); its predict_proba(texts) gives (n, 2).
    """
    return Pipeline([
        ("features", TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                     ngram_range=ngram_range, min_df=min_df, sublinear_tf=True,
                                     dtype=np.float32)),
        ("model", LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000, random_state=0)),
    ])


def nb_head(C: float = 0.1, alpha: float = 1.0) -> Pipeline:
    """NB log-count ratio -> logistic regression, on binary features (n, n_features).

    The part of :func:`nb_logreg` after the (stateless) hashing, so that the
    features of a split can be computed once and reused for several C.
    """
    return Pipeline([("nb", NBLogCountRatio(alpha=alpha)),
                     ("model", LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000, random_state=0))])


def nb_logreg(ngram_range: tuple[int, int] = (1, 2), C: float = 0.1, n_features: int = 2**22,
              alpha: float = 1.0) -> Pipeline:
    """Raw reviews -> hashed binary n-grams -> NB log-count ratio -> logistic regression.

    Args:
        ngram_range: e.g. (1, 2) for NBSVM-bigram, (1, 3) with trigrams.
        C: inverse strength of the L2 penalty (liblinear).
        n_features: hash buckets (columns); two n-grams rarely share one at 2**22.
        alpha: smoothing count of :class:`~bilstm_helpers.imdb.baselines.NBLogCountRatio`.

    Returns:
        an unfitted ``Pipeline`` ("features", "nb", "model").
    """
    return Pipeline([("features", hashed_ngrams(ngram_range, n_features)), *nb_head(C, alpha).steps])


def hashed_ngrams(ngram_range: tuple[int, int] = (1, 2), n_features: int = 2**22) -> HashingVectorizer:
    """Binary n-gram indicators, hashed into ``n_features`` columns (stateless).

    ``transform(texts (n,))`` -> (n, n_features) sparse float32 of 0/1, with the
    book's tokenizer; no vocabulary is kept, so memory does not grow with the
    number of distinct n-grams.
    """
    return HashingVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                             ngram_range=ngram_range, n_features=n_features, binary=True,
                             norm=None, alternate_sign=False, dtype=np.float32)


@dataclass
class Choice:
    """One candidate of :func:`choose_on_validation`.

    Attributes:
        params: the keyword arguments given to the pipeline's builder.
        val_accuracy: accuracy on the validation split.
        seconds: fitting on the training split (features and model).
    """

    params: dict[str, Any]
    val_accuracy: float
    seconds: float


def choose_on_validation(build: Callable[..., Pipeline], grid: Sequence[dict[str, Any]],
                         train_texts: Sequence[str], y_train: Any, val_texts: Sequence[str],
                         y_val: Any) -> tuple[Pipeline, Choice, list[Choice]]:
    """Fit ``build(**params)`` on the training split for each params of ``grid``
    and score it on the validation split; the test split is never touched.

    Args:
        build: e.g. :func:`~bilstm_helpers.imdb.baselines.nb_logreg`.
        grid: candidate keyword arguments, e.g. ``[{"C": 0.1}, {"C": 1.0}]``.
        train_texts, y_train: (n_train,) raw reviews and labels 0/1.
        val_texts, y_val: (n_val,) the validation split.

    Returns:
        model: the candidate with the highest validation accuracy (the first
        one on ties), fitted on the training split only; best: its
        :class:`~bilstm_helpers.imdb.baselines.Choice`; choices: every candidate's.
    """
    if not grid:
        raise ValueError("grid is empty; give at least one dict of parameters, e.g. [{'C': 1.0}].")
    y_train = _check_labels(y_train, len(train_texts))
    y_val = np.asarray(y_val)
    choices, best_model = [], None
    for params in grid:
        start = time.perf_counter()
        model = build(**params).fit(train_texts, y_train)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(val_texts) == y_val))
        choices.append(Choice(dict(params), accuracy, seconds))
        if not choices[:-1] or accuracy > max(c.val_accuracy for c in choices[:-1]):
            best_model = model  # only the best so far is kept, so memory holds two models at most
    best = max(choices, key=lambda c: c.val_accuracy)  # max keeps the first of equal ones
    return best_model, best, choices


def choose_nb_on_validation(train_texts: Sequence[str], y_train: Any, val_texts: Sequence[str], y_val: Any,
                            ngram_ranges: Sequence[tuple[int, int]] = ((1, 2), (1, 3)),
                            Cs: Sequence[float] = (0.03, 0.1, 0.3, 1.0),
                            n_features: int = 2**22) -> tuple[Pipeline, Choice, list[Choice]]:
    """:func:`choose_on_validation` for :func:`nb_logreg`, hashing each split once per n-gram range.

    Hashing is stateless, so the features of the training and validation
    reviews are computed once per range and reused for every C; the result is
    the same as ``choose_on_validation(nb_logreg, grid, ...)`` over the grid
    ``ngram_ranges x Cs``, in a fraction of the time.

    Args:
        train_texts, y_train: (n_train,) raw reviews and labels 0/1.
        val_texts, y_val: (n_val,) the validation split.
        ngram_ranges, Cs: the candidates (every pair is tried).

    Returns:
        model: the best pipeline ("features", "nb", "model"), fitted on the
        training split only; best: its :class:`~bilstm_helpers.imdb.baselines.Choice`,
        whose params hold ``ngram_range`` and ``C`` and whose seconds count the
        hashing of the training reviews plus the fit; choices: every candidate's.
    """
    if not ngram_ranges or not Cs:
        raise ValueError("ngram_ranges and Cs must each hold at least one value, e.g. [(1, 2)] and [0.1].")
    y_train = _check_labels(y_train, len(train_texts))
    y_val = np.asarray(y_val)
    choices: list[Choice] = []
    best_model = None
    for ngram_range in ngram_ranges:
        hasher = hashed_ngrams(tuple(ngram_range), n_features)
        start = time.perf_counter()
        features_train = hasher.transform(train_texts)
        hash_seconds = time.perf_counter() - start
        features_val = hasher.transform(val_texts)
        for C in Cs:
            start = time.perf_counter()
            head = nb_head(C=C).fit(features_train, y_train)
            seconds = hash_seconds + time.perf_counter() - start
            accuracy = float(np.mean(head.predict(features_val) == y_val))
            choices.append(Choice({"ngram_range": tuple(ngram_range), "C": C}, accuracy, seconds))
            if best_model is None or accuracy > max(c.val_accuracy for c in choices[:-1]):
                best_model = Pipeline([("features", hasher), *head.steps])
        del features_train, features_val
    best = max(choices, key=lambda c: c.val_accuracy)  # max keeps the first of equal ones
    return best_model, best, choices


def positive_logit(model: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """(n,) the logistic regression's log-odds of a positive review
    (``decision_function``; its sigmoid is ``predict_proba(texts)[:, 1]``)."""
    return np.asarray(model.decision_function(texts), dtype=float)
