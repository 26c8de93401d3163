"""Nothing a user sends ever runs, in Chromium against the real server.

A poisoned itinerary (every text field its models accept, tests/poison.py),
uploaded with its article, then a poisoned foreign GeoJSON whose file name and
properties are Jinja that would reach Python's `os`; and the standalone HTML of
the poisoned data, loaded from disk. Every popup, tooltip, the layer control,
the legend, the details panel and the timeline's tooltips are opened: no frame
may get `window.__xss`, no dialog may open, no javascript: link may exist, no
<img> from the data may load, and the server's folder must get no new entry.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import SERVER_LOGS, Session
from conftest import ITINERARY, SEED
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect
from poison import OS_PAYLOAD, PAYLOAD, PoisonedItinerary, poison_collection

from mapapp.mapview.render import render_html
from mapapp.pipeline import build
from mapapp.store import geojson_io

pytestmark = pytest.mark.browser

#: Opens every popup and tooltip bound in every Leaflet map of the frame, one at a
#: time, and returns what each showed (as text) and how many <img> it held.
OPEN_ALL = """() => {
  const maps = Object.values(window).filter((v) => v instanceof L.Map);
  const shown = [];
  for (const map of maps) {
    const layers = [];
    map.eachLayer((l) => layers.push(l));
    for (const l of layers) {
      if (l.getPopup && l.getPopup()) {
        l.openPopup();
        const node = document.querySelector(".leaflet-popup-content");
        shown.push(["popup", node ? node.textContent : "",
                    node ? node.querySelectorAll("img").length : 0]);
        map.closePopup();
      }
      if (l.getTooltip && l.getTooltip()) {
        l.openTooltip();
        const tips = document.querySelectorAll(".leaflet-tooltip");
        const tip = tips[tips.length - 1];
        shown.push(["tooltip", tip ? tip.textContent : "",
                    tip ? tip.querySelectorAll("img").length : 0]);
        l.closeTooltip();
      }
    }
  }
  return shown;
}"""

CLOSE_POPUPS = (
    "() => Object.values(window).filter((v) => v instanceof L.Map).forEach((m) => m.closePopup())"
)

#: What would show that something ran, or could: per frame.
TRACES = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  jsLinks: [...document.querySelectorAll("a[href]")]
    .filter((a) => a.protocol === "javascript:").map((a) => a.getAttribute("href")),
  images: [...document.querySelectorAll("img")].map((i) => i.getAttribute("src"))
    .filter((s) => s === "x" || (s || "").endsWith("/x")),
})"""


def coloured_spots(png: bytes, limit: int = 60) -> list[tuple[int, int]]:
    """Points of a screenshot in a saturated colour (the chart's marks), spread out."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    spots: list[tuple[int, int]] = []
    for y in range(0, image.height, 4):
        for x in range(0, image.width, 4):
            r, g, b = image.getpixel((x, y))  # type: ignore[misc]
            if max(r, g, b) - min(r, g, b) > 80 and all(
                abs(x - sx) + abs(y - sy) > 12 for sx, sy in spots
            ):
                spots.append((x, y))
    return spots[:limit]


def assert_no_traces(page: Page, session: Session | None = None) -> None:
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            traces = frame.evaluate(TRACES)
        except PlaywrightError:  # replaced by a rerun meanwhile
            continue
        assert traces == {"xss": None, "jsLinks": [], "images": []}, (frame.url, traces)
    if session is not None:
        assert session.dialogs == []


def exercise_map(frame: Frame | Page) -> list[list[Any]]:
    """Opens every event's details (Enter on each marker), the layer control, the
    legend, every popup and every tooltip; returns what the popups and tooltips showed."""
    markers = frame.locator(".mv-num")
    for i in range(markers.count()):
        marker = markers.nth(i)
        event_id = marker.get_attribute("data-event-id")
        marker.focus()  # the keyboard's way in (some markers sit under controls)
        marker.press("Enter")
        popup = frame.locator(".mv-popup").filter(has=frame.locator("h4"))
        popup.first.wait_for(timeout=10000)
        assert frame.evaluate(
            "(id) => document.querySelector('.mv-popup').getAttribute('data-event-id') === id",
            event_id,
        )
        assert PAYLOAD in popup.first.inner_text()
        frame.evaluate(CLOSE_POPUPS)  # the next marker may lie under this popup
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    text = control.inner_text()
    assert f"Partners: {PAYLOAD}" in text and "Links from" in text
    assert control.locator("img").count() == 0
    frame.evaluate("() => { document.querySelector('.mv-legend details').open = true; }")
    legend = frame.locator(".mv-legend").inner_text()
    assert f"Partners: {PAYLOAD}" in legend and frame.locator(".mv-legend img").count() == 0
    shown: list[list[Any]] = frame.evaluate(OPEN_ALL)
    assert [s for s in shown if s[2]] == []  # no <img> in any popup or tooltip
    return shown


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> tuple[PoisonedItinerary, Path]:
    """The poisoned itinerary and its build (offline, through the real loader)."""
    data = yaml.safe_load(ITINERARY.read_text(encoding="utf-8"))
    itinerary = PoisonedItinerary(data, SEED.read_text(encoding="utf-8"))
    work = tmp_path_factory.mktemp("poison-browser")
    source = work / "poison.json"
    source.write_text(json.dumps(itinerary.data, default=str), encoding="utf-8")
    return itinerary, build(source, offline=True).path


def test_the_standalone_map_of_poisoned_data_runs_nothing(
    session: Session, poisoned: tuple[PoisonedItinerary, Path], tmp_path: Path
) -> None:
    collection = poison_collection(geojson_io.read(poisoned[1]))
    meta = collection["mapapp_metadata"]
    trip = {"title": meta["trip"], "article_title": meta["article_title"],
            "article_url": "javascript:alert(1)", "outlet": meta["article_outlet"]}  # fmt: skip
    page_file = tmp_path / "map.html"
    page_file.write_text(render_html(collection, trip=trip), encoding="utf-8")
    page = session.page
    page.goto(page_file.as_uri())
    page.locator(".mv-num").first.wait_for(timeout=20000)
    shown = exercise_map(page)
    popups = [s for s in shown if s[0] == "popup"]
    tooltips = [s for s in shown if s[0] == "tooltip"]
    assert len(popups) >= 5 and all(PAYLOAD in s[1] for s in popups)  # partners and HQ
    assert any(PAYLOAD in s[1] for s in tooltips)
    assert page.locator("h1").inner_text() == PAYLOAD
    page.wait_for_timeout(500)
    assert_no_traces(page, session)
    assert session.errors == []


def test_poisoned_uploads_run_nothing_in_the_app_or_on_the_server(
    session: Session, app_url: str, poisoned: tuple[PoisonedItinerary, Path], tmp_path: Path
) -> None:
    server_dir = SERVER_LOGS[app_url].parent
    before = sorted(p.name for p in server_dir.iterdir())
    itinerary, _ = poisoned
    data = json.loads(json.dumps(itinerary.data, default=str))
    data["trip"]["article"] = {**data["trip"]["article"], "path": "story.txt", "text": None}
    upload = tmp_path / "poisoned.yaml"
    upload.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    story = tmp_path / "story.txt"
    story.write_text(itinerary.article, encoding="utf-8")
    foreign = tmp_path / f"{OS_PAYLOAD}{PAYLOAD}.geojson"
    point = {"type": "Point", "coordinates": [139.60, 35.46]}
    props = {PAYLOAD: PAYLOAD, OS_PAYLOAD: OS_PAYLOAD, "n": [PAYLOAD]}
    feature = {"type": "Feature", "geometry": point, "properties": props}
    foreign.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))

    page = session.page
    page.goto(app_url)
    session.map_frame(expected=7)
    chooser = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    chooser.set_input_files([str(upload), str(story)])
    page.get_by_role("heading", name=PAYLOAD).first.wait_for(timeout=30000)
    session.map_frame(expected=7)
    # Widget labels are Markdown to Streamlit: the region's name shows as typed.
    assert f"Region ({PAYLOAD}" in page.locator('[data-testid="stSidebar"]').inner_text()
    # The uploader is renewed after each upload (its bytes released): no file stays.
    chips = page.locator('[data-testid="stSidebar"] [data-testid="stFileChipDeleteBtn"]')
    # The heading may come before the sidebar is drawn again: wait for it, within bounds.
    expect(chips).to_have_count(0, timeout=15000)
    chooser = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    chooser.set_input_files([str(foreign)])
    try:
        page.get_by_text("shown as an overlay layer (1 features)").wait_for(timeout=30000)
    except PlaywrightError:
        session.shot("poison-upload")
        pytest.fail(page.locator('[data-testid="stSidebar"]').inner_text()[-1500:])

    # The notice may come before the map with the overlay replaces the one without it.
    overlay_named = f"Upload: {OS_PAYLOAD}{PAYLOAD}.geojson"
    for _ in range(60):
        frame = session.map_frame(expected=7)
        try:
            layers = frame.locator(".leaflet-control-layers").text_content(timeout=2000) or ""
        except PlaywrightError:  # replaced by a rerun meanwhile
            layers = ""
        if overlay_named in layers:
            break
        page.wait_for_timeout(500)
    else:
        pytest.fail("the map never showed the uploaded overlay")
    for _ in range(5):  # a click reruns the app, which may replace the map's iframe
        try:
            frame = session.map_frame(expected=7)
            shown = exercise_map(frame)
            break
        except PlaywrightError:
            page.wait_for_timeout(500)
    else:
        pytest.fail("the map could not be exercised")
    overlay = [s for s in shown if s[0] == "popup" and OS_PAYLOAD in s[1]]
    assert overlay and PAYLOAD in overlay[0][1]
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    assert f"Upload: {OS_PAYLOAD}{PAYLOAD}.geojson (1 features)" in control.inner_text()

    # The details panel of the last event clicked: the place and title, as text.
    page.get_by_text("article, characters").first.wait_for(timeout=20000)
    details = page.locator('[data-testid="stHtml"]', has_text="Place:").first.inner_text()
    assert details.count(PAYLOAD) >= 3

    # The timeline's tooltips: hover across the chart until one shows.
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    tooltip_text = ""
    for x, y in coloured_spots(chart.screenshot()):
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(50)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and PAYLOAD in tip.inner_text():
            tooltip_text = tip.inner_text()
            assert tip.locator("img").count() == 0
            break
    assert PAYLOAD in tooltip_text

    # The playback's current event, marked in the page: its title shows as text.
    frame = session.map_frame(expected=7)
    frame.get_by_role("slider").focus()
    page.keyboard.press("Home")
    note = page.locator(".mapapp-now-note")
    note.filter(has_text=PAYLOAD).wait_for(timeout=15000)
    assert note.inner_text().startswith("Now: 1. ") and PAYLOAD in note.inner_text()
    assert note.locator("*").count() == 0  # text only: no element made from the data

    page.wait_for_timeout(1000)
    assert_no_traces(page, session)
    assert sorted(p.name for p in server_dir.iterdir()) == before  # no 'pwned' folder
    assert not (server_dir / "pwned").exists()
