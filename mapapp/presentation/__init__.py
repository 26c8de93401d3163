"""How mapapp's data reads and looks, for every view: the map, the app, the exports.

A leaf: it imports nothing heavy (no folium, branca, jinja2, streamlit, pandas or
shapely), so `mapapp export` can word a placemark without loading the map.

- `wording`: the one event wording (`EventView`) and the one URL rule (`safe_url`);
- `escape`: the one escaper per target (HTML text, a JS string, JSON in <script>);
- `palette`: the colours every view draws with.
"""
