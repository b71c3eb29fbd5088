import pytest

torch = pytest.importorskip("torch")

from bilstm_helpers.tagging.models import CharCNN, Tagger, one_way_hidden_size, token_loss  # noqa: E402


def batch(seed=0):
    generator = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([5, 2, 3])
    word_ids = torch.randint(2, 20, (3, 5), generator=generator)
    char_ids = torch.randint(1, 10, (3, 5, 4), generator=generator)
    steps = torch.arange(5)[None, :]
    word_ids = torch.where(steps < lengths[:, None], word_ids, 0)
    char_ids = torch.where((steps < lengths[:, None])[..., None], char_ids, 0)
    return word_ids, char_ids, lengths


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_each_sentence_is_tagged_as_if_it_were_alone(direction):
    torch.manual_seed(0)
    model = Tagger(20, 17, embedding_dim=8, hidden_size=6, direction=direction, num_chars=10,
                   char_filters=5).eval()
    word_ids, char_ids, lengths = batch()
    scores = model(word_ids, char_ids, lengths)
    assert scores.shape == (3, 5, 17)
    for b, n in enumerate(lengths.tolist()):
        alone = model(word_ids[b:b + 1, :n], char_ids[b:b + 1, :n], lengths[b:b + 1])
        torch.testing.assert_close(scores[b:b + 1, :n], alone)
        assert scores[b, n:].abs().sum() == 0


def test_the_forward_tagger_does_not_see_later_words_and_the_backward_one_does():
    torch.manual_seed(0)
    word_ids, char_ids, lengths = batch()
    changed = word_ids.clone()
    changed[0, 4] = 3 if word_ids[0, 4] != 3 else 4  # change the last word of sentence 0
    for direction, earlier_changes in [("forward", False), ("backward", True), ("both", True)]:
        model = Tagger(20, 17, embedding_dim=8, hidden_size=6, direction=direction).eval()
        before, after = model(word_ids, char_ids, lengths), model(changed, char_ids, lengths)
        assert bool((before[0, :4] != after[0, :4]).any()) == earlier_changes, direction


def test_char_cnn_ignores_padding_characters():
    torch.manual_seed(0)
    cnn = CharCNN(10, char_dim=4, filters=3).eval()
    short = torch.tensor([[[4, 5, 0, 0]]])
    longer_pad = torch.tensor([[[4, 5, 0, 0, 0, 0]]])
    torch.testing.assert_close(cnn(short), cnn(longer_pad))
    assert cnn(torch.zeros(1, 1, 4, dtype=torch.long)).abs().sum() == 0


def test_one_way_hidden_size_matches_the_bilstm_parameter_count():
    bi = Tagger(100, 17, embedding_dim=64, hidden_size=64, direction="both")
    h = one_way_hidden_size(64, 64, 17)
    one = Tagger(100, 17, embedding_dim=64, hidden_size=h, direction="forward")
    count = lambda m: sum(p.numel() for p in list(m.lstm.parameters()) + list(m.head.parameters()))  # noqa: E731
    assert abs(count(one) - count(bi)) / count(bi) < 0.01
    assert h > 64


def test_token_loss_leaves_padding_out():
    scores = torch.randn(2, 3, 4)
    tags = torch.tensor([[1, 2, -1], [0, -1, -1]])
    expected = torch.nn.functional.cross_entropy(scores[[0, 0, 1], [0, 1, 0]], torch.tensor([1, 2, 0]))
    torch.testing.assert_close(token_loss(scores, tags), expected)
    with pytest.raises(ValueError, match="direction must be"):
        Tagger(10, 3, direction="sideways")
