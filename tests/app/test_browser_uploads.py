"""Hostile and broken uploads against the real server, in Debian's headless Chromium.

An upload can never show a server file, take the server down, or be misreported;
its problems are shown in full, wrapped, and the map keeps its data.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import Session
from conftest import ROOT, SEED
from playwright.sync_api import Locator

pytestmark = pytest.mark.browser

BASE = (ROOT / "data" / "itinerary.yaml").read_text(encoding="utf-8")
ARTICLE_LINE = "    path: ../seeds/000_569ba02fe5449170.txt"
BOMB = "lol0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)
MEMORY_GROWTH_MB = 200  # the bomb expands to 10^9 values; refused, it costs almost nothing


def upload(session: Session, *files: Path) -> None:
    chooser = session.page.locator('[data-testid="stFileUploader"] input[type="file"]')
    chooser.set_input_files([str(f) for f in files])


def rejection(session: Session) -> Locator:
    """The listed problems, once the app says the upload was rejected."""
    page = session.page
    page.get_by_text("The upload was rejected; the map keeps its current data.").wait_for(
        timeout=30000
    )
    code = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] pre').first
    code.wait_for()
    return code


def server_pid(app_url: str) -> int:
    """The Streamlit process serving app_url (a child of `mapapp app`)."""
    port = str(urlparse(app_url).port)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(proc.name)
    pytest.fail(f"no streamlit process on port {port}")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def healthy_within(app_url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(app_url + "_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def test_a_path_traversal_itinerary_shows_no_server_file(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    evil = tmp_path / "evil.yaml"
    text = BASE.replace(ARTICLE_LINE, "    path: ../../../../../../etc/passwd")
    evil.write_text(text.replace("start: 587, end: 767", "start: 0, end: 11"), encoding="utf-8")
    session.page.goto(app_url)
    session.map_frame(expected=7)

    upload(session, evil)
    problems = rejection(session).inner_text()

    assert "cannot read files on the server" in problems
    assert "passwd" in problems  # it names the article to upload alongside
    body = session.page.locator("body").inner_text()
    first_line = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    assert first_line not in body and "/bin/" not in body
    session.page.get_by_text("7 of 7 events shown").wait_for()
    session.shot("upload-traversal")
    session.assert_clean()


def test_an_alias_bomb_leaves_the_server_answering(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BASE + BOMB, encoding="utf-8")
    pid = server_pid(app_url)
    session.page.goto(app_url)
    session.map_frame(expected=7)
    before = peak_rss_mb(pid)

    upload(session, bomb)
    assert healthy_within(app_url, 5), "the server stopped answering /_stcore/health"
    problems = rejection(session).inner_text()

    assert "alias bomb" in problems
    assert healthy_within(app_url, 5)
    assert peak_rss_mb(pid) - before < MEMORY_GROWTH_MB
    session.page.get_by_text("7 of 7 events shown").wait_for()
    session.assert_clean()


def test_malformed_geojson_is_reported_as_geojson(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection",\n "features": [{"type": ', encoding="utf-8")
    session.page.goto(app_url)
    session.map_frame(expected=7)

    upload(session, broken)
    problems = rejection(session).inner_text()

    assert "broken.geojson:2: GeoJSON: invalid JSON" in problems
    assert "YAML" not in problems
    session.assert_clean()


def test_upload_problems_wrap_instead_of_scrolling(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    long_id = (
        "a-place-id-that-goes-on-" + "and-on-" * 7 + "end"
    )  # 76 characters, under the 80 allowed
    bad = tmp_path / "long.yaml"
    bad.write_text(BASE.replace("    place: kantei", f"    place: {long_id}"), encoding="utf-8")
    session.page.goto(app_url)
    session.map_frame(expected=7)

    upload(session, bad)
    code = rejection(session)

    assert f"unknown place '{long_id}'" in code.inner_text()  # the whole message is there
    overflow = code.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"the problem list scrolls sideways by {overflow}px"
    box = code.bounding_box()
    sidebar = session.page.locator('[data-testid="stSidebar"]').bounding_box()
    assert box is not None and sidebar is not None
    assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"] + 1
    code.scroll_into_view_if_needed()
    session.shot("upload-wrapped-problems")
    session.assert_clean()


def test_an_itinerary_uploaded_with_its_article_is_shown(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    """The documented design: the itinerary and its article .txt, uploaded together."""
    itinerary = tmp_path / "mine.yaml"
    itinerary.write_text(
        BASE.replace(ARTICLE_LINE, "    path: story.txt").replace(
            'title: "NATO Secretary General Mark Rutte in Japan"', "title: My own copy"
        ),
        encoding="utf-8",
    )
    story = tmp_path / "story.txt"
    story.write_bytes(SEED.read_bytes())
    session.page.goto(app_url)
    session.map_frame(expected=7)

    upload(session, itinerary, story)

    page = session.page
    page.get_by_role("heading", name="My own copy").wait_for(timeout=30000)
    page.get_by_text("7 of 7 events shown").wait_for()
    session.assert_clean()

    # The upload's bytes are gone from the server, but the trip stays shown as the
    # filters change, with its way back to the built data.
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Day 2").click()
    page.keyboard.press("Escape")
    page.get_by_text("4 of 7 events shown").wait_for(timeout=30000)
    session.map_frame(expected=4)
    assert page.get_by_role("heading", name="My own copy").is_visible()
    back = page.get_by_role("button", name="Back to the built data")
    back.focus()  # reachable by keyboard
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My own copy").wait_for(state="detached", timeout=30000)
    session.assert_clean()
