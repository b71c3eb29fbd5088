"""Structure checks on every committed notebook, read as JSON (nothing is executed).

nbval executes the notebooks; these tests check what a reader of the
committed .ipynb and of the book sees: the Colab set-up cell, the kernel,
stored outputs without errors or progress-bar debris, an exercises section
with hidden solutions in every chapter, case studies that write results,
and every notebook listed in _toc.yml (the book builds only listed files).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cells = _load_tool("notebook_cells")


def toc_parts() -> dict[str, list[str]]:
    """Caption of each part of _toc.yml -> its files (without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts: dict[str, list[str]] = {}
    for part in toc.get("parts", []):
        files: list[str] = []
        stack = list(part.get("chapters", []))
        while stack:
            entry = stack.pop(0)
            if "file" in entry:
                files.append(str(Path(entry["file"]).with_suffix("")))
            stack.extend(entry.get("sections", []))
        parts[part.get("caption", "")] = files
    return parts


def part_of(path: Path) -> str | None:
    name = str(path.relative_to(ROOT).with_suffix(""))
    return next((cap for cap, files in toc_parts().items() if name in files), None)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_toc_files_exist() -> None:
    for files in toc_parts().values():
        for name in files:
            assert list(ROOT.glob(name + ".*")), f"_toc.yml lists {name}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_toc(path: Path) -> None:
    assert part_of(path) is not None, (
        f"{path.name} is not in _toc.yml, so the book (only_build_toc_files) skips it: "
        "add it to the part it belongs to")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_bookkeeping_cells(path: Path) -> None:
    if path.stem in cells.SKIP:
        return
    nb = read(path)
    for managed in cells.CELLS:
        assert cells.has_cell(nb, managed, path.stem), (
            f"{path.name}: the {managed.tag} cell is missing, outdated or out of place; "
            "run `python tools/notebook_cells.py`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec(path: Path) -> None:
    spec = read(path).metadata.get("kernelspec", {})
    assert spec.get("name") == "python3", f"{path.name}: kernelspec name {spec.get('name')!r}"
    assert spec.get("display_name") == "Python 3", f"{path.name}: display_name {spec.get('display_name')!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_without_errors(path: Path) -> None:
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code" or any(cells.is_cell(cell, m) for m in cells.CELLS) or not cell.source.strip():
            continue
        where = f"{path.name}, cell {index}"
        assert cell.execution_count is not None, f"{where} was never run: commit the notebook executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"{where} stored an error: {output.get('ename')}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text, f"{where} printed a traceback"


# Keras's progress bar, carriage returns (tqdm and friends), terminal colour codes.
DEBRIS = re.compile("\u2501|\r|\x1b\\[")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_progress_bar_debris(path: Path) -> None:
    for index, cell in enumerate(code_cells(read(path))):
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                match = DEBRIS.search(output.text)
                assert match is None, (
                    f"{path.name}, code cell {index}: progress-bar debris {match.group()!r} in the "
                    "output; use verbose=0 and print a compact summary")


def _is_heading(cell: nbformat.NotebookNode, title: str) -> bool:
    return cell.cell_type == "markdown" and re.search(
        rf"^#+\s+{title}\b", cell.source, flags=re.MULTILINE | re.IGNORECASE) is not None


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    if cell.cell_type == "markdown":
        return re.search(r"\{admonition\}\s*Solution", cell.source) is not None and ":class: dropdown" in cell.source
    tags = cell.metadata.get("tags", [])
    return cell.cell_type == "code" and ("hide-input" in tags or "hide-cell" in tags)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_with_hidden_solutions(path: Path) -> None:
    if part_of(path) == "Reference":
        pytest.skip("reference pages have no exercises")
    cells = read(path).cells
    start = next((i for i, c in enumerate(cells) if _is_heading(c, "Exercises")), None)
    assert start is not None, f"{path.name}: no '## Exercises' heading"
    assert any(_is_solution(c) for c in cells[start:]), (
        f"{path.name}: the exercises have no solution in a toggle (an admonition with "
        ":class: dropdown, or a code cell tagged hide-input)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_case_studies_write_results(path: Path) -> None:
    if part_of(path) != "Case studies":
        pytest.skip("not a case study")
    calls = [c for c in code_cells(read(path)) if "write_results(" in c.source]
    assert calls, f"{path.name}: a case study ends by writing its figures with write_results(...)"
