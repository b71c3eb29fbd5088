"""bilstm_helpers.results: results files back as tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilstm_helpers.results import (
    describe,
    format_duration,
    format_value,
    load_results,
    overview,
    record_tables,
    run_time_summary,
    summarise_series,
)

RECORD = {
    "name": "case", "quick_mode": False, "data": "synthetic sensor series",
    "parameters": 13713,
    "test": {"f1": 0.41234, "recall": 0.5},
    "loss_curve": [0.9, 0.5, 0.7],
    "models": {"lstm": {"accuracy": 0.8, "seconds": 12.5}, "bilstm": {"accuracy": 0.9, "seconds": 25.0}},
    "runs": [{"merge_mode": "sum", "accuracy": 0.7}, {"merge_mode": "concat", "accuracy": 0.75}],
}


def write(folder: Path, name: str, record) -> None:
    (folder / f"{name}.json").write_text(json.dumps(record))


def test_load_results_reads_the_folder_not_quick(tmp_path: Path) -> None:
    write(tmp_path, "b", {"x": 1})
    write(tmp_path, "a", {"x": 2})
    (tmp_path / "quick").mkdir()
    write(tmp_path / "quick", "a", {"x": 3})
    assert load_results(tmp_path) == {"a": {"x": 2}, "b": {"x": 1}}
    assert list(load_results(tmp_path)) == ["a", "b"]


def test_load_results_empty_folder(tmp_path: Path) -> None:
    assert load_results(tmp_path / "missing") == {}


@pytest.mark.parametrize(("text", "problem"), [("{broken", "not valid JSON"), ("[1, 2]", "holds a list")])
def test_load_results_bad_file(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(ValueError, match=problem):
        load_results(tmp_path)


def test_single_values_flattened_with_dotted_names() -> None:
    figures = record_tables(RECORD)["figures"]["value"]
    assert figures["parameters"] == "13,713"
    assert figures["test.f1"] == "0.4123"
    assert figures["loss_curve"] == "3 values: 0.9 \u2192 0.7 (min 0.5, max 0.9)"
    assert "name" not in figures and "quick_mode" not in figures


def test_object_of_objects_and_list_of_objects_become_tables() -> None:
    tables = record_tables(RECORD)
    models = tables["models"]
    assert list(models.index) == ["lstm", "bilstm"] and list(models.columns) == ["accuracy", "seconds"]
    assert models.loc["bilstm", "seconds"] == "25"
    runs = tables["runs"]
    assert list(runs.index) == [1, 2]
    assert runs.to_dict("records") == [{"merge_mode": "sum", "accuracy": "0.7"},
                                       {"merge_mode": "concat", "accuracy": "0.75"}]


def test_describe_flags_quick_runs_and_synthetic_data() -> None:
    assert "quick run" not in describe("case", RECORD) and "synthetic" in describe("case", RECORD)
    quick = describe("imdb", {"quick_mode": True, "accuracy": 0.5})
    assert "quick run" in quick and "synthetic" not in quick and "results/imdb.json" in quick


def test_overview_counts_rows() -> None:
    table = overview({"case": RECORD, "tiny": {"quick_mode": True, "x": 1}})
    assert table.to_dict("index") == {
        "results/case.json": {"run": "full", "synthetic data": "yes", "table rows": 5 + 2 + 2},
        "results/tiny.json": {"run": "quick", "synthetic data": "no", "table rows": 1},
    }


@pytest.mark.parametrize(("value", "text"), [(0.123456, "0.1235"), (12345.67, "12,345.7"), (3, "3"),
                                             (1234567, "1,234,567"), (True, "True"), (None, "None"),
                                             ("concat", "concat")])
def test_format_value(value, text: str) -> None:
    assert format_value(value) == text


def test_summarise_series() -> None:
    assert summarise_series([3, 1, 2]) == "3 values: 3 \u2192 2 (min 1, max 3)"


MEMORY = {"name": "notebook_memory", "quick_mode": False, "binder_limit_mb": 2048, "cpu_count": 2,
          "notebooks": [{"notebook": "01_gates", "peak_memory_mb": 212.5, "seconds": 1.8},
                        {"notebook": "06_imdb", "peak_memory_mb": 1649.0, "seconds": 546.4},
                        {"notebook": "05_sheet", "peak_memory_mb": 1772.0, "seconds": 308.0}]}


@pytest.mark.parametrize(("seconds", "text"), [(48.4, "48 s"), (59.4, "59 s"), (60, "1.0 min"), (546.4, "9.1 min")])
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_run_time_summary_reads_every_figure_from_the_record() -> None:
    text = run_time_summary(MEMORY)
    assert text == ("In their last recorded runs at full settings on 2 CPU cores, the 3 notebooks took "
                    "14.3 min together, from 2 s (`01_gates`) to 9.1 min (`06_imdb`), each counted from "
                    "the start of its kernel. The largest peak memory was 1,772 MB (`05_sheet`), against "
                    "Binder's limit of 2,048 MB.")
    assert "in quick mode" in run_time_summary({**MEMORY, "quick_mode": True})


@pytest.mark.parametrize(("record", "problem"), [
    ({"notebooks": []}, "no notebook rows"),
    ({}, "no notebook rows"),
    ({"notebooks": [{"notebook": "x", "seconds": 3.0}]}, "lacks \\['peak_memory_mb'\\]"),
])
def test_run_time_summary_bad_record(record, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        run_time_summary(record)
