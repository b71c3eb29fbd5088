"""Keras 3 code of the framework chapter (chapter 3): the toy-task models and
their seeded runs.

Every module here imports Keras (and so TensorFlow) at the top;
``import bilstm_helpers`` does not import this subpackage.
"""
