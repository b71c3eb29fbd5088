"""Figures of the book, drawn with matplotlib (imported at the top of each module).

- :mod:`~bilstm_helpers.plots.curves`: mean curves with seed bands;
- :mod:`~bilstm_helpers.plots.lstm_cell`: one LSTM cell, its gates and its two states;
- :mod:`~bilstm_helpers.plots.diagrams`: an unrolled BiLSTM, reversal within lengths;
- :mod:`~bilstm_helpers.plots.layouts`: how PyTorch lays out ``h_n`` and the padded outputs.
"""
