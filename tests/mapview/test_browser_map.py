"""The standalone map in Chromium: every event opens by a real mouse click and by
the keyboard at the opening view, routes run through the markers, and the popup
shows the one event spec (time-label rule, sources).

Two trips: the seed, and a synthetic one whose stops are 50 m, 500 m and 3 km
apart (three events at the first stop), built from the seed's own features.
Chromium comes from the shared `browser` fixture (tests/browser_support.py).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from browser_support import Session
from playwright.sync_api import Browser, Frame, Page
from playwright.sync_api import Error as PlaywrightError
from tools import require

from mapapp.mapview.render import render_html
from mapapp.presentation.wording import event_view

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"
pytestmark = pytest.mark.browser

#: Metres per degree of latitude (close enough for offsets of a few km).
M_PER_DEG = 111_320.0


def _seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _close_stops() -> dict[str, Any]:
    """Seven seed events moved onto stops 0 m, 50 m, 550 m and 3.55 km north of
    Kamakura: three at the first stop, then one or two per stop."""
    seed = _seed()
    events = [f for f in seed["features"] if f["properties"]["kind"] == "event"]
    offsets_m = [0, 0, 0, 50, 550, 550, 3550]
    lon0, lat0 = 139.5525, 35.31972
    moved = []
    for event, north in zip(events, offsets_m, strict=True):
        f = copy.deepcopy(event)
        f["geometry"]["coordinates"] = [lon0, round(lat0 + north / M_PER_DEG, 6)]
        moved.append(f)
    return {"type": "FeatureCollection", "features": moved}


TRIPS = {"seed": _seed, "close-stops": _close_stops}


def _open(browser: Browser, tmp_path: Path, collection: dict[str, Any]) -> tuple[Page, list[str]]:
    path = tmp_path / "map.html"
    path.write_text(render_html(collection), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    n = sum(1 for f in collection["features"] if f["properties"]["kind"] == "event")
    page.wait_for_function(f"() => document.querySelectorAll('.mv-num').length === {n}")
    page.wait_for_timeout(300)  # the first layout runs after the view is fitted
    return page, errors


def _event_ids(collection: dict[str, Any]) -> list[str]:
    return [
        f["properties"]["event_id"]
        for f in sorted(collection["features"], key=lambda f: f["properties"].get("seq", 0))
        if f["properties"]["kind"] == "event"
    ]


@pytest.mark.parametrize("trip", list(TRIPS))
def test_every_event_opens_by_a_real_click_at_the_opening_view(
    browser: Browser, tmp_path: Path, trip: str
) -> None:
    collection = TRIPS[trip]()
    page, errors = _open(browser, tmp_path, collection)
    opened = []
    for event_id in _event_ids(collection):
        # Each click at the opening view: an open popup pans the map.
        page.reload()
        page.wait_for_function("() => window.mvLib && mvLib.eventLayers.length === 1")
        page.wait_for_timeout(300)
        box = page.locator(f'.mv-num[data-event-id="{event_id}"]').bounding_box()
        assert box is not None, event_id
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.locator(f'.mv-popup[data-event-id="{event_id}"]')
        popup.wait_for(timeout=5000)
        opened.append(event_id)
    assert opened == _event_ids(collection)
    assert errors == []
    page.close()


@pytest.mark.parametrize("trip", list(TRIPS))
def test_every_event_is_reached_by_tab_and_opened_by_enter(
    browser: Browser, tmp_path: Path, trip: str
) -> None:
    collection = TRIPS[trip]()
    page, errors = _open(browser, tmp_path, collection)
    expected = _event_ids(collection)
    reached: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.getAttribute('data-event-id'),"
            " document.activeElement.getAttribute('aria-label')]"
        )
        if focused[0] is None:
            continue
        assert focused[1].startswith(f"{expected.index(focused[0]) + 1}. ")
        if focused[0] in reached:
            break
        reached.append(focused[0])
        page.keyboard.press("Enter")
        page.locator(f'.mv-popup[data-event-id="{focused[0]}"]').wait_for(timeout=5000)
        # Focus moved into the popup; the next Tab goes on from the marker.
        page.locator(f'.mv-num[data-event-id="{focused[0]}"]').focus()
    assert reached == expected
    assert errors == []
    page.close()


def test_escape_closes_the_details_and_gives_the_focus_back_to_the_marker(
    browser: Browser, tmp_path: Path
) -> None:
    page, errors = _open(browser, tmp_path, _seed())
    first = _event_ids(_seed())[0]
    marker = page.locator(f'.mv-num[data-event-id="{first}"]')
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(f'.mv-popup[data-event-id="{first}"]')
    popup.wait_for(timeout=5000)
    assert page.evaluate("() => document.activeElement.tagName") == "H4"  # focus in the popup
    page.keyboard.press("Escape")
    popup.wait_for(state="detached", timeout=5000)
    assert page.locator(".leaflet-popup").count() == 0
    focused = page.evaluate("() => document.activeElement.getAttribute('data-event-id')")
    assert focused == first
    assert errors == []
    page.close()


def test_a_payload_of_another_version_shows_a_notice_not_garbage(
    browser: Browser, tmp_path: Path
) -> None:
    """A page whose routes payload is of a version routes.js does not read (a page
    made by another mapapp): a console error and a notice; the rest still draws."""
    html = render_html(_seed())
    begin = re.compile(r'(/\*MV_ROUTES_BEGIN\*/\s*)\{"v":1,')
    assert len(begin.findall(html)) == 1
    path = tmp_path / "old.html"
    path.write_text(begin.sub(r'\1{"v":99,', html), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.goto(path.as_uri())
    notice = page.locator(".mv-notice")
    notice.wait_for(timeout=10000)
    assert "routeLayer layer was not drawn" in notice.inner_text()
    assert "version 1, this page has 99" in notice.inner_text()
    assert notice.get_attribute("role") == "alert"
    assert any(c.startswith("error: mapapp: the routeLayer layer") for c in console)
    assert page.locator(".mv-num").count() == 7  # the events still draw
    page.close()


def test_each_route_vertex_sits_at_its_events_true_spot(browser: Browser, tmp_path: Path) -> None:
    """Catches latitude and longitude swapped in the route layer: on screen, every
    event's true spot (its marker, or the foot of its leader line) is a route vertex."""
    page, errors = _open(browser, tmp_path, _seed())
    gaps = page.evaluate(
        """() => {
      const E = mvLib.eventLayers[0], map = E.map, C = E.payload.c, k = E.payload.coord_scale;
      const vertices = [];
      map.eachLayer((layer) => {
        if (layer.options && layer.options.routeDay) {
          layer.getLatLngs().forEach((ll) => vertices.push(map.latLngToContainerPoint(ll)));
        }
      });
      const box = map.getContainer().getBoundingClientRect();
      return E.layers.map((marker, i) => {
        const el = marker.getElement().getBoundingClientRect();
        const spread = marker.getElement().getAttribute('data-spread') === '1';
        const at = spread ? map.latLngToContainerPoint([C.lat[i] / k, C.lon[i] / k])
                          : {x: el.x - box.x + el.width / 2, y: el.y - box.y + el.height / 2};
        return Math.min(...vertices.map((v) => Math.hypot(v.x - at.x, v.y - at.y)));
      });
    }"""
    )
    assert len(gaps) == 7 and max(gaps) < 3, gaps
    assert errors == []
    page.close()


def test_uncertainty_circles_are_to_scale_and_only_where_visible(
    browser: Browser, tmp_path: Path
) -> None:
    seed = _seed()
    seed["features"][1]["properties"]["uncertainty_m"] = 300  # Kamakura: its own radius
    page, errors = _open(browser, tmp_path, seed)
    shown_at = """(zoom) => new Promise((resolve) => {
      const E = mvLib.eventLayers[0];
      E.map.once("zoomend", () => setTimeout(() => resolve(E.rings.map((r) =>
        [E.payload.ids[r.i], r.layer.getRadius(), Boolean(r.layer._map)])), 50));
      E.map.setZoom(zoom, {animate: false});
    })"""
    far = page.evaluate(shown_at, 6)
    near = page.evaluate(shown_at, 15)
    # Every seed place now has its own radius (100 m to 1 km).
    radii = {
        f["id"]: f["properties"]["uncertainty_m"]
        for f in seed["features"]
        if f["properties"]["kind"] == "event"
    }
    assert radii["mitsubishi-electric-kamakura-visit"] == 300
    assert {(i, r) for i, r, _ in near} == set(radii.items())
    assert [shown for *_, shown in far] == [False] * len(radii)  # a pixel or two: not drawn
    assert [shown for *_, shown in near] == [True] * len(radii)
    assert errors == []
    page.close()


def test_the_popup_shows_the_time_label_rule_and_the_sources(
    browser: Browser, tmp_path: Path
) -> None:
    seed = _seed()
    page, errors = _open(browser, tmp_path, seed)
    ishiba = next(f for f in seed["features"] if f["id"] == "meeting-with-shigeru-ishiba")
    view = event_view(ishiba["properties"])
    page.locator('.mv-num[data-event-id="meeting-with-shigeru-ishiba"]').click()
    popup = page.locator('.mv-popup[data-event-id="meeting-with-shigeru-ishiba"]')
    popup.wait_for()
    assert popup.locator(".mv-when").inner_text() == view.when
    assert "18:10 18:10" not in view.when and "18:10 (18:10" not in view.when
    assert popup.locator(".mv-sec", has_text="Sources").count() == 1
    hrefs = [a.get_attribute("href") for a in popup.locator("li a").all()]
    assert hrefs == [s.href for s in view.sources if s.href] and len(hrefs) >= 2
    assert errors == []
    page.close()


def test_an_open_popup_is_not_covered_by_the_legend(browser: Browser, tmp_path: Path) -> None:
    """The legend sits above Leaflet's panes: it starts folded on a small map (700 px
    here), opens from its summary, and folds again while a popup is open, so the
    popup's last source link is the topmost element at its own centre."""
    page, errors = _open(browser, tmp_path, _seed())
    legend = page.locator(".mv-legend details")
    assert legend.evaluate("d => d.open") is False
    page.locator(".mv-legend summary").click()
    assert legend.evaluate("d => d.open") is True
    page.locator('.mv-num[data-event-id="meeting-with-shigeru-ishiba"]').click()
    popup = page.locator('.mv-popup[data-event-id="meeting-with-shigeru-ishiba"]')
    popup.wait_for()
    assert legend.evaluate("d => d.open") is False
    link = popup.locator("li a").last
    link.scroll_into_view_if_needed()
    on_top = link.evaluate(
        """a => { const r = a.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                  return hit === a || a.contains(hit); }"""
    )
    assert on_top, "the popup's last source link is covered"
    assert errors == []
    page.close()


def test_hostile_names_stay_text_and_fetch_nothing(browser: Browser, tmp_path: Path) -> None:
    """Markup in a place name, title or source shows as text in the label, the
    marker's name and the popup; its image URL is never requested."""
    evil = _seed()
    props = evil["features"][0]["properties"]
    props["place_name"] = '<img src="/injected.png" onerror="alert(1)">'
    props["title"] = "<script>alert(2)</script>"
    props["sources"] = ["javascript:alert(3)", *props["sources"]]
    path = tmp_path / "map.html"
    path.write_text(render_html(evil), encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.mv-num').length === 7")
    marker = page.locator('.mv-num[data-event-id="yokosuka-naval-base-visit"]')
    assert marker.get_attribute("aria-label") == "1. <script>alert(2)</script>"
    marker.click()
    popup = page.locator(".mv-popup")
    popup.wait_for()
    assert popup.locator("h4").inner_text() == "1. <script>alert(2)</script>"
    assert props["place_name"] in popup.locator(".mv-place").inner_text()
    assert popup.locator('a[href^="javascript"]').count() == 0
    assert "javascript:alert(3)" in popup.inner_text()
    labels = page.locator(".mv-label").all_inner_texts()
    assert props["place_name"] in labels or page.locator(".mv-label img").count() == 0
    assert page.locator("img[src*=injected]").count() == 0
    assert [u for u in requests if "injected" in u] == [] and dialogs == []
    assert requests == [path.as_uri()]
    page.close()


# --- in the app: table and map share one selected event --------------------------------


def _frame_with(session: Session, selector: str, timeout_s: float = 30) -> Frame:
    """The map's iframe once it shows `selector` (a rerun replaces the iframe)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in session.page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    if frame.locator(selector).count():
                        return frame
                except PlaywrightError:
                    continue
        session.page.wait_for_timeout(250)
    pytest.fail(f"the map never showed {selector}")


def _table_text(session: Session) -> str:
    return session.page.locator('[data-testid="stDataFrame"] table').inner_text()


def test_a_table_row_selects_the_event_on_the_map(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url)
    session.map_frame(expected=7)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The row-selection column of the third row (header and rows are 35 px high).
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 2 * 35 + 17)
    frame = _frame_with(session, '.mv-num.mv-selected[data-event-id="talks-with-gen-nakatani"]')
    frame.locator('.mv-popup[data-event-id="talks-with-gen-nakatani"]').wait_for()
    page.get_by_text("3. Talks with Defence Minister Gen Nakatani").first.wait_for()
    session.assert_clean()


def test_a_map_click_and_a_keyboard_enter_mark_the_row(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url)
    frame = session.map_frame(expected=7)
    frame.locator('.mv-num[data-event-id="meeting-with-shigeru-ishiba"]').click()
    deadline = time.monotonic() + 30
    while "▶7" not in _table_text(session) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert "▶7" in _table_text(session)
    # The keyboard takes the same path: focus a marker, press Enter.
    frame = _frame_with(session, ".mv-num.mv-selected")
    frame.locator('.mv-num[data-event-id="keio-university-speech"]').focus()
    page.keyboard.press("Enter")
    while "▶4" not in _table_text(session) and time.monotonic() < deadline + 30:
        page.wait_for_timeout(250)
    assert "▶4" in _table_text(session) and "▶7" not in _table_text(session)
    page.get_by_text("4. Speech at Keio University").first.wait_for()
    session.assert_clean()


# --- axe-core: no serious or critical violation --------------------------------------


@pytest.fixture(scope="session")
def axe_js(request: pytest.FixtureRequest) -> str:
    """axe-core 4, installed by npm into pytest's cache folder (once per machine)."""
    folder = Path(request.config.cache.mkdir("axe-core"))
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = require("npm", "Debian: apt-get install -y npm")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), "axe-core@4"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script.read_text(encoding="utf-8")


def _serious(frame: Frame, axe_js: str) -> list[str]:
    frame.evaluate(axe_js)
    found: list[str] = frame.evaluate(
        """async () => (await axe.run(document)).violations
             .filter((v) => v.impact === "serious" || v.impact === "critical")
             .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "))"""
    )
    return found


def test_axe_finds_nothing_serious_in_the_standalone_map(
    browser: Browser, tmp_path: Path, axe_js: str
) -> None:
    trip = {
        "title": "NATO Secretary General Mark Rutte in Japan",
        "article_title": "NATO's shock move",
        "article_url": "https://forcemedia.digital/",
        "outlet": "Force Media",
    }
    path = tmp_path / "map.html"
    path.write_text(render_html(_seed(), trip=trip), encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.mv-num').length === 7")
    assert page.title() == trip["title"]
    assert page.locator("html").get_attribute("lang") == "en"
    heading = page.locator("header.mv-page-head")
    assert trip["title"] in heading.locator("h1").inner_text()
    assert heading.locator("a").get_attribute("href") == trip["article_url"]
    assert "Credits:" in heading.inner_text()
    assert _serious(page.main_frame, axe_js) == []
    page.close()


def test_axe_finds_nothing_serious_in_the_app(session: Session, app_url: str, axe_js: str) -> None:
    session.page.goto(app_url)
    frame = session.map_frame(expected=7)
    session.page.get_by_text("Timeline").first.wait_for()
    assert _serious(session.page.main_frame, axe_js) == []
    assert _serious(frame, axe_js) == []
