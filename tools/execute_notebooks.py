"""Execute the book's notebooks at full settings into Jupyter Book's cache, side by side.

``make book`` runs this before ``jupyter-book build``: each notebook whose code
is not in ``_build/.jupyter_cache`` yet runs here, exactly as myst-nb would run
it (jupyter-cache's ``single_nb_execution`` in the notebook's folder, with the
timeout of ``_config.yml``), and its outputs go into that cache. The build then
finds every notebook there and renders it without running it again.

What this adds is order and company. A chapter that reads what another one
wrote (``written_by="notebooks/<name>.ipynb"`` in its code, e.g. chapter 10
reads chapter 8's saved models) starts only after that one has finished. The
results page is left to the build: its metadata (``mystnb: execution_mode:
force``) makes myst-nb run it in every build, after every other page.

With ``--jobs 2`` two independent chapters run at a time, each kernel limited
to ``--threads`` CPU threads (default: the cores divided by the jobs) so that
they do not fight over the cores. The run times and peaks that such a run
records in ``results/notebook_memory.json`` are those of a kernel with one
thread and a neighbour, not what a reader sees; ``--jobs 1`` (the default,
default threads) gives the figures the README shows.

Usage::

    python tools/execute_notebooks.py [--jobs N] [--threads T] [notebooks/...ipynb]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("_build") / ".jupyter_cache"  # myst-nb's default: <build folder>/.jupyter_cache
READS = re.compile(r"""written_by\s*=\s*["'](notebooks/[\w.-]+\.ipynb)["']""")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def book_notebooks(root: Path = ROOT) -> list[str]:
    """The notebooks of ``_toc.yml``, as paths relative to ``root``."""
    def files(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["file"]] if "file" in node else []
            return own + [f for value in node.values() if isinstance(value, list | dict) for f in files(value)]
        if isinstance(node, list):
            return [f for item in node for f in files(item)]
        return []

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [f"{f}.ipynb" for f in files(toc) if (root / f"{f}.ipynb").exists()]


def dependencies(notebooks: list[str], root: Path = ROOT) -> dict[str, set[str]]:
    """notebook -> the notebooks among ``notebooks`` whose files its code reads (``written_by=...``)."""
    needs = {}
    for path in notebooks:
        code = "\n".join(cell.source for cell in nbformat.read(root / path, as_version=4).cells
                         if cell.cell_type == "code")
        needs[path] = {found for found in READS.findall(code) if found in notebooks and found != path}
    return needs


def recorded_seconds(root: Path = ROOT) -> dict[str, float]:
    """notebook path -> its last recorded full run time (for the order: longest chains first)."""
    record = root / "results" / "notebook_memory.json"
    rows = json.loads(record.read_text())["notebooks"] if record.exists() else []
    return {f"notebooks/{row['notebook']}.ipynb": row["seconds"] for row in rows}


def execute(path: Path, timeout: int, threads: int | None) -> tuple[str, float, str | None]:
    """Run one notebook in its folder (in a worker process); returns (notebook JSON, seconds, error)."""
    from jupyter_cache.executors.utils import single_nb_execution

    if threads is not None:
        for name in THREAD_VARIABLES:  # the kernel inherits them
            os.environ[name] = str(threads)
    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    return nbformat.writes(notebook), result.time, result.exc_string if result.err else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook of _toc.yml")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks at a time (default 1)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads per kernel (default: cores // jobs when jobs > 1, else unlimited)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # for the tests
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.jobs < 1 or (args.threads is not None and args.threads < 1):
        parser.error(f"--jobs and --threads must be >= 1, got {args.jobs} and {args.threads}")
    threads = args.threads or (max(1, (os.cpu_count() or 1) // args.jobs) if args.jobs > 1 else None)

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    config = yaml.safe_load((root / "_config.yml").read_text())
    timeout = int(config.get("execute", {}).get("timeout", 1800))
    cache = get_cache(str(root / CACHE))
    every = book_notebooks(root)
    wanted = [str(Path(p)) for p in args.notebooks] or every
    unknown = sorted(set(wanted) - set(every))
    if unknown:
        parser.error(f"not notebooks of _toc.yml: {unknown}; give paths such as notebooks/01_lstm_gates.ipynb")
    needs = dependencies(wanted, root)
    forced = [p for p in wanted if _forced(root / p)]
    for path in forced:  # the build runs it every time, after every other page (the results page)
        print(f"left to the build (mystnb execution_mode 'force'): {path}")
    todo = [p for p in wanted if p not in forced and not _cached(cache, root / p)]
    for path in sorted(set(wanted) - set(todo) - set(forced)):
        print(f"cached already: {path}")
    needs = {p: needs[p] & set(todo) for p in todo}

    recorded = recorded_seconds(root)

    def chain(path: str) -> float:  # this notebook's time plus its longest chain of dependants
        return recorded.get(path, 60.0) + max((chain(q) for q in todo if path in needs[q]), default=0.0)

    print(f"executing {len(todo)} notebooks, {args.jobs} at a time"
          + (f", {threads} CPU thread(s) per kernel" if threads else ""), flush=True)
    start, running, failed = time.perf_counter(), {}, []
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
        while todo or running:
            ready = sorted((p for p in todo if not needs[p]), key=chain, reverse=True)
            for path in ready[:args.jobs - len(running)] if not failed else []:
                todo.remove(path)
                running[pool.submit(execute, root / path, timeout, threads)] = (path, time.perf_counter())
                print(f"[{time.perf_counter() - start:6.0f} s] start {path}", flush=True)
            if not running:
                break
            done: set[Future] = wait(running, return_when=FIRST_COMPLETED).done
            for future in done:
                path, began = running.pop(future)
                text, seconds, error = future.result()
                if error:
                    failed.append(path)
                    print(f"[{time.perf_counter() - start:6.0f} s] FAILED {path}:\n{error}", flush=True)
                    continue
                cache.cache_notebook_bundle(CacheBundleIn(nbformat.reads(text, as_version=4), str(root / path),
                                                          data={"execution_seconds": seconds}),
                                            check_validity=False, overwrite=True)
                print(f"[{time.perf_counter() - start:6.0f} s] done  {path} in {seconds:.0f} s", flush=True)
                for other in needs:
                    needs[other].discard(path)
    if failed or todo:
        print(f"not executed: failed {failed}, never started {todo}", file=sys.stderr)
        return 1
    print(f"all executed in {time.perf_counter() - start:.0f} s")
    return 0


def _forced(path: Path) -> bool:
    """Whether the notebook's metadata makes myst-nb execute it in every build."""
    metadata = nbformat.read(path, as_version=4).metadata
    return metadata.get("mystnb", {}).get("execution_mode") == "force"


def _cached(cache: object, path: Path) -> bool:
    try:
        cache.match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
