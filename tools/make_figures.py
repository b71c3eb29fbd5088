"""Draw the book's static figures from package code into book/figures/.

Run from the repository root after changing bilstm_helpers/diagrams.py:

    python tools/make_figures.py

The PNGs are committed because prose pages (book/*.md) cannot run code;
notebooks call the drawing functions directly instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # draw with this checkout's package

from bilstm_helpers.diagrams import draw_unrolled_bilstm  # noqa: E402

# PNG metadata without a creation date or software version, so that an
# unchanged drawing gives an unchanged file.
METADATA = {"Software": None}

FIGURES = {
    "unrolled_bilstm.png": lambda: draw_unrolled_bilstm(time_steps=4, merge_mode="concat"),
}


def main() -> None:
    out = ROOT / "book" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in FIGURES.items():
        fig = draw()
        fig.savefig(out / name, dpi=150, bbox_inches="tight", metadata=METADATA)
        plt.close(fig)
        print(f"wrote {(out / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
