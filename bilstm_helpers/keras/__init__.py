"""Keras 3 code of the framework chapter (chapter 3): the toy-task models and
their seeded runs (``models``), and the memory TensorFlow keeps of dropped
models (``memory``).

Every module here imports Keras (and so TensorFlow) at the top;
``import bilstm_helpers`` does not import this subpackage.
"""
