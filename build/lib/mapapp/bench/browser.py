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

    from mapapp.mapview.render import render_html

    expected = _drawn_layers(collection)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(render_html(collection), encoding="utf-8")
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
