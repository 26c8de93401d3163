"""Playback frame time in headless Chromium: the work of one playback frame (the
time filter over every event, the routes, one canvas redraw) at many moments
across the trip, on the standalone map `render_html` writes."""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from mapapp.bench.browser import CHROMIUM_ARGS, serve_folder, standalone_html

#: Moments sampled across the trip, first to last.
FRAMES = 40

_FRAMES_JS = """
async (frames) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  while (!(window.mvLib && mvLib.playbacks && mvLib.playbacks[0].total)) { await sleep(20); }
  const P = mvLib.playbacks[0], ms = [];
  P.seek(-1e12);  // clamped to the first event's moment
  const lo = P.state.now, hi = P.total;
  for (let j = 0; j <= frames; j++) {
    const t0 = performance.now();
    P.seek(lo + (hi - lo) * j / frames);
    ms.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(r));
  }
  return ms;
}
"""


def playback_frame_ms(collection: dict[str, Any]) -> dict[str, float]:
    """Median and worst milliseconds of one playback frame's script work."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "map.html").write_text(standalone_html(collection), encoding="utf-8")
        with serve_folder(Path(tmp)) as base_url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base_url}/map.html", timeout=300_000)
                page.wait_for_function("() => window.mvLib && mvLib.playbacks", timeout=300_000)
                times: list[float] = page.evaluate(_FRAMES_JS, FRAMES)
            finally:
                browser.close()
    return {"playback_frame_ms": statistics.median(times), "playback_frame_max_ms": max(times)}
