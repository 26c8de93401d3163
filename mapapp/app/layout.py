"""The app page's own styles: less space above the title, the map across the
main width, the playback's marks (the current event's sentence and table row;
the timeline's cursor input stays hidden). Static text, no data (the page's data
goes through the one escaper)."""

from __future__ import annotations

#: Streamlit's wide layout keeps ~6rem above the first element and 5rem at each
#: side; a map wants that room.
APP_CSS = """
[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1.25rem; padding-left: 2rem; padding-right: 2rem; max-width: none; }
h1.mapapp-title { margin: 0 0 0.25rem; padding: 0; font-size: 1.9rem; }
.mapapp-article mark.mapapp-now { background: #ffd24d; outline: 2px solid #111;
  outline-offset: 1px; }
.mapapp-now-row { position: absolute; left: 0; right: 0; height: 35px; pointer-events: none;
  box-sizing: border-box; border: 3px solid #111; background: rgba(255, 210, 77, 0.35);
  z-index: 2; }
form.vega-bindings:has(input[name="mapapp_now"]) { display: none !important; }
"""
