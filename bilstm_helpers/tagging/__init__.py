"""The tagging case study: a part-of-speech tag for every word of UD English EWT.

- :mod:`~bilstm_helpers.tagging.treebank`: the CoNLL-U loader (NumPy-free, no framework);
- :mod:`~bilstm_helpers.tagging.encoding`: word and character vocabularies, padded id arrays;
- :mod:`~bilstm_helpers.tagging.baselines`: the most-frequent-tag baseline;
- :mod:`~bilstm_helpers.tagging.crf`, :mod:`~bilstm_helpers.tagging.models` and
  :mod:`~bilstm_helpers.tagging.training`: PyTorch; :mod:`~bilstm_helpers.tagging.keras_tagger`: Keras
  (imported only when you import them).
"""
