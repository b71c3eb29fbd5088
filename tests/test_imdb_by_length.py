import numpy as np
import pytest

from bilstm_helpers.imdb.by_length import accuracy_by_length, format_length_table, length_edges


def test_length_edges_cut_equal_groups():
    edges = length_edges(np.arange(1, 101), n_groups=4)
    assert edges[0] == 1 and edges[-1] == 100 and len(edges) == 5
    group_sizes = np.histogram(np.arange(1, 101), bins=edges)[0]
    assert group_sizes.tolist() == [25, 25, 25, 25]


def test_accuracy_by_length_scores_each_group_for_each_seed():
    lengths = np.array([10, 20, 30, 40])
    labels = np.array([1, 1, 0, 0])
    right = np.array([0.9, 0.9, 0.1, 0.1])  # every review right
    short_wrong = np.array([0.1, 0.9, 0.1, 0.1])  # the shortest review wrong
    table = accuracy_by_length([right, short_wrong], labels, lengths, edges=[10, 25, 40])
    assert table["bins_words"] == ["10-25", "25-40"]
    assert table["mean"] == [0.75, 1.0] and table["min"] == [0.5, 1.0] and table["max"] == [1.0, 1.0]
    assert "0.750 (0.500-1.000)" in format_length_table({"model": table})


def test_the_longest_review_belongs_to_the_last_group():
    table = accuracy_by_length([np.array([0.9, 0.1])], np.array([1, 1]), np.array([5, 50]), edges=[5, 20, 50])
    assert table["mean"] == [1.0, 0.0]


@pytest.mark.parametrize("kwargs, message", [
    ({"edges": [10, 10, 40]}, "edges must increase"),
    ({"edges": [100, 200, 300]}, "without reviews"),
    ({"labels": np.array([1, 0])}, "same"),
])
def test_accuracy_by_length_refuses_bad_input(kwargs, message):
    args = {"probabilities": [np.full(4, 0.9)], "labels": np.array([1, 1, 0, 0]),
            "lengths": np.array([10, 20, 30, 40]), "edges": [10, 25, 40]}
    with pytest.raises(ValueError, match=message):
        accuracy_by_length(**{**args, **kwargs})
