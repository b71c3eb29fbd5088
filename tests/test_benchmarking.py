import sys
from pathlib import Path

import pytest

from bilstm_helpers.benchmarking import (
    BenchmarkChildError,
    median_of,
    ratio_fields,
    ratio_summary,
    run_in_processes,
)

CHILD = """
import argparse, json, sys
parser = argparse.ArgumentParser()
parser.add_argument("--child")
parser.add_argument("--log")
parser.add_argument("--fail", default="")
args = parser.parse_args()
with open(args.log, "a") as log:
    log.write(args.child + "\\n")
if args.child == args.fail:
    sys.exit("broken on purpose")
print("a line before the result")
print(json.dumps({"setup": args.child, "wall_s": {"slow": 4.0, "fast": 1.0}[args.child]}))
"""


def write_child(tmp_path: Path, text: str = CHILD) -> Path:
    script = tmp_path / "child.py"
    script.write_text(text)
    return script


def test_set_ups_alternate_and_each_child_gives_its_last_line(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    runs = run_in_processes(write_child(tmp_path), ("slow", "fast"), 2, ["--log", log])
    assert log.read_text().split() == ["slow", "fast", "slow", "fast"]
    assert [run["setup"] for run in runs["slow"]] == ["slow", "slow"]
    assert median_of(runs, "fast", "wall_s") == 1.0


def test_ratio_pairs_repeat_with_repeat() -> None:
    runs = {"base": [{"t": 1.0}, {"t": 2.0}, {"t": 4.0}], "new": [{"t": 1.0}, {"t": 1.0}, {"t": 1.0}]}
    # paired: 1/1, 1/2, 1/4; medians alone would give 1/2 as well, but not this range
    assert ratio_summary(runs, "t", "new", "base") == {"median": 0.5, "min": 0.25, "max": 1.0}
    with pytest.raises(ValueError):
        ratio_summary({"base": [{"t": 1.0}], "new": []}, "t", "new", "base")
    assert ratio_fields("time_ratio", ratio_summary(runs, "t", "new", "base")) == {
        "time_ratio": 0.5, "time_ratio_min": 0.25, "time_ratio_max": 1.0}


def test_a_failing_child_is_named_with_its_error(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkChildError, match=r"set-up 'fast' failed \(exit 1\)(.|\n)*broken on purpose"):
        run_in_processes(write_child(tmp_path), ("slow", "fast"), 1, ["--log", tmp_path / "log", "--fail", "fast"])


def test_a_child_without_json_is_reported(tmp_path: Path) -> None:
    script = write_child(tmp_path, "print('no json here')")
    with pytest.raises(BenchmarkChildError, match="printed no JSON object"):
        run_in_processes(script, ("a",), 1)
    with pytest.raises(ValueError, match="at least 1"):
        run_in_processes(script, ("a",), 0)


def test_children_run_with_this_python(tmp_path: Path) -> None:
    script = write_child(tmp_path, "import json, sys; print(json.dumps({'python': sys.executable}))")
    assert run_in_processes(script, ("a",), 1)["a"][0]["python"] == sys.executable
