import itertools

import pytest

torch = pytest.importorskip("torch")

from bilstm_helpers.tagging.crf import LinearChainCRF  # noqa: E402


def random_crf(num_tags, seed):
    torch.manual_seed(seed)
    crf = LinearChainCRF(num_tags).double()
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    return crf


def brute_force(crf, emissions, length):
    """Every tag sequence of one sentence: (scores of all paths, the paths)."""
    paths = list(itertools.product(range(crf.num_tags), repeat=length))
    tags = torch.tensor(paths)
    e = emissions[None, :length].expand(len(paths), -1, -1)
    scores = crf.score(e, tags, torch.full((len(paths),), length))
    return scores, paths


@pytest.mark.parametrize("num_tags,time", [(1, 3), (2, 1), (3, 4), (4, 3)])
def test_log_partition_and_viterbi_match_enumerating_every_path(num_tags, time):
    crf = random_crf(num_tags, seed=num_tags * 10 + time)
    emissions = torch.randn(3, time, num_tags, dtype=torch.float64)
    lengths = torch.tensor([time, max(1, time - 1), 1])
    log_z = crf.log_partition(emissions, lengths)
    decoded = crf.decode(emissions, lengths)
    for b in range(3):
        scores, paths = brute_force(crf, emissions[b], int(lengths[b]))
        assert log_z[b].item() == pytest.approx(torch.logsumexp(scores, 0).item(), rel=1e-10)
        assert tuple(decoded[b]) == paths[int(scores.argmax())]


def test_score_of_a_path_by_hand():
    crf = random_crf(3, seed=0)
    emissions = torch.randn(1, 4, 3, dtype=torch.float64)
    tags = torch.tensor([[2, 0, 1, 2]])  # the last tag is padding: length 3
    expected = (crf.start[2] + emissions[0, 0, 2] + crf.transitions[2, 0] + emissions[0, 1, 0]
                + crf.transitions[0, 1] + emissions[0, 2, 1] + crf.end[1])
    assert crf.score(emissions, tags, torch.tensor([3])).item() == pytest.approx(expected.item())


def test_likelihood_is_a_probability_and_gradients_flow():
    crf = random_crf(3, seed=1)
    emissions = torch.randn(2, 3, 3, dtype=torch.float64, requires_grad=True)
    lengths = torch.tensor([3, 2])
    log_z = crf.log_partition(emissions[:1], lengths[:1])
    total = sum(torch.exp(crf.score(emissions[:1], torch.tensor([p]), lengths[:1]) - log_z)
                for p in itertools.product(range(3), repeat=3))
    assert total.item() == pytest.approx(1.0)
    loss = crf.neg_log_likelihood(emissions, torch.tensor([[0, 1, 2], [2, 2, 0]]), lengths)
    assert loss.item() > 0
    loss.backward()
    assert emissions.grad[1, 2].abs().sum() == 0  # the padded step gets no gradient
    assert crf.transitions.grad.abs().sum() > 0


def test_bad_shapes_are_refused():
    crf = LinearChainCRF(3)
    with pytest.raises(ValueError, match=r"emissions must be \(batch, time, 3\)"):
        crf.log_partition(torch.zeros(2, 4, 5), torch.tensor([4, 4]))
    with pytest.raises(ValueError, match="lengths must be"):
        crf.decode(torch.zeros(2, 4, 3), torch.tensor([5, 1]))
    with pytest.raises(ValueError, match="num_tags must be"):
        LinearChainCRF(0)
