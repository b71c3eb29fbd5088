"""Put the Colab set-up cell first among the code cells of every notebook.

A notebook opened from the book's Colab button runs outside this repository,
where ``bilstm_helpers`` is not installed. The set-up cell installs it there
and does nothing anywhere the package is importable (Binder, a local
checkout, CI). It is tagged ``remove-cell`` so the rendered book hides it.

Usage (from the repository root)::

    python tools/add_colab_cell.py              # update notebooks/*.ipynb in place
    python tools/add_colab_cell.py --check      # exit 1 if a notebook needs updating
    python tools/add_colab_cell.py path/to/x.ipynb ...

The script is idempotent: a notebook that already has the exact cell in the
right place is left byte-for-byte unchanged. An older version of the cell
(any cell tagged ``colab-setup``) is replaced and moved in front of the
first other code cell, after the title and any introductory markdown.
Outputs of the other cells are kept, so a notebook need not be re-executed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

TAG = "colab-setup"
TAGS = [TAG, "remove-cell"]
REPOSITORY = "https://github.com/bilstm-book/bilstm-book"
SOURCE = f"""\
# Colab and other places outside the book's repository: install the book's
# helper package. Inside the repository (Binder, a local checkout) this does nothing.
import importlib.util

if importlib.util.find_spec("bilstm_helpers") is None:
    %pip install -q "bilstm_helpers @ git+{REPOSITORY}"
"""


def setup_cell() -> nbformat.NotebookNode:
    """A fresh copy of the set-up cell (no outputs, not executed)."""
    return nbformat.v4.new_code_cell(SOURCE, metadata={"tags": list(TAGS)})


def is_setup_cell(cell: nbformat.NotebookNode) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def has_setup_cell(nb: nbformat.NotebookNode) -> bool:
    """True when the first code cell is the current set-up cell, with its tags."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or not is_setup_cell(code[0]) or code[0].source != SOURCE:
        return False
    if sum(is_setup_cell(c) for c in nb.cells) != 1:
        return False
    return all(tag in code[0].metadata.get("tags", []) for tag in TAGS)


def add_setup_cell(nb: nbformat.NotebookNode) -> bool:
    """Insert or update the set-up cell in ``nb``; True when ``nb`` changed."""
    if has_setup_cell(nb):
        return False
    old = [c for c in nb.cells if is_setup_cell(c)]
    cell = setup_cell()
    if old and "id" in old[0]:
        cell["id"] = old[0]["id"]  # keep the cell id stable across updates
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
    nb.cells = [c for c in nb.cells if not is_setup_cell(c)]
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return True


def process(path: Path, check: bool) -> bool:
    """Update one notebook (or only test it when ``check``); True when it needed a change."""
    nb = nbformat.read(path, as_version=4)
    changed = add_setup_cell(nb)
    if changed and not check:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to update (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook lacks the current cell")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    paths = args.notebooks or sorted((root / "notebooks").glob("*.ipynb"))
    stale = [p for p in paths if process(p, args.check)]
    for path in stale:
        print(f"{'needs the set-up cell' if args.check else 'updated'}: {path}")
    print(f"{len(paths)} notebooks, {len(stale)} {'to update' if args.check else 'updated'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
