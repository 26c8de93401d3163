"""At 10,000 events the standalone map stays light, draws every event, and a click
on a canvas-drawn event still opens its details, in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from mapapp.bench.browser import serve_folder
from mapapp.bench.run import build_offline
from mapapp.bench.synth import synthetic_json, write_warm_cache
from mapapp.itinerary.load import parse_itinerary
from mapapp.mapview.event_layer import event_details, extract_payload
from mapapp.mapview.render import render_html

N_EVENTS = 10_000
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The standalone map of the benchmark's 10,000-event itinerary."""
    work = tmp_path_factory.mktemp("scale")
    text, article = synthetic_json(N_EVENTS, 0)
    loaded = parse_itinerary(
        text.encode(), "big.json", base_dir=work, article_text=article, max_bytes=None
    )
    cache = work / "geocode_cache.json"
    write_warm_cache(loaded.itinerary, cache)
    collection, _ = build_offline(loaded, cache, {})
    html = render_html(collection)
    (work / "map.html").write_text(html, encoding="utf-8")
    (work / "favicon.ico").write_bytes(b"")  # so a 404 cannot hide among expected errors
    return work, html


@pytest.fixture(scope="module")
def page(big_page: tuple[Path, str], browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """The session's browser: a second Playwright in the same thread would fail."""
    folder, _ = big_page
    errors: list[str] = []
    with serve_folder(folder) as url:
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        # Every console error counts; the page may fetch itself and its favicon only.
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        allowed = {f"{url}/map.html", f"{url}/favicon.ico"}
        pg.on(
            "request",
            lambda r: errors.append(f"request for {r.url}") if r.url not in allowed else None,
        )
        pg.on(
            "response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        pg.goto(f"{url}/map.html")
        yield pg, errors
        pg.close()


_EVENT_LAYERS = """() => {
  const out = [];
  for (const value of Object.values(window)) {
    if (value instanceof L.Map) {
      const box = value.getContainer().getBoundingClientRect();
      value.eachLayer((layer) => {
        if (layer.options && layer.options.eventId && layer.getLatLng) {
          const pt = value.latLngToContainerPoint(layer.getLatLng());
          out.push({id: layer.options.eventId, index: layer.options.eventIndex,
                    x: box.left + pt.x, y: box.top + pt.y,
                    inside: pt.x > 40 && pt.y > 40 && pt.x < box.width - 40
                            && pt.y < box.height - 200});
        }
      });
    }
  }
  return out;
}"""


def test_the_page_is_small_and_draws_every_event(
    big_page: tuple[Path, str], page: tuple[Page, list[str]]
) -> None:
    _, html = big_page
    assert len(html.encode()) < 2_000_000
    pg, errors = page
    pg.wait_for_function(f"() => window.L && ({_EVENT_LAYERS})().length >= {N_EVENTS}")
    ids = {layer["id"] for layer in pg.evaluate(_EVENT_LAYERS)}
    assert len(ids) == N_EVENTS
    assert pg.locator(".mv-num").count() == 0  # canvas points, not one DOM icon each
    assert errors == []


def test_a_click_on_a_canvas_event_shows_its_details(
    big_page: tuple[Path, str], page: tuple[Page, list[str]]
) -> None:
    _, html = big_page
    pg, errors = page
    pg.wait_for_function(f"() => window.L && ({_EVENT_LAYERS})().length >= {N_EVENTS}")
    layers: list[dict[str, Any]] = pg.evaluate(_EVENT_LAYERS)
    target = next(layer for layer in layers if layer["inside"])
    pg.mouse.click(target["x"], target["y"])
    popup = pg.locator(".mv-popup")
    popup.wait_for()
    shown_id = popup.get_attribute("data-event-id")
    payload = extract_payload(html)
    index = payload["ids"].index(shown_id)
    details = event_details(payload, index)
    quote = pg.locator(".mv-popup blockquote").inner_text()
    assert quote == details["quote"] and len(quote) >= 100
    assert details["head"] in popup.inner_text()
    assert errors == []
