import gc
import weakref

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.framework.func_graph import FuncGraph

from bilstm_helpers.keras.memory import custom_gradient_names, forget_finished_traces
from bilstm_helpers.runtime import release_memory

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4, 3)).astype("float32")  # synthetic (batch, time, features)
Y = (X.sum(axis=(1, 2)) > 0).astype("float32")[:, None]


def tiny_model(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(4, 3)), keras.layers.Bidirectional(keras.layers.LSTM(2)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def traced_graphs_of(run) -> list[weakref.ref]:
    """Weak references to the FuncGraphs that ``run()`` traces."""
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, FuncGraph)}
    run()
    return [weakref.ref(o) for o in gc.get_objects() if isinstance(o, FuncGraph) and id(o) not in before]


def fit_and_drop():
    model = tiny_model(0)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    del model
    keras.backend.clear_session()


def test_tensorflow_keeps_the_traced_steps_of_a_dropped_model_until_they_are_forgotten():
    forget_finished_traces()
    graphs = traced_graphs_of(fit_and_drop)
    gc.collect()
    # The bug the module works around; if this fails, TensorFlow fixed it and the module can go.
    assert custom_gradient_names() and any(g() is not None for g in graphs)
    assert forget_finished_traces() > 0
    gc.collect()
    assert custom_gradient_names() == []
    assert all(g() is None for g in graphs)


def test_release_memory_forgets_the_traces_once_tensorflow_is_loaded():
    fit_and_drop()
    assert custom_gradient_names()
    release_memory()
    assert custom_gradient_names() == []


def test_a_live_model_keeps_training_and_predicting_after_the_traces_are_forgotten():
    model = tiny_model(1)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    before = model.predict(X, verbose=0)
    forget_finished_traces()
    gc.collect()
    np.testing.assert_array_equal(model.predict(X, verbose=0), before)
    loss = model.fit(X, Y, epochs=3, batch_size=8, verbose=0).history["loss"]
    assert np.all(np.isfinite(loss)) and not np.allclose(model.predict(X, verbose=0), before)
    with tf.GradientTape() as tape:  # gradients through the live model still work
        out = model(X)
    grads = tape.gradient(out, model.trainable_variables)
    assert all(g is not None for g in grads)
