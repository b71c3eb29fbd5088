"""Keras fit and predict on NumPy arrays with and without turn_off_input_autotuning().

Chapter 7's model (build_text_classifier: 20,000 words, 64-dim embeddings,
BiLSTM of 32 units per direction, max over time, dropout 0.3, Adam) is fitted
on synthetic reviews (random word ids, pre-padded to 400, lengths log-normal
with median about 180) as the chapters fit: --fits calls of model.fit, one
epoch of --batches batches of 128 each with validation data, then a predict
on the validation rows. Each set-up runs in its own Python process (the patch
holds for the whole process): a warm-up fit, then the timed fits. For every
fit a callback notes when the last batch and on_train_end happen, so the wall
time splits into the training batches and the wait after on_train_end, when
fit deletes its tf.data iterators. The two set-ups alternate over --repeats
processes each; the ratio is the median over repeats of (time with / time
without), printed with its range (bilstm_helpers.benchmarking pairs the
repeats): the wait varies widely from run to run.

Prints a table, then as its last line a JSON object with time_ratio and
batch_time_ratio, also written to results/bench_keras_input_pipeline.json.

    python benchmarks/bench_keras_input_pipeline.py [--fits 3] [--batches 30] [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from bilstm_helpers.benchmarking import median_of, ratio_fields, ratio_summary, run_in_processes  # noqa: E402
from bilstm_helpers.imdb.keras_models import build_text_classifier  # noqa: E402
from bilstm_helpers.keras.input_pipeline import turn_off_input_autotuning  # noqa: E402
from bilstm_helpers.runtime import write_results  # noqa: E402

BATCH, MAXLEN, NUM_WORDS, VALIDATION = 128, 400, 20000, 256


def synthetic_reviews(n: int, rng: np.random.Generator) -> np.ndarray:
    """ids: (n, MAXLEN), pre-padded with 0, random word ids 2..NUM_WORDS-1."""
    lengths = np.clip(rng.lognormal(5.2, 0.6, n).astype(np.int64), 5, MAXLEN)
    ids = rng.integers(2, NUM_WORDS, (n, MAXLEN)).astype("int32")
    ids[np.arange(MAXLEN)[None] < (MAXLEN - lengths)[:, None]] = 0
    return ids


def one_run(fits: int, batches: int, turn_off: bool) -> dict:
    """Fit and predict in this process; the timed fits' figures."""
    applied = turn_off_input_autotuning() if turn_off else False
    rng = np.random.default_rng(0)
    x = synthetic_reviews(BATCH * batches + VALIDATION, rng)
    y = rng.integers(0, 2, len(x)).astype("float32")
    x_train, y_train, x_val, y_val = x[VALIDATION:], y[VALIDATION:], x[:VALIDATION], y[:VALIDATION]
    keras.utils.set_random_seed(0)
    model = build_text_classifier(NUM_WORDS, MAXLEN, embedding_dim=64, units=32, merge_mode="concat",
                                  pooling="max", dropout=0.3, learning_rate=1e-3)
    model.fit(x_train[:2 * BATCH], y_train[:2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)  # warm-up: tracing

    marks: dict[str, float] = {}
    note = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: marks.setdefault("first_batch", time.perf_counter()),
        on_train_batch_end=lambda batch, logs: marks.__setitem__("last_batch", time.perf_counter()),
        on_train_end=lambda logs: marks.__setitem__("train_end", time.perf_counter()))
    fit_s, batches_s, after_end_s, predict_s = [], [], [], []
    for _ in range(fits):
        marks.clear()
        start = time.perf_counter()
        model.fit(x_train, y_train, batch_size=BATCH, epochs=1, validation_data=(x_val, y_val),
                  callbacks=[note], verbose=0)
        returned = time.perf_counter()
        model.predict(x_val, batch_size=256, verbose=0)
        predicted = time.perf_counter()
        fit_s.append(returned - start)
        batches_s.append(marks["last_batch"] - marks["first_batch"])
        after_end_s.append(returned - marks["train_end"])
        predict_s.append(predicted - returned)
    weights = hashlib.sha256(b"".join(np.asarray(w).tobytes() for w in model.get_weights())).hexdigest()
    return {"applied": applied, "wall_s": sum(fit_s) + sum(predict_s),
            "batch_s": sum(batches_s) / (fits * batches),  # from the first batch's start to the last's end
            "after_train_end_s": float(np.mean(after_end_s)), "longest_after_train_end_s": max(after_end_s),
            "predict_s": float(np.mean(predict_s)), "weights_sha256": weights}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=3)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", choices=["off", "default"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.fits, args.batches, args.child == "off")))
        return

    runs = run_in_processes(__file__, ("default", "off"), args.repeats,
                            ["--fits", args.fits, "--batches", args.batches])
    time_ratio, batch_ratio = (ratio_summary(runs, key, "off", "default") for key in ("wall_s", "batch_s"))

    keys = ("wall_s", "batch_s", "after_train_end_s", "longest_after_train_end_s", "predict_s")
    result = {
        "model": "build_text_classifier(20000, 400, embedding 64, 32 units, concat, max, dropout 0.3), Adam",
        "batch": BATCH, "maxlen": MAXLEN, "data": "synthetic ids, log-normal lengths cut at 400, pre-padded",
        "fits": args.fits, "batches_per_fit": args.batches, "validation_rows": VALIDATION,
        "repeats": args.repeats, "applied": all(run["applied"] for run in runs["off"]),
        "same_weights": len({run["weights_sha256"] for setup in runs for run in runs[setup]}) == 1,
        **{f"{setup}_{key}": median_of(runs, setup, key) for setup in runs for key in keys},
        **ratio_fields("time_ratio", time_ratio),
        **ratio_fields("batch_time_ratio", batch_ratio),
    }
    if not result["applied"]:
        print("note: turn_off_input_autotuning() found no array adapter in this Keras; nothing changed.")
    print(f"{args.fits} fits of {args.batches} batches of {BATCH} synthetic reviews, each with validation and a "
          f"predict of {VALIDATION} rows; median of {args.repeats} processes per set-up")
    print(f"{'set-up':<28}{'fits+predicts (s)':>18}{'per batch (s)':>14}{'wait after fit (s)':>19}"
          f"{'longest wait (s)':>17}")
    for setup, label in [("default", "Keras's pipeline (autotune)"), ("off", "turn_off_input_autotuning")]:
        print(f"{label:<28}{median_of(runs, setup, 'wall_s'):>18.2f}{median_of(runs, setup, 'batch_s'):>14.3f}"
              f"{median_of(runs, setup, 'after_train_end_s'):>19.2f}"
              f"{median_of(runs, setup, 'longest_after_train_end_s'):>17.2f}")
    print(f"same weights after the fits in every process: {result['same_weights']}")
    for name, summary in [("time", time_ratio), ("per-batch time", batch_ratio)]:
        print(f"{name} ratio (off / default): median {summary['median']:.3f}, "
              f"range {summary['min']:.3f}-{summary['max']:.3f} over {args.repeats} paired processes")
    write_results("bench_keras_input_pipeline", result)
    print(json.dumps({"time_ratio": round(result["time_ratio"], 3),
                      "batch_time_ratio": round(result["batch_time_ratio"], 3),
                      "same_weights": result["same_weights"]}))


if __name__ == "__main__":
    main()
