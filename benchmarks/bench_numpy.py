"""NumPy BiLSTM against torch.nn.LSTM(bidirectional=True) on the CPU.

Same weights, same float32 inputs: batch 64, 100 steps, 32 features, 64
hidden units. The outputs are checked to agree first; then the median of
repeated runs (after warm-up) is taken for the forward pass alone and for
forward plus backward (PyTorch: autograd). Prints a table, then as its last
line a JSON object with forward_ratio and train_ratio (NumPy time / torch
time), also written to results/bench_numpy.json.

    python benchmarks/bench_numpy.py [--repeats 25]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from bilstm_helpers import bilstm_backward, bilstm_forward, init_bilstm, write_results
from bilstm_helpers.convert import load_torch_lstm

BATCH, TIME, FEATURES, HIDDEN = 64, 100, 32, 64


def median_seconds(run, repeats: int, warmup: int = 3) -> float:
    """Median wall time of ``run()`` over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    params = init_bilstm(FEATURES, HIDDEN, seed=0, dtype=np.float32)
    x = rng.normal(size=(BATCH, TIME, FEATURES)).astype(np.float32)
    dy = rng.normal(size=(BATCH, TIME, 2 * HIDDEN)).astype(np.float32)

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(FEATURES, HIDDEN, batch_first=True, bidirectional=True)
    load_torch_lstm(lstm, params)
    x_torch, dy_torch = torch.from_numpy(x), torch.from_numpy(dy)

    y_numpy = bilstm_forward(x, params)[0]
    with torch.no_grad():
        y_torch = lstm(x_torch)[0].numpy()
    max_difference = float(np.abs(y_numpy - y_torch).max())
    assert max_difference < 1e-5, f"NumPy and PyTorch disagree by {max_difference}"

    def numpy_forward():
        bilstm_forward(x, params)

    def numpy_train():
        y, _, cache = bilstm_forward(x, params)
        bilstm_backward(dy, cache)

    def torch_forward():
        with torch.no_grad():
            lstm(x_torch)

    def torch_train():
        lstm.zero_grad()
        x_grad = x_torch.clone().requires_grad_(True)  # NumPy computes dx too
        lstm(x_grad)[0].backward(dy_torch)

    times = {name: median_seconds(run, args.repeats) for name, run in [
        ("numpy_forward", numpy_forward), ("torch_forward", torch_forward),
        ("numpy_train", numpy_train), ("torch_train", torch_train)]}
    result = {
        "shape": {"batch": BATCH, "time": TIME, "features": FEATURES, "hidden_size": HIDDEN},
        "dtype": "float32", "repeats": args.repeats, "torch_threads": torch.get_num_threads(),
        "max_output_difference": max_difference,
        **{f"{name}_ms": 1000 * seconds for name, seconds in times.items()},
        "forward_ratio": times["numpy_forward"] / times["torch_forward"],
        "train_ratio": times["numpy_train"] / times["torch_train"],
    }
    print(f"{'pass':<22}{'NumPy (ms)':>12}{'PyTorch (ms)':>14}{'ratio':>8}")
    for label, key in [("forward", "forward"), ("forward + backward", "train")]:
        print(f"{label:<22}{result[f'numpy_{key}_ms']:>12.2f}{result[f'torch_{key}_ms']:>14.2f}"
              f"{result[f'{key}_ratio']:>8.2f}")
    write_results("bench_numpy", result)
    print(json.dumps({"forward_ratio": round(result["forward_ratio"], 3),
                      "train_ratio": round(result["train_ratio"], 3)}))


if __name__ == "__main__":
    main()
