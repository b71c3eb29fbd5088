"""Keep the three bookkeeping cells that every chapter notebook carries.

1. **Set-up** (first code cell, tag ``colab-setup``): a notebook opened from
   the book's Colab button runs outside this repository, where
   ``bilstm_helpers`` is not installed. The cell installs it there from the
   repository named in ``_config.yml`` (``repository.url``, the one place the
   address is written) and does nothing where the package is importable
   (Binder, a local checkout, CI).
2. **Run-time note** (right after the set-up cell, tag ``run-time-note``):
   prints how long the chapter takes at full settings and its peak memory,
   read from ``results/notebook_memory.json``, so that a reader knows before
   pressing "run all". The book shows its output and hides its code.
3. **Run record** (last cell, tag ``run-record``): writes the kernel's peak
   memory and run time to ``results/notebook_memory.json`` for the results
   page, and fails when the notebook needs more memory than Binder gives.

The set-up and record cells are tagged ``remove-cell``, so the rendered book
hides them. The results page itself gets none of the three.

Usage (from the repository root)::

    python tools/notebook_cells.py              # update notebooks/*.ipynb in place
    python tools/notebook_cells.py --check      # exit 1 if a notebook needs updating
    python tools/notebook_cells.py path/to/x.ipynb ...

Idempotent: a notebook whose cells are current is left byte-for-byte
unchanged. An older version of a cell (found by its tag) is replaced and
moved to its place. Outputs of the other cells are kept, so a notebook need
not be re-executed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"99_results"}  # the results page reads the records; it writes none


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """The book's repository, from ``_config.yml``'s ``repository.url``."""
    url = (yaml.safe_load(config.read_text()) or {}).get("repository", {}).get("url")
    if not url:
        raise ValueError(f"{config} has no repository.url: set it to the book's GitHub address.")
    return str(url).rstrip("/")


REPOSITORY = repository_url()


class ManagedCell(NamedTuple):
    tag: str
    template: str  # {notebook} is replaced by the notebook's file name without .ipynb
    place: str  # "first": in front of the first code cell; "second": right after it; "last"
    hide: str = "remove-cell"  # the book's tag: hide the whole cell, or only its input

    def source(self, notebook: str) -> str:
        return self.template.replace("{notebook}", notebook)


SETUP = ManagedCell("colab-setup", f"""\
# Colab and other places outside the book's repository: install the book's
# helper package. Inside the repository (Binder, a local checkout) this does nothing.
import importlib.util

if importlib.util.find_spec("bilstm_helpers") is None:
    %pip install -q "bilstm_helpers @ git+{REPOSITORY}"
""", place="first")

RUN_TIME_NOTE = ManagedCell("run-time-note", """\
# How long this chapter takes at full settings, and its peak memory (from results/).
from bilstm_helpers.runtime import run_time_note

run_time_note("{notebook}")
""", place="second", hide="remove-input")

RUN_RECORD = ManagedCell("run-record", """\
# Bookkeeping for the results page: this kernel's peak memory and run time.
from bilstm_helpers.runtime import BINDER_MEMORY_MB, record_notebook_run

run = record_notebook_run("{notebook}")
assert run["peak_memory_mb"] < BINDER_MEMORY_MB, run
""", place="last")

CELLS = (SETUP, RUN_TIME_NOTE, RUN_RECORD)


def is_cell(cell: nbformat.NotebookNode, spec: ManagedCell) -> bool:
    return spec.tag in cell.get("metadata", {}).get("tags", [])


def has_cell(nb: nbformat.NotebookNode, spec: ManagedCell, notebook: str) -> bool:
    """True when ``nb`` holds exactly one current copy of the cell, in its place."""
    if sum(is_cell(c, spec) for c in nb.cells) != 1:
        return False
    code = [c for c in nb.cells if c.cell_type == "code"]
    places = {"first": code[:1], "second": code[1:2], "last": nb.cells[-1:]}
    cell = places[spec.place][0] if places[spec.place] else None
    return (cell is not None and is_cell(cell, spec) and cell.source == spec.source(notebook)
            and cell.metadata.get("tags", []) == [spec.tag, spec.hide])


def put_cell(nb: nbformat.NotebookNode, spec: ManagedCell, notebook: str) -> bool:
    """Insert or update one managed cell; True when ``nb`` changed."""
    if has_cell(nb, spec, notebook):
        return False
    old = [c for c in nb.cells if is_cell(c, spec)]
    cell = nbformat.v4.new_code_cell(spec.source(notebook), metadata={"tags": [spec.tag, spec.hide]})
    if old and "id" in old[0]:
        cell["id"] = old[0]["id"]  # keep the cell id stable across updates
    if old and old[0].source == cell.source:
        cell.outputs = old[0].get("outputs", [])  # only moved or re-tagged: keep what it printed
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
    nb.cells = [c for c in nb.cells if not is_cell(c, spec)]
    code_positions = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if spec.place == "first":
        position = code_positions[0] if code_positions else len(nb.cells)
    elif spec.place == "second":
        position = code_positions[0] + 1 if code_positions else len(nb.cells)
    else:
        position = len(nb.cells)
    nb.cells.insert(position, cell)
    return True


def process(path: Path, check: bool) -> bool:
    """Update one notebook (or only test it when ``check``); True when it needed a change."""
    if path.stem in SKIP:
        return False
    nb = nbformat.read(path, as_version=4)
    changed = [put_cell(nb, spec, path.stem) for spec in CELLS]
    if any(changed) and not check:
        nbformat.write(nb, path)
    return any(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to update (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook lacks a current cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = [p for p in paths if process(p, args.check)]
    for path in stale:
        print(f"{'needs its bookkeeping cells' if args.check else 'updated'}: {path}")
    print(f"{len(paths)} notebooks, {len(stale)} {'to update' if args.check else 'updated'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
