"""End to end: `mapapp app --offline` as a real Streamlit server, in Debian's headless Chromium.

Playwright drives the system chromium (its own browser download cannot work
here). Screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
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
from conftest import ROOT
from playwright.sync_api import Browser, Frame, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from mapapp.bench.browser import CHROMIUM_ARGS

ARTIFACTS = ROOT / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
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
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
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
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium)")
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
    page.on("request", lambda r: s.requests.append(r.url))
    page.on("console", lambda m: s.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: s.errors.append(str(e)))
    page.on("dialog", lambda d: (s.dialogs.append(d.message), d.dismiss()))
    yield s
    context.close()


def test_the_map_shows_every_event_offline(session: Session, app_url: str) -> None:
    session.page.goto(app_url)
    frame = session.map_frame(expected=7)
    iframe = session.page.locator('iframe[title*="streamlit_folium"]').first
    box = iframe.bounding_box()
    assert box is not None and box["height"] > 300
    assert frame.locator(".leaflet-container").count() == 1
    session.page.get_by_text("7 of 7 events shown").wait_for()
    session.page.wait_for_timeout(1000)
    session.shot("app-all-days")
    session.assert_clean()


def test_a_day_in_the_url_filters_the_view(session: Session, app_url: str) -> None:
    session.page.goto(app_url + "?day=1")
    session.map_frame(expected=3)
    session.page.get_by_text("3 of 7 events shown").wait_for()
    session.shot("app-day-1")
    session.page.goto(app_url + "?day=9&actor=Nobody")
    session.map_frame(expected=7)
    session.page.get_by_text("Ignored an unknown filter value from the link: day=9").wait_for()
    session.page.get_by_text("actor=Nobody").wait_for()
    session.assert_clean()


def test_the_day_widget_filters_and_updates_the_url(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url)
    session.map_frame(expected=7)
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Day 2").click()
    page.keyboard.press("Escape")
    session.map_frame(expected=4)
    page.get_by_text("4 of 7 events shown").wait_for()
    deadline = time.monotonic() + 10
    while "day=2" not in page.url and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert "day=2" in page.url
    session.assert_clean()


def test_clicking_a_marker_shows_its_quote(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url + "?day=2")
    frame = session.map_frame(expected=4)
    frame.locator(".mv-num", has_text="7").click()
    popup = frame.locator(".mv-popup")
    popup.wait_for()
    assert "Later, he will meet with Japanese Prime Minister Shigeru Ishiba" in popup.inner_text()
    page.get_by_text("article, characters").first.wait_for(timeout=15000)
    session.shot("app-popup")
    session.assert_clean()


def test_the_geojson_download_matches_the_filter(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url + "?day=2&actor=Yoji%20Muto")
    session.map_frame(expected=2)
    with page.expect_download() as info:
        page.get_by_role("button", name="Filtered view (GeoJSON)").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    events = [f for f in data["features"] if f["properties"]["kind"] == "event"]
    assert sorted(e["id"] for e in events) == [
        "meeting-with-tech-startups",
        "meeting-with-yoji-muto",
    ]
    assert all("Yoji Muto" in e["properties"]["actors"] for e in events)
    session.assert_clean()


def test_a_script_in_an_uploaded_itinerary_does_not_run(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    text = (ROOT / "data" / "itinerary.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "title: Meeting with Prime Minister Shigeru Ishiba",
        f"title: '{payload}'",
    ).replace('title: "NATO Secretary General Mark Rutte in Japan"', f"title: '{payload}'")
    upload = tmp_path / "evil.yaml"
    upload.write_text(text, encoding="utf-8")
    page = session.page
    page.goto(app_url)
    session.map_frame(expected=7)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_role("heading", name=payload).wait_for(timeout=20000)
    title = ""
    for _ in range(5):  # the upload reruns the app, which may replace the map iframe
        try:
            frame = session.map_frame(expected=7)
            frame.locator(".mv-num", has_text="7").click(timeout=5000)
            title = frame.locator(".mv-popup h4").inner_text(timeout=5000)
            break
        except PlaywrightError:
            page.wait_for_timeout(500)
    assert payload in title
    page.wait_for_timeout(1000)
    session.shot("app-upload-xss")
    session.errors = [e for e in session.errors if "Failed to load resource" not in e]
    session.assert_clean()
