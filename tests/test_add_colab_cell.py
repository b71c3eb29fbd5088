"""tools/add_colab_cell.py: inserts the set-up cell once, in front of the first code cell."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("add_colab_cell", ROOT / "tools" / "add_colab_cell.py")
colab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab)


def make_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nbformat.write(nb, path)
    return path


def test_inserts_before_first_code_cell_and_keeps_outputs(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    assert colab.main([str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert colab.has_setup_cell(nb)
    assert nb.cells[1].metadata.tags == ["colab-setup", "remove-cell"]
    assert nb.cells[2].outputs[0].text == "kept\n"
    nbformat.validate(nb)


def test_idempotent(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    colab.main([str(path)])
    first = path.read_bytes()
    colab.main([str(path)])
    assert path.read_bytes() == first


def test_replaces_an_outdated_cell_in_the_wrong_place(tmp_path: Path) -> None:
    path = make_notebook(tmp_path / "a.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("%pip install old", metadata={"tags": ["colab-setup"]}))
    nbformat.write(nb, path)
    assert colab.main(["--check", str(path)]) == 1
    colab.main([str(path)])
    nb = nbformat.read(path, as_version=4)
    assert sum(colab.is_setup_cell(c) for c in nb.cells) == 1
    assert colab.has_setup_cell(nb) and colab.main(["--check", str(path)]) == 0


def run_cell(source: str) -> list[tuple]:
    """Run the cell as IPython would, recording the line magics it calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    calls: list[tuple] = []
    shell = type("Shell", (), {"run_line_magic": lambda self, *args: calls.append(args)})()
    exec(TransformerManager().transform_cell(source), {"get_ipython": lambda: shell})
    return calls


def test_cell_does_nothing_where_the_package_imports() -> None:
    assert run_cell(colab.SOURCE) == []


def test_cell_installs_from_github_elsewhere(monkeypatch) -> None:
    import importlib.util as util

    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "bilstm_helpers" else real(name, *a))
    (magic, line), = run_cell(colab.SOURCE)
    assert magic == "pip" and "git+https://github.com/bilstm-book/bilstm-book" in line
