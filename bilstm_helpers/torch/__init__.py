"""PyTorch code shared by the chapters: exact ragged batches and a training loop.

- :mod:`~bilstm_helpers.torch.ragged`: a BiLSTM over post-padded ragged
  batches, the backward direction starting at each sequence's last real step;
- :mod:`~bilstm_helpers.torch.training`: the training loop, weight files, the
  toy tagger of chapter 4;
- :mod:`~bilstm_helpers.torch.memory`: glibc's ``malloc`` told to reuse freed
  memory, so that a training step does not page its tensors in anew.

Every module here imports PyTorch at the top; ``import bilstm_helpers`` does
not import this subpackage.
"""
