"""A real browser for the HTML report tests: Debian's `chromium`, headless, driven over the DevTools protocol.

It opens a page from a file and gives back what a reader sees (the rendered text), a screenshot, and every
request the page made. The requests come from the protocol's `Network.requestWillBeSent` events of that page:
unlike a network log of the whole browser, they hold none of the browser's own background traffic, and they
include the loads a Content-Security-Policy then blocks. Host names resolve to nothing
(`--host-resolver-rules`), so even a page that tried could reach no one.

The protocol runs over a pipe (`--remote-debugging-pipe`: the browser reads commands from its fd 3 and writes to
its fd 4, each message JSON ended by a NUL byte): no port, no WebSocket library.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser")
TIMEOUT_S = 30


@dataclass(frozen=True)
class RenderedPage:
    text: str  # document.body.innerText
    screenshot_png: bytes
    requests: list[str]  # URLs, the page's own document first


def browser_path() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def render(page: Path, profile: Path, width: int = 1280) -> RenderedPage:
    browser = browser_path()
    if browser is None:
        raise FileNotFoundError("no chromium on PATH")
    with _DevTools(browser, profile) as devtools:
        target = devtools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        devtools.call("Emulation.setDeviceMetricsOverride", _metrics(width), session)
        devtools.call("Network.enable", {}, session)
        devtools.call("Page.enable", {}, session)
        devtools.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
        devtools.wait_for("Page.loadEventFired")
        text = devtools.call(
            "Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True}, session
        )["result"]["value"]
        shot = devtools.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
        requests = [
            event["params"]["request"]["url"]
            for event in devtools.events
            if event.get("method") == "Network.requestWillBeSent" and event.get("sessionId") == session
        ]
    return RenderedPage(text, base64.b64decode(shot["data"]), requests)


def _metrics(width: int) -> dict[str, Any]:
    return {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}


class _DevTools:
    def __init__(self, browser: str, profile: Path) -> None:
        self._command = [
            browser,
            "--headless",
            "--no-sandbox",  # the tests may run as root, where chromium's sandbox refuses to start
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._next_id = 0

    def __enter__(self) -> _DevTools:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def pipes_as_fd_3_and_4() -> None:  # runs in the child, before exec
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self._process = subprocess.Popen(
            self._command,
            preexec_fn=pipes_as_fd_3_and_4,
            pass_fds=(3, 4),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(answers_write)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close")
        except (OSError, TimeoutError, EOFError, RuntimeError):
            pass
        finally:
            os.close(self._commands)
            os.close(self._answers)
            try:
                self._process.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        sent = self._next_id
        answer = self._receive_until(lambda m: m.get("id") == sent)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def wait_for(self, event: str) -> dict[str, Any]:
        return self._receive_until(lambda m: m.get("method") == event)

    def _receive_until(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                self.events.append(message)
                if wanted(message):
                    return message
            ready, _, _ = select.select([self._answers], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buffer += chunk
