"""Browser-test support shared by every browser test module.

`mapapp app --offline` runs as a real Streamlit server; Playwright drives Debian's
headless chromium (its own browser download cannot work here). Screenshots go to
artifacts/ (git-ignored). The fixtures are re-exported by conftest.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Frame,
    Page,
    Request,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from tools import require

from mapapp.bench.browser import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]

ARTIFACTS = ROOT / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Each running app's server log (stdout and stderr), by its URL.
SERVER_LOGS: dict[str, Path] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("app")
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "data" / "itinerary.geojson").unlink()  # the app must build it first
    port = free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mapapp.cli", "app", "--offline", "--port", str(port)],
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
        # The app's launcher and map assets go to this test's own cache folder.
        env={**os.environ, "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(work / "cache")},
    )
    url = f"http://127.0.0.1:{port}/"
    SERVER_LOGS[url] = work / "server.log"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the app did not start:\n" + (work / "server.log").read_text())
            time.sleep(0.5)
        assert (work / "data" / "itinerary.geojson").exists()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser per module: a module that drives its own Playwright (the bench)
    cannot start while another sync Playwright is still running."""
    chromium = require("chromium", "Debian: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Session:
    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def on_page_error(self, error: PlaywrightError) -> None:
        self.errors.append(str(error))

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def map_frame(self, expected: int | None = None, timeout_s: float = 30) -> Frame:
        """The streamlit-folium iframe, once it shows `expected` numbered markers."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "streamlit_folium" in frame.url and not frame.is_detached():
                    try:
                        count = frame.locator(".mv-num").count()
                    except PlaywrightError:  # the iframe was replaced by a rerun
                        continue
                    if count and (expected is None or count == expected):
                        return frame
            self.page.wait_for_timeout(250)
        pytest.fail(f"the map never showed {expected} markers")

    def markers(self) -> int:
        return self.map_frame().locator(".mv-num").count()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def assert_clean(self) -> None:
        off_machine = [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss")
            and urlparse(u).hostname not in LOCAL_HOSTS
        ]
        assert off_machine == [], f"requests left 127.0.0.1: {off_machine}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"


@pytest.fixture()
def session(browser: Browser) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    s = Session(page)
    page.on("request", s.on_request)
    page.on("console", s.on_console)
    page.on("pageerror", s.on_page_error)
    page.on("dialog", s.on_dialog)
    yield s
    context.close()
