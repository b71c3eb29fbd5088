"""Headless Chromium driven over the DevTools protocol, for tools/check_pages.py.

One browser serves every page; no driver package (Selenium, Playwright) is
needed, only Debian's ``chromium``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path

# After the load event: wait (up to the timeout) until MathJax, where a page
# loads it, has typeset the page and its web fonts are in, so the screenshot
# and the DOM show rendered equations, not the TeX source.
SETTLE = """(async () => {
  const start = Date.now();
  while (window.MathJax && !(MathJax.startup && MathJax.startup.promise) && Date.now() - start < %d) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await document.fonts.ready;
  return true;
})()"""


def snippet(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


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
        settled = self.send("Runtime.evaluate", {"expression": SETTLE % (1000 * self.timeout / 2),
                                                 "awaitPromise": True, "returnByValue": True}, session=True)
        if "exceptionDetails" in settled:
            raise RuntimeError(f"{page.name}: the page's scripts did not settle: {settled['exceptionDetails']}")
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
        errors = [snippet(e["params"]["exceptionDetails"].get("exception", {}).get("description", "")
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
