"""The input pipeline behind ``model.fit(x, y)``, without tf.data's autotuning.

Given NumPy arrays, Keras's TensorFlow backend feeds ``fit``, ``evaluate``
and ``predict`` through a tf.data pipeline it builds itself (its
``ArrayDataAdapter``): a shuffled permutation of the row indices, cut into
batches, a parallel ``map`` that gathers each batch's rows, and a
``prefetch``, the last two sized by ``tf.data.AUTOTUNE``. Autotuning gives
every iterator of that pipeline a background thread that measures the
pipeline and tunes those sizes while the model trains, beside the training
step. When ``fit`` returns, deleting the iterator waits for that thread while
the CPU idles (a native stack taken during such a wait shows the iterator's
destructor waiting on one of tf.data's threads).
``benchmarks/bench_keras_input_pipeline.py`` measures the wait after ``fit``
and the time per batch, with and without.

:func:`turn_off_input_autotuning` sets ``tf.data.Options().autotune.enabled
= False`` on every pipeline Keras builds from arrays from the call on. The
batches stay the same: their order comes from the seeded permutation, and the
parallel ``map`` keeps the order of its input (tf.data's default,
``deterministic=True``). ``tests/test_keras_input_pipeline.py`` checks that a
seeded ``fit`` ends with bitwise the same weights with and without it. The
parallelism that ``AUTOTUNE`` would tune falls back to tf.data's fixed
defaults. Where the input pipeline is the bottleneck (large images decoded
on many cores), leave autotuning on.

It patches one method of a Keras class that is not public API
(``keras.src.trainers.data_adapters.array_data_adapter``); if a later Keras
release moves it, the function does nothing and returns False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras  # noqa: F401  (the subpackage's rule: import the framework at the top)
import tensorflow as tf

try:
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
except ImportError:  # a Keras release that moved it: leave the pipeline as it is
    ArrayDataAdapter = None

MARK = "_bilstm_autotuning_off"  # set on the patched method, so that a second call does nothing


def input_autotuning_is_off() -> bool:
    """Whether :func:`turn_off_input_autotuning` is in force in this process."""
    return ArrayDataAdapter is not None and hasattr(ArrayDataAdapter.get_tf_dataset, MARK)


def turn_off_input_autotuning() -> bool:
    """Build Keras's array pipelines with tf.data autotuning off, from now on.

    Affects every later ``fit``, ``evaluate`` and ``predict`` on NumPy arrays
    in this process (the TensorFlow backend); a ``tf.data.Dataset`` passed by
    the caller keeps its own options. Calling it twice is harmless.

    Returns:
        True when autotuning is off now; False when this Keras release has no
        array adapter where we expect it (nothing changes then).
    """
    if ArrayDataAdapter is None:
        return False
    if input_autotuning_is_off():
        return True
    build: Callable[[Any], tf.data.Dataset] = ArrayDataAdapter.get_tf_dataset

    def get_tf_dataset(self: Any) -> tf.data.Dataset:
        options = tf.data.Options()
        options.autotune.enabled = False
        return build(self).with_options(options)

    setattr(get_tf_dataset, MARK, build)
    ArrayDataAdapter.get_tf_dataset = get_tf_dataset
    return True


def turn_on_input_autotuning() -> None:
    """Undo :func:`turn_off_input_autotuning` (Keras's own pipeline again)."""
    if input_autotuning_is_off():
        ArrayDataAdapter.get_tf_dataset = getattr(ArrayDataAdapter.get_tf_dataset, MARK)
