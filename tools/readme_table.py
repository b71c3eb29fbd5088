"""Rewrite the README's chapter table with each chapter's run time and peak memory.

The figures come from ``results/notebook_memory.json``, which the last cell
of every chapter writes when the notebook runs at full settings. Only the
table between the markers ``<!-- chapter-table:start -->`` and
``<!-- chapter-table:end -->`` changes; its "what it shows" column is kept as
written. A notebook new in ``notebooks/`` gets a row with an empty
description. Run it after executing a chapter (``make readme`` does)::

    python tools/readme_table.py            # rewrite README.md
    python tools/readme_table.py --check    # exit 1 if README.md is not current

``tests/test_readme_table.py`` fails while the README is stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- chapter-table:start -->", "<!-- chapter-table:end -->"
SKIP = {"99_results"}  # the results page is not a chapter
HEADER = ("| # | notebook | what it shows | full run | peak memory |\n"
          "|---|----------|---------------|---------:|------------:|")
ROW = re.compile(r"^\|\s*(?P<number>[^|]*?)\s*\|\s*`notebooks/(?P<stem>[^`]+)\.ipynb`\s*\|\s*(?P<what>.*?)\s*\|")


def format_seconds(seconds: float) -> str:
    """``12 s`` under a minute, else ``9.1 min``."""
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def existing_rows(table: str) -> dict[str, tuple[str, str]]:
    """notebook stem -> (number, description) from the table as it stands."""
    rows = {}
    for line in table.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["stem"]] = (match["number"], match["what"])
    return rows


def render_table(old_table: str, records: dict, notebooks: list[str]) -> str:
    """The table (with its caption line) for ``notebooks`` in the order of the old table.

    ``records`` is the content of notebook_memory.json: {"cpu_count", "quick_mode",
    "binder_limit_mb", "notebooks": [{"notebook", "seconds", "peak_memory_mb"}, ...]}.
    """
    if records.get("quick_mode"):
        raise ValueError("notebook_memory.json holds quick-mode runs; the README shows full-settings "
                         "figures: execute the chapters at full settings (unset BILSTM_QUICK)")
    measured = {row["notebook"]: row for row in records["notebooks"]}
    old = existing_rows(old_table)
    order = [stem for stem in old if stem in notebooks] + [stem for stem in notebooks if stem not in old]
    lines = [HEADER]
    for stem in order:
        number, what = old.get(stem, (stem.split("_")[0].lstrip("0"), ""))
        row = measured.get(stem)
        run = format_seconds(row["seconds"]) if row else "not measured"
        memory = f"{row['peak_memory_mb']:.0f} MB" if row else "not measured"
        lines.append(f"| {number} | `notebooks/{stem}.ipynb` | {what} | {run} | {memory} |")
    caption = (f"Full run and peak memory: each chapter at full settings on {records['cpu_count']} CPU cores, "
               "as its last cell measured them (`results/notebook_memory.json`; written into this "
               f"table by `make readme`). Binder allows {records['binder_limit_mb']} MB.")
    return "\n".join(lines) + "\n\n" + caption


def update(readme: str, records: dict, notebooks: list[str]) -> str:
    """``readme`` with the table between the markers regenerated."""
    if readme.count(START) != 1 or readme.count(END) != 1 or readme.index(START) > readme.index(END):
        raise ValueError(f"README.md needs exactly one {START} ... {END} block around the chapter table")
    head, rest = readme.split(START)
    old, tail = rest.split(END)
    return f"{head}{START}\n{render_table(old, records, notebooks)}\n{END}{tail}"


def chapter_stems(root: Path) -> list[str]:
    return [p.stem for p in sorted((root / "notebooks").glob("*.ipynb")) if p.stem not in SKIP]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if README.md is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    readme_path = args.root / "README.md"
    records = json.loads((args.root / "results" / "notebook_memory.json").read_text())
    readme = readme_path.read_text()
    new = update(readme, records, chapter_stems(args.root))
    if new == readme:
        print("README.md: the chapter table is current")
        return 0
    if args.check:
        print("README.md: the chapter table is stale; run `make readme` (python tools/readme_table.py)")
        return 1
    readme_path.write_text(new)
    print("README.md: chapter table rewritten from results/notebook_memory.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
