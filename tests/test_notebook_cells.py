"""tools/notebook_cells.py: the set-up cell first, the run record last, each once."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_cells", ROOT / "tools" / "notebook_cells.py")
cells = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cells)


def make_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nbformat.write(nb, path)
    return path


def test_inserts_the_three_cells_and_keeps_outputs(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    assert cells.main([str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code", "code"]
    assert all(cells.has_cell(nb, spec, "a") for spec in cells.CELLS)
    assert nb.cells[1].metadata.tags == ["colab-setup", "remove-cell"]
    assert nb.cells[2].metadata.tags == ["run-time-note", "remove-input"]  # the book shows its output
    assert 'run_time_note("a")' in nb.cells[2].source
    assert nb.cells[4].metadata.tags == ["run-record", "remove-cell"]
    assert 'record_notebook_run("a")' in nb.cells[4].source
    assert nb.cells[3].outputs[0].text == "kept\n"
    nbformat.validate(nb)


def test_idempotent_and_skips_the_results_page(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    cells.main([str(path)])
    first = path.read_bytes()
    cells.main([str(path)])
    assert path.read_bytes() == first
    results_page = make_notebook(tmp_path / "99_results.ipynb")
    before = results_page.read_bytes()
    assert cells.main([str(results_page)]) == 0 and results_page.read_bytes() == before


def test_replaces_outdated_cells_in_the_wrong_place(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    cells.main([str(path)])
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("%pip install old", metadata={"tags": ["colab-setup"]}))
    nb.cells.insert(0, nb.cells.pop(-2))  # the run record moved to the front
    nbformat.write(nb, path)
    assert cells.main(["--check", str(path)]) == 1
    cells.main([str(path)])
    nb = nbformat.read(path, as_version=4)
    for managed in cells.CELLS:
        assert sum(cells.is_cell(c, managed) for c in nb.cells) == 1
        assert cells.has_cell(nb, managed, "a")
    assert cells.main(["--check", str(path)]) == 0


def run_cell(source: str) -> list[tuple]:
    """Run the cell as IPython would, recording the line magics it calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    calls: list[tuple] = []
    shell = type("Shell", (), {"run_line_magic": lambda self, *args: calls.append(args)})()
    exec(TransformerManager().transform_cell(source), {"get_ipython": lambda: shell})
    return calls


def test_setup_cell_does_nothing_where_the_package_imports() -> None:
    assert run_cell(cells.SETUP.source("a")) == []


def test_setup_cell_installs_from_github_elsewhere(monkeypatch) -> None:
    import importlib.util as util

    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "bilstm_helpers" else real(name, *a))
    (magic, line), = run_cell(cells.SETUP.source("a"))
    assert magic == "pip" and f"git+{cells.repository_url()}" in line


def test_the_repository_url_comes_from_config(tmp_path: Path) -> None:
    import pytest

    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://github.com/a-fork/bilstm-book/\n")
    assert cells.repository_url(config) == "https://github.com/a-fork/bilstm-book"
    config.write_text("title: no repository\n")
    with pytest.raises(ValueError, match="repository.url"):
        cells.repository_url(config)
    assert cells.REPOSITORY == cells.repository_url()  # the set-up cell's address is _config.yml's


def test_run_record_cell_writes_the_record(monkeypatch, tmp_path: Path) -> None:
    import json

    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    exec(cells.RUN_RECORD.source("a"), {})
    record = json.loads((tmp_path / "notebook_memory.json").read_text())
    assert [row["notebook"] for row in record["notebooks"]] == ["a"]
