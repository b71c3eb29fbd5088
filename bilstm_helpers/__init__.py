"""bilstm_helpers: the code shared by the chapters of *Bidirectional LSTMs*.

Everything imported here is NumPy only. Framework code (Keras, PyTorch)
lives in modules that import their framework when they are used.

Modules:
    lstm       an LSTM layer with backpropagation through time, ragged batches
    bilstm     the bidirectional wrapper: reverse, run, re-align, merge
    training   dense head, binary cross-entropy, Adam, a sequence classifier
    rnn        a vanilla RNN (the baseline of the LSTM chapter)
    gradcheck  finite-difference gradient checks
    toy_tasks  synthetic sequence tasks (cumulative sums)
    experiments  seeded training runs on the toy tasks
    seed_stats  comparing two set-ups by several seeds each: difference of means, standard error
    checks     input validation with errors that say how to fix the input
    runtime    quick mode, seeds, results files
    plots      the book's matplotlib figures (imports matplotlib)
    convert    one set of weights in NumPy, Keras and PyTorch layouts
    keras_models  the Keras chapter's models and its seeded multi-seed runner
    torch_ragged  exact ragged batches for nn.LSTM(bidirectional=True) without packing (imports PyTorch)
    torch_training  a device-agnostic PyTorch training loop with a tqdm bar (imports PyTorch)
    sheet_break_data       loader and checks for ProcessMiner's sheet-break CSV
    sheet_break_synthetic  the sheet-break data's synthetic twin (same schema)
    sheet_break_pipeline   curve shift, windows, time split, scaler, class weights
    sheet_break_models     S0's BiLSTM in Keras, baselines, metrics (imports Keras)
    sheet_break_plots      the sheet-break chapter's figures (imports matplotlib)
    imdb       the IMDB reviews (aclImdb v1.0) from a local copy or a checked download
    text_vectorize  texts to padded int32 ids: vocabulary, padding, shuffled splits
    keras_text  Keras text classifiers (S1 and larger), timed training (imports Keras)
    torch_text  the IMDB BiLSTM in PyTorch on ragged batches, masked max-pooling, text batches (imports PyTorch)
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
