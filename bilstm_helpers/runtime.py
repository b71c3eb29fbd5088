"""Run settings shared by the notebooks: quick mode, seeds, results files.

Quick mode (``BILSTM_QUICK=1``) shrinks data and epochs so that the test
suite can execute every notebook in a few minutes; the book build runs them
at full settings. Assertions that depend on full training are skipped in
quick mode, never weakened.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; notebooks there run one at a time
    fcntl = None

T = TypeVar("T")


def quick_mode() -> bool:
    """True when the environment variable BILSTM_QUICK is set to 1/true/yes."""
    return os.environ.get("BILSTM_QUICK", "").strip().lower() in {"1", "true", "yes"}


def pick(full: T, quick: T) -> T:
    """``full`` normally, ``quick`` in quick mode (e.g. ``epochs = pick(100, 3)``)."""
    return quick if quick_mode() else full


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy's legacy global generator, and Keras and PyTorch if
    they are already imported (this never imports them itself)."""
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def results_dir() -> Path:
    """Where results JSON files go: $BILSTM_RESULTS_DIR, else ``results/`` at
    the root of the book's checkout, else ``./results``."""
    if os.environ.get("BILSTM_RESULTS_DIR"):
        return Path(os.environ["BILSTM_RESULTS_DIR"])
    root = Path(__file__).resolve().parents[1]
    if (root / "_toc.yml").exists():
        return root / "results"
    return Path.cwd() / "results"


BINDER_MEMORY_MB = 2048  # mybinder.org's memory limit per session


def peak_memory_mb() -> float:
    """The peak resident memory of this process so far, in MiB (the figure the
    run record writes and Binder's limit applies to).

    On Linux it reads ``VmHWM`` from ``/proc/self/status``, not
    ``getrusage``'s ``ru_maxrss``: Linux carries ``ru_maxrss`` across fork and
    exec, so a kernel started by a large process (a Sphinx build) would report
    its parent's size as its own peak.
    """
    status = Path("/proc/self/status")
    if sys.platform.startswith("linux") and status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # the line reads "VmHWM:  123456 kB"
    if sys.platform == "win32":
        import psutil

        peak_bytes = psutil.Process().memory_info().peak_wset
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_bytes = peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB
    return peak_bytes / 2**20


def record_notebook_run(notebook: str) -> dict[str, Any]:
    """Record this process's peak memory and run time for the results page.

    Called by the hidden last cell of every chapter, so the figures come from
    the run that rendered the book. Updates the row of ``notebook`` in
    ``results/notebook_memory.json`` (``results/quick/`` in quick mode).

    Returns:
        {"notebook", "peak_memory_mb", "seconds", "under_binder_limit"}: peak
        resident memory of the kernel process in MiB, and seconds since the
        kernel process started.
    """
    import psutil  # comes with ipykernel, so it is there wherever a notebook runs

    row = {"notebook": notebook, "peak_memory_mb": round(peak_memory_mb(), 1),
           "seconds": round(time.time() - psutil.Process().create_time(), 1)}
    row["under_binder_limit"] = row["peak_memory_mb"] < BINDER_MEMORY_MB
    folder = results_dir() / "quick" if quick_mode() else results_dir()
    path = folder / "notebook_memory.json"
    folder.mkdir(parents=True, exist_ok=True)
    # Notebooks that run side by side (tools/execute_notebooks.py --jobs 2) may
    # finish together: one writer at a time, so that no row is lost.
    with open(folder / ".notebook_memory.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        rows = json.loads(path.read_text())["notebooks"] if path.exists() else []
        rows = sorted([r for r in rows if r["notebook"] != notebook] + [row], key=lambda r: r["notebook"])
        write_results("notebook_memory", {
            "binder_limit_mb": BINDER_MEMORY_MB, "cpu_count": os.cpu_count(),
            "measured": "peak resident memory of each notebook's kernel and its run time, "
                        "recorded by the notebook's last cell",
            "notebooks": rows})
    return row


class RunTimeNote(str):
    """A one-line note (Markdown) that notebooks display as Markdown and print as text."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # plain text without quotes


def run_time_note(notebook: str) -> RunTimeNote:
    """How long ``notebook`` takes at full settings and its peak memory, as one line.

    Read from the full run's ``results/notebook_memory.json`` (never the quick
    one), which the chapter's last cell wrote the last time it ran at full
    settings; shown at the top of every chapter so that a reader on Binder
    knows the cost before pressing "run all".

    Args:
        notebook: the notebook's file name without ``.ipynb``, e.g. ``"06_imdb"``.
    """
    path = results_dir() / "notebook_memory.json"
    record = json.loads(path.read_text()) if path.exists() else {}
    row = next((r for r in record.get("notebooks", []) if r["notebook"] == notebook), None)
    if row is None:
        return RunTimeNote(f"**Run time:** not measured yet: `{notebook}` has no row in "
                           f"`results/notebook_memory.json` (its last cell writes one).")
    minutes = row["seconds"] / 60
    duration = f"about {minutes:.0f} minutes" if minutes >= 1.5 else f"about {row['seconds']:.0f} seconds"
    cores = record.get("cpu_count")
    on = f" on {cores} CPU cores" if cores else ""
    return RunTimeNote(
        f"**Run time:** {duration} at full settings{on}, peak memory "
        f"{row['peak_memory_mb']:,.0f} MB (Binder gives {record.get('binder_limit_mb', BINDER_MEMORY_MB):,} MB), "
        f"as measured by this chapter's last run.")


def show_run_time_note(notebook: str) -> None:
    """Display :func:`run_time_note` as a Jupyter output that :func:`refresh_run_time_note` can update.

    The note at the top of a chapter shows the last recorded full run; when the
    chapter's last cell records this run, it rewrites the note in place, so an
    executed notebook shows the figures of its own run at the top.
    """
    from IPython.display import display

    display(run_time_note(notebook), display_id=f"run-time-note-{notebook}")


def refresh_run_time_note(notebook: str) -> None:
    """Rewrite the note shown by :func:`show_run_time_note` from the record just written.

    Does nothing in quick mode: the note is about full settings, and quick runs
    write their record elsewhere.
    """
    if quick_mode():
        return
    from IPython.display import update_display

    update_display(run_time_note(notebook), display_id=f"run-time-note-{notebook}")


def release_memory() -> bool:
    """Collect garbage (dropped models) and hand freed heap memory back to the
    operating system, so that the next model's training starts from a lower
    resident size and the notebook's peak memory stays under Binder's limit.

    When TensorFlow is loaded (this function never imports it), it first drops
    the gradient registrations with which TensorFlow keeps the traced training
    steps of dropped Keras models alive
    (:func:`bilstm_helpers.keras.memory.forget_finished_traces`). Call it
    between experiments, not inside a traced function.

    Returns:
        trimmed: True when glibc's ``malloc_trim`` was available (Linux) and
        ran; elsewhere only the garbage collection runs.
    """
    if "tensorflow" in sys.modules:
        from bilstm_helpers.keras.memory import forget_finished_traces

        forget_finished_traces()
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0) >= 0)
    except (OSError, AttributeError):
        return False


def write_results(name: str, values: dict[str, Any]) -> Path:
    """Write ``values`` (plus the run mode) to ``results/<name>.json``.

    In quick mode the file goes to ``results/quick/`` instead, so a quick test
    run never overwrites the figures of a full run.
    """
    folder = results_dir() / "quick" if quick_mode() else results_dir()
    path = folder / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "quick_mode": quick_mode(), **values}
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(record, indent=2, default=_to_builtin) + "\n")
    partial.replace(path)  # atomic: a reader never sees a half-written file
    return path


def read_results(name: str, written_by: str) -> dict[str, Any]:
    """Read ``results/<name>.json`` as written by another notebook of this run mode.

    In quick mode the file is read from ``results/quick/``, where quick runs
    write, so a page never mixes a quick run's figures with a full run's.

    Args:
        name: the results file's stem, as given to ``write_results``.
        written_by: the notebook that writes it (named in the error message).

    Raises:
        FileNotFoundError: the file is not there; the message says which
            notebook to run first.
    """
    folder = results_dir() / "quick" if quick_mode() else results_dir()
    path = folder / f"{name}.json"
    if not path.exists():
        mode = "in quick mode (BILSTM_QUICK=1) " if quick_mode() else ""
        raise FileNotFoundError(f"{path} not found: run {written_by} {mode}first; it writes this file.")
    return json.loads(path.read_text())


def weights_path(name: str, written_by: str | None = None) -> Path:
    """Where a trained model's weights named ``name`` live: ``results/weights/<name>``
    (``results/quick/weights/`` in quick mode). The folder is not committed:
    a later chapter reuses the weights that an earlier one trained in this run.

    Args:
        name: a file name, e.g. ``"imdb_pytorch_seed0.pt"``.
        written_by: for reading, the notebook that writes the file; the path
            must then exist, and the error names that notebook.

    Raises:
        FileNotFoundError: ``written_by`` was given and the file is not there.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"name must be a plain file name such as 'model_seed0.pt', got {name!r}.")
    folder = results_dir() / "quick" if quick_mode() else results_dir()
    path = folder / "weights" / name
    if written_by is not None and not path.exists():
        mode = "in quick mode (BILSTM_QUICK=1) " if quick_mode() else ""
        raise FileNotFoundError(f"{path} not found: run {written_by} {mode}first; it trains and saves "
                                "these weights.")
    return path


def save_predictions(name: str, **arrays: np.ndarray) -> Path:
    """Save a trained model's predictions next to its weights, so that a later
    chapter can reuse them instead of running the model again.

    Args:
        name: a plain file name ending in ``.npz``, e.g. ``"imdb_pytorch_seed0_proba.npz"``.
        arrays: name -> array, e.g. ``p_val=(reviews,)``, ``p_test=(reviews,)``.

    Returns:
        the path written, under :func:`weights_path`'s folder.
    """
    if not name.endswith(".npz") or not arrays:
        raise ValueError(f"name must end in .npz and at least one array is needed, got {name!r} "
                         f"with {sorted(arrays)}; e.g. save_predictions('m_proba.npz', p_test=p).")
    path = weights_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return path


def load_predictions(name: str, written_by: str) -> dict[str, np.ndarray]:
    """The arrays that ``written_by`` saved with :func:`save_predictions`.

    Raises:
        FileNotFoundError: not saved in this run mode; the message names the notebook to run first.
    """
    with np.load(weights_path(name, written_by=written_by)) as saved:
        return {key: saved[key] for key in saved.files}


def _to_builtin(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
