"""End to end: `mapapp app --offline` as a real Streamlit server, in Debian's headless Chromium.

The server, browser and session fixtures live in browser_support.py (through conftest.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import SERVER_LOGS, Session
from conftest import ROOT
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser


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
    # Had the <img> tag been parsed anywhere, the browser would have asked for its src.
    assert [u for u in session.requests if urlparse(u).path.rstrip("/").endswith("/x")] == []
    session.assert_clean()


def test_the_server_logs_no_warning_and_writes_assets_only_to_its_cache(app_url: str) -> None:
    """Runs after the tests above, on the same server: its whole log so far."""
    log_path = SERVER_LOGS[app_url]
    log = log_path.read_text(encoding="utf-8")
    # Streamlit logs a deprecated argument as "Please replace `x` with `y`. `x` will be
    # removed after DATE." (deprecation_util.make_deprecated_name_warning), without a level.
    for sign in ("deprecat", "will be removed", "please replace"):
        assert sign not in log.lower(), log
    assert "Traceback" not in log, log
    served = log_path.parent / "cache" / "mapapp" / "app"
    assert (served / "static" / "leaflet.js").is_file()
    assert (served / "launch.py").is_file()
