"""Memory a Keras model leaves behind once it is dropped, and what releases it.

Each set-up runs in a fresh Python process and trains several models in a
row, dropping each one (``del``, ``keras.backend.clear_session()``, garbage
collection, ``malloc_trim``) before the next, as the chapters do between
seeds. It records the resident memory (VmRSS) after each model; the growth
per model after the first (the first also pays for TensorFlow's one-time
set-up) is what a notebook that trains many models accumulates.

- sheet-break models (chapter 5's BiLSTM on the SYNTHETIC twin, 1 epoch),
  released without and with
  :func:`bilstm_helpers.keras.memory.forget_finished_traces` (what
  :func:`bilstm_helpers.runtime.release_memory` does when TensorFlow is loaded);
- chapter 3's toy models (``train_s4_runs`` at the chapter's settings, one
  seed each, SYNTHETIC data), compiled with and without XLA (``jit_compile``),
  both released with ``release_memory``, with their training time.

Prints a table, then as its last line a JSON object with the growth ratios
(without / with the remedy), also written to results/bench_keras_memory.json.
Linux only (it reads /proc/self/status).

    python benchmarks/bench_keras_memory.py [--models 4]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time

SETUPS = {
    "sheet_break_clear_session": "sheet-break BiLSTM, clear_session + gc only",
    "sheet_break_release_memory": "sheet-break BiLSTM, runtime.release_memory",
    "s4_xla": "chapter 3 toy, jit_compile=True (XLA)",
    "s4_no_xla": "chapter 3 toy, jit_compile=False",
}


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line in /proc/self/status (Linux only)")


def child(setup: str, models: int) -> dict:
    """Train ``models`` models of one set-up in this process; resident MB after each."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import ctypes

    import keras

    from bilstm_helpers.keras.models import train_s4_runs
    from bilstm_helpers.runtime import release_memory
    from bilstm_helpers.sheet_breaks.models import train_sheet_break_model
    from bilstm_helpers.sheet_breaks.pipeline import class_weights, prepare
    from bilstm_helpers.sheet_breaks.synthetic import TwinParams, make_sheet_breaks

    def clear_only() -> None:
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)

    data = None
    if setup.startswith("sheet_break"):
        frame, _ = make_sheet_breaks(seed=0, params=TwinParams(n_rows=3000, n_breaks=20, n_decoys=24))
        data = prepare(frame, lookback=5, split="time")
    kinds = ["forward", "backward", "bidirectional", "backward_aligned"]
    after, seconds = [], []
    for index in range(models):
        start = time.perf_counter()
        if data is not None:
            model, _ = train_sheet_break_model(data, seed=index, class_weight=class_weights(data.y_train),
                                               epochs=1, patience=1)
            del model
        else:
            train_s4_runs(kinds[index % len(kinds)], [0], epochs=40, jit_compile=setup == "s4_xla")
        seconds.append(time.perf_counter() - start)
        keras.backend.clear_session()
        clear_only() if setup == "sheet_break_clear_session" else release_memory()
        after.append(resident_mb())
    growth = (after[-1] - after[0]) / (models - 1)
    return {"setup": setup, "resident_mb_after_each": after, "growth_mb_per_model": growth,
            "seconds_per_model": sum(seconds[1:]) / (models - 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=4)
    parser.add_argument("--child", choices=list(SETUPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.models < 2:
        parser.error("--models must be at least 2: the growth is measured after the first model")
    if args.child:
        print(json.dumps(child(args.child, args.models)))
        return

    from bilstm_helpers.benchmarking import run_in_processes
    from bilstm_helpers.runtime import write_results

    runs = run_in_processes(__file__, list(SETUPS), 1, ["--models", args.models])
    rows = {setup: runs[setup][0] for setup in SETUPS}
    print(f"{'set-up':<46}{'MB after each model':>30}{'MB / model':>12}{'s / model':>11}")
    for setup, row in rows.items():
        trace = " ".join(f"{mb:.0f}" for mb in row["resident_mb_after_each"])
        print(f"{SETUPS[setup]:<46}{trace:>30}{row['growth_mb_per_model']:>12.1f}{row['seconds_per_model']:>11.2f}")
    print("MB / model: growth of resident memory per model after the first; s / model: training time")

    def ratio(a: str, b: str) -> float:
        return rows[a]["growth_mb_per_model"] / max(rows[b]["growth_mb_per_model"], 1.0)

    result = {
        "models_per_setup": args.models, "data": "synthetic", "setups": SETUPS, "rows": rows,
        "sheet_break_growth_ratio": ratio("sheet_break_clear_session", "sheet_break_release_memory"),
        "s4_xla_growth_ratio": ratio("s4_xla", "s4_no_xla"),
        "s4_xla_time_ratio": rows["s4_xla"]["seconds_per_model"] / rows["s4_no_xla"]["seconds_per_model"],
    }
    print("growth ratios: without / with the remedy (a floor of 1 MB / model in the denominator)")
    write_results("bench_keras_memory", result)
    print(json.dumps({key: round(result[key], 2) for key in
                      ("sheet_break_growth_ratio", "s4_xla_growth_ratio", "s4_xla_time_ratio")}))


if __name__ == "__main__":
    main()
