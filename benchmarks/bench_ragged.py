"""Exact ragged batches in PyTorch: the helper against packing and the plain run.

A BiLSTM (torch.nn.LSTM, bidirectional, batch_first, float32, on the CPU)
over batches of 128 post-padded sequences of up to 400 steps (lengths drawn
uniformly from 1..400, synthetic random inputs), 32 features, 32 hidden
units, three ways:

- plain: nn.LSTM on the padded batch (fast, but wrong for ragged batches);
- exact: bilstm_helpers.torch.ragged.ragged_bilstm on the same batch;
- packed: pack_padded_sequence -> nn.LSTM -> pad_packed_sequence.

The exact and packed outputs are checked to agree first. Each batch is timed
for a training step (forward + backward of a loss on the outputs and final
states) and for inference (forward under no_grad), the three ways in turn
(interleaved, so that load from other processes hits all three alike).
The ratios are medians over batches of (time / plain time of the same
batch), which a burst of load on a shared machine moves less than totals do.
Prints a table, then as its last line a JSON object with exact_ratio and
packed_ratio (training step), also written to results/bench_ragged.json. If 20 batches would take more than --budget
seconds, fewer batches are run and the output says so.

PyTorch runs on one thread unless --threads says otherwise: on a machine
whose cores are shared with other jobs, two threads that wait for each other
make single runs up to ten times slower at random, which swamps the ratios.

    python benchmarks/bench_ragged.py [--batches 20] [--budget 120] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from bilstm_helpers.runtime import write_results
from bilstm_helpers.torch.ragged import packed_bilstm, ragged_bilstm

BATCH, TIME, FEATURES, HIDDEN = 128, 400, 32, 32


def plain(lstm, x, lengths):
    """nn.LSTM on the padded batch, lengths ignored."""
    return lstm(x)


def packed(lstm, x, lengths):
    """The reference: pack, run, unpack."""
    return packed_bilstm(lstm, x, lengths)


def exact(lstm, x, lengths):
    """The helper."""
    return ragged_bilstm(lstm, x, lengths)


METHODS = {"plain": plain, "exact": exact, "packed": packed}


def timed(run, lstm, x, lengths, train: bool) -> float:
    """Seconds for one training step (forward + backward) or one inference pass."""
    start = time.perf_counter()
    if train:
        lstm.zero_grad()
        out, (h, c) = run(lstm, x, lengths)
        (out.sum() + h.sum() + c.sum()).backward()
    else:
        with torch.no_grad():
            run(lstm, x, lengths)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds the timed runs may take before fewer batches are run")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    lstm = torch.nn.LSTM(FEATURES, HIDDEN, batch_first=True, bidirectional=True)

    def batch():
        lengths = torch.from_numpy(rng.integers(1, TIME + 1, size=BATCH))
        return torch.randn(BATCH, TIME, FEATURES), lengths

    # warm-up and correctness: exact equals packed, plain does not
    x, lengths = batch()
    with torch.no_grad():
        out_exact, (h_exact, c_exact) = exact(lstm, x, lengths)
        out_packed, (h_packed, c_packed) = packed(lstm, x, lengths)
        h_plain = plain(lstm, x, lengths)[1][0]
    max_difference = max(float((a - b).abs().max()) for a, b in
                         [(out_exact, out_packed), (h_exact, h_packed), (c_exact, c_packed)])
    assert max_difference < 1e-5, f"helper and packing disagree by {max_difference}"
    plain_h_difference = float((h_plain - h_packed).abs().max())

    warmup = {name: timed(run, lstm, x, lengths, train=True) for name, run in METHODS.items()}
    projected = args.batches * sum(warmup.values()) * 1.1  # training steps plus inference
    batches = args.batches
    if projected > args.budget and args.batches > 3:
        batches = max(3, int(args.batches * args.budget / projected))
        print(f"note: {args.batches} batches would take about {projected:.0f} s here "
              f"(more than --budget {args.budget:.0f} s); running {batches} batches instead.")

    times = {(name, mode): [] for name in METHODS for mode in ("train", "inference")}
    for i in range(batches):
        x, lengths = batch()
        order = list(METHODS.items())
        order = order[i % 3:] + order[: i % 3]  # rotate who goes first
        for name, run in order:
            times[name, "train"].append(timed(run, lstm, x, lengths, train=True))
            times[name, "inference"].append(timed(run, lstm, x, lengths, train=False))
    totals = {key: sum(values) for key, values in times.items()}

    def ratio(name: str, mode: str) -> float:
        return float(np.median(np.array(times[name, mode]) / np.array(times["plain", mode])))

    result = {
        "shape": {"batch": BATCH, "time": TIME, "features": FEATURES, "hidden_size": HIDDEN},
        "lengths": "uniform in 1..time (synthetic)", "dtype": "float32",
        "batches": batches, "batches_requested": args.batches,
        "torch_threads": torch.get_num_threads(),
        "max_difference_exact_vs_packed": max_difference,
        "max_h_n_difference_plain_vs_packed": plain_h_difference,
        **{f"{name}_{mode}_s": seconds for (name, mode), seconds in totals.items()},
        "exact_ratio": ratio("exact", "train"),
        "packed_ratio": ratio("packed", "train"),
        "exact_inference_ratio": ratio("exact", "inference"),
        "packed_inference_ratio": ratio("packed", "inference"),
    }
    print(f"{batches} batches of {BATCH} x {TIME} steps, H = {HIDDEN}, "
          f"{torch.get_num_threads()} threads; exact vs packed max difference {max_difference:.1e}")
    print(f"{'method':<10}{'train total (s)':>17}{'ratio':>8}{'inference total (s)':>21}{'ratio':>8}")
    for name in METHODS:
        print(f"{name:<10}{totals[name, 'train']:>17.2f}{ratio(name, 'train'):>8.2f}"
              f"{totals[name, 'inference']:>21.2f}{ratio(name, 'inference'):>8.2f}")
    print("ratio: median over batches of time / plain time on the same batch")
    write_results("bench_ragged", result)
    print(json.dumps({"exact_ratio": round(result["exact_ratio"], 3),
                      "packed_ratio": round(result["packed_ratio"], 3)}))


if __name__ == "__main__":
    main()
