"""tools/results_last.py: the results page is read, and so executed, after every other page."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("results_last", ROOT / "tools" / "results_last.py")
results_last = importlib.util.module_from_spec(spec)
spec.loader.exec_module(results_last)


def test_results_page_moves_to_the_end_in_place() -> None:
    docnames = sorted(["book/intro", "notebooks/01_lstm_gates", "notebooks/99_results", "notebooks/A1_porting"])
    assert docnames.index("notebooks/99_results") < docnames.index("notebooks/A1_porting")  # Sphinx's order
    results_last.read_results_page_last(None, None, docnames)
    assert docnames == ["book/intro", "notebooks/01_lstm_gates", "notebooks/A1_porting", "notebooks/99_results"]


def test_other_reading_orders_unchanged() -> None:
    docnames = ["book/intro", "notebooks/A1_porting"]
    results_last.read_results_page_last(None, None, docnames)
    assert docnames == ["book/intro", "notebooks/A1_porting"]


def test_enabled_in_the_book_config() -> None:
    sphinx = yaml.safe_load((ROOT / "_config.yml").read_text()).get("sphinx", {})
    assert sphinx.get("local_extensions", {}).get("results_last") == "tools/", (
        "_config.yml must load tools/results_last.py (sphinx: local_extensions: results_last: tools/), "
        "or the results page runs before notebooks/A1_porting and shows its previous run")
