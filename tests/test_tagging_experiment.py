import pytest

from bilstm_helpers.tagging.encoding import char_vocabulary, word_vocabulary
from bilstm_helpers.tagging.experiment import TaggingSplits, train_tagger
from bilstm_helpers.tagging.models import one_way_hidden_size
from bilstm_helpers.tagging.training import CRFTagger
from bilstm_helpers.tagging.treebank import UPOS_TAGS
from tests.test_tagging_training import sentences

SETTINGS = {"embedding_dim": 8, "char_filters": 4, "hidden_size": 6, "dropout": 0.0, "word_dropout": 0.0,
            "learning_rate": 0.01, "batch_size": 8, "epochs": 2}


@pytest.fixture(scope="module")
def splits():
    train, dev, test = sentences(40, seed=0), sentences(9, seed=1), sentences(7, seed=2)
    return TaggingSplits(train, dev, test, word_vocabulary(train), char_vocabulary(train), word_vocabulary(train))


def test_a_run_is_seeded_scored_once_per_split_and_keeps_its_best_epoch(splits):
    model, run = train_tagger("both", 3, splits, SETTINGS)
    again = train_tagger("both", 3, splits, SETTINGS)[1]
    assert run["test_tags"] == again["test_tags"] and run["dev"]["all"] == again["dev"]["all"]
    assert run["hidden_size"] == 6 and run["best_epoch"] in (1, 2) and run["seed"] == 3 and not run["crf"]
    assert run["parameters"] == sum(p.numel() for p in model.parameters())
    assert [len(tags) for tags in run["test_tags"]] == [len(s) for s in splits.test]
    assert run["test"]["words"] == sum(len(s) for s in splits.test) and 0 <= run["test"]["all"] <= 1


def test_one_way_taggers_get_the_bilstms_parameter_budget_and_crf_wraps_the_tagger(splits):
    _, forward = train_tagger("forward", 0, splits, {**SETTINGS, "epochs": 1})
    assert forward["hidden_size"] == one_way_hidden_size(12, 6, len(UPOS_TAGS))
    model, crf = train_tagger("both", 0, splits, {**SETTINGS, "epochs": 1}, crf=True)
    assert isinstance(model, CRFTagger) and crf["crf"]


def test_missing_settings_are_named(splits):
    with pytest.raises(ValueError, match=r"settings lacks \['word_dropout'\]"):
        train_tagger("both", 0, splits, {k: v for k, v in SETTINGS.items() if k != "word_dropout"})
