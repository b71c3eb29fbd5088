"""The repository's address is written once: `repository.url` (and `branch`) in _config.yml.

Jupyter Book derives the launch buttons, Thebe's Binder repository and the
edit and issue links from it. Where a file must spell the address out (the
README's clone command and Binder link, the intro's clone command), this test
checks that it agrees, so a fork changes one line in _config.yml and this
test names every other line to change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Files that may spell out the address. Other GitHub repositories they link on
# purpose (none today) would be listed here.
FILES = ["README.md", "book/intro.md"]
OTHER_REPOSITORIES: set[str] = set()

GITHUB = re.compile(r"github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?=[/\s)`'\"#?]|$)")
BINDER = re.compile(r"mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/([\w.-]+)")
CLONE = re.compile(r"git clone (\S+)(?: && cd (\S+))?")


def repository() -> tuple[str, str, str]:
    """(owner, name, branch) from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", config["url"])
    assert match, f"_config.yml: repository.url {config['url']!r} is not https://github.com/OWNER/NAME"
    return match[1], match[2], config.get("branch", "main")


def mismatches(text: str, owner: str, name: str, branch: str) -> list[str]:
    """Each address in ``text`` that is not the repository's (or its branch), as 'line N: ...'."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in GITHUB.finditer(line):
            if (match[1], match[2]) != (owner, name) and f"{match[1]}/{match[2]}" not in OTHER_REPOSITORIES:
                found.append(f"line {number}: {match[0]}")
        for match in BINDER.finditer(line):
            if (match[1], match[2], match[3]) != (owner, name, branch):
                found.append(f"line {number}: {match[0]}")
        for match in CLONE.finditer(line):
            if match[2] and match[2] != name:
                found.append(f"line {number}: cd {match[2]} after cloning {name}")
    return found


def test_config_names_a_github_repository() -> None:
    owner, name, branch = repository()
    assert owner and name and branch


@pytest.mark.parametrize("file", FILES)
def test_every_spelled_out_address_agrees_with_config(file: str) -> None:
    owner, name, branch = repository()
    wrong = mismatches((ROOT / file).read_text(), owner, name, branch)
    assert not wrong, (f"{file} names another repository than _config.yml's repository.url "
                       f"(https://github.com/{owner}/{name}, branch {branch}): change these lines: {wrong}")


def test_readme_has_the_clone_command_and_a_binder_link() -> None:
    owner, name, branch = repository()
    readme = (ROOT / "README.md").read_text()
    assert f"git clone https://github.com/{owner}/{name} && cd {name}" in readme
    assert f"mybinder.org/v2/gh/{owner}/{name}/{branch}?" in readme


def test_a_fork_is_caught() -> None:
    text = ("git clone https://github.com/old/book && cd book\n"
            "https://mybinder.org/v2/gh/old/book/main?labpath=x\n"
            "see https://github.com/fork/book/blob/main/README.md\n")
    assert mismatches(text, "fork", "book", "main") == [
        "line 1: github.com/old/book", "line 2: mybinder.org/v2/gh/old/book/main"]
    assert mismatches(text.replace("old/", "fork/"), "fork", "book", "main") == []
    assert mismatches("https://mybinder.org/v2/gh/fork/book/dev?x", "fork", "book", "main") != []


@pytest.mark.parametrize("path", sorted((ROOT / ".github" / "workflows").glob("*.yml")), ids=lambda p: p.name)
def test_workflows_do_not_spell_out_the_address(path: Path) -> None:
    owner, name, _ = repository()
    assert f"{owner}/{name}" not in path.read_text()
