"""Rendering a printed page in the system's headless Chromium (Playwright's
`page.pdf` and `page.screenshot`), never a downloaded browser.

Offline, every request that is not the page's own file is refused, so the
printout cannot reach the network whatever the data holds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Literal

from mapapp.bench.browser import CHROMIUM_ARGS
from mapapp.errors import MapappError
from mapapp.printing.sheet import Layout

Output = Literal["pdf", "png"]

#: Browsers tried in order when MAPAPP_CHROMIUM does not name one.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Milliseconds the page may take to load and draw before printing gives up.
LOAD_TIMEOUT_MS = 120_000
#: Milliseconds tiles may take to arrive online; the vector map shows through after.
TILE_WAIT_MS = 8_000
#: One print at a time per process: each is a browser of a few hundred MB.
_ONE_AT_A_TIME = threading.Lock()


class ChromiumMissing(MapappError, FileNotFoundError):
    """No Chromium (or no Playwright) to render with: a missing tool, not bad input."""

    exit_code = 3


def find_chromium() -> str:
    """The browser to drive: $MAPAPP_CHROMIUM, else the first of CHROMIUM_NAMES."""
    named = os.environ.get("MAPAPP_CHROMIUM")
    for candidate in ([named] if named else []) + list(CHROMIUM_NAMES):
        path = shutil.which(candidate)
        if path:
            return path
    raise ChromiumMissing(
        "printing needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) "
        "or set MAPAPP_CHROMIUM to a Chromium or Chrome executable"
    )


# Resolves once the events and the basemap are drawn: refits the map to the
# events (in print the legend sits below the map, not over it) and opens the legend.
_READY_JS = """
async ({tileWaitMs}) => {
  const MIN_HALF_SPAN = 0.03;
  const frames = (n) => new Promise((r) => {
    const step = () => (n-- > 0 ? requestAnimationFrame(step) : r());
    step();
  });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  while (!(window.mvLib && mvLib.eventLayers && mvLib.eventLayers.length)) { await sleep(20); }
  const E = mvLib.eventLayers[0], map = E.map, C = E.payload.c, k = E.payload.coord_scale;
  for (let i = 0; i < 500 && map.mvBasemap && !map.mvBasemap.layers.length; i++) {
    await sleep(20);
  }
  document.querySelectorAll(".mv-legend details").forEach((d) => { d.open = true; });
  map.invalidateSize({animate: false});
  if (E.payload.n) {
    const lats = C.lat.map((v) => v / k), lons = C.lon.map((v) => v / k);
    // At least MIN_HALF_SPAN degrees each way: one stop still shows its town.
    const half = (lo, hi) => Math.max((hi - lo) / 2 + 0.004, MIN_HALF_SPAN);
    const s = Math.min(...lats), n = Math.max(...lats), w = Math.min(...lons);
    const e = Math.max(...lons), hy = half(s, n), hx = half(w, e);
    const cy = (s + n) / 2, cx = (w + e) / 2;
    map.fitBounds([[cy - hy, cx - hx], [cy + hy, cx + hx]],
                  {padding: [28, 28], maxZoom: 15, animate: false});
  }
  const tiles = map.mvBasemap && map.mvBasemap.tiles;
  if (tiles && tiles.isLoading && tiles.isLoading()) {
    await Promise.race([new Promise((r) => tiles.once("load", r)), sleep(tileWaitMs)]);
  }
  await sleep(300);
  await frames(3);
  return true;
}
"""


def render(html: str, output: Output, layout: Layout, *, offline: bool = True) -> bytes:
    """The page as PDF bytes, or as a PNG at twice the CSS pixel size."""
    chromium = find_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import Route, sync_playwright
    except ImportError as exc:  # a broken install: playwright is a dependency
        raise ChromiumMissing(
            "printing needs the playwright package: pip install 'playwright>=1.45'"
        ) from exc

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")) or not offline:
            route.continue_()
        else:
            route.abort()

    width, height = layout.page_px if output == "png" else layout.content_px
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="mapapp-print-") as tmp:
        page_file = Path(tmp) / "page.html"
        page_file.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=2 if output == "png" else 1,
                    )
                    page = context.new_page()
                    page.route("**/*", guard)
                    if output == "pdf":
                        page.emulate_media(media="print")
                    page.goto(page_file.as_uri(), timeout=LOAD_TIMEOUT_MS, wait_until="load")
                    page.wait_for_function("() => window.L !== undefined", timeout=LOAD_TIMEOUT_MS)
                    page.evaluate(_READY_JS, {"tileWaitMs": TILE_WAIT_MS})
                    if output == "pdf":
                        return page.pdf(prefer_css_page_size=True, print_background=True)
                    return page.screenshot(full_page=True, type="png")
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise MapappError(f"Chromium could not render the page: {exc}") from exc
