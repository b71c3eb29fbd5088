"""binder/ pins what requirements.txt pins, so Binder and Thebe run the book's versions.

A binder/ folder makes repo2docker ignore the root requirements.txt, so
binder/requirements.txt repeats its pins; the only difference allowed is the
local version of PyTorch's CPU-only wheel (``torch==2.13.0+cpu``).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


def pins(path: Path) -> dict[str, str]:
    """package name (normalised) -> its version specifier, without a local ``+cpu`` suffix."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):  # -e ., --extra-index-url
            continue
        match = REQUIREMENT.match(line)
        assert match, f"{path.name}: cannot read {line!r}"
        name = re.sub(r"[-_.]+", "-", match[1]).lower()
        found[name] = re.sub(r"\+cpu\b", "", match[2].replace(" ", ""))
    return found


def test_binder_pins_the_same_versions_as_requirements() -> None:
    root, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder" / "requirements.txt")
    assert root == binder, {name: (root.get(name), binder.get(name))
                            for name in root.keys() | binder.keys() if root.get(name) != binder.get(name)}


def test_binder_takes_the_cpu_wheel_and_installs_the_package() -> None:
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert any(line.startswith("torch==") and line.endswith("+cpu") for line in lines)
    assert "-e ." in lines


def test_binder_runs_python_311_like_ci() -> None:
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert '"3.11"' in (ROOT / ".github" / "workflows" / "test.yml").read_text()


def test_pins_reader_sees_a_difference(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("torch==2.13.0\nnumpy==2.4.6  # why\n")
    b.write_text("--extra-index-url https://x\ntorch==2.13.0+cpu\nnumpy==2.4.5\n-e .\n")
    assert pins(a) == {"torch": "==2.13.0", "numpy": "==2.4.6"}
    assert pins(b) == {"torch": "==2.13.0", "numpy": "==2.4.5"}
