"""One seeded run of chapter 11's tagging experiment (PyTorch).

:func:`train_tagger` is the procedure every tagger of the chapter goes
through, so that forward, backward, BiLSTM and BiLSTM-CRF runs differ only in
the model: seed, build, train with Adam on length-grouped batches for at most
``epochs`` epochs, keep the epoch of lowest development loss, then score the
development and the test split once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from bilstm_helpers.runtime import seed_everything
from bilstm_helpers.tagging.encoding import Vocabulary
from bilstm_helpers.tagging.models import Tagger, one_way_hidden_size, token_loss
from bilstm_helpers.tagging.training import CRFTagger, SentenceBatches, predict_tags, word_accuracy
from bilstm_helpers.tagging.treebank import UPOS_TAGS, TaggedSentence
from bilstm_helpers.torch.training import fit

SETTING_NAMES = ("embedding_dim", "char_filters", "hidden_size", "dropout", "word_dropout",
                 "learning_rate", "batch_size", "epochs")


@dataclass
class TaggingSplits:
    """The three splits and the training vocabularies, encoded once for every run.

    Attributes:
        train: (n_train,) tagged sentences the models learn from.
        dev: (n_dev,) tagged sentences that choose the epoch.
        test: (n_test,) tagged sentences, scored once per run.
        words: the word vocabulary the models read (built on ``train``).
        chars: the character vocabulary (built on ``train``).
        known: every training word, for the seen / unseen word scores.
        dev_batches: ``dev`` in unshuffled batches of 256 sentences, built here.
        test_batches: ``test`` in unshuffled batches of 256 sentences, built here.
    """

    train: Sequence[TaggedSentence]
    dev: Sequence[TaggedSentence]
    test: Sequence[TaggedSentence]
    words: Vocabulary
    chars: Vocabulary
    known: Vocabulary
    dev_batches: SentenceBatches = field(init=False, repr=False)
    test_batches: SentenceBatches = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.dev_batches = SentenceBatches(self.dev, self.words, self.chars, batch_size=256)
        self.test_batches = SentenceBatches(self.test, self.words, self.chars, batch_size=256)


def train_tagger(direction: str, seed: int, splits: TaggingSplits, settings: Mapping[str, Any],
                 crf: bool = False) -> tuple[nn.Module, dict[str, Any]]:
    """Train one tagger with the chapter's procedure and score it once.

    Args:
        direction: 'forward', 'backward' or 'both'. A one-way tagger gets the
            units that give it about the BiLSTM's parameters
            (:func:`~bilstm_helpers.tagging.models.one_way_hidden_size`).
        seed: seeds the weights, dropout and the batch order.
        splits: the data, from :class:`TaggingSplits`.
        settings: ``embedding_dim``, ``char_filters``, ``hidden_size`` (per
            direction of the BiLSTM), ``dropout``, ``word_dropout``,
            ``learning_rate``, ``batch_size``, ``epochs``.
        crf: put a linear-chain CRF on the tag scores (trained on its likelihood).

    Returns:
        (model with the kept weights, record): the record holds ``direction``,
        ``crf``, ``seed``, ``hidden_size``, ``parameters``, ``best_epoch``,
        ``training_seconds``, ``dev`` and ``test`` (:func:`word_accuracy`
        dicts) and ``test_tags`` (the predicted tags, one list per sentence).

    Raises:
        ValueError: a setting is missing.
    """
    missing = [name for name in SETTING_NAMES if name not in settings]
    if missing:
        raise ValueError(f"settings lacks {missing}; train_tagger needs {list(SETTING_NAMES)}.")
    input_size = settings["embedding_dim"] + settings["char_filters"]
    hidden = settings["hidden_size"] if direction == "both" else one_way_hidden_size(
        input_size, settings["hidden_size"], len(UPOS_TAGS))
    seed_everything(seed)
    model: nn.Module = Tagger(len(splits.words), len(UPOS_TAGS), settings["embedding_dim"], hidden, direction,
                              num_chars=len(splits.chars), char_filters=settings["char_filters"],
                              dropout=settings["dropout"], word_dropout=settings["word_dropout"])
    if crf:
        model = CRFTagger(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings["learning_rate"])
    batches = SentenceBatches(splits.train, splits.words, splits.chars, settings["batch_size"],
                              shuffle=True, seed=seed)
    start = time.perf_counter()
    history = fit(model, batches, model.loss if crf else token_loss, optimizer, epochs=settings["epochs"],
                  valid_batches=splits.dev_batches, restore_best=True, progress=False)
    seconds = time.perf_counter() - start
    dev_tags, test_tags = predict_tags(model, splits.dev_batches), predict_tags(model, splits.test_batches)
    return model, {"direction": direction, "crf": crf, "seed": seed, "hidden_size": hidden,
                   "parameters": sum(p.numel() for p in model.parameters()), "best_epoch": history["best_epoch"],
                   "training_seconds": seconds, "dev": word_accuracy(splits.dev, dev_tags, splits.known),
                   "test": word_accuracy(splits.test, test_tags, splits.known), "test_tags": test_tags}
