"""Memory that TensorFlow keeps after a Keras model is dropped.

Every ``model.fit`` traces a training step in graph mode. Keras's TensorFlow
optimizer sums the gradients with the distribution strategy's ``all_reduce``
(also without a strategy), and that call goes through ``tf.custom_gradient``.
In graph mode ``custom_gradient`` registers its gradient function under a new
name (``CustomGradient-<n>``) in TensorFlow's global gradient registry and
never removes it. The function's closure holds symbolic tensors of the traced
step, so the whole traced graph of a model stays in memory after the model,
``keras.backend.clear_session()`` and ``gc.collect()`` are gone: tens of MB
per model (``benchmarks/bench_keras_memory.py`` prints the figure). The bug is
tensorflow/tensorflow#97697 (and keras-team/tf-keras#898, which proposes the
same remedy as this module).

A registered gradient is only read while a graph that contains its op is
being differentiated, that is while the training step is traced. Once every
trace has finished, dropping the entries is safe: models that are still alive
keep training and predicting (``tests/test_keras_memory.py`` checks both),
and a new trace registers what it needs again.
"""

from __future__ import annotations

import keras  # noqa: F401  (the subpackage's rule: import the framework at the top)
from tensorflow.python.framework import ops

PREFIX = "CustomGradient-"


def _registry() -> dict | None:
    """TensorFlow's gradient registry (op type -> entry), or None if a release moved it."""
    return getattr(getattr(ops, "gradient_registry", None), "_registry", None)


def custom_gradient_names() -> list[str]:
    """Names of the ``tf.custom_gradient`` registrations TensorFlow holds now."""
    registry = _registry()
    return [] if registry is None else [name for name in registry if name.startswith(PREFIX)]


def forget_finished_traces() -> int:
    """Drop the gradient registrations of finished graph traces, so that the
    garbage collector can free the traced steps of dropped models.

    Call it between experiments, never while a ``tf.function`` is being
    traced. :func:`bilstm_helpers.runtime.release_memory` calls it whenever
    TensorFlow is loaded. If a later TensorFlow release moves the registry,
    this does nothing (and returns 0) instead of failing.

    Returns:
        removed: the number of registrations dropped.
    """
    registry = _registry()
    if registry is None:
        return 0
    names = custom_gradient_names()
    for name in names:
        del registry[name]
    return len(names)
