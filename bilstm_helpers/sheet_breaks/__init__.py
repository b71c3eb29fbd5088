"""The paper-machine sheet-break case study (chapter 5).

- :mod:`~bilstm_helpers.sheet_breaks.data`: the loader of the real CSV;
- :mod:`~bilstm_helpers.sheet_breaks.synthetic`: the synthetic twin (labelled as such);
- :mod:`~bilstm_helpers.sheet_breaks.pipeline`: curve shift, windows, splits, scaling;
- :mod:`~bilstm_helpers.sheet_breaks.models`: the Keras models and their metric;
- :mod:`~bilstm_helpers.sheet_breaks.baselines`: rolling-statistics logistic regression;
- :mod:`~bilstm_helpers.sheet_breaks.evaluation`: scores, thresholds, common test windows;
- :mod:`~bilstm_helpers.sheet_breaks.plots`: the chapter's figures.

Only ``models`` imports Keras (at its top).
"""
