"""tools/check_pages.py on small hand-made sites, broken on purpose (no browser needed)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_pages", ROOT / "tools" / "check_pages.py")
check_pages = importlib.util.module_from_spec(spec)
sys.modules["check_pages"] = check_pages  # dataclasses look their module up there
spec.loader.exec_module(check_pages)

EDIT_BASE = "https://github.com/o/r/edit/main/"
LAUNCH = ('<a href="https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/nb.ipynb">Binder</a>'
          '<a href="https://colab.research.google.com/github/o/r/blob/main/notebooks/nb.ipynb">Colab</a>'
          '<button class="btn btn-sm btn-launch-thebe dropdown-item" onclick="initThebeSBT()">Live Code</button>'
          '<a class="btn btn-download-source-button" href="../_sources/notebooks/nb.ipynb">.ipynb</a>'
          '<a class="btn btn-download-markdown-button" href="../_sources/notebooks/nb.md">.md</a>'
          '<a class="btn btn-source-edit-button" href="https://github.com/o/r/edit/main/notebooks/nb.ipynb">edit</a>'
          '<div class="cell tag_thebe-init tag_remove-input"><pre>import x</pre></div>'
          '<div class="cell tag_run-time-note"><div class="cell_output"><p><strong>Run time:</strong> 1 s</p>'
          '</div></div>')
GOOD_OUTPUT = '<div class="cell_output docutils container"><pre class="output stream">3 results</pre></div>'


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


def write(site: Path, name: str, html: str) -> Path:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html)
    return path


def notebook(site: Path, name: str, body: str) -> Path:
    write(site, f"_sources/{name}.ipynb", "{}")
    write(site, f"_sources/{name}.md", "# a MyST notebook")
    return write(site, f"{name}.html", page(body))


def kinds(problems) -> list[str]:
    return sorted(p.kind for p in problems)


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    site = tmp_path / "html"
    write(site, "book/b.html", page('<h1 id="x">B</h1>'))
    write(site, "_images/fig.png", "png bytes")
    write(site, "_static/skipped.html", page("asset"))
    return site


def test_clean_prose_page(site: Path) -> None:
    a = write(site, "book/a.html", page(
        '<p id="local"><a href="b.html">b</a> <a href="b.html#x">x</a> <a href="#local">here</a> '
        '<a href="#">top</a> <a href="https://example.org/nowhere">web</a> <a href="../book/">dir?</a>'
        '<a href="mailto:a@b.c">mail</a> <img src="../_images/fig.png"> '
        '<img src="data:image/png;base64,AAAA"></p>'))
    write(site, "book/index.html", page("folder index"))
    assert check_pages.check_page(a, site) == []


def test_broken_links_anchors_and_images(site: Path) -> None:
    a = write(site, "book/a.html", page(
        '<a href="missing.html">m</a> <a href="b.html#nope">n</a> <a href="#gone">g</a> '
        '<a href="../book/b%20c.html">space</a> <img src="../_images/none.png"> <img>'))
    write(site, "_images/empty.png", "")
    b = write(site, "book/c.html", page('<img src="../_images/empty.png">'))
    found = check_pages.check_page(a, site)
    assert kinds(found) == ["broken anchor", "broken anchor", "broken link", "broken link",
                            "missing image", "missing image"]
    assert {p.page for p in found} == {"book/a.html"}
    assert any("b c.html" in p.detail for p in found)  # URL-decoded before looking for the file
    assert kinds(check_pages.check_page(b, site)) == ["missing image"]


def test_clean_notebook_page(site: Path) -> None:
    nb = notebook(site, "notebooks/nb", LAUNCH + GOOD_OUTPUT)
    assert check_pages.is_notebook_page(nb, site)
    assert check_pages.check_page(nb, site) == []
    assert check_pages.check_page(nb, site, edit_base=EDIT_BASE) == []


def test_notebook_page_without_output_or_launch_buttons(site: Path) -> None:
    nb = notebook(site, "notebooks/nb", '<div class="cell_output docutils container"> </div>')
    found = check_pages.check_page(nb, site)
    assert kinds(found) == ["no download button", "no edit button", "no launch button", "no launch button",
                            "no launch button", "no markdown download", "no rendered output", "no run-time note",
                            "no thebe-init cell"]
    assert "Live Code" in " ".join(p.detail for p in found)


def test_the_results_page_needs_no_run_time_note(site: Path) -> None:
    without_note = LAUNCH.replace("Run time:", "Took:").replace("notebooks/nb", "notebooks/99_results")
    results = notebook(site, "notebooks/99_results", without_note + GOOD_OUTPUT)
    assert check_pages.check_page(results, site) == []
    chapter = notebook(site, "notebooks/nb", LAUNCH.replace("Run time:", "Took:") + GOOD_OUTPUT)
    assert kinds(check_pages.check_page(chapter, site)) == ["no run-time note"]


def test_source_buttons_on_a_prose_page(site: Path) -> None:
    write(site, "_sources/book/intro.md", "# Intro")
    buttons = ('<a class="btn-download-source-button" href="../_sources/book/intro.md">.md</a>'
               '<a class="btn-source-edit-button" href="https://github.com/o/r/edit/main/book/intro.md">e</a>')
    intro = write(site, "book/intro.html", page(buttons))
    assert check_pages.source_of(intro, site) == "book/intro.md"
    assert not check_pages.is_notebook_page(intro, site)
    assert check_pages.check_page(intro, site, edit_base=EDIT_BASE) == []
    assert kinds(check_pages.check_page(intro, site, edit_base="https://github.com/fork/r/edit/main/")) == [
        "wrong edit link"]
    write(site, "book/intro.html", page(buttons.replace("intro.md\">.md", "other.md\">.md")))
    assert kinds(check_pages.check_page(intro, site, edit_base=EDIT_BASE)) == ["broken link", "no download button"]


def test_math_renderer_must_be_served_with_the_book(site: Path) -> None:
    cdn = write(site, "book/a.html", page('<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js">'
                                          '</script>'))
    assert kinds(check_pages.check_page(cdn, site)) == ["math renderer from the network"]
    write(site, "_static/mathjax/tex-chtml.js", "// MathJax")
    local = write(site, "book/a.html", page('<script defer src="../_static/mathjax/tex-chtml.js"></script>'))
    assert check_pages.check_page(local, site) == []


def test_edit_url_base_comes_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://github.com/o/r/\n  branch: dev\n")
    assert check_pages.edit_url_base(config) == "https://github.com/o/r/edit/dev/"
    assert check_pages.edit_url_base(tmp_path / "none.yml") is None


@pytest.mark.parametrize(("body", "expected"), [
    ('<p>Rendered: <mjx-container><mjx-math>h</mjx-math></mjx-container></p>', []),
    ('<p>Left as TeX: <span class="math">\\(h_t = \\tanh(x)\\)</span></p>', ["raw TeX"]),
    ('<div class="math">\\[ c_t \\]</div>', ["raw TeX"]),
    ('<p>$$ y $$</p>', ["raw TeX"]),
    ('<pre>re.sub(r"\\(", "", s)</pre><p>Costs <code>$$</code>, <code>\\[</code>.</p>', []),
])
def test_raw_tex_in_the_rendered_page(site: Path, body: str, expected: list[str]) -> None:
    a = write(site, "book/a.html", page(body))
    assert kinds(check_pages.check_page(a, site, dom=page(body))) == expected
    assert check_pages.check_page(a, site) == []  # the static file is TeX until MathJax runs: not checked


def test_a_figure_alone_counts_as_output(site: Path) -> None:
    nb = notebook(site, "notebooks/nb", LAUNCH + '<div class="cell_output"><img src="../_images/fig.png"></div>')
    assert check_pages.check_page(nb, site) == []


@pytest.mark.parametrize(("output", "expected"), [
    ('<div class="output traceback highlight-ipythontb">Traceback (most recent call last):\n'
     '  File "x", line 1\nValueError: bad</div>', ["Python traceback", "error output"]),
    ('<div class="output stderr">2026 I tensorflow/core: oneDNN custom operations are on</div>',
     ["stderr output"]),
    ('<pre class="output stream">/x.py:3: DeprecationWarning: old API\n</pre>', ["warning in output"]),
    ('<pre class="output stream">1/5 \u2501\u2501\u2501\u2501 0s 2ms/step</pre>', ["progress-bar debris"]),
])
def test_error_outputs(site: Path, output: str, expected: list[str]) -> None:
    nb = notebook(site, "notebooks/nb", LAUNCH + GOOD_OUTPUT + f'<div class="cell_output">{output}</div>')
    assert kinds(check_pages.check_page(nb, site)) == expected


def test_traceback_in_prose_or_code_is_not_an_error(site: Path) -> None:
    nb = notebook(site, "notebooks/nb", LAUNCH + GOOD_OUTPUT
                  + '<div class="cell_input"><pre>print("Traceback (most recent call last)")</pre></div>'
                  + "<p>A DeprecationWarning: is what Keras prints when ...</p>")
    assert check_pages.check_page(nb, site) == []


def test_docutils_system_message(site: Path) -> None:
    a = write(site, "book/a.html", page('<div class="system-message">Unknown directive type</div>'))
    assert kinds(check_pages.check_page(a, site)) == ["docutils system message"]


def test_dom_from_the_browser_is_checked_instead_of_the_file(site: Path) -> None:
    a = write(site, "book/a.html", page('<a href="b.html">fine in the file</a>'))
    dom = page('<a href="added-by-script.html">broken in the DOM</a>')
    assert kinds(check_pages.check_page(a, site, dom)) == ["broken link"]


def test_redirect_page(site: Path) -> None:
    redirect = '<html><head><meta http-equiv="Refresh" content="0; url=book/b.html" /></head></html>'
    index = write(site, "index.html", redirect)
    assert check_pages.check_page(index, site) == []
    write(site, "index.html", redirect.replace("book/b.html", "book/gone.html"))
    assert kinds(check_pages.check_page(index, site)) == ["broken redirect"]


def test_find_pages_skips_asset_folders(site: Path) -> None:
    write(site, "search.html", page("search"))
    names = [p.relative_to(site).as_posix() for p in check_pages.find_pages(site)]
    assert names == ["book/b.html", "search.html"]


def test_main_exit_status_and_report(site: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "shots"
    assert check_pages.main(["--html", str(site), "--out", str(out), "--no-browser"]) == 0
    write(site, "book/a.html", page('<a href="missing.html">m</a>'))
    assert check_pages.main(["--html", str(site), "--out", str(out), "--no-browser"]) == 1
    report = {r["page"]: r["problems"] for r in json.loads((out / "report.json").read_text())}
    assert report["book/a.html"] == ["broken link: missing.html (no file book/missing.html)"]
    assert "book/a.html: broken link" in capsys.readouterr().out
    assert check_pages.main(["--html", str(tmp_path / "empty"), "--no-browser"]) == 2


def test_missing_browser_says_how_to_install() -> None:
    with pytest.raises(SystemExit, match="apt-get install -y chromium"):
        check_pages.find_browser("no-such-browser-binary")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_screenshot_dom_and_javascript_errors_with_chromium(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    write(site, "index.html", '<html><head><meta http-equiv="refresh" content="0; url=book/b.html"></head></html>')
    write(site, "book/long.html", page('<div style="height:5000px">tall</div>'
                                       '<script>throw new Error("boom on purpose")</script>'))
    write(out, "gone.png", "stale")
    assert check_pages.main(["--html", str(site), "--out", str(out), "--window", "800,600"]) == 0
    assert (out / "book" / "b.png").stat().st_size > 0
    assert not (out / "index.png").exists() and not (out / "gone.png").exists()
    from PIL import Image  # matplotlib's dependency

    assert Image.open(out / "book" / "long.png").size[1] >= 5000  # the whole page, not the viewport
    report = {r["page"]: r for r in json.loads((out / "report.json").read_text())}
    assert any("boom on purpose" in e for e in report["book/long.html"]["javascript_errors"])

    # The DOM comes from the browser: a link that a script adds is checked too.
    write(site, "book/b.html", page('<h1 id="x">B</h1><script>document.body.insertAdjacentHTML('
                                    '"beforeend", \'<a href="nowhere.html">x</a>\')</script>'))
    assert check_pages.main(["--html", str(site), "--out", str(out)]) == 1
    assert "broken link: nowhere.html" in (out / "report.json").read_text()

    # Math that no script renders stays TeX in the browser: the check fails on it.
    write(site, "book/b.html", page('<h1 id="x">B</h1><p><span class="math">\\(h_t\\)</span></p>'))
    assert check_pages.main(["--html", str(site), "--out", str(out)]) == 1
    assert "raw TeX" in (out / "report.json").read_text()
    # A script that replaces it (as MathJax does) before the check reads the DOM: no problem.
    write(site, "book/b.html", page('<h1 id="x">B</h1><p><span class="math">\\(h_t\\)</span></p><script>'
                                    'window.MathJax = {startup: {promise: new Promise((done) => setTimeout(() => {'
                                    'document.querySelector(".math").textContent = "h"; done(); }, 300))}}'
                                    '</script>'))
    assert check_pages.main(["--html", str(site), "--out", str(out)]) == 0


def test_markdown_download_must_point_at_a_written_file(site: Path) -> None:
    nb = notebook(site, "notebooks/nb", LAUNCH + GOOD_OUTPUT)
    (site / "_sources" / "notebooks" / "nb.md").unlink()
    assert kinds(check_pages.check_page(nb, site)) == ["broken link", "no markdown download"]
