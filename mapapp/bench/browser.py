"""Time from page load to drawn event markers, in headless Chromium.

The page is the standalone map `render_html` writes (inline assets, offline
basemap), served from 127.0.0.1. Needs the `playwright` package and a system
`chromium` (as the browser tests do); without them the timing is skipped.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Software WebGL (SwiftShader) for maps drawn with WebGL: headless Chromium
    # has no GPU. Draw times then say nothing about a real GPU; the rest carries over.
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
]

# Resolves, once every event layer is on the map and two frames have painted,
# with the milliseconds since navigation started.
_DRAWN_JS = """
(expected) => new Promise((resolve, reject) => {
  const started = performance.now();
  function count() {
    let n = 0;
    for (const value of Object.values(window)) {
      if (value instanceof L.Map) {
        value.eachLayer((layer) => { if (layer.options && layer.options.eventId) { n += 1; } });
      }
    }
    return n;
  }
  function poll() {
    if (count() >= expected) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else if (performance.now() - started > 60000) {
      reject(new Error("markers not drawn: " + count() + " of " + expected));
    } else {
      setTimeout(poll, 5);
    }
  }
  poll();
})
"""


#: The last standalone page rendered for timing, by collection: the WebGL rows and the
#: playback frames read the same page (at a million events a render takes half a minute).
_page: dict[str, Any] = {}


def standalone_html(collection: dict[str, Any]) -> str:
    """`render_html(collection)`, rendered once per collection for all the timings."""
    from mapapp.mapview.render import render_html

    key = (id(collection), len(collection["features"]))
    if _page.get("key") != key:
        _page.clear()  # the previous page is freed before the next is made
        _page.update(key=key, html=render_html(collection))
    html: str = _page["html"]
    return html


def browser_available() -> str | None:
    """None when the timing can run, else why not."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if shutil.which("chromium") is None:
        return "chromium is not installed (Debian: apt-get install chromium)"
    return None


def time_to_markers(collection: dict[str, Any], runs: int = 3) -> float:
    """Median seconds from navigation start to every event drawn."""
    from playwright.sync_api import sync_playwright

    expected = _drawn_layers(collection)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(standalone_html(collection), encoding="utf-8")
        with serve_folder(Path(tmp)) as base_url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            try:
                times: list[float] = []
                for _ in range(runs):
                    page = browser.new_page(viewport={"width": 1280, "height": 800})
                    page.goto(f"{base_url}/map.html", wait_until="commit")
                    page.wait_for_function("() => window.L !== undefined", timeout=60000)
                    times.append(page.evaluate(_DRAWN_JS, expected) / 1000.0)
                    page.close()
            finally:
                browser.close()
    return float(statistics.median(times))


def _drawn_layers(collection: dict[str, Any]) -> int:
    """Layers the event layer draws with an event id: one marker or point per event
    (uncertainty circles carry none: they come and go with the zoom)."""
    return sum(1 for f in collection["features"] if f["properties"]["kind"] == "event")


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


# Resolves with the milliseconds from navigation start to every event drawn by the
# WebGL layer (js/events_gl.js counts the points of each draw) and two more frames.
_GL_DRAWN_JS = """
(expected) => new Promise((resolve, reject) => {
  function drawn() {
    const E = window.mvLib && mvLib.eventLayers && mvLib.eventLayers[0];
    return E && E.gl ? E.gl.drawn() : 0;
  }
  function poll() {
    if (drawn() >= expected) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else if (performance.now() > 600000) {
      reject(new Error("points not drawn: " + drawn() + " of " + expected));
    } else {
      setTimeout(poll, 20);
    }
  }
  poll();
})
"""

# The screen position of an event inside the map, away from its edges.
_SOME_EVENT_JS = """
() => {
  const E = mvLib.eventLayers[0], box = E.map.getContainer().getBoundingClientRect();
  const size = E.map.getSize();
  for (let i = 0; i < E.payload.n; i += 97) {
    const p = E.map.latLngToContainerPoint(E.layers[i].getLatLng());
    if (p.x > 300 && p.y > 200 && p.x < size.x - 60 && p.y < size.y - 60) {
      return [box.left + p.x, box.top + p.y];
    }
  }
  return null;
}
"""


def webgl_rows(collection: dict[str, Any], size: int) -> dict[str, Any]:
    """`browser_first_draw_s` and `browser_click_s` for a map drawn with WebGL
    (above event_layer.GL_MIN events; None below, or without a browser)."""
    from mapapp.mapview.event_layer import uses_webgl

    out: dict[str, Any] = {"browser_first_draw_s": None, "browser_click_s": None}
    if not uses_webgl(size) or browser_available() is not None:
        return out
    out["browser_first_draw_s"], out["browser_click_s"] = time_webgl(collection)
    return out


def time_webgl(collection: dict[str, Any]) -> tuple[float, float]:
    """Seconds from navigation start to every event drawn by WebGL in the standalone
    page (software WebGL), and from a click on a point to its details on screen
    (once the page has inflated the details, as it does shortly after loading)."""
    expected = _drawn_layers(collection)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(standalone_html(collection), encoding="utf-8")
        return time_webgl_page(page_path, expected)


def time_webgl_page(page_path: Path, expected: int) -> tuple[float, float]:
    """`time_webgl` for a page already written (its folder is served)."""
    import time

    from playwright.sync_api import sync_playwright

    with serve_folder(page_path.parent) as base_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(600_000)
            page.goto(f"{base_url}/{page_path.name}", wait_until="commit")
            page.wait_for_function("() => window.L !== undefined")
            first_draw = page.evaluate(_GL_DRAWN_JS, expected) / 1000.0
            page.wait_for_function("() => Boolean(mvLib.eventLayers[0].payload._d)")
            xy = page.evaluate(_SOME_EVENT_JS)
            if xy is None:
                raise RuntimeError("no event inside the map to click")
            start = time.perf_counter()
            page.mouse.click(xy[0], xy[1])
            page.wait_for_selector(".leaflet-popup .mv-popup", state="visible")
            click = time.perf_counter() - start
        finally:
            browser.close()
    return first_draw, click
