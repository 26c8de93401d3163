"""The offline basemap in Chromium: the regional geography at the opening view,
ward labels, credits, the tile fallback, the app serving the packs once, and the
world layer for a trip elsewhere. Pages are served from 127.0.0.1 only."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import Session
from playwright.sync_api import Frame, Page

from mapapp.bench.browser import serve_folder
from mapapp.mapview.render import render_html

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOKYO_BAY = (139.62, 35.25, 139.95, 35.68)  # west, south, east, north: the bay and its shores

# What the basemap drew: layers by id, with their vertices in the view and inside
# the Tokyo Bay box; labels shown; the attribution's text.
DRAWN_JS = """
(bay) => {
  let map = null;
  for (const v of Object.values(window)) { if (v instanceof L.Map && v.mvBasemap) { map = v; } }
  if (!map) { return null; }
  const view = map.getBounds();
  const inBay = (ll) =>
    ll.lng >= bay[0] && ll.lat >= bay[1] && ll.lng <= bay[2] && ll.lat <= bay[3];
  const layers = {};
  map.eachLayer((layer) => {
    const id = layer.options && layer.options.mvBasemap;
    if (!id) { return; }
    const flat = layer.getLatLngs().flat(3);
    const sum = layers[id] || (layers[id] = {parts: 0, inView: 0, inBay: 0});
    sum.parts += 1;
    sum.inView += flat.filter((ll) => view.contains(ll)).length;
    sum.inBay += flat.filter((ll) => view.contains(ll) && inBay(ll)).length;
  });
  const labels = [];
  map.eachLayer((layer) => {
    if (layer.options && layer.options.mvBasemapLabel && layer.getElement()) {
      labels.push(layer.options.mvBasemapLabel);
    }
  });
  const attribution = document.querySelector(".leaflet-control-attribution");
  return {zoom: map.getZoom(), layers, labels,
          attribution: attribution ? attribution.textContent : ""};
}
"""


def drawn(target: Page | Frame, needed: str = "land", timeout_ms: int = 30000) -> dict[str, Any]:
    """The basemap's state once the layer `needed` is on the map."""
    target.wait_for_function(
        "(id) => Object.values(window).some((v) => v instanceof L.Map && v.mvBasemap &&"
        " !v.mvBasemap.pending &&"
        " v.mvBasemap.layers.some((l) => l.id === id && Object.keys(l.shown).length))",
        arg=needed,
        timeout=timeout_ms,
    )
    state: dict[str, Any] = target.evaluate(DRAWN_JS, list(TOKYO_BAY))
    return state


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    collection: dict[str, Any] = json.loads((ROOT / "data" / "itinerary.geojson").read_text())
    return collection


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, seed: dict[str, Any]) -> Iterator[str]:
    """Standalone pages on 127.0.0.1: the seed trip offline and online, and a trip elsewhere."""
    folder = tmp_path_factory.mktemp("pages")
    (folder / "favicon.ico").write_bytes(b"")  # spares a 404 in the console
    (folder / "offline.html").write_text(render_html(seed), "utf-8")
    (folder / "online.html").write_text(render_html(seed, basemap="osm"), "utf-8")
    (folder / "elsewhere.html").write_text(render_html(elsewhere(seed)), "utf-8")
    with serve_folder(folder) as url:
        yield url


def elsewhere(seed: dict[str, Any]) -> dict[str, Any]:
    """The seed's events moved to Nairobi: far from every regional pack."""
    moved = copy.deepcopy(seed)
    moved["features"] = [f for f in moved["features"] if f["properties"]["kind"] == "event"]
    for i, feature in enumerate(moved["features"]):
        lon, lat = 36.82 + i * 0.01, -1.29
        feature["geometry"]["coordinates"] = [lon, lat]
        feature["properties"].update(lon=lon, lat=lat)
    return moved


def test_the_opening_view_draws_the_regional_geography(served: str, session: Session) -> None:
    session.page.goto(f"{served}/offline.html")
    state = drawn(session.page)
    layers = state["layers"]
    assert {"land", "water", "municipal-borders", "prefecture-borders"} <= set(layers)
    # Tokyo Bay's shores in detail: Natural Earth 1:10m has about 150 points there.
    assert layers["land"]["inBay"] > 400, layers
    assert layers["water"]["inBay"] > 400, layers
    assert layers["municipal-borders"]["inView"] > 500, layers
    labels = set(state["labels"])
    # Chiyoda and Minato give way to the events' markers and labels there
    # (tests/mapview/test_browser_labels.py); Kamakura moves aside to stay.
    assert {"Tokyo Bay", "Yokosuka", "Kamakura", "Kawasaki"} <= labels, labels
    assert not {"Chiyoda", "Minato"} & labels, labels
    assert len(labels) >= 30
    assert "国土数値情報（行政区域データ）（国土交通省）を加工して作成" in state["attribution"]
    assert "OpenStreetMap contributors" in state["attribution"]
    assert "Natural Earth" in state["attribution"]
    session.shot("basemap-offline")
    session.assert_clean()


def test_labels_appear_by_zoom_and_never_overlap(served: str, session: Session) -> None:
    session.page.goto(f"{served}/offline.html")
    state = drawn(session.page)
    overlaps = session.page.evaluate(
        """() => {
          const boxes = [...document.querySelectorAll('.mv-bl')]
            .map((e) => e.getBoundingClientRect());
          let n = 0;
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
          }
          return n;
        }"""
    )
    assert overlaps == 0
    passes = session.page.evaluate(
        "() => { for (const v of Object.values(window)) "
        "{ if (v instanceof L.Map && v.mvBasemap) { v.setZoom(8, {animate: false});"
        " return v.mvBasemap.passes; } } }"
    )
    # Labels are placed a moment after the zoom, once the events' and links' are.
    session.page.wait_for_function(
        "(n) => Object.values(window).some((v) => v instanceof L.Map && v.mvBasemap &&"
        " v.mvBasemap.passes > n && !v.mvBasemap.pending)",
        arg=passes,
    )
    zoomed_out = session.page.evaluate(DRAWN_JS, list(TOKYO_BAY))
    assert zoomed_out["zoom"] == 8
    # Wards give way to the city and the bays; fewer labels, none of the small wards.
    assert "Chiyoda" not in zoomed_out["labels"]
    assert "Tokyo Bay" in zoomed_out["labels"]
    assert len(zoomed_out["labels"]) < len(state["labels"])
    session.assert_clean()


def test_blocked_tiles_leave_the_vector_map_and_a_notice(served: str, session: Session) -> None:
    blocked: list[str] = []

    def abort(route: Any) -> None:
        blocked.append(route.request.url)
        route.abort()

    session.page.route("https://tile.openstreetmap.org/**", abort)
    session.page.goto(f"{served}/online.html")
    notice = session.page.locator(".mv-tile-notice[role=status]")
    notice.wait_for(state="visible", timeout=30000)
    assert "offline basemap" in notice.inner_text()
    assert blocked, "the online page asked for no tiles"
    state = drawn(session.page)
    assert state["layers"]["land"]["inBay"] > 400
    session.shot("basemap-tiles-blocked")
    # The tile requests were the only ones to leave the machine (and were aborted).
    session.requests = [u for u in session.requests if u not in blocked]
    session.errors = [e for e in session.errors if "ERR_FAILED" not in e]
    session.assert_clean()


def test_a_trip_elsewhere_gets_the_world_layer_only(served: str, session: Session) -> None:
    session.page.goto(f"{served}/elsewhere.html")
    state = drawn(session.page, needed="world-land")
    assert set(state["layers"]) == {"world-land", "world-borders"}
    session.page.evaluate(
        "() => { for (const v of Object.values(window)) "
        "{ if (v instanceof L.Map && v.mvBasemap) v.setZoom(6, {animate: false}); } }"
    )
    session.page.wait_for_timeout(300)
    state = session.page.evaluate(DRAWN_JS, list(TOKYO_BAY))
    # East Africa's coast, from Natural Earth 1:10m.
    assert state["layers"]["world-land"]["inView"] > 200, state["layers"]
    assert state["layers"]["world-borders"]["inView"] > 20, state["layers"]
    assert "Natural Earth" in state["attribution"]
    assert "国土数値情報" not in state["attribution"]
    session.assert_clean()


def test_the_app_serves_the_packs_once_and_draws_them(app_url: str, session: Session) -> None:
    session.page.goto(app_url)
    frame = session.map_frame()
    state = drawn(frame)
    assert state["layers"]["land"]["inBay"] > 400
    fetched = [u for u in session.requests if "/app/static/basemap/" in u]
    assert any(u.endswith("/tokyo-bay.json") for u in fetched), fetched
    # The map's own HTML carries no pack: the frame's document stays small.
    html_size = frame.evaluate("() => document.documentElement.outerHTML.length")
    assert html_size < 1_000_000
    session.assert_clean()
