"""Draw the book's static figures from package code into book/figures/.

Run from the repository root after changing bilstm_helpers/plots/diagrams.py:

    make figures            # or: python tools/make_figures.py
    python tools/make_figures.py --check   # exit 1 if a committed PNG is stale

tests/test_make_figures.py fails when a committed figure differs from what
the code draws.

The PNGs are committed because prose pages (book/*.md) cannot run code;
notebooks call the drawing functions directly instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # draw with this checkout's package

from bilstm_helpers.plots.diagrams import draw_unrolled_bilstm  # noqa: E402

# PNG metadata without a creation date or software version, so that an
# unchanged drawing gives an unchanged file.
METADATA = {"Software": None}

FIGURES = {
    "unrolled_bilstm.png": lambda: draw_unrolled_bilstm(time_steps=4, merge_mode="concat"),
}


def draw_all(out: Path) -> list[Path]:
    """Draw every figure into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        fig = draw()
        fig.savefig(out / name, dpi=150, bbox_inches="tight", metadata=METADATA)
        plt.close(fig)
        written.append(out / name)
    return written


def stale() -> list[str]:
    """Names of the committed figures that differ from a fresh drawing (or are missing)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = draw_all(Path(tmp))
        committed = ROOT / "book" / "figures"
        return [p.name for p in fresh
                if not (committed / p.name).exists() or (committed / p.name).read_bytes() != p.read_bytes()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed figures are current")
    if parser.parse_args().check:
        names = stale()
        if names:
            sys.exit(f"stale figures in book/figures: {names}; run `make figures` and commit them")
        print("book/figures is current")
        return
    for path in draw_all(ROOT / "book" / "figures"):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
