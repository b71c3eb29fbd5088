"""Peak memory and run time of every notebook, against Binder's 2 GB limit.

Executes each notebook (notebooks/*.ipynb except the results page) in a fresh
Jupyter kernel, as Binder would, without saving its outputs; records the
wall time and the peak resident memory of the kernel process. Prints a table
and, as the last line, a JSON object; writes results/notebook_memory.json
(results/quick/ in quick mode). Exits with status 1 when a notebook fails or
its kernel's peak memory exceeds the limit.

    python benchmarks/bench_notebook_memory.py [notebooks/01_lstm_gates.ipynb ...]

How the memory is measured: each notebook runs in a child process that starts
the kernel as its own child; after the kernel has shut down, the child reads
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (Linux: the largest peak resident
set size of the processes it waited for, i.e. the kernel's). Processes the
kernel starts itself (data-loader workers) are not added to it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER_LIMIT_MB = 2048
SKIP = {"99_results.ipynb"}  # reads results/, including this benchmark's


def run_one(path: Path, timeout: int) -> dict[str, float]:
    """Execute one notebook here (outputs discarded); seconds and the kernel's peak MB."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()  # starts the kernel as a child of this process and waits for its exit
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    return {"seconds": round(seconds, 1), "peak_memory_mb": round(peak_kb / 1024, 1)}


def measure(path: Path, timeout: int) -> dict[str, object]:
    """Run ``path`` in a fresh process (so the peak belongs to this notebook only)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--one", str(path), "--timeout", str(timeout)]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    row: dict[str, object] = {"notebook": path.name}
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return {**row, "error": lines[-1] if lines else f"exit status {done.returncode}"}
    return {**row, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: run one notebook here
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.timeout)))
        return 0

    sys.path.insert(0, str(ROOT))
    from bilstm_helpers.runtime import quick_mode, write_results

    paths = args.notebooks or [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.name not in SKIP]
    rows = []
    print(f"{'notebook':32s} {'seconds':>8s} {'peak MB':>8s}  under {BINDER_LIMIT_MB} MB")
    for path in paths:
        row = measure(path, args.timeout)
        if "error" not in row:
            row["under_binder_limit"] = row["peak_memory_mb"] < BINDER_LIMIT_MB
            print(f"{row['notebook']:32s} {row['seconds']:8.1f} {row['peak_memory_mb']:8.1f}  "
                  f"{'yes' if row['under_binder_limit'] else 'NO'}")
        else:
            print(f"{row['notebook']:32s} failed: {row['error']}")
        rows.append(row)
    record = {"binder_limit_mb": BINDER_LIMIT_MB, "cpu_count": os.cpu_count(),
              "measured": "peak resident memory of each notebook's kernel and the wall time of one run",
              "notebooks": rows}
    write_results("notebook_memory", record)
    print(json.dumps({"name": "notebook_memory", "quick_mode": quick_mode(), **record}))
    failed = [r for r in rows if "error" in r or not r.get("under_binder_limit")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
