"""Map rendering: pure functions from a GeoJSON FeatureCollection to a folium map.

No Streamlit here; the app passes `build_map(...)` to streamlit-folium, the CLI
writes `render_html(...)` to a file.
"""

# First: folium's first import, in a batch process, without pandas (see its note).
import mapapp.mapview.folium_without_pandas  # noqa: F401  # isort: skip
from mapapp.mapview.assets import install_static
from mapapp.mapview.features import view_bounds
from mapapp.mapview.render import build_map, render_html

__all__ = ["build_map", "install_static", "render_html", "view_bounds"]
