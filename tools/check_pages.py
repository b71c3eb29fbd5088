"""Open every page of the built book in headless Chromium and check what a reader sees.

Run after ``make book`` (``make check-pages`` does)::

    python tools/check_pages.py                     # _build/html -> _build/screenshots/
    python tools/check_pages.py --no-browser        # static HTML only, no screenshots

For every page it saves a screenshot (``_build/screenshots/<page>.png``) and
takes the DOM after the page's scripts ran (``chromium --dump-dom``). A page
fails when

- a cell output holds a Python traceback, an error, stderr, a warning
  (``SomethingWarning:``) or Keras progress-bar debris, or docutils printed a
  system message into the page;
- a link to a local page or anchor does not resolve (the file is missing, or
  the target page has no element with that id);
- an ``<img>`` points at a local file that does not exist or is empty;
- it is a notebook page (its ``.ipynb`` is in ``_sources/``) without any
  rendered cell output, or without its Binder and Colab launch buttons.

External links are not followed (the build machine may be offline). The
script prints one line per problem, writes ``report.json`` beside the
screenshots and exits with status 1 when any page fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
WARNING = re.compile(r"\b[A-Z]\w*Warning: ")
PROGRESS_DEBRIS = "\u2501\u2501"  # Keras's progress bar
LAUNCHERS = {"Binder": "mybinder.org", "Colab": "colab.research.google.com"}


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
    rel = page.relative_to(html_dir).with_suffix(".ipynb")
    return (html_dir / "_sources" / rel).exists()


@lru_cache(maxsize=None)
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


def check_page(page: Path, html_dir: Path, dom: str | None = None) -> list[Problem]:
    """All problems of one page. ``dom`` is the page as the browser rendered it;
    without it the static HTML file is checked. A redirect page is checked
    for its target only (the browser shows the target, checked on its own)."""
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

    if is_notebook_page(page, html_dir):
        outputs = [n for n in soup.select(".cell_output") if n.get_text(strip=True) or n.find("img")]
        if not outputs:
            problems.append(Problem(name, "no rendered output", "a notebook page without any cell output"))
        hrefs = " ".join(a["href"] for a in soup.find_all("a", href=True))
        for launcher, host in LAUNCHERS.items():
            if host not in hrefs:
                problems.append(Problem(name, "no launch button", f"no {launcher} link ({host})"))
    return problems


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


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


def browser(binary: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
               "--virtual-time-budget=5000", *args, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def render(binary: str, page: Path, screenshot: Path, window: str) -> str:
    """Save a screenshot of the page and return its DOM after the scripts ran."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        shot = browser(binary, page, Path(profile), f"--window-size={window}", f"--screenshot={screenshot}")
        if not screenshot.is_file():
            raise RuntimeError(f"chromium made no screenshot of {page}: {shot.stderr[-500:]}")
        dom = browser(binary, page, Path(profile), "--dump-dom")
    if dom.returncode != 0 or "<html" not in dom.stdout:
        raise RuntimeError(f"chromium could not render {page}: {dom.stderr[-500:]}")
    return dom.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "screenshots",
                        help="folder for the screenshots and report.json")
    parser.add_argument("--no-browser", action="store_true",
                        help="check the static HTML files, take no screenshots")
    parser.add_argument("--chromium", help="Chromium binary (default: the first of %s on PATH)" % ", ".join(BROWSERS))
    parser.add_argument("--window", default="1280,2400", help="screenshot size WIDTH,HEIGHT in pixels")
    args = parser.parse_args(argv)

    pages = find_pages(args.html)
    if not pages:
        print(f"check_pages: no pages in {args.html}; build the book first (make book)", file=sys.stderr)
        return 2
    binary = None if args.no_browser else find_browser(args.chromium)
    problems: list[Problem] = []
    report = []
    for page in pages:
        rel = page.relative_to(args.html)
        dom = None
        if binary:
            try:
                dom = render(binary, page, args.out / rel.with_suffix(".png"), args.window)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                problems.append(Problem(rel.as_posix(), "browser", str(error)))
                report.append({"page": rel.as_posix(), "problems": [str(error)]})
                continue
        found = check_page(page, args.html, dom)
        problems += found
        report.append({"page": rel.as_posix(), "notebook": is_notebook_page(page, args.html),
                       "screenshot": (rel.with_suffix(".png").as_posix() if binary else None),
                       "problems": [f"{p.kind}: {p.detail}" for p in found]})
        print(f"{'FAIL' if found else 'ok  '} {rel.as_posix()}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    for problem in problems:
        print(problem)
    print(f"check_pages: {len(pages)} pages, {len({p.page for p in problems})} with problems, "
          f"{len(problems)} problems{'' if binary else ' (static HTML, no browser)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
