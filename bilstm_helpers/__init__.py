"""bilstm_helpers: the code shared by the chapters of *Bidirectional LSTMs*.

Everything imported here is NumPy only. Framework code (Keras, PyTorch)
lives in modules that import their framework when they are used.

The modules, one concern each, are documented (and their list tested) on
the book's API page, ``book/api.md``. The case studies have subpackages:
``tagging/`` (UD English EWT, a CRF, taggers) so far.
"""

from .bilstm import BiLSTMParams, bilstm_backward, bilstm_forward, init_bilstm, reverse_within_lengths
from .lstm import LSTMParams, init_lstm, lstm_backward, lstm_forward, lstm_step, sigmoid
from .runtime import pick, quick_mode, seed_everything, write_results
from .training import Adam, SequenceClassifier, binary_cross_entropy

__version__ = "0.1.0"

__all__ = [
    "Adam", "BiLSTMParams", "LSTMParams", "SequenceClassifier", "bilstm_backward",
    "bilstm_forward", "binary_cross_entropy", "init_bilstm", "init_lstm", "lstm_backward",
    "lstm_forward", "lstm_step", "pick", "quick_mode", "reverse_within_lengths",
    "seed_everything", "sigmoid", "write_results",
]
