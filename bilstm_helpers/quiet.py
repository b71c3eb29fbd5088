"""Keep native libraries' start-up lines out of notebook cells.

TensorFlow's C++ runtime writes notices (``WARNING: All log messages before
absl::InitializeLog() ...``, ``oneDNN custom operations are on ...``) straight
to file descriptor 2 while it is imported, before ``TF_CPP_MIN_LOG_LEVEL`` can
act on them; Jupyter stores them as the cell's stderr, which GitHub, Colab and
Binder show. :func:`quiet_native_stderr` points descriptor 2 at the null
device for the duration of a ``with`` block (the import) and restores it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence everything written to file descriptor 2 inside the block
    (Python's ``sys.stderr`` is flushed first and works again afterwards)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
