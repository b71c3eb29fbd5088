"""Progress bars that a person sees and a committed notebook does not keep.

A ``tqdm`` bar redraws itself by writing ``"\\r" + line`` to stderr many times
a second. In a terminal that draws one line in place. In a Jupyter kernel
every write becomes a stream output, and a notebook executed headless (nbval,
nbconvert, the book build) stores hundreds of them: the debris a reader then
scrolls past on GitHub, Colab and Binder.

:func:`progress_bar` picks the place to draw:

- **a terminal** (stderr is a TTY): tqdm's usual bar on stderr;
- **a Jupyter kernel**: one *display* output that the bar updates in place
  (``update_display_data``). A person watching sees it move; an executed
  notebook stores exactly one line, the bar's last state;
- **anywhere else** (a script piped to a log, pytest): no bar.

``BILSTM_PROGRESS=0`` turns bars off everywhere, ``BILSTM_PROGRESS=1`` forces
them on (drawn as above). Importing this module imports neither tqdm nor IPython.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any


class DisplayLine:
    """A file-like target for tqdm that keeps one line in one Jupyter display output.

    tqdm writes ``"\\r" + line`` on each refresh. The text after the last
    ``"\\r"`` (without a trailing newline) becomes the new content of one
    display output; a refresh that only clears the line is ignored, so the
    output keeps the last drawn state.
    """

    def __init__(self) -> None:
        self.text = ""
        self._pending = ""
        self._handle: Any = None

    def write(self, s: str) -> int:
        self._pending += s
        return len(s)

    def flush(self) -> None:
        line = self._pending.rsplit("\r", 1)[-1].rstrip("\n")
        self._pending = ""
        if not line.strip() or line == self.text:
            return
        self.text = line
        from IPython.display import display

        data = {"text/plain": line}
        if self._handle is None:
            self._handle = display(data, raw=True, display_id=True)
        else:
            self._handle.update(data, raw=True)


def in_jupyter_kernel() -> bool:
    """True inside an IPython kernel (Jupyter, nbclient), False in a plain interpreter."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def progress_target() -> str:
    """Where :func:`progress_bar` draws: ``"terminal"``, ``"jupyter"`` or ``"off"``."""
    setting = os.environ.get("BILSTM_PROGRESS", "").strip().lower()
    if setting in {"0", "false", "no", "off"}:
        return "off"
    if in_jupyter_kernel():
        return "jupyter"
    if setting in {"1", "true", "yes", "on"} or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return "terminal"
    return "off"


def progress_bar(iterable: Iterable[Any] | None = None, total: int | None = None,
                 desc: str = "", enabled: bool = True, **tqdm_kwargs: Any) -> Any:
    """A ``tqdm`` bar drawn where a person can see it (see the module docstring).

    Args:
        iterable: what to wrap, as for ``tqdm``; None for a bar moved by ``update``.
        total: the number of steps, if ``iterable`` has no ``len``.
        desc: the bar's label.
        enabled: False gives a silent bar (same interface, draws nothing).
        tqdm_kwargs: passed on to ``tqdm`` (``leave``, ``unit``, ...).

    Returns:
        a ``tqdm.tqdm`` instance; use it as an iterable or call ``update``,
        ``set_postfix`` and ``close`` on it.
    """
    from tqdm import tqdm

    target = progress_target() if enabled else "off"
    kwargs: dict[str, Any] = {"mininterval": 1.0, **tqdm_kwargs}
    if target == "jupyter":
        kwargs.update(file=DisplayLine(), ascii=False, ncols=100, leave=True)
    return tqdm(iterable, total=total, desc=desc, disable=target == "off", **kwargs)
