"""Sphinx extension: read (and so execute) the results page after every other page.

Sphinx reads the changed pages in the order of their names, and myst-nb executes
a notebook when it reads it, so ``notebooks/99_results`` would run before
``notebooks/A1_porting`` ('9' sorts before 'A') and show that page's previous
run. This moves the results page to the end of the reading order.

Enable it in ``_config.yml``::

    sphinx:
      local_extensions:
        results_last: tools/
"""

from __future__ import annotations

from typing import Any

RESULTS_PAGE = "notebooks/99_results"


def read_results_page_last(app: Any, env: Any, docnames: list[str]) -> None:
    """``env-before-read-docs`` handler: move the results page to the end of ``docnames`` (in place)."""
    if RESULTS_PAGE in docnames:
        docnames.remove(RESULTS_PAGE)
        docnames.append(RESULTS_PAGE)


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-before-read-docs", read_results_page_last)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
