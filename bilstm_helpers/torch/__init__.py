"""PyTorch code shared by the chapters: exact ragged batches and a training loop.

- :mod:`~bilstm_helpers.torch.ragged`: a BiLSTM over post-padded ragged
  batches, the backward direction starting at each sequence's last real step;
- :mod:`~bilstm_helpers.torch.training`: the training loop, weight files, the
  toy tagger of chapter 4.

Every module here imports PyTorch at the top; ``import bilstm_helpers`` does
not import this subpackage.
"""
