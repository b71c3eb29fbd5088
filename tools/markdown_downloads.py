"""Sphinx extension: a ``.md`` download beside each notebook page's ``.ipynb``.

sphinx-book-theme's download menu offers a page's source file: the ``.ipynb``
for a chapter. Readers who diff, review or read a chapter in a text editor want
it as text too, so this writes each notebook as a MyST Markdown notebook
(`jupytext <https://jupytext.readthedocs.io>`_, format ``md:myst``: the cells
without their outputs; ``jupytext --to ipynb`` turns it back into a notebook)
to ``_sources/<page>.md`` and adds a ``.md`` entry to the page's download menu.

Enable it in ``_config.yml``::

    sphinx:
      local_extensions:
        markdown_downloads: tools/
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jupytext

LABEL = "download-markdown-button"


def markdown_name(sourcename: str) -> str:
    """``notebooks/06_imdb.ipynb`` -> ``notebooks/06_imdb.md``."""
    return str(Path(sourcename).with_suffix(".md").as_posix())


def add_markdown_download(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context`` handler, after the theme's: write the page's notebook
    as MyST Markdown under ``_sources`` and link it from the download menu."""
    sourcename = context.get("sourcename", "")
    if not sourcename.endswith(".ipynb") or doctree is None:
        return
    notebook = jupytext.read(app.env.doc2path(pagename))
    target = Path(app.outdir) / "_sources" / markdown_name(sourcename)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(jupytext.writes(notebook, fmt="md:myst"), encoding="utf-8")
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(1, {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{markdown_name(sourcename)}",
                "text": ".md",
                "tooltip": "Download as a MyST Markdown notebook (jupytext)",
                "icon": "fas fa-file-lines",
                "label": LABEL,
            })


def setup(app: Any) -> dict[str, Any]:
    # sphinx-book-theme builds the download menu at priority 501.
    app.connect("html-page-context", add_markdown_download, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
