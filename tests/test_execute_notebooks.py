"""tools/execute_notebooks.py: notebooks run into Jupyter Book's cache, readers after writers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # importable by name: its worker processes import it again
import execute_notebooks  # noqa: E402


def test_the_book_s_readers_wait_for_their_writers() -> None:
    notebooks = execute_notebooks.book_notebooks()
    needs = execute_notebooks.dependencies(notebooks)
    assert needs["notebooks/10_imdb_perspective.ipynb"] == {"notebooks/08_imdb_pytorch.ipynb",
                                                            "notebooks/09_imdb_frameworks.ipynb"}
    assert needs["notebooks/07_imdb_best.ipynb"] == {"notebooks/06_imdb.ipynb"}
    assert needs["notebooks/01_lstm_gates.ipynb"] == set()


def _book(root: Path) -> None:
    (root / "notebooks").mkdir()
    (root / "_config.yml").write_text("execute:\n  timeout: 60\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n"
                                   "  - file: notebooks/reader\n  - file: notebooks/writer\n")
    writer = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pathlib, time\ntime.sleep(1.5)\npathlib.Path('written.txt').write_text('42')")])
    reader = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pathlib\nsource = dict(written_by='notebooks/writer.ipynb')\n"
        "print(pathlib.Path('written.txt').read_text())")])
    for name, notebook in [("writer", writer), ("reader", reader)]:
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, root / "notebooks" / f"{name}.ipynb")


def test_two_at_a_time_the_reader_runs_after_the_writer_into_the_cache(tmp_path, capsys) -> None:
    _book(tmp_path)
    assert execute_notebooks.main(["--root", str(tmp_path), "--jobs", "2"]) == 0
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    reader = nbformat.read(tmp_path / "notebooks" / "reader.ipynb", as_version=4)
    _, merged = cache.merge_match_into_notebook(reader)  # what myst-nb does when it builds the page
    assert merged.cells[0].outputs[0]["text"] == "42\n"  # the writer had finished
    capsys.readouterr()
    assert execute_notebooks.main(["--root", str(tmp_path), "--jobs", "2"]) == 0
    assert "executing 0 notebooks" in capsys.readouterr().out  # both cached: nothing runs again


def test_a_failing_notebook_fails_the_run_and_stops_its_readers(tmp_path, capsys) -> None:
    _book(tmp_path)
    writer = nbformat.read(tmp_path / "notebooks" / "writer.ipynb", as_version=4)
    writer.cells[0].source = "raise RuntimeError('broken chapter')"
    nbformat.write(writer, tmp_path / "notebooks" / "writer.ipynb")
    assert execute_notebooks.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "FAILED notebooks/writer.ipynb" in out.out and "broken chapter" in out.out
    assert "never started ['notebooks/reader.ipynb']" in out.err


def test_the_book_build_renders_the_executed_notebooks_without_running_them_again(tmp_path) -> None:
    _book(tmp_path)
    config = (tmp_path / "_config.yml").read_text()
    (tmp_path / "_config.yml").write_text("title: t\n" + config + "  execute_notebooks: cache\n")
    (tmp_path / "intro.md").write_text("# Intro\n")
    assert execute_notebooks.main(["--root", str(tmp_path)]) == 0
    build = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(tmp_path)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    assert build.stdout.count("Using cached notebook") == 2
    assert "Executing notebook" not in build.stdout + build.stderr


def test_a_notebook_the_build_always_runs_is_left_to_the_build(tmp_path, capsys) -> None:
    _book(tmp_path)
    forced = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('ran twice')")])
    forced.metadata["mystnb"] = {"execution_mode": "force"}
    nbformat.write(forced, tmp_path / "notebooks" / "results.ipynb")
    (tmp_path / "_toc.yml").write_text((tmp_path / "_toc.yml").read_text() + "  - file: notebooks/results\n")
    assert execute_notebooks.main(["--root", str(tmp_path)]) == 0
    assert "left to the build (mystnb execution_mode 'force'): notebooks/results.ipynb" in capsys.readouterr().out
