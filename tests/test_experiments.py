import numpy as np
import pytest

from bilstm_helpers.experiments import accuracy_table, compare_directions, train_on_task


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
    from bilstm_helpers.experiments import ToyRun, compare_runs

    runs = [ToyRun("t", "forward", seed, np.empty(0), acc) for seed, acc in enumerate([0.9, 0.92, 0.94])]
    runs += [ToyRun("t", "forward", seed, np.empty(0), acc, "wide") for seed, acc in enumerate([0.8, 0.84])]
    runs += [ToyRun("u", "forward", 0, np.empty(0), 0.1)]  # another task: ignored
    c = compare_runs(runs, "t", "forward", "wide")
    assert c.difference == pytest.approx(0.92 - 0.82)
    assert c.standard_error == pytest.approx(np.sqrt(0.02**2 / 3 + np.std([0.8, 0.84], ddof=1) ** 2 / 2))


def test_matched_hidden_size_equalises_parameters():
    from bilstm_helpers.experiments import lstm_classifier_params, matched_hidden_size
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
    from bilstm_helpers.experiments import position_baseline_run

    wide = train_on_task("past", "forward", seed=0, steps=3, hidden_size=4, test_sequences=20, name="wide")
    narrow = train_on_task("past", "forward", seed=0, steps=3, hidden_size=2, test_sequences=20)
    base = position_baseline_run("past", seed=0, steps=50, test_sequences=500)
    table = accuracy_table([wide, narrow, base])
    assert set(table) == {("past", "wide"), ("past", "forward"), ("past", "position only")}
    assert base.losses.size == 0 and 0.85 < base.accuracy < 0.93
