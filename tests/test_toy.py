import numpy as np
import pytest

from bilstm_helpers.toy import (
    accuracy_table,
    batch_stream,
    compare_directions,
    cumulative_sum_sequences,
    label_steps,
    make_sequences,
    train_on_task,
)


def test_cumulative_sum_labels_follow_the_running_sum():
    x = np.array([[0.9, 0.9, 0.9, 0.1]])  # n = 4, threshold 1.0
    np.testing.assert_array_equal(label_steps(x, "past"), [[0, 1, 1, 1]])
    np.testing.assert_array_equal(label_steps(x, "future"), [[1, 1, 0, 0]])
    # sum up to t > sum after t: 0.9 < 1.9, 1.8 > 1.0, ...
    np.testing.assert_array_equal(label_steps(x, "both"), [[0, 1, 1, 1]])


def test_shapes_seeding_and_any_length():
    x, y = cumulative_sum_sequences(5, length=17, seed=3)
    assert x.shape == (5, 17, 1) and y.shape == (5, 17)
    x2, _ = cumulative_sum_sequences(5, length=17, seed=3)
    np.testing.assert_array_equal(x, x2)
    assert np.all((x >= 0) & (x < 1))
    np.testing.assert_array_equal(y, (np.cumsum(x[..., 0], axis=1) > 17 / 4))


def test_labels_are_monotone_in_time():
    _, y_past = make_sequences(200, 10, "past", seed=0)
    _, y_future = make_sequences(200, 10, "future", seed=0)
    assert np.all(np.diff(y_past, axis=1) >= 0)
    assert np.all(np.diff(y_future, axis=1) <= 0)


def test_stream_yields_fresh_batches():
    stream = batch_stream(4, 6, "both", seed=1)
    (x1, _), (x2, _) = next(stream), next(stream)
    assert x1.shape == (4, 6, 1) and not np.array_equal(x1, x2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown task"):
        label_steps(np.zeros((1, 3)), "middle")
    with pytest.raises(ValueError, match="one feature"):
        label_steps(np.zeros((1, 3, 2)), "past")
    with pytest.raises(ValueError, match="n_sequences >= 1"):
        make_sequences(0)


def test_position_baseline_predicts_the_majority_label_of_each_step():
    from bilstm_helpers.toy import position_baseline_accuracy, position_rates

    y_train = np.array([[0, 1, 1], [0, 0, 1], [1, 0, 1], [0, 1, 0]])  # rates .25 .5 .75
    np.testing.assert_allclose(position_rates(y_train), [0.25, 0.5, 0.75])
    # predicts 0, 0 (a tie is not > .5), 1 at every sequence
    y_test = np.array([[0, 0, 1], [1, 1, 0]])
    assert position_baseline_accuracy(y_train, y_test) == 3 / 6


def test_position_baseline_on_the_toy_tasks():
    from bilstm_helpers.toy import position_baseline_accuracy

    expected = {"past": 0.889, "future": 0.889, "both": 0.920}
    for task, value in expected.items():
        _, y_train = make_sequences(20_000, 10, task, seed=1)
        _, y_test = make_sequences(20_000, 10, task, seed=2)
        assert position_baseline_accuracy(y_train, y_test) == pytest.approx(value, abs=0.005), task


def test_position_baseline_bad_shapes():
    from bilstm_helpers.toy import position_baseline_accuracy

    with pytest.raises(ValueError, match="same length"):
        position_baseline_accuracy(np.zeros((4, 10)), np.zeros((4, 9)))
    with pytest.raises(ValueError, match="n_sequences >= 1"):
        position_baseline_accuracy(np.zeros((0, 10)), np.zeros((4, 10)))


def test_ragged_position_baseline_by_hand():
    from bilstm_helpers.toy import ragged_position_baseline_accuracy

    # training: length 3 sequences say 1 at step 0; length 2 sequences say 0 there
    y_train = np.array([[1, 0, 1], [1, 0, 1], [0, 1, -1]])
    lengths_train = np.array([3, 3, 2])
    y_test = np.array([[0, 1, -1], [1, 0, 0]])
    lengths_test = np.array([2, 3])
    # position only: step rates 2/3, 1/3, 1 -> predicts 1, 0, 1; right on 0+0, 1+1+0 of 5 real steps
    assert ragged_position_baseline_accuracy(y_train, lengths_train, y_test, lengths_test) == 2 / 5
    # by length: length 2 -> 0, 1; length 3 -> 1, 0, 1: every step right except the last one
    assert ragged_position_baseline_accuracy(y_train, lengths_train, y_test, lengths_test, by_length=True) == 4 / 5


def test_ragged_position_baseline_refuses_lengths_that_do_not_match_the_labels():
    from bilstm_helpers.toy import ragged_position_baseline_accuracy

    y = np.array([[1, 0, -1]])
    with pytest.raises(ValueError, match="lengths do not match"):
        ragged_position_baseline_accuracy(y, np.array([3]), y, np.array([2]))
    with pytest.raises(ValueError, match="one length per"):
        ragged_position_baseline_accuracy(y, np.array([2]), y[:, :2], np.array([2]))

def test_train_on_task_is_seeded_and_learns():
    first = train_on_task("past", "forward", seed=0, steps=150, hidden_size=6, test_sequences=200)
    again = train_on_task("past", "forward", seed=0, steps=150, hidden_size=6, test_sequences=200)
    np.testing.assert_array_equal(first.losses, again.losses)
    assert first.accuracy == again.accuracy
    assert first.losses[-10:].mean() < first.losses[:10].mean()
    assert first.accuracy > 0.8


def test_compare_directions_and_table():
    runs = compare_directions(["past"], ["forward", "backward"], [0, 1], steps=5, hidden_size=3,
                              test_sequences=50)
    assert [(r.direction, r.seed) for r in runs] == [("forward", 0), ("forward", 1),
                                                      ("backward", 0), ("backward", 1)]
    table = accuracy_table(runs)
    mean, sd = table[("past", "forward")]
    accs = [r.accuracy for r in runs if r.direction == "forward"]
    assert mean == pytest.approx(np.mean(accs)) and sd == pytest.approx(np.std(accs, ddof=1))


def test_compare_runs_uses_the_seed_statistics():
    from bilstm_helpers.toy import ToyRun, compare_runs

    runs = [ToyRun("t", "forward", seed, np.empty(0), acc) for seed, acc in enumerate([0.9, 0.92, 0.94])]
    runs += [ToyRun("t", "forward", seed, np.empty(0), acc, "wide") for seed, acc in enumerate([0.8, 0.84])]
    runs += [ToyRun("u", "forward", 0, np.empty(0), 0.1)]  # another task: ignored
    c = compare_runs(runs, "t", "forward", "wide")
    assert c.difference == pytest.approx(0.92 - 0.82)
    assert c.standard_error == pytest.approx(np.sqrt(0.02**2 / 3 + np.std([0.8, 0.84], ddof=1) ** 2 / 2))


def test_matched_hidden_size_equalises_parameters():
    from bilstm_helpers.toy import lstm_classifier_params, matched_hidden_size
    from bilstm_helpers.training import SequenceClassifier, leaves

    wide = matched_hidden_size(1, 20)
    assert wide == 29
    for direction, hidden_size in [("bidirectional", 20), ("forward", wide)]:
        model = SequenceClassifier(1, hidden_size, direction=direction)
        assert sum(p.size for p in leaves(model.params)) == lstm_classifier_params(1, hidden_size, direction)
    bi, one = lstm_classifier_params(1, 20, "bidirectional"), lstm_classifier_params(1, wide)
    assert abs(one - bi) / bi < 0.02
    # any neighbour is further away
    assert all(abs(lstm_classifier_params(1, h) - bi) > abs(one - bi) for h in (wide - 1, wide + 1))
    with pytest.raises(ValueError, match="hidden_size must be >= 1"):
        lstm_classifier_params(1, 0)


def test_named_runs_get_their_own_row_and_the_position_baseline():
    from bilstm_helpers.toy import position_baseline_run

    wide = train_on_task("past", "forward", seed=0, steps=3, hidden_size=4, test_sequences=20, name="wide")
    narrow = train_on_task("past", "forward", seed=0, steps=3, hidden_size=2, test_sequences=20)
    base = position_baseline_run("past", seed=0, steps=50, test_sequences=500)
    table = accuracy_table([wide, narrow, base])
    assert set(table) == {("past", "wide"), ("past", "forward"), ("past", "position only")}
    assert base.losses.size == 0 and 0.85 < base.accuracy < 0.93
