"""Two sentiment classifiers side by side: where their errors overlap, how well
calibrated they are, how to combine them, and where they disagree.

Everything here works on NumPy arrays of labels (n,) in {0, 1} and
probabilities or logits (n,) of a positive review, so it serves any pair of
models (here the BiLSTM and the NB-weighted logistic regression of
:mod:`~bilstm_helpers.imdb.baselines`). Combination weights and stacking
models are chosen on a validation split, never on test data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def _check(y: Any, *scores: Any) -> tuple[np.ndarray, ...]:
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, (0, 1)).all():
        raise ValueError(f"y must be (n,) labels 0/1, got shape {y.shape}; 1 = positive review.")
    arrays = tuple(np.asarray(s, dtype=float) for s in scores)
    for a in arrays:
        if a.shape != y.shape:
            raise ValueError(f"scores must have the labels' shape {y.shape}, got {a.shape}; "
                             "give one probability or logit per review, in the same order.")
        if not np.all(np.isfinite(a)):
            raise ValueError("scores contain NaN or infinite values; clip probabilities with "
                             "to_logit(p) before combining.")
    return (y, *arrays)


def to_logit(p: Any, eps: float = 1e-6) -> np.ndarray:
    """(n,) probabilities -> (n,) log-odds ``log(p / (1 - p))``, p clipped to [eps, 1 - eps]."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.log(p) - np.log1p(-p)


def error_overlap(y: Any, p_a: Any, p_b: Any) -> dict[str, float]:
    """How far the errors of two classifiers overlap.

    Args:
        y: (n,) labels 0/1; p_a, p_b: (n,) probabilities of a positive review.

    Returns:
        shares of the n reviews: ``both_right``, ``only_a_right``,
        ``only_b_right``, ``both_wrong``; ``oracle_accuracy`` (right if either
        is right: the ceiling of any combination that picks one of the two
        answers); ``errors_shared_by_a`` (of a's errors, the share b makes
        too); ``disagreement`` (they answer differently); ``logit_correlation``
        (Pearson, of the two log-odds).
    """
    y, p_a, p_b = _check(y, p_a, p_b)
    right_a, right_b = (p_a > 0.5) == (y == 1), (p_b > 0.5) == (y == 1)
    return {"both_right": float(np.mean(right_a & right_b)),
            "only_a_right": float(np.mean(right_a & ~right_b)),
            "only_b_right": float(np.mean(~right_a & right_b)),
            "both_wrong": float(np.mean(~right_a & ~right_b)),
            "oracle_accuracy": float(np.mean(right_a | right_b)),
            "errors_shared_by_a": float(np.sum(~right_a & ~right_b) / max(1, np.sum(~right_a))),
            "disagreement": float(np.mean(right_a != right_b)),
            "logit_correlation": float(np.corrcoef(to_logit(p_a), to_logit(p_b))[0, 1])}


def calibration_error(y: Any, p: Any, bins: int = 10) -> float:
    """Expected calibration error: over ``bins`` equal-width bins of the
    confidence ``max(p, 1 - p)``, the mean ``|accuracy - confidence|`` weighted
    by the share of reviews in each bin. 0 = perfectly calibrated.

    Args:
        y: (n,) labels 0/1; p: (n,) probabilities of a positive review.
    """
    y, p = _check(y, p)
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}; e.g. bins=10.")
    confidence = np.maximum(p, 1 - p)
    right = (p > 0.5) == (y == 1)
    which = np.minimum(((confidence - 0.5) * 2 * bins).astype(int), bins - 1)
    return float(sum(abs(right[which == b].mean() - confidence[which == b].mean()) * np.mean(which == b)
                     for b in range(bins) if np.any(which == b)))


def choose_weight(y_val: Any, logit_a_val: Any, logit_b_val: Any,
                  weights: Sequence[float] = tuple(np.linspace(0, 1, 21))) -> tuple[float, np.ndarray]:
    """The weight w of ``w * logit_a + (1 - w) * logit_b`` with the best validation accuracy.

    Args:
        y_val: (n,) labels; logit_a_val, logit_b_val: (n,) log-odds on validation.
        weights: candidates in [0, 1]; on ties the one closest to 0.5 wins.

    Returns:
        w: the chosen weight of model a; accuracies: (len(weights),) on validation.
    """
    y, a, b = _check(y_val, logit_a_val, logit_b_val)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 1 or len(weights) == 0 or weights.min() < 0 or weights.max() > 1:
        raise ValueError(f"weights must be a non-empty list in [0, 1], got {weights.tolist()}.")
    accuracies = np.array([np.mean(((w * a + (1 - w) * b) > 0) == (y == 1)) for w in weights])
    best = np.flatnonzero(accuracies == accuracies.max())
    return float(weights[best[np.argmin(abs(weights[best] - 0.5))]]), accuracies


def stacking_features(logits: Sequence[Any], lengths: Any | None = None) -> np.ndarray:
    """Columns for a stacking model: each model's logit, and, given review
    lengths (n,) in words, ``log(length)`` and its products with each logit
    (so that the weight of a model may change with the length of the review).

    Returns:
        (n, k) float, k = len(logits) without lengths, 2 * len(logits) + 1 with them.
    """
    columns = [np.asarray(z, dtype=float) for z in logits]
    if lengths is not None:
        log_length = np.log(np.maximum(np.asarray(lengths, dtype=float), 1.0))
        log_length = log_length - 5.0  # centred near the median review (about 170 words)
        columns += [log_length] + [z * log_length for z in columns]
    if len({c.shape for c in columns}) != 1 or columns[0].ndim != 1:
        raise ValueError(f"logits and lengths must all be (n,), got {[c.shape for c in columns]}.")
    return np.stack(columns, axis=1)


def stacking_cv_accuracy(features_val: Any, y_val: Any, folds: int = 5, C: float = 1.0,
                         seed: int = 0) -> float:
    """Accuracy of a logistic-regression stacker, estimated by ``folds``-fold
    cross-validation inside the validation split (each review is scored by a
    stacker that did not see it).

    Args:
        features_val: (n, k) from :func:`stacking_features`; y_val: (n,) labels.
    """
    features_val, y_val = np.asarray(features_val, dtype=float), np.asarray(y_val)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(LogisticRegression(C=C, max_iter=1000), features_val, y_val, cv=splitter)
    return float(np.mean(predicted == y_val))


def fit_stacker(features_val: Any, y_val: Any, C: float = 1.0) -> LogisticRegression:
    """A logistic regression on the stacking features (n, k) of the validation split."""
    return LogisticRegression(C=C, max_iter=1000).fit(np.asarray(features_val, dtype=float), np.asarray(y_val))


_SHIFTERS = ("not", "no", "never", "n't", "but", "although", "though", "however", "yet")


def shifter_near_sentiment(texts: Sequence[str], sentiment_words: set[str], window: int = 3,
                           shifters: Sequence[str] = _SHIFTERS) -> np.ndarray:
    """Which reviews hold a negation or contrast word within ``window`` words
    before a sentiment word ("not good", "but the acting", "although I liked").

    Args:
        texts: (n,) raw reviews (tokenized with the book's tokenizer).
        sentiment_words: the words that count as carrying sentiment.
        window: how many words after a shifter are looked at.
        shifters: the negation and contrast words; a word ending in "n't"
            ("didn't") counts as "n't".

    Returns:
        (n,) bool.
    """
    from bilstm_helpers.imdb.vectorize import tokenize

    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}; e.g. window=3.")
    shifters = set(shifters)
    found = np.zeros(len(texts), dtype=bool)
    for row, text in enumerate(texts):
        words = tokenize(text)
        for i, word in enumerate(words):
            if word in shifters or ("n't" in shifters and word.endswith("n't")):
                if sentiment_words.intersection(words[i + 1:i + 1 + window]):
                    found[row] = True
                    break
    return found


def most_confident_wrong(y: Any, p: Any, k: int = 3) -> np.ndarray:
    """Indices of the k wrong answers made with the highest confidence ``max(p, 1 - p)``.

    Args:
        y: (n,) labels 0/1; p: (n,) probabilities of a positive review.

    Returns:
        (min(k, errors),) int indices, most confident first.
    """
    y, p = _check(y, p)
    wrong = np.flatnonzero((p > 0.5) != (y == 1))
    confidence = np.maximum(p, 1 - p)[wrong]
    return wrong[np.argsort(-confidence, kind="stable")[:k]]


def first_words(text: str, n: int = 40) -> str:
    """The first n words of a review, ``<br />`` removed, for printing."""
    words = re.sub(r"<br\s*/?>", " ", text).split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
