"""Short excerpts of the package's own source, for the chapters to show.

A chapter shows the few lines that implement an equation instead of a whole
function: :func:`excerpt` cuts them out of the current source by their first
and last line, so the excerpt can never drift from the code, and a change
that removes those lines fails loudly instead of showing stale code.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any


def excerpt(obj: Any, first: str, last: str | None = None) -> str:
    """The lines of ``obj``'s source from the first one that contains ``first``
    to the next one (inclusive) that contains ``last``.

    Args:
        obj: a function, class or module of the package.
        first: text of the excerpt's first line (any part of it).
        last: text of its last line; None gives the one line with ``first``.

    Returns:
        The lines, dedented, headed by a comment naming the module, the object
        and the line numbers in the module.

    Raises:
        ValueError: ``first`` or ``last`` is not in the source (the code
            changed: update the excerpt's markers).
    """
    lines, start = inspect.getsourcelines(obj)
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
    begin = next((k for k, line in enumerate(lines) if first in line), None)
    if begin is None:
        raise ValueError(f"{first!r} is not in the source of {name}; update the excerpt's first line.")
    end = begin if last is None else next((k for k in range(begin, len(lines)) if last in lines[k]), None)
    if end is None:
        raise ValueError(f"{last!r} does not follow {first!r} in the source of {name}; "
                         "update the excerpt's last line.")
    start = max(start, 1)  # a module starts at line 0
    module = inspect.getmodule(obj).__name__
    header = f"# {module}.{name}, lines {start + begin}-{start + end}\n"
    return header + textwrap.dedent("".join(lines[begin:end + 1]))
