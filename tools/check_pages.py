"""Open every page of the built book in headless Chromium and check what a reader sees.

Run after ``make book`` (``make check-pages`` does)::

    python tools/check_pages.py                     # _build/html -> _build/screenshots/
    python tools/check_pages.py --no-browser        # static HTML only, no screenshots

For every page it saves a full-page screenshot (``_build/screenshots/<page>.png``)
and takes the DOM after the page's scripts ran, from one headless Chromium
driven over its DevTools pipe (no Selenium or Playwright). A page fails when

- a cell output holds a Python traceback, an error, stderr, a warning
  (``SomethingWarning:``) or Keras progress-bar debris, or docutils printed a
  system message into the page;
- a link to a local page or anchor does not resolve (the file is missing, or
  the target page has no element with that id);
- an ``<img>`` points at a local file that does not exist or is empty;
- it is a notebook page (its ``.ipynb`` is in ``_sources/``) without any
  rendered cell output, without its Binder, Colab and "Live Code" (Thebe)
  launch buttons, or without a cell tagged ``thebe-init`` (the set-up cell
  that Thebe runs as soon as its kernel is ready); a chapter (any notebook
  page but the results page) without its "Run time: ..." note;
- a page built from a source file (``.ipynb`` or ``.md``) lacks the button that
  downloads that source or the "edit this page" link to it in the repository
  of ``_config.yml`` (``repository.url`` and ``branch``); a notebook page lacks
  the ``.md`` download (its MyST Markdown, written by
  ``tools/markdown_downloads.py``) or the file it points at;
- in the browser, raw TeX delimiters (``\\(``, ``\\)``, ``\\[``, ``\\]``, ``$$``)
  remain in the page's visible text outside code: an equation did not render
  (the book serves MathJax itself, so this holds offline too), or a page
  loads MathJax or KaTeX from another site.

External links are not followed (the build machine may be offline). The
script prints one line per problem, writes ``report.json`` beside the
screenshots (with the JavaScript errors each page raised, listed but not
failed: the theme raises one on every page) and exits with status 1 when any
page fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devtools_browser import Chromium  # noqa: E402  (tools/ is not a package)
from devtools_browser import snippet as _snippet

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
WARNING = re.compile(r"\b[A-Z]\w*Warning: ")
PROGRESS_DEBRIS = "\u2501\u2501"  # Keras's progress bar
LAUNCHERS = {"Binder": "mybinder.org", "Colab": "colab.research.google.com"}
LIVE_CODE = "button.btn-launch-thebe"  # sphinx-book-theme's "Live Code" (Thebe) launch button
THEBE_INIT = ".tag_thebe-init"  # a cell Thebe runs when its kernel is ready
RUN_TIME_NOTE = ".tag_run-time-note .cell_output"  # a chapter's generated run time and peak memory
NOT_CHAPTERS = {"notebooks/99_results.html"}  # the results page: a notebook page, not a chapter
DOWNLOAD = "a.btn-download-source-button"
MARKDOWN_DOWNLOAD = "a.btn-download-markdown-button"  # tools/markdown_downloads.py
EDIT = "a.btn-source-edit-button"
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")
NOT_PROSE = ("script", "style", "noscript", "template", "textarea", "pre", "code", "kbd", "samp",
             "mjx-container", "mjx-assistive-mml", "math")


@dataclass(frozen=True)
class Problem:
    page: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind}: {self.detail}"


def find_pages(html_dir: Path) -> list[Path]:
    """Every .html page of the book, skipping Sphinx's asset folders (_static, ...)."""
    return sorted(p for p in html_dir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(html_dir).parts[:-1]))


def is_notebook_page(page: Path, html_dir: Path) -> bool:
    """True when the page was built from a notebook (Sphinx copies its source to _sources/)."""
    return source_of(page, html_dir) == page.relative_to(html_dir).with_suffix(".ipynb").as_posix()


def source_of(page: Path, html_dir: Path) -> str | None:
    """The page's source file relative to the book's root (``notebooks/x.ipynb``,
    ``book/intro.md``), found in ``_sources/``; None for generated pages (search, index)."""
    rel = page.relative_to(html_dir).with_suffix("")
    for suffix in (".ipynb", ".md"):
        if (html_dir / "_sources" / rel.with_suffix(suffix)).is_file():
            return rel.with_suffix(suffix).as_posix()
    return None


def edit_url_base(config: Path) -> str | None:
    """``<repository.url>/edit/<branch>/`` from a Jupyter Book ``_config.yml``; None without one."""
    if not config.is_file():
        return None
    repository = (yaml.safe_load(config.read_text()) or {}).get("repository") or {}
    if not repository.get("url"):
        return None
    return f"{repository['url'].rstrip('/')}/edit/{repository.get('branch', 'main')}/"


def raw_tex(soup: BeautifulSoup) -> list[str]:
    """Snippets of visible prose that still hold TeX delimiters (code and scripts excluded)."""
    soup = BeautifulSoup(str(soup), "html.parser")  # a copy: the caller's tree stays whole
    for node in soup.find_all(NOT_PROSE):
        node.decompose()
    body = soup.body or soup
    found = []
    for text in body.find_all(string=True):
        match = RAW_TEX.search(text)
        if match:
            found.append(_snippet(text[max(0, match.start() - 40):match.end() + 40]))
    return found


@cache
def ids_of(page: Path) -> frozenset[str]:
    """The anchors a link can point at in a (static) page: ids and <a name=...>."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
    return frozenset([tag["id"] for tag in soup.find_all(id=True)]
                     + [tag["name"] for tag in soup.find_all("a", attrs={"name": True})])


def local_target(url: str) -> tuple[str, str] | None:
    """(path, fragment) of a link into the book; None for external and special links."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("//", "mailto:", "javascript:", "data:")):
        return None
    return unquote(parts.path), unquote(parts.fragment)


def output_problems(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(kind, detail) for each error output, traceback, warning or progress debris in cell outputs."""
    found: list[tuple[str, str]] = []
    for node in soup.select(".output.traceback, .output.error"):
        found.append(("error output", _snippet(node.get_text())))
    for node in soup.select(".output.stderr"):
        found.append(("stderr output", _snippet(node.get_text())))
    for node in soup.select(".system-message"):
        found.append(("docutils system message", _snippet(node.get_text())))
    for node in soup.select(".cell_output"):
        text = node.get_text()
        for pattern, kind in ((TRACEBACK, "Python traceback"), (WARNING, "warning in output")):
            match = pattern.search(text)
            if match:
                found.append((kind, _snippet(text[match.start():])))
        if PROGRESS_DEBRIS in text:
            found.append(("progress-bar debris", _snippet(text[text.index(PROGRESS_DEBRIS):])))
    return found


def redirect_target(html: str) -> str | None:
    """The URL of a ``<meta http-equiv="refresh">`` redirect page (index.html), else None."""
    soup = BeautifulSoup(html, "html.parser")
    meta = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.IGNORECASE)})
    match = re.search(r"url\s*=\s*['\"]?([^'\";]+)", meta.get("content", ""), re.IGNORECASE) if meta else None
    return match.group(1).strip() if match else None


def check_page(page: Path, html_dir: Path, dom: str | None = None, edit_base: str | None = None) -> list[Problem]:
    """All problems of one page. ``dom`` is the page as the browser rendered it;
    without it the static HTML file is checked (and raw TeX is not looked for:
    before MathJax runs every equation is TeX). ``edit_base`` is the start of
    every "edit this page" link (``edit_url_base``); None checks only that
    the link is there. A redirect page is checked for its target only (the
    browser shows the target, checked on its own)."""
    name = page.relative_to(html_dir).as_posix()
    redirect = redirect_target(page.read_text(encoding="utf-8"))
    if redirect is not None:
        target = local_target(redirect)
        if target is not None and not (page.parent / target[0]).resolve().is_file():
            return [Problem(name, "broken redirect", redirect)]
        return []
    soup = BeautifulSoup(dom if dom is not None else page.read_text(encoding="utf-8"), "html.parser")
    problems = [Problem(name, kind, detail) for kind, detail in output_problems(soup)]

    own_ids = ids_of(page) | {tag["id"] for tag in soup.find_all(id=True)}
    for link in soup.find_all("a", href=True):
        target = local_target(link["href"])
        if target is None:
            continue
        path, fragment = target
        if path:
            file = (page.parent / path).resolve()
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                problems.append(Problem(name, "broken link", f"{link['href']} (no file {_rel(file, html_dir)})"))
                continue
            ids = ids_of(file) if file.suffix == ".html" else None
        else:
            ids = own_ids
        if fragment and ids is not None and fragment not in ids:
            problems.append(Problem(name, "broken anchor", f"{link['href']} (no id {fragment!r})"))

    for img in soup.find_all("img"):
        src = img.get("src", "")
        target = local_target(src) if src else ("", "")
        if target is None:
            continue
        file = (page.parent / target[0]).resolve()
        if not src or not file.is_file() or file.stat().st_size == 0:
            problems.append(Problem(name, "missing image", src or "<img> without src"))

    source = source_of(page, html_dir)
    if source is not None:
        problems += [Problem(name, kind, detail) for kind, detail in source_buttons(soup, page, html_dir,
                                                                                    source, edit_base)]
    if is_notebook_page(page, html_dir):
        outputs = [n for n in soup.select(".cell_output") if n.get_text(strip=True) or n.find("img")]
        if not outputs:
            problems.append(Problem(name, "no rendered output", "a notebook page without any cell output"))
        hrefs = " ".join(a["href"] for a in soup.find_all("a", href=True))
        for launcher, host in LAUNCHERS.items():
            if host not in hrefs:
                problems.append(Problem(name, "no launch button", f"no {launcher} link ({host})"))
        markdown = [(page.parent / unquote(urlsplit(a["href"]).path)).resolve()
                    for a in soup.select(MARKDOWN_DOWNLOAD) if a.get("href")]
        if not any(file.suffix == ".md" and file.is_file() and file.stat().st_size for file in markdown):
            problems.append(Problem(name, "no markdown download",
                                    "no .md download of the notebook (tools/markdown_downloads.py) or no such file"))
        if not soup.select(LIVE_CODE):
            problems.append(Problem(name, "no launch button", "no Live Code (Thebe) button"))
        if name not in NOT_CHAPTERS and not any("Run time:" in note.get_text() for note in soup.select(RUN_TIME_NOTE)):
            problems.append(Problem(name, "no run-time note",
                                    "no 'Run time: ...' note at the top (tools/notebook_cells.py adds the cell)"))
        if name not in NOT_CHAPTERS and not soup.select(THEBE_INIT):
            problems.append(Problem(name, "no thebe-init cell",
                                    "no cell tagged thebe-init: Live Code would start without the set-up cell"))
    for script in soup.find_all("script", src=True):
        if re.search(r"mathjax|katex", script["src"], re.IGNORECASE) and local_target(script["src"]) is None:
            problems.append(Problem(name, "math renderer from the network",
                                    f"{script['src']} (opened offline, its equations stay TeX)"))
    if dom is not None:
        problems += [Problem(name, "raw TeX", text) for text in raw_tex(soup)]
    return problems


def source_buttons(soup: BeautifulSoup, page: Path, html_dir: Path, source: str,
                   edit_base: str | None) -> list[tuple[str, str]]:
    """(kind, detail) when the download button of the page's source or its edit link is missing or wrong."""
    found = []
    wanted = (html_dir / "_sources" / source).resolve()
    downloads = [a["href"] for a in soup.select(DOWNLOAD) if a.get("href")]
    if not any((page.parent / unquote(urlsplit(h).path)).resolve() == wanted for h in downloads):
        found.append(("no download button", f"no link that downloads _sources/{source}"
                      + (f" (found {', '.join(downloads)})" if downloads else "")))
    edits = [a["href"] for a in soup.select(EDIT) if a.get("href")]
    if not edits:
        found.append(("no edit button", f"no 'edit this page' link for {source}"))
    elif edit_base is not None and f"{edit_base}{source}" not in edits:
        found.append(("wrong edit link", f"{edits[0]} (expected {edit_base}{source})"))
    return found


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def find_browser(explicit: str | None) -> str:
    """Path of a Chromium binary, or a clear error saying how to install one."""
    for name in ([explicit] if explicit else BROWSERS):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("check_pages: no Chromium found. Install Debian's package "
                     "(`apt-get install -y chromium`) or pass --chromium PATH, "
                     "or run with --no-browser to check the static HTML only.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "screenshots",
                        help="folder for the screenshots and report.json")
    parser.add_argument("--no-browser", action="store_true",
                        help="check the static HTML files, take no screenshots")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml",
                        help="the book's _config.yml: its repository.url and branch make the expected edit links")
    parser.add_argument("--chromium", help=f"Chromium binary (default: the first of {', '.join(BROWSERS)} on PATH)")
    parser.add_argument("--window", default="1280,900",
                        help="browser viewport WIDTH,HEIGHT in pixels; screenshots cover the whole page")
    args = parser.parse_args(argv)

    pages = find_pages(args.html)
    if not pages:
        print(f"check_pages: no pages in {args.html}; build the book first (make book)", file=sys.stderr)
        return 2
    width, height = (int(n) for n in args.window.split(","))
    chromium = None if args.no_browser else Chromium(find_browser(args.chromium), width, height)
    if chromium and args.out.is_dir():  # no stale screenshots of pages that are gone
        for old in args.out.rglob("*.png"):
            old.unlink()
    problems: list[Problem] = []
    report = []
    try:
        for page in pages:
            rel = page.relative_to(args.html)
            dom, js_errors, screenshot = None, [], None
            redirect = redirect_target(page.read_text(encoding="utf-8")) is not None
            if chromium and not redirect:  # a redirect page shows its target, checked on its own
                screenshot = rel.with_suffix(".png")
                try:
                    dom, js_errors = chromium.render(page, args.out / screenshot)
                except RuntimeError as error:
                    problems.append(Problem(rel.as_posix(), "browser", str(error)))
                    report.append({"page": rel.as_posix(), "problems": [f"browser: {error}"]})
                    print(f"FAIL {rel.as_posix()}")
                    continue
            found = check_page(page, args.html, dom, edit_url_base(args.config))
            problems += found
            report.append({"page": rel.as_posix(), "notebook": is_notebook_page(page, args.html),
                           "screenshot": screenshot.as_posix() if screenshot else None,
                           "problems": [f"{p.kind}: {p.detail}" for p in found],
                           "javascript_errors": js_errors})
            print(f"{'FAIL' if found else 'ok  '} {rel.as_posix()}")
    finally:
        if chromium:
            chromium.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    for problem in problems:
        print(problem)
    js = sorted({e for r in report for e in r.get("javascript_errors", [])})
    if js:  # reported, not failed: the theme's own scripts raise some (see report.json)
        print("JavaScript errors (not counted as problems):", *js, sep="\n  ")
    print(f"check_pages: {len(pages)} pages, {len({p.page for p in problems})} with problems, "
          f"{len(problems)} problems{'' if chromium else ' (static HTML, no browser)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
