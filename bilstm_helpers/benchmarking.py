"""Compare set-ups of one benchmark, each in its own Python process.

Some switches hold for a whole process and cannot be undone cleanly inside it
(glibc's malloc settings in :func:`~bilstm_helpers.torch.memory.keep_freed_memory`,
the patched Keras adapter of
:func:`~bilstm_helpers.keras.input_pipeline.turn_off_input_autotuning`), and a
process that has already trained carries warm caches into the next set-up. So
a benchmark script measures each set-up in a child process of its own:

    python benchmarks/bench_x.py --child SETUP [args...]

prints one JSON object as its last line. :func:`run_in_processes` starts the
children, alternating the set-ups so that a change in the machine's load hits
both alike, and :func:`ratio_summary` pairs repeat ``i`` of one set-up with
repeat ``i`` of the other, so the spread of the ratio is visible next to its
median: on a shared 2-core machine it can be wide.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["BenchmarkChildError", "run_in_processes", "median_of", "ratio_summary", "ratio_fields"]


class BenchmarkChildError(RuntimeError):
    """A child process failed or did not end its output with a JSON object."""


def run_in_processes(script: str | Path, setups: Sequence[str], repeats: int,
                     args: Sequence[object] = ()) -> dict[str, list[dict]]:
    """Run ``script --child SETUP *args`` for every set-up, ``repeats`` times, alternating.

    Args:
        script: the benchmark script; it must accept ``--child SETUP`` and print
            a JSON object as the last line of its standard output.
        setups: names of the set-ups, run in this order within each repeat.
        repeats: processes per set-up (at least 1).
        args: further command-line arguments passed to every child (each through ``str``).

    Returns:
        runs: set-up name -> list (repeats,) of the children's JSON objects, in run order.

    Raises:
        BenchmarkChildError: a child exited with an error (its standard error's
            last lines are in the message) or printed no JSON object last.
    """
    if repeats < 1:
        raise ValueError(f"repeats={repeats}: give at least 1 process per set-up.")
    runs: dict[str, list[dict]] = {setup: [] for setup in setups}
    for _ in range(repeats):
        for setup in setups:
            command = [sys.executable, str(script), "--child", setup, *map(str, args)]
            child = subprocess.run(command, capture_output=True, text=True)
            if child.returncode != 0:
                tail = "\n".join(child.stderr.strip().splitlines()[-5:])
                raise BenchmarkChildError(f"set-up {setup!r} failed (exit {child.returncode}); "
                                          f"run `{' '.join(command)}` to see why:\n{tail}")
            lines = child.stdout.strip().splitlines()
            try:
                runs[setup].append(json.loads(lines[-1]))
            except (IndexError, json.JSONDecodeError) as error:
                raise BenchmarkChildError(f"set-up {setup!r} printed no JSON object as its last line; "
                                          f"end the child's output with print(json.dumps(...)).") from error
    return runs


def median_of(runs: dict[str, list[dict]], setup: str, key: str) -> float:
    """Median of ``key`` over the repeats of one set-up."""
    return float(np.median([run[key] for run in runs[setup]]))


def ratio_summary(runs: dict[str, list[dict]], key: str, setup: str, baseline: str) -> dict[str, float]:
    """The ratio ``setup / baseline`` of ``key``, repeat by repeat.

    Args:
        runs: from :func:`run_in_processes`; both set-ups hold the same number of repeats.
        key: the measured figure, e.g. ``"wall_s"``.
        setup, baseline: set-up names; repeat ``i`` of one is paired with repeat ``i``
            of the other (they ran next to each other).

    Returns:
        summary: ``{"median": ..., "min": ..., "max": ...}`` over the (repeats,) ratios.
    """
    ratios = np.array([run[key] / base[key] for run, base in zip(runs[setup], runs[baseline], strict=True)])
    return {"median": float(np.median(ratios)), "min": float(ratios.min()), "max": float(ratios.max())}


def ratio_fields(name: str, summary: dict[str, float]) -> dict[str, float]:
    """A ratio's summary as flat results fields: ``name``, ``name_min``, ``name_max``.

    Args:
        name: the field name, e.g. ``"time_ratio"``.
        summary: from :func:`ratio_summary`.
    """
    return {name: summary["median"], f"{name}_min": summary["min"], f"{name}_max": summary["max"]}
