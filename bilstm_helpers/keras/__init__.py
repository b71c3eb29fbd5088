"""Keras 3 code of the framework chapter (chapter 3): the toy-task models and
their seeded runs (``models``), the memory TensorFlow keeps of dropped
models (``memory``), and Keras's array input pipeline without tf.data's
autotuning (``input_pipeline``, called by the Keras chapters 5, 6, 7 and 9).

Every module here imports Keras (and so TensorFlow) at the top;
``import bilstm_helpers`` does not import this subpackage.
"""
