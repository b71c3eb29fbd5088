"""The tagging case study: a part-of-speech tag for every word of UD English EWT.

- :mod:`~bilstm_helpers.tagging.treebank`: the CoNLL-U loader (NumPy-free, no framework);
- :mod:`~bilstm_helpers.tagging.encoding`: word and character vocabularies, padded id arrays;
- :mod:`~bilstm_helpers.tagging.baselines`: the most-frequent-tag baseline;
- :mod:`~bilstm_helpers.tagging.crf` and :mod:`~bilstm_helpers.tagging.models`: PyTorch
  (imported only when you import them).
"""
