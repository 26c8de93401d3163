"""Above GL_MIN events the standalone map draws them with WebGL (leaflet.glify), in
headless Chromium with software WebGL: every event drawn, a click on a known point
opens exactly its details, the playback hides events, the filter shows one day and
one actor, the search box reaches any event by keyboard, nothing from the data
runs, and axe finds nothing serious."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page
from poison import PAYLOAD
from test_browser_map import _serious, axe_js  # noqa: F401 - axe_js is a fixture

from mapapp.bench.browser import serve_folder
from mapapp.bench.run import build_offline
from mapapp.bench.synth import synthetic_json, write_warm_cache
from mapapp.itinerary.load import parse_itinerary
from mapapp.mapview.event_layer import GL_MIN, event_details, extract_payload
from mapapp.mapview.render import render_html

N_EVENTS = 30_000
#: An event moved to an empty spot (the Great Victoria Desert), titled with the poison.
LONE = 1234
LONE_AT = (-28.0, 127.5)  # lat, lon
#: An actor only the lone event has, named with the poison.
LONE_ACTOR = "Lone actor " + PAYLOAD
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gl_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The standalone map of the benchmark's 30,000-event itinerary, one event alone."""
    assert N_EVENTS > GL_MIN
    work = tmp_path_factory.mktemp("gl")
    text, article = synthetic_json(N_EVENTS, 0)
    loaded = parse_itinerary(
        text.encode(), "big.json", base_dir=work, article_text=article, max_bytes=None
    )
    cache = work / "geocode_cache.json"
    write_warm_cache(loaded.itinerary, cache)
    collection, _ = build_offline(loaded, cache, {})
    events = [f for f in collection["features"] if f["properties"]["kind"] == "event"]
    lone = events[LONE]
    # Its own geometry: the events at one place share theirs (store.build).
    lone["geometry"] = {"type": "Point", "coordinates": [LONE_AT[1], LONE_AT[0]]}
    lone["properties"]["title"] = "Lone " + PAYLOAD
    # An actor of its own (new lists: events with one line-up share theirs).
    lone["properties"]["actors"] = [*lone["properties"]["actors"], LONE_ACTOR]
    lone["properties"]["actor_roles"] = [*lone["properties"]["actor_roles"], LONE_ACTOR]
    html = render_html(collection)
    (work / "map.html").write_text(html, encoding="utf-8")
    (work / "favicon.ico").write_bytes(b"")
    return work, extract_payload(html)


@pytest.fixture(scope="module")
def page(
    gl_page: tuple[Path, dict[str, Any]], browser: Browser
) -> Iterator[tuple[Page, list[str]]]:
    folder, _ = gl_page
    errors: list[str] = []
    with serve_folder(folder) as url:
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
        allowed = {f"{url}/map.html", f"{url}/favicon.ico"}
        pg.on(
            "request",
            lambda r: errors.append(f"request for {r.url}") if r.url not in allowed else None,
        )
        pg.goto(f"{url}/map.html")
        pg.wait_for_function(
            f"() => window.mvLib && mvLib.eventLayers && mvLib.eventLayers[0].gl"
            f" && mvLib.eventLayers[0].gl.drawn() === {N_EVENTS}",
            timeout=60_000,
        )
        # The details inflate shortly after loading; wait for them.
        pg.wait_for_function("() => Boolean(mvLib.eventLayers[0].payload._d)", timeout=60_000)
        yield pg, errors
        pg.close()


def _lone_xy(pg: Page) -> tuple[float, float]:
    """Where the lone event is on the screen, once the page stands still (after a
    popup closes the page may still be scrolling back for a second or two)."""
    deadline = time.monotonic() + 5.0
    seen = _lone_xy_now(pg)
    while time.monotonic() < deadline:
        pg.wait_for_timeout(200)
        now = _lone_xy_now(pg)
        if now == seen:
            break
        seen = now
    return seen


def _lone_xy_now(pg: Page) -> tuple[float, float]:
    xy: list[float] = pg.evaluate(
        f"""() => {{
          const E = mvLib.eventLayers[0];
          const p = E.map.latLngToContainerPoint(E.layers[{LONE}].getLatLng());
          const box = E.map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }}"""
    )
    return xy[0], xy[1]


def _pixel(pg: Page, xy: tuple[float, float]) -> tuple[int, int, int]:
    shot = pg.screenshot(clip={"x": xy[0], "y": xy[1], "width": 1, "height": 1})
    r, g, b, *_ = Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))
    return (r, g, b)


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 48) -> bool:
    """Same colour up to anti-aliasing (a point's edge pixel blends a little)."""
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _pixel_until(
    pg: Page, xy: tuple[float, float], want: Callable[[tuple[int, int, int]], bool]
) -> tuple[int, int, int]:
    """The pixel once `want` holds, or the last one after 5 s: the redraw is a frame
    away, later on a loaded machine."""
    deadline = time.monotonic() + 5.0
    seen = _pixel(pg, xy)
    while not want(seen) and time.monotonic() < deadline:
        pg.wait_for_timeout(100)
        seen = _pixel(pg, xy)
    return seen


def _settled_pixel(pg: Page, xy: tuple[float, float]) -> tuple[int, int, int]:
    """The pixel once two samples 200 ms apart agree (the map may still be fading in)."""
    deadline = time.monotonic() + 5.0
    seen = _pixel(pg, xy)
    while time.monotonic() < deadline:
        pg.wait_for_timeout(200)
        now = _pixel(pg, xy)
        if now == seen:
            break
        seen = now
    return seen


def _popup_id(pg: Page) -> str | None:
    popup = pg.locator(".leaflet-popup .mv-popup")
    return popup.get_attribute("data-event-id") if popup.count() else None


def _close_popup(pg: Page) -> None:
    pg.evaluate("() => { mvLib.eventLayers[0].map.closePopup(); }")


def test_every_event_is_drawn_by_webgl_without_a_node_each(
    page: tuple[Page, list[str]], gl_page: tuple[Path, dict[str, Any]]
) -> None:
    pg, errors = page
    _, payload = gl_page
    assert payload["gl"] is True and payload["n"] == N_EVENTS
    assert pg.locator("canvas.mv-gl-events").count() == 1
    assert pg.locator(".mv-num").count() == 0
    # Canvas markers would be Leaflet layers with an event id: there are none.
    count = pg.evaluate(
        """() => { let n = 0; mvLib.eventLayers[0].map.eachLayer((l) => {
             if (l.options && l.options.eventId) { n += 1; } }); return n; }"""
    )
    assert count == 0
    # The lone event's point is drawn in its day's colour, not the basemap's.
    day_color = payload["palette"][(payload["c"]["day"][LONE] - 1) % len(payload["palette"])]
    want = tuple(int(day_color[k : k + 2], 16) for k in (1, 3, 5))
    got = _pixel(pg, _lone_xy(pg))
    assert max(abs(a - b) for a, b in zip(got, want, strict=True)) < 40, (got, want)
    assert errors == []


def test_a_click_on_a_point_opens_exactly_its_details(
    page: tuple[Page, list[str]], gl_page: tuple[Path, dict[str, Any]]
) -> None:
    pg, errors = page
    _, payload = gl_page
    want = event_details(payload, LONE)
    x, y = _lone_xy(pg)
    pg.mouse.click(x + 2, y + 1)
    popup = pg.locator(".leaflet-popup .mv-popup")
    popup.wait_for()
    assert popup.get_attribute("data-event-id") == want["event_id"]
    assert popup.locator("h4").inner_text() == want["head"]
    assert popup.locator(".mv-when").inner_text() == want["when"]
    assert PAYLOAD in want["head"]
    _close_popup(pg)
    assert errors == []


def test_the_playback_hides_events_from_sight_and_from_clicks(
    page: tuple[Page, list[str]], gl_page: tuple[Path, dict[str, Any]]
) -> None:
    pg, errors = page
    _, payload = gl_page
    xy = _lone_xy(pg)
    drawn = _settled_pixel(pg, xy)
    slider = pg.get_by_role("slider")
    slider.focus()
    pg.keyboard.press("Home")  # the first moment: only the first event is shown
    pg.wait_for_function(f"() => !mvLib.eventLayers[0].gl.shown({LONE})")
    hidden = _pixel_until(pg, xy, lambda px: not _near(px, drawn))
    assert not _near(hidden, drawn), (hidden, drawn)
    pg.mouse.click(xy[0], xy[1])
    pg.wait_for_timeout(500)
    assert _popup_id(pg) != payload["ids"][LONE]
    slider.focus()  # the click moved the focus to the map
    pg.keyboard.press("End")  # every event again
    pg.wait_for_function(f"() => mvLib.eventLayers[0].gl.shown({LONE})")
    again = _pixel_until(pg, xy, lambda px: _near(px, drawn))
    assert _near(again, drawn), (again, drawn)
    _close_popup(pg)
    assert errors == []


def _shown(pg: Page) -> list[int]:
    """The indices of the events the WebGL layer shows now."""
    found: list[int] = pg.evaluate(
        """() => { const E = mvLib.eventLayers[0], out = [];
             for (let i = 0; i < E.payload.n; i++) { if (E.gl.shown(i)) { out.push(i); } }
             return out; }"""
    )
    return found


def test_the_filter_shows_one_day_and_one_actor(
    page: tuple[Page, list[str]], gl_page: tuple[Path, dict[str, Any]]
) -> None:
    pg, errors = page
    _, payload = gl_page
    d, days = payload["d"], payload["c"]["day"]
    assert payload["fl"] is True
    box = pg.get_by_role("group", name="Filter events")
    status = box.locator(".mv-filter-status")
    # A day, typed: exactly that day's events stay.
    day = days[LONE]
    on_day = [i for i, k in enumerate(days) if k == day]
    box.get_by_role("spinbutton").fill(str(day))
    box.get_by_role("spinbutton").press("Enter")
    status.get_by_text(f"{len(on_day):,} of {N_EVENTS:,} events").wait_for()
    assert _shown(pg) == on_day
    # And an actor, chosen by its name (from the data, shown as text): only the lone event.
    actor = box.get_by_label("Actor")
    assert LONE_ACTOR in actor.locator("option").all_inner_texts()
    actor.select_option(label=LONE_ACTOR)
    status.get_by_text(f"1 of {N_EVENTS:,} events").wait_for()
    assert _shown(pg) == [LONE]
    # Its point still opens its details; another event of the day takes no click.
    x, y = _lone_xy(pg)
    pg.mouse.click(x + 2, y + 1)
    popup = pg.locator(".leaflet-popup .mv-popup")
    popup.wait_for()
    assert popup.get_attribute("data-event-id") == payload["ids"][LONE]
    _close_popup(pg)
    # Another actor alone, every day: the events whose line-up names them.
    names = sorted({d["s"][k] for lineup in d["al"] for k in lineup} - {LONE_ACTOR})
    other = names[len(names) // 2]
    code = d["s"].index(other)
    theirs = [i for i, lineup in enumerate(d["ac"]) if code in d["al"][lineup]]
    assert 0 < len(theirs) < N_EVENTS
    box.get_by_role("spinbutton").fill("")
    actor.select_option(label=other)
    status.get_by_text(f"{len(theirs):,} of {N_EVENTS:,} events").wait_for()
    assert _shown(pg) == theirs
    # Every actor, every day: all events again.
    actor.select_option(label="Every actor")
    pg.wait_for_function("() => mvLib.eventLayers[0].gl.shown(0)")
    pg.wait_for_function(f"() => mvLib.eventLayers[0].gl.shown({LONE})")
    assert len(_shown(pg)) == N_EVENTS
    assert pg.evaluate("() => window.__xss") is None
    assert pg.locator(".mv-filter img").count() == 0
    assert errors == []


def test_the_search_box_opens_any_event_by_keyboard(
    page: tuple[Page, list[str]], gl_page: tuple[Path, dict[str, Any]]
) -> None:
    pg, errors = page
    _, payload = gl_page
    lone = event_details(payload, LONE)
    box = pg.get_by_role("searchbox", name="Find an event")
    # By its order number, then Enter: its details open with the focus in them.
    box.focus()
    pg.keyboard.type(str(lone["order"]))
    pg.keyboard.press("Enter")
    pg.wait_for_function(
        f"() => document.activeElement && document.activeElement.tagName === 'H4'"
        f" && document.activeElement.closest('.mv-popup').dataset.eventId === '{lone['event_id']}'"
    )
    pg.keyboard.press("Escape")  # back to the search box
    assert pg.evaluate("() => document.activeElement.type") == "search"
    # By words of its title (text from the data, shown as text), arrow, Enter.
    box.fill("")
    pg.keyboard.type("lone <img")
    results = pg.get_by_role("list", name="Matching events").get_by_role("button")
    # The search runs 150 ms after the last key: on a busy machine a pause between
    # keys runs it on the first letters too; wait for the whole query's answer.
    pg.get_by_text("1 event matches.").wait_for()
    assert results.count() == 1 and results.first.inner_text() == lone["head"]
    pg.keyboard.press("ArrowDown")
    pg.keyboard.press("Enter")
    popup = pg.locator(".leaflet-popup .mv-popup")
    popup.wait_for()
    assert popup.get_attribute("data-event-id") == lone["event_id"]
    assert pg.evaluate("() => window.__xss") is None
    assert pg.locator(".mv-search img, .mv-popup img").count() == 0
    _close_popup(pg)
    assert errors == []


def test_axe_finds_nothing_serious_in_the_webgl_map(
    page: tuple[Page, list[str]],
    axe_js: str,  # noqa: F811 - the fixture
) -> None:
    pg, _ = page
    pg.get_by_role("searchbox", name="Find an event").fill("talks")
    pg.get_by_role("list", name="Matching events").get_by_role("button").first.wait_for()
    assert _serious(pg.main_frame, axe_js) == []
