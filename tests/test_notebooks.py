"""Structure checks on every committed notebook, read as JSON (nothing is executed).

nbval executes the notebooks; these tests check what a reader of the
committed .ipynb and of the book sees: the Colab set-up cell, the kernel,
stored outputs without errors, progress-bar debris or framework log lines,
an exercises section with hidden solutions in every chapter, case studies
that write results, every notebook listed in _toc.yml (the book builds only
listed files), and that one run wrote both a notebook's committed outputs and
its results files, and the results page shows every committed results file.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
import yaml

from bilstm_helpers.results import load_results, record_tables, run_time_summary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cells = _load_tool("notebook_cells")


def toc_parts() -> dict[str, list[str]]:
    """Caption of each part of _toc.yml -> its files (without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts: dict[str, list[str]] = {}
    for part in toc.get("parts", []):
        files: list[str] = []
        stack = list(part.get("chapters", []))
        while stack:
            entry = stack.pop(0)
            if "file" in entry:
                files.append(str(Path(entry["file"]).with_suffix("")))
            stack.extend(entry.get("sections", []))
        parts[part.get("caption", "")] = files
    return parts


def part_of(path: Path) -> str | None:
    name = str(path.relative_to(ROOT).with_suffix(""))
    return next((cap for cap, files in toc_parts().items() if name in files), None)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_toc_files_exist() -> None:
    for files in toc_parts().values():
        for name in files:
            assert list(ROOT.glob(name + ".*")), f"_toc.yml lists {name}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_toc(path: Path) -> None:
    assert part_of(path) is not None, (
        f"{path.name} is not in _toc.yml, so the book (only_build_toc_files) skips it: "
        "add it to the part it belongs to")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_bookkeeping_cells(path: Path) -> None:
    if path.stem in cells.SKIP:
        return
    nb = read(path)
    for managed in cells.CELLS:
        assert cells.has_cell(nb, managed, path.stem), (
            f"{path.name}: the {managed.tag} cell is missing, outdated or out of place; "
            "run `python tools/notebook_cells.py`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec(path: Path) -> None:
    spec = read(path).metadata.get("kernelspec", {})
    assert spec.get("name") == "python3", f"{path.name}: kernelspec name {spec.get('name')!r}"
    assert spec.get("display_name") == "Python 3", f"{path.name}: display_name {spec.get('display_name')!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_without_errors(path: Path) -> None:
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code" or any(cells.is_cell(cell, m) for m in cells.CELLS) or not cell.source.strip():
            continue
        where = f"{path.name}, cell {index}"
        assert cell.execution_count is not None, f"{where} was never run: commit the notebook executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"{where} stored an error: {output.get('ename')}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text, f"{where} printed a traceback"


# What a reader must not find in the stored stdout or stderr of a committed notebook
# (GitHub, Colab and Binder show stderr, which the rendered book hides).
# Progress-bar debris: carriage returns and cursor moves (a bar redrawing its line), colour
# codes and Keras's step bar are never wanted. A bar's line (tqdm's "NN%|...|" or its rate,
# Keras's per-step timing) may appear once per cell and stream, as the final summary of a run.
CONTROL_CHARACTERS = re.compile("\r|\x1b\\[|\u2501")
PROGRESS_LINE = re.compile(
    r"\d%\|[^|\n]*\|"                # tqdm's bar:  37%|███▌      |
    r"|[\d?](?:it/s|s/it)\b"          # tqdm's rate: 4.31it/s, ?it/s, 1.51s/it
    r"|\d(?:ms|us|s)/step\b")         # Keras's per-step timing: 70ms/step
MAX_PROGRESS_LINES = 1
# Framework log lines: TensorFlow's start-up notices and any glog-formatted line.
FRAMEWORK_LOG = re.compile("|".join([
    r"oneDNN custom operations are on",
    r"absl::InitializeLog",
    r"WARNING: All log messages before absl",
    r"cpu_feature_guard|This TensorFlow binary is optimized to use available CPU instructions",
    r"Unable to register cu(?:DNN|FFT|BLAS) factory|Could not find cuda drivers|failed call to cuInit",
    r"TF-TRT Warning|cuda_(?:blas|dnn|fft|diagnostics)\.cc",
    r"^[IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+ [\w./-]+:\d+\]",  # glog: I0000 00:00:17.9  2329 port.cc:153]
]), flags=re.MULTILINE)
# A cell that prints a result line by line (one line per seed or setting) stores a few
# stream outputs; a progress bar or a per-batch log stores hundreds.
MAX_STREAM_OUTPUTS = 20      # per stream (stdout, stderr) and cell
MAX_PARTIAL_OUTPUTS = 2      # outputs that end mid-line: a bar writing fragments


def stream_problems(cell: nbformat.NotebookNode) -> list[str]:
    """What is wrong with one code cell's stored stdout and stderr (empty when clean)."""
    problems = []
    for name in ("stdout", "stderr"):
        texts = [o.text for o in cell.get("outputs", [])
                 if o.output_type == "stream" and o.name == name]
        if len(texts) > MAX_STREAM_OUTPUTS:
            problems.append(f"{len(texts)} {name} outputs (at most {MAX_STREAM_OUTPUTS}): "
                            "a progress bar or a line per batch")
        partial = sum(1 for t in texts if t and not t.endswith("\n"))
        if partial > MAX_PARTIAL_OUTPUTS:
            problems.append(f"{partial} {name} outputs end mid-line (at most {MAX_PARTIAL_OUTPUTS}): "
                            "a progress bar writing fragments")
        text = "".join(texts)
        bar_lines = [line for line in text.split("\n") if PROGRESS_LINE.search(line)]
        if len(bar_lines) > MAX_PROGRESS_LINES:
            problems.append(f"progress-bar debris in {name}: {len(bar_lines)} progress lines "
                            f"(at most {MAX_PROGRESS_LINES}, a final summary), first {bar_lines[0][:100]!r}")
        for pattern, what in ((CONTROL_CHARACTERS, "progress-bar debris"), (FRAMEWORK_LOG, "a framework log line")):
            match = pattern.search(text)
            if match:
                start = text.rfind("\n", 0, match.start()) + 1
                end = text.find("\n", match.end())
                line = text[start:end if end >= 0 else len(text)]
                problems.append(f"{what} in {name}: {line[:120]!r}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_progress_bars_or_log_lines_in_stored_streams(path: Path) -> None:
    found = [f"code cell {index}: {problem}"
             for index, cell in enumerate(code_cells(read(path))) for problem in stream_problems(cell)]
    assert not found, (
        f"{path.name} stores what readers of the .ipynb on GitHub, Colab and Binder should not see "
        "(without a terminal, progress bars print nothing line by line; framework start-up lines are "
        "kept out of the cells; Keras fits with verbose=0); fix the cells and re-execute it:\n  "
        + "\n  ".join(found))



STRAY_RESULTS = {"True", "False", "None"}


def stray_results(cell: nbformat.NotebookNode) -> list[str]:
    """Bare ``True``/``False``/``None`` shown because a cell ends with a call whose value nobody reads."""
    return [output["data"]["text/plain"] for output in cell.get("outputs", [])
            if output.output_type == "execute_result"
            and output.get("data", {}).get("text/plain", "").strip() in STRAY_RESULTS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stray_results(path: Path) -> None:
    found = [f"code cell {index} shows {value!r}"
             for index, cell in enumerate(code_cells(read(path))) for value in stray_results(cell)]
    assert not found, (f"{path.name}: a cell ends with a call whose value is shown as a stray output; "
                       "end the cell with the print or the plot instead: " + "; ".join(found))


@pytest.mark.parametrize(("value", "stray"), [("True", True), ("None", True), ("0.8612", False)])
def test_stray_result_check(value: str, stray: bool) -> None:
    output = nbformat.v4.new_output("execute_result", data={"text/plain": value}, execution_count=1)
    cell = nbformat.v4.new_code_cell("release_memory()", outputs=[output])
    assert bool(stray_results(cell)) is stray


def _cell_with(*streams: tuple[str, str]) -> nbformat.NotebookNode:
    outputs = [nbformat.v4.new_output("stream", name=name, text=text) for name, text in streams]
    return nbformat.v4.new_code_cell("pass", outputs=outputs)


@pytest.mark.parametrize("streams", [
    [("stdout", "seed 0: test accuracy 0.8599, training 52 s\n")] * 10,  # a line per seed
    [("stdout", "recall 45% at threshold 0.5 | F1 0.41\n")],
    [("stdout", "epochs 3/5 kept; 2 s per epoch; it/s is tqdm's unit\n")],
    [("stdout", "dtype=float64\n       50%    0.52\nI0000 is a name\n")],
    [("stderr", "/path/x.py:3: UserWarning: the argument is ignored\n  warnings.warn(...)\n")],
    [("stderr", "epochs: 100%|##########| 3/3 [00:10<00:00,  3.33s/it]\n")],  # one final summary line
    [("stdout", "8/8 - 0s - 70ms/step - loss: 0.69\n")],
], ids=["lines-per-seed", "percent-and-pipe", "words", "pandas-describe", "python-warning", "final-bar-line",
        "one-keras-line"])
def test_stream_check_passes_printed_results(streams) -> None:
    assert stream_problems(_cell_with(*streams)) == []


@pytest.mark.parametrize(("streams", "problem"), [
    ([("stderr", "\rtrain:   3%|\u258e         | 5/157 [00:01<00:35,  4.31it/s]")], "progress-bar debris"),
    ([("stderr", "train: 5/157 [00:01<00:35,  4.31it/s]\ntrain: 10/157 [00:02<00:33,  4.43it/s]\n")],
     "2 progress lines"),
    ([("stdout", "8/8 \u2501\u2501\u2501\u2501 0s 3ms/step\n")], "progress-bar debris"),
    ([("stdout", "8/8 - 0s - 70ms/step - loss: 0.69\n8/8 - 0s - 69ms/step - loss: 0.61\n")],
     "2 progress lines"),
    ([("stderr", "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")],
     "framework log line"),
    ([("stderr", "I0000 00:00:1795901172.945216    2329 port.cc:153] oneDNN custom operations are on.\n")],
     "framework log line"),
    ([("stderr", "I0000 00:00:1796039433.381437   12465 cpu_feature_guard.cc:227] This TensorFlow binary\n")],
     "framework log line"),
    ([("stderr", "W0000 00:00:1.2   77 some_file.cc:12] anything\n")], "framework log line"),
    ([("stdout", "step\n")] * 21, "stdout outputs (at most"),
    ([("stderr", "x")] * 3, "end mid-line"),
], ids=["tqdm-bar", "tqdm-rate", "keras-bar", "keras-verbose-2", "absl", "onednn", "cpu-guard", "glog",
        "many-chunks", "fragments"])
def test_stream_check_flags_debris_and_log_lines(streams, problem: str) -> None:
    problems = stream_problems(_cell_with(*streams))
    assert any(problem in p for p in problems), problems


def _is_heading(cell: nbformat.NotebookNode, title: str) -> bool:
    return cell.cell_type == "markdown" and re.search(
        rf"^#+\s+{title}\b", cell.source, flags=re.MULTILINE | re.IGNORECASE) is not None


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    if cell.cell_type == "markdown":
        return re.search(r"\{admonition\}\s*Solution", cell.source) is not None and ":class: dropdown" in cell.source
    tags = cell.metadata.get("tags", [])
    return cell.cell_type == "code" and ("hide-input" in tags or "hide-cell" in tags)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_with_hidden_solutions(path: Path) -> None:
    if part_of(path) == "Reference":
        pytest.skip("reference pages have no exercises")
    cells = read(path).cells
    start = next((i for i, c in enumerate(cells) if _is_heading(c, "Exercises")), None)
    assert start is not None, f"{path.name}: no '## Exercises' heading"
    assert any(_is_solution(c) for c in cells[start:]), (
        f"{path.name}: the exercises have no solution in a toggle (an admonition with "
        ":class: dropdown, or a code cell tagged hide-input)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_case_studies_write_results(path: Path) -> None:
    if part_of(path) != "Case studies":
        pytest.skip("not a case study")
    calls = [c for c in code_cells(read(path)) if "write_results(" in c.source]
    assert calls, f"{path.name}: a case study ends by writing its figures with write_results(...)"


# The committed results page and the committed results files: one run writes both.
RESULTS = ROOT / "results"
RESULTS_PAGE = ROOT / "notebooks" / "99_results.ipynb"
REEXECUTE = ("re-execute the results page after the notebooks whose files changed: "
             "`jupyter execute --inplace notebooks/99_results.ipynb`, and commit it with them")


def stored_text(nb: nbformat.NotebookNode) -> str:
    """Everything a reader sees in the stored outputs: streams, Markdown, HTML (unescaped), plain text."""
    parts = []
    for cell in code_cells(nb):
        for output in cell.outputs:
            if output.output_type == "stream":
                parts.append(output.text)
            for kind in ("text/markdown", "text/plain"):
                parts.append(output.get("data", {}).get(kind, ""))
            parts.append(html.unescape(output.get("data", {}).get("text/html", "")))
    return "\n".join(parts)


def test_results_page_shows_every_results_file_in_full() -> None:
    records = load_results(RESULTS)
    assert records, f"{RESULTS} holds no results files"
    text = stored_text(read(RESULTS_PAGE))
    assert f"{len(records)} results files in results/" in text, (
        f"the committed results page does not count the {len(records)} files in results/; {REEXECUTE}")
    for name, record in records.items():
        assert f"### {name}\n" in text, \
            f"the committed results page has no section for results/{name}.json; {REEXECUTE}"
        for title, table in record_tables(record).items():
            for value in table.to_numpy().ravel():
                assert str(value) in text, (
                    f"results/{name}.json, table {title!r}: {value!r} is not on the committed results "
                    f"page (another run's figures, or cut short); {REEXECUTE}")
    memory = records.get("notebook_memory")
    if memory:
        assert run_time_summary(memory) in text, f"the run-time summary is out of date; {REEXECUTE}"


def written_results() -> dict[str, Path]:
    """Results file stem -> the notebook whose code cells call write_results("<stem>", ...)."""
    writers: dict[str, Path] = {}
    for path in NOTEBOOKS:
        for cell in code_cells(read(path)):
            for name in re.findall(r"write_results\(\s*[\"']([\w.-]+)[\"']", cell.source):
                writers[name] = path
    return writers


@pytest.mark.parametrize("name", sorted(written_results()))
def test_results_file_and_committed_outputs_from_one_run(name: str) -> None:
    path = written_results()[name]
    file = RESULTS / f"{name}.json"
    assert file.exists(), f"{path.name} writes results/{name}.json, which is not committed: commit it with the notebook"
    record = json.loads(file.read_text())
    assert not record.get("quick_mode"), \
        f"results/{name}.json comes from a quick run; execute {path.name} at full settings"
    seconds = record.get("notebook_seconds", record.get("notebook_seconds_until_here"))
    if seconds is None:
        pytest.skip(f"results/{name}.json records no notebook_seconds to match the outputs against")
    printed = stored_text(read(path))
    assert re.search(rf"\b{seconds:.0f} s\b", printed), (
        f"results/{name}.json says {path.name} ran {seconds:.0f} s, but its committed outputs do not print "
        f"that figure: the file and the outputs come from different runs. Execute the notebook once and "
        f"commit it together with the results files that run wrote")
    rows = {row["notebook"]: row for row in load_results(RESULTS).get("notebook_memory", {}).get("notebooks", [])}
    assert path.stem in rows, f"results/notebook_memory.json has no row for {path.stem}"
    assert rows[path.stem]["seconds"] >= seconds, (
        f"results/notebook_memory.json: {path.stem}'s kernel ran {rows[path.stem]['seconds']} s, less than the "
        f"{seconds:.0f} s that results/{name}.json records up to its writing: different runs")


def test_run_record_rows_name_the_notebooks_there_are() -> None:
    rows = {row["notebook"] for row in load_results(RESULTS).get("notebook_memory", {}).get("notebooks", [])}
    chapters = {path.stem for path in NOTEBOOKS if path.stem not in cells.SKIP}
    assert rows == chapters, (
        f"results/notebook_memory.json has rows for notebooks that are gone {sorted(rows - chapters)} "
        f"and none for {sorted(chapters - rows)}: after renaming a chapter, drop its old row and execute "
        "the renamed notebook, so that the results page sums the chapters there are")


# The run-record row of a notebook counts from the start of its kernel to its last cell; the
# committed cells' execution timestamps (written by nbclient) span the first to the last cell.
# In one run the two differ by the kernel's start-up only.
KERNEL_START_UP_S = 8.0


def execution_span(nb: nbformat.NotebookNode) -> float | None:
    """Seconds from the earliest cell start to the latest cell reply that nbclient recorded in the
    code cells' metadata (cells inserted since, without timing, are left out), or None without timing."""
    timings = [cell.metadata.get("execution", {}) for cell in code_cells(nb)]
    starts = [t["iopub.execute_input"] for t in timings if "iopub.execute_input" in t]
    replies = [t["shell.execute_reply"] for t in timings if "shell.execute_reply" in t]
    if not starts or not replies:
        return None
    stamp = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (max(map(stamp, replies)) - min(map(stamp, starts))).total_seconds()


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem not in cells.SKIP], ids=lambda p: p.name)
def test_run_record_row_from_the_run_of_the_committed_outputs(path: Path) -> None:
    rows = {row["notebook"]: row for row in load_results(RESULTS).get("notebook_memory", {}).get("notebooks", [])}
    assert path.stem in rows, (f"results/notebook_memory.json has no row for {path.stem}: execute the notebook "
                               "at full settings and commit the row its last cell writes")
    span = execution_span(read(path))
    assert span is not None, (f"{path.name}'s cells carry no execution timing: execute it with "
                              "`jupyter execute --inplace` (nbclient records the timing)")
    seconds = rows[path.stem]["seconds"]
    assert span - 1 <= seconds <= span + KERNEL_START_UP_S, (
        f"results/notebook_memory.json says {path.stem}'s kernel ran {seconds} s, but its committed cells ran "
        f"{span:.1f} s from first to last: the row and the outputs come from different runs. Execute the "
        "notebook once and commit it together with the results files that run wrote")


def test_kernels_of_the_make_targets_keep_native_log_lines_out_of_notebooks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "export IPYTHONDIR := $(CURDIR)/tools/ipython" in makefile
    config = (ROOT / "tools" / "ipython" / "profile_default" / "ipython_kernel_config.py").read_text()
    assert "c.IPKernelApp.capture_fd_output = False" in config


PEAK_MEMORY_GOAL_MB = 1800  # a margin under Binder's 2,048 MB


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem not in cells.SKIP], ids=lambda p: p.name)
def test_each_chapter_peaks_under_the_memory_goal(path: Path) -> None:
    rows = {row["notebook"]: row for row in load_results(RESULTS).get("notebook_memory", {}).get("notebooks", [])}
    assert path.stem in rows, f"results/notebook_memory.json has no row for {path.stem}"
    assert rows[path.stem]["peak_memory_mb"] < PEAK_MEMORY_GOAL_MB, (
        f"{path.stem} peaked at {rows[path.stem]['peak_memory_mb']:.0f} MB at full settings, over the book's goal of "
        f"{PEAK_MEMORY_GOAL_MB} MB (Binder gives 2,048): free memory between experiments (runtime.release_memory), "
        "or fit the large ones before a framework holds a model")


def _package_public_names() -> set[str]:
    """Public functions and classes defined anywhere in bilstm_helpers (read from the source)."""
    import ast

    names = set()
    for path in (ROOT / "bilstm_helpers").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                names.add(node.name)
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_import_idiom_and_no_private_names(path: Path) -> None:
    """Every import from the package reads ``from bilstm_helpers.<module> import names``,
    and no imported name is private."""
    for i, cell in enumerate(code_cells(read(path))):
        source = re.sub(r"\(\s*([^)]*)\)", lambda m: m.group(1).replace("\n", " "), cell.source)
        for line in source.splitlines():
            line = line.split("#")[0].strip()
            if not re.search(r"\bimport\b", line) or "bilstm_helpers" not in line:
                continue
            match = re.fullmatch(r"from bilstm_helpers\.[a-z_.]+ import ([\w, ]+)", line)
            assert match, f"{path.name} cell {i}: {line!r}; use `from bilstm_helpers.<module> import name`"
            private = [n.strip() for n in match.group(1).split(",") if n.strip().startswith("_")]
            assert not private, f"{path.name} cell {i} imports private names {private}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_notebook_redefines_package_code(path: Path) -> None:
    public = _package_public_names()
    for i, cell in enumerate(code_cells(read(path))):
        defined = re.findall(r"^\s*(?:def|class) (\w+)", cell.source, flags=re.MULTILINE)
        assert not set(defined) & public, (f"{path.name} cell {i} redefines {sorted(set(defined) & public)} "
                                           "from bilstm_helpers: import it instead")
