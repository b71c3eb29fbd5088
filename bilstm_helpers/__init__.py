"""bilstm_helpers: the code shared by the chapters of *Bidirectional LSTMs*.

One folder per concern: the NumPy core of the first chapters sits flat at the
top, framework code in ``torch/`` and ``keras/``, and each case study in a
folder of its own. The book's API page (``book/api.md``) lists and documents
every module; a test keeps that list complete.

``import bilstm_helpers`` imports no module of the package and no framework.
The notebooks import what they use from the module that defines it, for
example ``from bilstm_helpers.lstm import lstm_forward``.
"""

__version__ = "0.1.0"
