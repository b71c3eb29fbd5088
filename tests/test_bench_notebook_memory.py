"""benchmarks/bench_notebook_memory.py measures each notebook's kernel, not its own process."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_notebook_memory",
                                              ROOT / "benchmarks" / "bench_notebook_memory.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_peak_memory_of_the_kernel(tmp_path: Path) -> None:
    small = bench.measure(notebook(tmp_path / "small.ipynb", "x = 1"), timeout=120)
    big = bench.measure(notebook(tmp_path / "big.ipynb",
                                 "import numpy as np\nx = np.ones(300 * 2**20 // 8)  # 300 MB, touched"),
                        timeout=120)
    assert small["notebook"] == "small.ipynb" and small["seconds"] >= 0
    assert 10 < small["peak_memory_mb"] < 1000
    assert big["peak_memory_mb"] - small["peak_memory_mb"] > 250


def test_a_failing_notebook_is_reported(tmp_path: Path) -> None:
    row = bench.measure(notebook(tmp_path / "bad.ipynb", "raise ValueError('broken on purpose')"), timeout=120)
    assert "broken on purpose" in row["error"] and "peak_memory_mb" not in row
