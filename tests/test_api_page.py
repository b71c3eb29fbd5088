"""book/api.md documents every module of bilstm_helpers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_has_an_automodule_section() -> None:
    page = (ROOT / "book" / "api.md").read_text()
    page = re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)  # the how-to comment does not count
    listed = set(re.findall(r"^\.\. automodule:: bilstm_helpers\.([\w.]+)$", page, flags=re.MULTILINE))
    package = ROOT / "bilstm_helpers"
    modules = {".".join(p.relative_to(package).with_suffix("").parts) for p in package.rglob("*.py")
               if not p.stem.startswith("_")}  # subpackages' modules too, as "tagging.crf"
    snippet = "".join(f"\n## `bilstm_helpers.{m}`\n\n```{{eval-rst}}\n.. automodule:: bilstm_helpers.{m}\n"
                      "   :members:\n```\n" for m in sorted(modules - listed))
    assert modules - listed == set(), f"append to book/api.md:\n{snippet}"
    assert listed - modules == set(), f"book/api.md lists modules that do not exist: {sorted(listed - modules)}"
