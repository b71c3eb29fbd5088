"""bilstm_helpers.excerpts: lines cut out of the package's source."""

import inspect

import pytest

from bilstm_helpers import lstm
from bilstm_helpers.excerpts import excerpt
from bilstm_helpers.training import Adam


def test_excerpt_runs_from_first_to_last_marker_dedented():
    text = excerpt(Adam.step, "m *= self.beta1", "p -= self.learning_rate")
    header, *body = text.splitlines()
    assert header.startswith("# bilstm_helpers.training.Adam.step, lines ")
    assert body[0] == "m *= self.beta1" and body[-1].startswith("p -= self.learning_rate")
    assert len(body) == 5


def test_line_numbers_are_those_of_the_module():
    text = excerpt(lstm.lstm_backward, "dc *= f_carry[t]")
    number = int(text.splitlines()[0].rsplit(" ", 1)[1].split("-")[0])
    module_lines = inspect.getsource(lstm).splitlines()
    assert "dc *= f_carry[t]" in module_lines[number - 1]
    assert len(text.splitlines()) == 2


def test_missing_markers_fail_loudly():
    with pytest.raises(ValueError, match="not in the source of Adam.step"):
        excerpt(Adam.step, "no such line")
    with pytest.raises(ValueError, match="does not follow"):
        excerpt(Adam.step, "p -= self.learning_rate", "m *= self.beta1")
