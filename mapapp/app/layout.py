"""The app page's own styles: less space above the title, the map across the
main width. Static text, no data (the page's data goes through the one escaper)."""

from __future__ import annotations

#: Streamlit's wide layout keeps ~6rem above the first element and 5rem at each
#: side; a map wants that room.
APP_CSS = """
[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1.25rem; padding-left: 2rem; padding-right: 2rem; max-width: none; }
h1.mapapp-title { margin: 0 0 0.25rem; padding: 0; font-size: 1.9rem; }
"""
