"""The committed figures of book/figures are what the package draws today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_figures", ROOT / "tools" / "make_figures.py")
make_figures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_figures)


def test_committed_figures_match_the_drawing_code() -> None:
    assert make_figures.stale() == [], "run `make figures` and commit book/figures"


def test_a_changed_figure_is_reported(monkeypatch, tmp_path) -> None:
    (tmp_path / "book" / "figures").mkdir(parents=True)
    (tmp_path / "book" / "figures" / "unrolled_bilstm.png").write_bytes(b"not the drawing")
    monkeypatch.setattr(make_figures, "ROOT", tmp_path)
    assert make_figures.stale() == ["unrolled_bilstm.png"]
