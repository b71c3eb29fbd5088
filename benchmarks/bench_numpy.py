"""NumPy BiLSTM against torch.nn.LSTM(bidirectional=True) on the CPU.

Same weights, same float32 inputs: batch 64, 100 steps, 32 features, 64
hidden units. Two NumPy versions: the fast twin (bilstm_helpers.fast_bilstm,
the one the goal is about) and the plain reference the book prints
(bilstm_helpers.bilstm, for information). Their outputs and input gradients
are checked against PyTorch's first. Then each pass, forward alone and
forward plus backward (PyTorch: autograd), is timed in ``--rounds``
interleaved rounds of ``--repeats`` calls each (after warm-up), so that a
shared, busy machine slows all of them alike. The ratios use the best call
of each (the least disturbed); the table also gives the median, the
spread of the per-round medians and the page faults per call (first
touches of fresh memory, which cost PyTorch's autograd much of its time
in some runs and not in others). Prints the table, then as its last line a
JSON object with forward_ratio and train_ratio (fast twin time / torch
time), also written with everything else to results/bench_numpy.json.

    python benchmarks/bench_numpy.py [--repeats 25] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np
import torch

from bilstm_helpers.bilstm import bilstm_backward, bilstm_forward, init_bilstm
from bilstm_helpers.convert import load_torch_lstm
from bilstm_helpers.fast_bilstm import fast_bilstm_backward, fast_bilstm_forward
from bilstm_helpers.runtime import write_results

BATCH, TIME, FEATURES, HIDDEN = 64, 100, 32, 64
VERSIONS = {"fast": (fast_bilstm_forward, fast_bilstm_backward),
            "reference": (bilstm_forward, bilstm_backward)}


def call_seconds(run, repeats: int, warmup: int = 2) -> tuple[list[float], int]:
    """Wall time of each of ``repeats`` calls of ``run()`` after ``warmup`` calls,
    and the page faults (first touches of fresh memory) the calls took in all."""
    for _ in range(warmup):
        run()
    times = []
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25, help="timed calls per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    params = init_bilstm(FEATURES, HIDDEN, seed=0, dtype=np.float32)
    x = rng.normal(size=(BATCH, TIME, FEATURES)).astype(np.float32)
    dy = rng.normal(size=(BATCH, TIME, 2 * HIDDEN)).astype(np.float32)

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(FEATURES, HIDDEN, batch_first=True, bidirectional=True)
    load_torch_lstm(lstm, params)
    x_torch, dy_torch = torch.from_numpy(x), torch.from_numpy(dy)
    x_grad = x_torch.clone().requires_grad_(True)
    y_torch = lstm(x_grad)[0]
    y_torch.backward(dy_torch)
    differences = {}
    for version, (forward, backward) in VERSIONS.items():
        y, _, cache = forward(x, params)
        dx = backward(dy, cache)[1]
        differences[f"{version}_max_output_difference"] = float(np.abs(y - y_torch.detach().numpy()).max())
        differences[f"{version}_max_dx_difference"] = float(np.abs(dx - x_grad.grad.numpy()).max())
    for name, difference in differences.items():
        assert difference < 1e-4, f"NumPy and PyTorch disagree: {name} = {difference}"

    def numpy_passes(forward, backward):
        return (lambda: forward(x, params)), (lambda: backward(dy, forward(x, params)[2]))

    def torch_forward():
        with torch.no_grad():
            lstm(x_torch)

    def torch_train():
        lstm.zero_grad()
        x_grad = x_torch.clone().requires_grad_(True)  # NumPy computes dx too
        lstm(x_grad)[0].backward(dy_torch)

    runs = {"torch_forward": torch_forward, "torch_train": torch_train}
    for version, passes in VERSIONS.items():
        runs[f"{version}_forward"], runs[f"{version}_train"] = numpy_passes(*passes)
    calls: dict[str, list[float]] = {name: [] for name in runs}
    round_medians: dict[str, list[float]] = {name: [] for name in runs}
    faults = dict.fromkeys(runs, 0)
    for _ in range(args.rounds):
        for name, run in runs.items():
            times, faults_taken = call_seconds(run, args.repeats)
            calls[name] += times
            faults[name] += faults_taken
            round_medians[name].append(1000 * float(np.median(times)))

    result = {
        "shape": {"batch": BATCH, "time": TIME, "features": FEATURES, "hidden_size": HIDDEN},
        "dtype": "float32", "repeats": args.repeats, "rounds": args.rounds,
        "torch_threads": torch.get_num_threads(), "timing": "best call; median of all calls; "
        "spread = per-round medians", **differences,
    }
    for name in runs:
        result[f"{name}_ms"] = 1000 * min(calls[name])
        result[f"{name}_median_ms"] = 1000 * float(np.median(calls[name]))
        result[f"{name}_round_medians_ms"] = [round(m, 3) for m in round_medians[name]]
        result[f"{name}_page_faults_per_call"] = faults[name] / len(calls[name])
    for version in VERSIONS:
        prefix = "" if version == "fast" else f"{version}_"
        for key in ("forward", "train"):
            result[f"{prefix}{key}_ratio"] = result[f"{version}_{key}_ms"] / result[f"torch_{key}_ms"]
            result[f"{prefix}{key}_ratio_median"] = (result[f"{version}_{key}_median_ms"]
                                                     / result[f"torch_{key}_median_ms"])

    print(f"{'pass':<20}{'version':<11}{'best ms':>9}{'median':>9}{'round medians':>16}"
          f"{'faults':>8}{'ratio best':>12}{'median':>8}")
    for label, key in [("forward", "forward"), ("forward + backward", "train")]:
        for version in ("torch", *VERSIONS):
            name = f"{version}_{key}"
            spread = f"{min(round_medians[name]):.2f}-{max(round_medians[name]):.2f}"
            ratios = ""
            if version != "torch":
                prefix = "" if version == "fast" else f"{version}_"
                ratios = f"{result[f'{prefix}{key}_ratio']:>12.2f}{result[f'{prefix}{key}_ratio_median']:>8.2f}"
            print(f"{label:<20}{version:<11}{result[f'{name}_ms']:>9.2f}{result[f'{name}_median_ms']:>9.2f}"
                  f"{spread:>16}{result[f'{name}_page_faults_per_call']:>8.0f}{ratios}")
    write_results("bench_numpy", result)
    print(json.dumps({"forward_ratio": round(result["forward_ratio"], 3),
                      "train_ratio": round(result["train_ratio"], 3),
                      "reference_forward_ratio": round(result["reference_forward_ratio"], 3),
                      "reference_train_ratio": round(result["reference_train_ratio"], 3)}))


if __name__ == "__main__":
    main()
