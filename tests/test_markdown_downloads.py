"""tools/markdown_downloads.py: a notebook page gets a .md download of its cells."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("markdown_downloads", ROOT / "tools" / "markdown_downloads.py")
markdown_downloads = importlib.util.module_from_spec(spec)
spec.loader.exec_module(markdown_downloads)


def page_context(sourcename: str) -> dict:
    menu = {"label": "download-buttons", "buttons": [{"label": "download-source-button"}, {"label": "pdf"}]}
    return {"sourcename": sourcename, "header_buttons": [menu], "pathto": lambda name, resource: f"../{name}"}


def test_notebook_page_gets_its_markdown_and_a_menu_entry(tmp_path: Path) -> None:
    source = tmp_path / "src" / "notebooks" / "nb.ipynb"
    source.parent.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                         nbformat.v4.new_code_cell("print(1 + 1)", outputs=[
                                             nbformat.v4.new_output("stream", text="2\n")])])
    nbformat.write(nb, source)
    app = SimpleNamespace(outdir=str(tmp_path / "html"), env=SimpleNamespace(doc2path=lambda name: source))
    context = page_context("notebooks/nb.ipynb")
    markdown_downloads.add_markdown_download(app, "notebooks/nb", "page.html", context, doctree=object())
    written = tmp_path / "html" / "_sources" / "notebooks" / "nb.md"
    text = written.read_text()
    assert "```{code-cell}" in text and "print(1 + 1)" in text and "2\n" not in text.split("print(1 + 1)")[1]
    assert [c.source for c in jupytext.reads(text, fmt="md:myst").cells] == ["# Title", "print(1 + 1)"]
    labels = [b["label"] for b in context["header_buttons"][0]["buttons"]]
    assert labels == ["download-source-button", markdown_downloads.LABEL, "pdf"]
    assert context["header_buttons"][0]["buttons"][1]["url"] == "../_sources/notebooks/nb.md"


def test_prose_page_is_left_alone(tmp_path: Path) -> None:
    app = SimpleNamespace(outdir=str(tmp_path), env=None)
    context = page_context("book/intro.md")
    markdown_downloads.add_markdown_download(app, "book/intro", "page.html", context, doctree=object())
    assert len(context["header_buttons"][0]["buttons"]) == 2 and not any(tmp_path.iterdir())
