"""Read the results files (``results/*.json``) back as tidy tables.

Notebooks and benchmarks write their headline figures with
:func:`bilstm_helpers.runtime.write_results`; the book's results page shows
them with the functions here, so that no figure is ever typed by hand.
A record is any JSON object; it is split into tables by the shape of its
entries:

- numbers, strings and booleans, also inside nested objects (written as
  dotted names, ``test.accuracy``), go into one table of ``quantity, value``;
- a list of objects (one per model, epoch, setting, ...) becomes a table with
  one row per object;
- an object whose entries are all objects (``{"lstm": {...}, "bilstm": {...}}``)
  becomes a table with one row per entry;
- a list of numbers (a loss curve) is summarised by its length, first, last,
  minimum and maximum values.

pandas is imported by this module, which the package's ``__init__`` does not
import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from bilstm_helpers.runtime import results_dir

# Entries every record carries; shown as notes, not as figures.
BOOKKEEPING = ("name", "quick_mode")


def load_results(folder: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Read every ``*.json`` in ``folder`` (default: the book's ``results/``).

    Sub-folders, among them ``results/quick/`` (quick-mode runs), are not read.

    Returns:
        records: file stem -> the JSON object, in file-name order.

    Raises:
        ValueError: a file does not hold a JSON object (the message names it).
    """
    folder = results_dir() if folder is None else Path(folder)
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON ({error}); rerun the notebook or "
                             "benchmark that writes it") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path} holds a {type(record).__name__}, not a JSON object; "
                             "write results with write_results(name, {...})")
        records[path.stem] = record
    return records


def is_synthetic(record: dict[str, Any]) -> bool:
    """True when any key or text value of the record mentions synthetic data."""
    return "synthetic" in json.dumps(record).lower()


def describe(name: str, record: dict[str, Any]) -> str:
    """One line of Markdown naming the file and flagging quick-mode and synthetic data."""
    notes = [f"`results/{name}.json`"]
    if record.get("quick_mode"):
        notes.append("**quick run** (less data, fewer epochs: not the book's full-settings figures)")
    if is_synthetic(record):
        notes.append("uses **synthetic** data")
    return " \u00b7 ".join(notes)


def format_value(value: Any) -> str:
    """A short, exact-enough text for a table cell (4 significant digits for floats)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def summarise_series(values: list[float]) -> str:
    """``n values: first -> last (min .., max ..)`` for a list of numbers (B,)."""
    first, last = format_value(values[0]), format_value(values[-1])
    low, high = format_value(min(values)), format_value(max(values))
    return f"{len(values)} values: {first} \u2192 {last} (min {low}, max {high})"


def _is_number_list(value: Any) -> bool:
    return (isinstance(value, list) and len(value) > 0
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value))


def _is_row_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(isinstance(v, dict) for v in value)


def _is_row_dict(value: Any) -> bool:
    return isinstance(value, dict) and len(value) > 0 and all(isinstance(v, dict) for v in value.values())


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects to one level with dotted names: ``{"a": {"b": 1}} -> {"a.b": 1}``."""
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def _cell(value: Any) -> str:
    if _is_number_list(value):
        return summarise_series(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return format_value(value)


def record_tables(record: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Split one results record into tables (see the module docstring).

    Returns:
        tables: title -> DataFrame of display strings. ``"figures"`` holds the
        single values (index ``quantity``, column ``value``); every list of
        objects or object of objects gets a table titled by its dotted name.
    """
    single: dict[str, str] = {}
    tables: dict[str, pd.DataFrame] = {}

    def walk(prefix: str, value: Any) -> None:
        if _is_row_list(value):
            rows = [{k: _cell(v) for k, v in flatten(row).items()} for row in value]
            tables[prefix] = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="#")).fillna("")
        elif _is_row_dict(value):
            rows = {str(key): {k: _cell(v) for k, v in flatten(row).items()} for key, row in value.items()}
            tables[prefix] = pd.DataFrame.from_dict(rows, orient="index").fillna("")
            tables[prefix].index.name = prefix.rsplit(".", 1)[-1]
        elif isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            single[prefix] = _cell(value)

    for key, value in record.items():
        if key not in BOOKKEEPING:
            walk(str(key), value)
    result: dict[str, pd.DataFrame] = {}
    if single:
        result["figures"] = pd.DataFrame({"value": single}).rename_axis("quantity")
    result.update(tables)
    return result


def format_duration(seconds: float) -> str:
    """``"48 s"`` under a minute, else minutes with one decimal: ``"9.1 min"``."""
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def run_time_summary(record: dict[str, Any]) -> str:
    """Two Markdown sentences on the notebooks' run times and peak memory.

    Args:
        record: the contents of ``results/notebook_memory.json`` as written by
            :func:`bilstm_helpers.runtime.record_notebook_run`: ``"notebooks"``,
            a list of rows ``{"notebook", "seconds", "peak_memory_mb"}``, and
            ``"cpu_count"`` and ``"binder_limit_mb"``.

    Returns:
        text: the slowest and fastest notebook with their times, the total,
        and the largest peak memory against Binder's limit; every figure is
        read from ``record``.

    Raises:
        ValueError: the record holds no rows, or a row lacks ``seconds`` or
            ``peak_memory_mb`` (the message names the row).
    """
    rows = record.get("notebooks") or []
    if not rows:
        raise ValueError("the run-time record holds no notebook rows; execute a chapter at full "
                         "settings: its last cell records its run time and memory")
    for row in rows:
        missing = [key for key in ("notebook", "seconds", "peak_memory_mb") if key not in row]
        if missing:
            raise ValueError(f"row {row} lacks {missing}; rerun that notebook to rewrite its row")
    slowest = max(rows, key=lambda row: row["seconds"])
    fastest = min(rows, key=lambda row: row["seconds"])
    largest = max(rows, key=lambda row: row["peak_memory_mb"])
    total = sum(row["seconds"] for row in rows)
    mode = "in quick mode" if record.get("quick_mode") else "at full settings"
    cpus = f" on {record['cpu_count']} CPU cores" if record.get("cpu_count") else ""
    text = (f"In their last recorded runs {mode}{cpus}, the {len(rows)} notebooks took "
            f"{format_duration(total)} together, from {format_duration(fastest['seconds'])} "
            f"(`{fastest['notebook']}`) to {format_duration(slowest['seconds'])} (`{slowest['notebook']}`), "
            "each counted from the start of its kernel. ")
    text += f"The largest peak memory was {largest['peak_memory_mb']:,.0f} MB (`{largest['notebook']}`)"
    if record.get("binder_limit_mb"):
        text += f", against Binder's limit of {record['binder_limit_mb']:,} MB"
    return text + "."


def overview(records: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per results file: its mode, whether its data are synthetic, and
    how many table rows it fills (single values plus rows of its other tables)."""
    rows = []
    for name, record in records.items():
        tables = record_tables(record)
        rows.append({"file": f"results/{name}.json",
                     "run": "quick" if record.get("quick_mode") else "full",
                     "synthetic data": "yes" if is_synthetic(record) else "no",
                     "table rows": sum(len(t) for t in tables.values())})
    return pd.DataFrame(rows, columns=["file", "run", "synthetic data", "table rows"]).set_index("file")
