"""Above GL_MIN events the app's map draws with WebGL: a click on a point, or the
keyboard's search box, opens its details beside the map, as a marker's click does,
in Chromium against the real server.

The data is the benchmark's 30,000-event itinerary, one event moved to an empty spot
and titled with the poison: the click must pick exactly it, the details panel must
show its title as text, and nothing from the data may run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from browser_support import Session
from playwright.sync_api import Frame
from poison import PAYLOAD

from mapapp.bench.serve import Server, running_app
from mapapp.bench.synth import synthetic_json, write_warm_cache
from mapapp.itinerary.load import parse_itinerary
from mapapp.mapview.event_layer import GL_MIN
from mapapp.pipeline import build, cache_path, output_path

pytestmark = pytest.mark.browser

N_EVENTS = 30_000
LONE = 1234  # the event moved to the Great Victoria Desert, alone there
LONE_AT = (-28.0, 127.5)  # lat, lon


@pytest.fixture(scope="module")
def gl_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    """The app on the 30,000 events, one moved to a pinned place of its own."""
    assert N_EVENTS > GL_MIN
    work = tmp_path_factory.mktemp("gl-app")
    text, article = synthetic_json(N_EVENTS, 0)
    data = json.loads(text)
    lat, lon = LONE_AT
    place = {
        **next(p for p in data["places"] if p["country"] == "AU" and "pin" in p),
        "id": "p999-lone",
        "name": "Lone " + PAYLOAD,
    }
    place["locality"] = {**place["locality"], "lat": lat, "lon": lon}
    place["pin"] = {**place["pin"], "lat": lat, "lon": lon}
    data["places"].append(place)
    lone = data["events"][LONE]
    lone.update(place=place["id"], title="Lone " + PAYLOAD)
    itinerary = work / "itinerary.json"
    itinerary.write_text(json.dumps(data), encoding="utf-8")
    (work / "synthetic-article.txt").write_text(article, encoding="utf-8")
    loaded = parse_itinerary(itinerary.read_bytes(), itinerary.name, base_dir=work, max_bytes=None)
    write_warm_cache(loaded.itinerary, cache_path(itinerary))
    built = build(loaded, cache=cache_path(itinerary), out=output_path(itinerary), offline=True)
    props = next(f["properties"] for f in built.collection["features"] if f.get("id") == lone["id"])
    with running_app(work, itinerary) as server:
        yield server, {"id": lone["id"], "title": props["title"], "seq": str(props["seq"])}


def gl_frame(session: Session, url: str, timeout_s: float = 90) -> Frame:
    """The app at url, and its map's frame once WebGL has drawn every event and the
    details are in (and no event is picked yet)."""
    page = session.page
    page.goto(url + "/")
    iframe = page.locator('iframe[title*="streamlit_folium"]').first
    iframe.wait_for(timeout=timeout_s * 1000)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_function(
        f"() => window.mvLib && mvLib.eventLayers && mvLib.eventLayers[0].gl"
        f" && mvLib.eventLayers[0].gl.drawn() === {N_EVENTS}",
        timeout=timeout_s * 1000,
    )
    frame.wait_for_function("() => Boolean(mvLib.eventLayers[0].payload._d)", timeout=60_000)
    page.get_by_text("Click a marker on the map").first.wait_for(timeout=30_000)
    return frame


def test_a_click_on_a_webgl_point_opens_its_details_in_the_app(
    session: Session, gl_app: tuple[Server, dict[str, str]]
) -> None:
    lone, page, frame = gl_app[1], session.page, gl_frame(session, gl_app[0].url)
    assert frame.locator(".mv-num").count() == 0  # drawn by WebGL, no marker per event
    # Where the lone point is on the page: its place in the map, plus the frame's.
    at = frame.evaluate(
        """(id) => {
          const E = mvLib.eventLayers[0];
          const p = E.map.latLngToContainerPoint(E.layers[E.payload.ids.indexOf(id)].getLatLng());
          const box = E.map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }""",
        lone["id"],
    )
    box = page.locator('iframe[title*="streamlit_folium"]').first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + at[0] + 1, box["y"] + at[1] + 1)
    # In the map: the point's own details; beside it: the app's, for the same event.
    popup = frame.locator(".leaflet-popup .mv-popup")
    popup.wait_for(timeout=20_000)
    assert popup.get_attribute("data-event-id") == lone["id"]
    panel = page.locator('[data-testid="stHtml"]', has_text="Place:").first
    panel.wait_for(timeout=30_000)
    assert lone["title"] in panel.inner_text()
    for each in page.frames:
        assert each.evaluate("() => window.__xss === undefined")
    session.assert_clean()


def test_the_search_box_opens_an_event_s_details_in_the_app_by_keyboard(
    session: Session, gl_app: tuple[Server, dict[str, str]]
) -> None:
    lone, page, frame = gl_app[1], session.page, gl_frame(session, gl_app[0].url)
    frame.get_by_role("searchbox", name="Find an event").focus()
    page.keyboard.type(lone["seq"])
    page.keyboard.press("Enter")
    frame.wait_for_function(
        "(id) => document.activeElement && document.activeElement.tagName === 'H4'"
        " && document.activeElement.closest('.mv-popup').dataset.eventId === id",
        arg=lone["id"],
    )
    panel = page.locator('[data-testid="stHtml"]', has_text="Place:").first
    panel.wait_for(timeout=30_000)
    assert lone["title"] in panel.inner_text()
    session.assert_clean()
