"""tools/readme_table.py: the README's chapter table carries generated run times and peak memory."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("readme_table", ROOT / "tools" / "readme_table.py")
readme_table = importlib.util.module_from_spec(spec)
sys.modules["readme_table"] = readme_table
spec.loader.exec_module(readme_table)

RECORDS = {"quick_mode": False, "cpu_count": 2, "binder_limit_mb": 2048, "notebooks": [
    {"notebook": "01_a", "seconds": 1.8, "peak_memory_mb": 212.5},
    {"notebook": "02_b", "seconds": 546.4, "peak_memory_mb": 1649.0}]}
README = ("# Book\n\n<!-- chapter-table:start -->\n"
          "| # | notebook | what it shows |\n|---|---|---|\n"
          "| 2 | `notebooks/02_b.ipynb` | the second, with a `code` span |\n"
          "| 1 | `notebooks/01_a.ipynb` | the first |\n"
          "<!-- chapter-table:end -->\n\n## More\n")


def test_the_readme_is_current() -> None:
    """Fails after a chapter ran at full settings until `make readme` rewrote the table."""
    assert readme_table.main(["--check"]) == 0


def test_rows_keep_order_and_descriptions_and_get_the_measurements() -> None:
    new = readme_table.update(README, RECORDS, ["01_a", "02_b", "03_c"])
    rows = [line for line in new.splitlines() if line.startswith("| ") and "notebooks/" in line]
    assert rows == ["| 2 | `notebooks/02_b.ipynb` | the second, with a `code` span | 9.1 min | 1649 MB |",
                    "| 1 | `notebooks/01_a.ipynb` | the first | 2 s | 212 MB |",
                    "| 3 | `notebooks/03_c.ipynb` |  | not measured | not measured |"]
    assert new.startswith("# Book\n\n<!-- chapter-table:start -->\n")
    assert new.endswith("<!-- chapter-table:end -->\n\n## More\n")
    assert "on 2 CPU cores" in new and "2048 MB" in new
    assert readme_table.update(new, RECORDS, ["01_a", "02_b", "03_c"]) == new  # idempotent


def test_a_changed_measurement_changes_the_table() -> None:
    old = readme_table.update(README, RECORDS, ["01_a", "02_b"])
    slower = json.loads(json.dumps(RECORDS))
    slower["notebooks"][0]["seconds"] = 75.0
    assert "| 1.2 min |" in readme_table.update(old, slower, ["01_a", "02_b"])


def test_quick_mode_records_and_missing_markers_are_refused() -> None:
    with pytest.raises(ValueError, match="full settings"):
        readme_table.update(README, {**RECORDS, "quick_mode": True}, ["01_a"])
    with pytest.raises(ValueError, match="chapter-table:start"):
        readme_table.update(README.replace("<!-- chapter-table:end -->", ""), RECORDS, ["01_a"])


def test_check_mode_exit_status(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "results").mkdir()
    for stem in ("01_a", "02_b", "99_results"):
        (tmp_path / "notebooks" / f"{stem}.ipynb").write_text("{}")
    (tmp_path / "results" / "notebook_memory.json").write_text(json.dumps(RECORDS))
    (tmp_path / "README.md").write_text(README)
    assert readme_table.main(["--check", "--root", str(tmp_path)]) == 1
    assert readme_table.main(["--root", str(tmp_path)]) == 0
    assert "99_results" not in (tmp_path / "README.md").read_text()
    assert readme_table.main(["--check", "--root", str(tmp_path)]) == 0
