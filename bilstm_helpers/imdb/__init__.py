"""The IMDB case study (chapters 6-10): 50,000 labelled movie reviews.

- :mod:`~bilstm_helpers.imdb.data`: the loader (a local archive or folder, or a download);
- :mod:`~bilstm_helpers.imdb.vectorize`: tokens, vocabulary, padded id arrays;
- :mod:`~bilstm_helpers.imdb.baselines`: TF-IDF and NB-weighted n-gram models;
- :mod:`~bilstm_helpers.imdb.ensemble`: stacking, calibration, disagreement tables;
- :mod:`~bilstm_helpers.imdb.by_length`: test accuracy against review length, over seeds;
- :mod:`~bilstm_helpers.imdb.keras_models` (Keras) and
  :mod:`~bilstm_helpers.imdb.torch_models` (PyTorch): the BiLSTM classifiers.

Only the two model modules import a framework, each at its top.
"""
