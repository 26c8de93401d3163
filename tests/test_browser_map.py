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
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from mapapp.mapview.present import event_view
from mapapp.mapview.render import render_html

DATA = Path(__file__).resolve().parents[1] / "data" / "itinerary.geojson"
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
        for f in sorted(collection["features"], key=lambda f: f["properties"].get("order", 0))
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
      return E.layers.map((marker, i) => {
        const el = marker.getElement().getBoundingClientRect();
        const spread = marker.getElement().getAttribute('data-spread') === '1';
        const at = spread ? map.latLngToContainerPoint([C.lat[i] / k, C.lon[i] / k])
                          : {x: el.x + el.width / 2, y: el.y + el.height / 2};
        return Math.min(...vertices.map((v) => Math.hypot(v.x - at.x, v.y - at.y)));
      });
    }"""
    )
    assert len(gaps) == 7 and max(gaps) < 3, gaps
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
