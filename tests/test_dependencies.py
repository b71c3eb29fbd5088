"""Every third-party module the package imports is declared in pyproject.toml
(in ``dependencies`` or an extra), so that ``pip install -e ".[extra]"`` is enough."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
# import name -> distribution name, where they differ
DISTRIBUTION = {"sklearn": "scikit-learn", "IPython": "ipython", "keras": "tensorflow-cpu",
                "tensorflow": "tensorflow-cpu"}


def imported_top_level_names(package: Path) -> dict[str, set[str]]:
    """Top-level module name -> the package files that import it (at any depth of the code)."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(package.parent)))
    return found


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_every_third_party_import_is_declared():
    declared = declared_distributions()
    standard = set(sys.stdlib_module_names) | {"__future__", "bilstm_helpers"}
    missing = {name: sorted(files) for name, files in imported_top_level_names(ROOT / "bilstm_helpers").items()
               if name not in standard and DISTRIBUTION.get(name, name).lower() not in declared}
    assert not missing, f"declare these in pyproject.toml (dependencies or an extra): {missing}"


def test_the_check_sees_imports_inside_functions_and_skips_relative_ones(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    source = "import os\nfrom . import sibling\n\ndef f():\n    from sklearn.metrics import f1_score\n"
    (package / "m.py").write_text(source)
    assert imported_top_level_names(package) == {"os": {"pkg/m.py"}, "sklearn": {"pkg/m.py"}}
    assert {"numpy", "scikit-learn", "conllu"} <= declared_distributions()
