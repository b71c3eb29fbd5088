"""_config.yml turns on what a published book needs, and Jupyter Book keeps it.

Read through Jupyter Book's own config code (``get_final_config``, what
``jupyter-book build`` passes to Sphinx), not by building the book.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

config_module = pytest.importorskip("jupyter_book.config")

ROOT = Path(__file__).resolve().parents[1]


def sphinx_config(user_yaml: dict) -> dict:
    final, _ = config_module.get_final_config(user_yaml=user_yaml, cli_config={"latex_individualpages": False},
                                              sourcedir=ROOT, raise_on_invalid=True)
    return final


@pytest.fixture(scope="module")
def user_yaml() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_theme_options_keep_launch_buttons_and_add_downloads(user_yaml: dict) -> None:
    options = sphinx_config(user_yaml)["html_theme_options"]
    assert options["launch_buttons"]["thebe"] is True
    assert options["launch_buttons"]["binderhub_url"] and options["launch_buttons"]["colab_url"]
    assert options["repository_url"] == user_yaml["repository"]["url"]
    assert options["use_download_button"] is True and options["use_edit_page_button"] is True


def test_without_recursive_update_the_launch_buttons_would_be_lost(user_yaml: dict) -> None:
    """Why _config.yml sets sphinx.recursive_update: our html_theme_options would replace Jupyter Book's."""
    replaced = yaml.safe_load(yaml.safe_dump(user_yaml))
    replaced["sphinx"]["recursive_update"] = False
    assert "launch_buttons" not in sphinx_config(replaced)["html_theme_options"]


def test_math_is_served_with_the_book(user_yaml: dict) -> None:
    assert "sphinx-mathjax-offline" in sphinx_config(user_yaml)["extensions"]
    assert not sphinx_config(user_yaml).get("mathjax_path", "").startswith("http")


def test_builds_run_notebooks_through_the_cache(user_yaml: dict) -> None:
    """The workflow's jupyter-cache step only helps when the book executes through the cache."""
    assert user_yaml["execute"]["execute_notebooks"] == "cache"
