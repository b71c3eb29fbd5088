import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("keras")

from bilstm_helpers.tagging.keras_tagger import copy_torch_tagger, real_step_gap  # noqa: E402
from bilstm_helpers.tagging.models import Tagger  # noqa: E402


def test_keras_tagger_with_the_torch_weights_gives_the_same_scores_at_real_steps():
    torch.manual_seed(0)
    tagger = Tagger(30, 17, embedding_dim=8, hidden_size=6).eval()
    lengths = torch.tensor([7, 3, 5])
    word_ids = torch.randint(2, 30, (3, 7))
    word_ids = torch.where(torch.arange(7)[None] < lengths[:, None], word_ids, 0)
    torch_scores = tagger(word_ids, torch.zeros(3, 7, 1, dtype=torch.int64), lengths).detach().numpy()
    keras_scores = np.asarray(copy_torch_tagger(tagger)(word_ids.numpy().astype("int32")))
    assert real_step_gap(keras_scores, torch_scores, lengths.numpy()) < 1e-5
    # without the mask the backward direction would read the padding first: the scores would differ
    shifted = np.asarray(copy_torch_tagger(tagger)(np.where(word_ids.numpy() == 0, 5, word_ids.numpy())))
    assert real_step_gap(shifted, torch_scores, lengths.numpy()) > 1e-3


def test_copy_refuses_taggers_it_cannot_copy():
    with pytest.raises(ValueError, match="word-only BiLSTM"):
        copy_torch_tagger(Tagger(30, 17, direction="forward"))
    with pytest.raises(ValueError, match="word-only BiLSTM"):
        copy_torch_tagger(Tagger(30, 17, num_chars=10))
