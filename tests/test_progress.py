import sys

import pytest

from bilstm_helpers import progress
from bilstm_helpers.progress import DisplayLine, progress_bar, progress_target


def test_no_bar_outside_a_terminal_or_kernel(monkeypatch, capsys):
    monkeypatch.delenv("BILSTM_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "in_jupyter_kernel", lambda: False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress_target() == "off"
    assert list(progress_bar(range(5), desc="x")) == [0, 1, 2, 3, 4]
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_environment_variable_turns_bars_off_even_in_a_kernel(monkeypatch):
    monkeypatch.setattr(progress, "in_jupyter_kernel", lambda: True)
    monkeypatch.setenv("BILSTM_PROGRESS", "0")
    assert progress_target() == "off"
    monkeypatch.setenv("BILSTM_PROGRESS", "")
    assert progress_target() == "jupyter"


class FakeHandle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, data, raw):
        self.shown.append(data["text/plain"])


def test_a_kernel_gets_one_display_output_updated_in_place(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    created, shown = [], []

    def fake_display(data, raw, display_id):
        created.append(data["text/plain"])
        shown.append(data["text/plain"])
        return FakeHandle(shown)

    monkeypatch.setattr(IPython.display, "display", fake_display)
    monkeypatch.delenv("BILSTM_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "in_jupyter_kernel", lambda: True)
    bar = progress_bar(range(300), desc="steps", mininterval=0)
    for _ in bar:
        pass
    assert len(created) == 1  # one output, redrawn: no stream of bars
    assert len(shown) > 2 and "300/300" in shown[-1]
    assert not any("\r" in line for line in shown)


def test_display_line_ignores_a_refresh_that_only_clears_the_line(monkeypatch):
    line = DisplayLine()
    updates = []
    line._handle = FakeHandle(updates)  # as after its first display
    line.write("\rstep 3")
    line.flush()
    line.write("\r" + " " * 10 + "\r")
    line.flush()
    assert updates == ["step 3"] and line.text == "step 3"
