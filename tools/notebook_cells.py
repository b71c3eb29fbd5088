"""Keep the two bookkeeping cells that every chapter notebook carries.

1. **Set-up** (first code cell, tag ``colab-setup``): a notebook opened from
   the book's Colab button runs outside this repository, where
   ``bilstm_helpers`` is not installed. The cell installs it there and does
   nothing where the package is importable (Binder, a local checkout, CI).
2. **Run record** (last cell, tag ``run-record``): writes the kernel's peak
   memory and run time to ``results/notebook_memory.json`` for the results
   page, and fails when the notebook needs more memory than Binder gives.

Both are tagged ``remove-cell``, so the rendered book hides them. The results
page itself gets neither.

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

REPOSITORY = "https://github.com/bilstm-book/bilstm-book"
SKIP = {"99_results"}  # the results page reads the records; it writes none


class ManagedCell(NamedTuple):
    tag: str
    template: str  # {notebook} is replaced by the notebook's file name without .ipynb
    first: bool  # True: in front of the first code cell; False: the last cell

    def source(self, notebook: str) -> str:
        return self.template.replace("{notebook}", notebook)


SETUP = ManagedCell("colab-setup", f"""\
# Colab and other places outside the book's repository: install the book's
# helper package. Inside the repository (Binder, a local checkout) this does nothing.
import importlib.util

if importlib.util.find_spec("bilstm_helpers") is None:
    %pip install -q "bilstm_helpers @ git+{REPOSITORY}"
""", first=True)

RUN_RECORD = ManagedCell("run-record", """\
# Bookkeeping for the results page: this kernel's peak memory and run time.
from bilstm_helpers.runtime import BINDER_MEMORY_MB, record_notebook_run

run = record_notebook_run("{notebook}")
assert run["peak_memory_mb"] < BINDER_MEMORY_MB, run
""", first=False)

CELLS = (SETUP, RUN_RECORD)


def is_cell(cell: nbformat.NotebookNode, spec: ManagedCell) -> bool:
    return spec.tag in cell.get("metadata", {}).get("tags", [])


def has_cell(nb: nbformat.NotebookNode, spec: ManagedCell, notebook: str) -> bool:
    """True when ``nb`` holds exactly one current copy of the cell, in its place."""
    if sum(is_cell(c, spec) for c in nb.cells) != 1:
        return False
    if spec.first:
        code = [c for c in nb.cells if c.cell_type == "code"]
        cell = code[0] if code else None
    else:
        cell = nb.cells[-1]
    return (cell is not None and is_cell(cell, spec) and cell.source == spec.source(notebook)
            and "remove-cell" in cell.metadata.get("tags", []))


def put_cell(nb: nbformat.NotebookNode, spec: ManagedCell, notebook: str) -> bool:
    """Insert or update one managed cell; True when ``nb`` changed."""
    if has_cell(nb, spec, notebook):
        return False
    old = [c for c in nb.cells if is_cell(c, spec)]
    cell = nbformat.v4.new_code_cell(spec.source(notebook), metadata={"tags": [spec.tag, "remove-cell"]})
    if old and "id" in old[0]:
        cell["id"] = old[0]["id"]  # keep the cell id stable across updates
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
    nb.cells = [c for c in nb.cells if not is_cell(c, spec)]
    if spec.first:
        position = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
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
    root = Path(__file__).resolve().parents[1]
    paths = args.notebooks or sorted((root / "notebooks").glob("*.ipynb"))
    stale = [p for p in paths if process(p, args.check)]
    for path in stale:
        print(f"{'needs its bookkeeping cells' if args.check else 'updated'}: {path}")
    print(f"{len(paths)} notebooks, {len(stale)} {'to update' if args.check else 'updated'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
