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
  rendered cell output, or without its Binder and Colab launch buttons.

External links are not followed (the build machine may be offline). The
script prints one line per problem, writes ``report.json`` beside the
screenshots (with the JavaScript errors each page raised, listed but not
failed: the theme raises one on every page) and exits with status 1 when any
page fails.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
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


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: JSON messages ending in NUL on fds 3 and 4),
    so one browser serves every page and no driver package is needed."""

    def __init__(self, binary: str, width: int, height: int, timeout: float = 60) -> None:
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory()
        cmd_read, self.cmd_write = os.pipe()
        self.res_read, res_write = os.pipe()

        def onto_fds_3_and_4() -> None:  # runs in the child, before exec
            commands = fcntl.fcntl(cmd_read, fcntl.F_DUPFD, 10)
            responses = fcntl.fcntl(res_write, fcntl.F_DUPFD, 10)
            os.dup2(commands, 3)
            os.dup2(responses, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--disable-extensions", "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=onto_fds_3_and_4)
        os.close(cmd_read)
        os.close(res_write)
        self.buffer, self.last_id, self.events = b"", 0, []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable"):
            self.send(method, session=True)
        self.width, self.height = width, height
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("chromium did not answer in time")
            if select.select([self.res_read], [], [], left)[0]:
                chunk = os.read(self.res_read, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium exited")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        """Call a DevTools method and return its result; events that arrive meanwhile are kept."""
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._receive(deadline))

    def render(self, page: Path, screenshot: Path, max_height: int = 16000) -> tuple[str, list[str]]:
        """Load the page, save a full-page screenshot (up to ``max_height`` pixels),
        and return its DOM after the scripts ran plus the JavaScript errors it raised."""
        self.events = []
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, session=True)
        self.wait_for("Page.loadEventFired")
        evaluated = self.send("Runtime.evaluate", {"expression": "document.documentElement.outerHTML",
                                                   "returnByValue": True}, session=True)
        if "value" not in evaluated.get("result", {}):
            raise RuntimeError(f"could not read the DOM of {page.name}: {evaluated.get('exceptionDetails')}")
        dom = evaluated["result"]["value"]
        height = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]["height"]
        clip = {"x": 0, "y": 0, "width": self.width, "height": min(max(height, self.height), max_height), "scale": 1}
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                         session=True)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        errors = [_snippet(e["params"]["exceptionDetails"].get("exception", {}).get("description", "")
                           or e["params"]["exceptionDetails"].get("text", ""))
                  for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
        return dom, errors

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.cmd_write)
        os.close(self.res_read)
        self.profile.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "screenshots",
                        help="folder for the screenshots and report.json")
    parser.add_argument("--no-browser", action="store_true",
                        help="check the static HTML files, take no screenshots")
    parser.add_argument("--chromium", help="Chromium binary (default: the first of %s on PATH)" % ", ".join(BROWSERS))
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
            found = check_page(page, args.html, dom)
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
