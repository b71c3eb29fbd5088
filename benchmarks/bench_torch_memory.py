"""PyTorch training on a Linux CPU with and without keep_freed_memory().

Chapter 8's model (IMDBBiLSTM: 20,000 words, 64-dim embeddings, 32 units per
direction, dropout 0.3, Adam) trains on synthetic ragged batches of 128 reviews
(random word ids; lengths log-normal, median about 180, cut at 400, as IMDB's
are). Each set-up runs in its own Python process, because malloc's options
hold for the whole process: a warm-up pass, then a timed pass over --batches
batches, measured by getrusage (wall and CPU seconds, minor page faults, peak
resident memory). The two set-ups alternate over --repeats processes each, and
the ratio is the median over repeats of (time with / time without), printed
with its range (bilstm_helpers.benchmarking pairs the repeats).

Prints a table, then as its last line a JSON object with time_ratio and
peak_memory_ratio, also written to results/bench_torch_memory.json.
On other systems than Linux with glibc, keep_freed_memory() changes nothing
and the output says so.

    python benchmarks/bench_torch_memory.py [--batches 20] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np
import torch

from bilstm_helpers.benchmarking import median_of, ratio_fields, ratio_summary, run_in_processes
from bilstm_helpers.imdb.torch_models import IMDBBiLSTM, TextBatches
from bilstm_helpers.runtime import write_results
from bilstm_helpers.torch.memory import keep_freed_memory

BATCH, MAXLEN, NUM_WORDS = 128, 400, 20000


def one_run(batches: int, keep: bool) -> dict:
    """Train in this process; the measured pass's figures."""
    applied = keep_freed_memory() if keep else False
    rng = np.random.default_rng(0)
    n = BATCH * batches
    lengths = np.clip(rng.lognormal(5.2, 0.6, n).astype(np.int64), 5, MAXLEN)
    ids = rng.integers(2, NUM_WORDS, (n, MAXLEN))
    ids[np.arange(MAXLEN)[None] >= lengths[:, None]] = 0
    labels = rng.integers(0, 2, n).astype(np.float32)
    torch.manual_seed(0)
    model = IMDBBiLSTM(NUM_WORDS, 64, 32, 0.3)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    data = TextBatches(ids, lengths, labels, BATCH, shuffle=True, seed=0)

    def train_pass() -> None:
        for x, x_lengths, y in data:
            optimizer.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(model(x, x_lengths), y).backward()
            optimizer.step()

    train_pass()  # warm-up: first-call costs are not the allocator's
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    train_pass()
    after, seconds = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - start
    return {"applied": applied, "wall_s": seconds, "user_s": after.ru_utime - before.ru_utime,
            "system_s": after.ru_stime - before.ru_stime, "minor_page_faults": after.ru_minflt - before.ru_minflt,
            "peak_memory_mb": after.ru_maxrss / 1024}  # ru_maxrss is in KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", choices=["keep", "default"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.batches, args.child == "keep")))
        return

    runs = run_in_processes(__file__, ("default", "keep"), args.repeats, ["--batches", args.batches])
    time_ratio, memory_ratio = (ratio_summary(runs, key, "keep", "default") for key in ("wall_s", "peak_memory_mb"))

    keys = ("wall_s", "user_s", "system_s", "minor_page_faults", "peak_memory_mb")
    result = {
        "model": "IMDBBiLSTM(20000, 64, 32, dropout 0.3), Adam", "batch": BATCH, "maxlen": MAXLEN,
        "data": "synthetic ids, log-normal lengths cut at 400", "batches": args.batches,
        "repeats": args.repeats, "torch_threads": torch.get_num_threads(),
        "applied": all(run["applied"] for run in runs["keep"]),
        **{f"{setup}_{key}": median_of(runs, setup, key) for setup in runs for key in keys},
        **ratio_fields("time_ratio", time_ratio),
        **ratio_fields("peak_memory_ratio", memory_ratio),
    }
    if not result["applied"]:
        print("note: keep_freed_memory() changes nothing on this system (not Linux with glibc).")
    print(f"{args.batches} training batches of {BATCH} synthetic reviews, {torch.get_num_threads()} threads, "
          f"median of {args.repeats} processes per set-up")
    print(f"{'set-up':<20}{'wall (s)':>10}{'user (s)':>10}{'system (s)':>12}{'page faults':>13}{'peak MB':>9}")
    for setup, label in [("default", "glibc defaults"), ("keep", "keep_freed_memory")]:
        print(f"{label:<20}{median_of(runs, setup, 'wall_s'):>10.2f}{median_of(runs, setup, 'user_s'):>10.2f}"
              f"{median_of(runs, setup, 'system_s'):>12.2f}{median_of(runs, setup, 'minor_page_faults'):>13,.0f}"
              f"{median_of(runs, setup, 'peak_memory_mb'):>9.0f}")
    for name, summary in [("time", time_ratio), ("peak memory", memory_ratio)]:
        print(f"{name} ratio (keep / default): median {summary['median']:.3f}, "
              f"range {summary['min']:.3f}-{summary['max']:.3f} over {args.repeats} paired processes")
    write_results("bench_torch_memory", result)
    print(json.dumps({"time_ratio": round(result["time_ratio"], 3),
                      "peak_memory_ratio": round(result["peak_memory_ratio"], 3)}))


if __name__ == "__main__":
    main()
