"""Drawing uploaded foreign FeatureCollections as extra overlay layers.

Each overlay is one folium.GeoJson layer, listed in the layer control under its
(escaped) file name. A feature's popup is a table of its own properties built
here with every key and value escaped: the browser only ever sees them as text.
Points are circle markers, so no marker image is fetched. The overlay has its
own pane, so its shapes can be clicked above the events' canvas.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import folium

from mapapp.store.overlay import Overlay

OVERLAY_COLOR = "#7b2cbf"
POPUP_FIELD = "mapapp_popup"
MAX_ROWS = 40
PANE = "mvOverlay"


def add_overlays(m: folium.Map, overlays: Sequence[Overlay]) -> None:
    if overlays:
        # Above the events' canvas (z 450), which would otherwise take every click,
        # and below the numbered markers (z 600), which stay clickable.
        folium.map.CustomPane(PANE, z_index=460, pointer_events=True).add_to(m)
    for overlay in overlays:
        # Leaflet's layer control shows the name as HTML.
        layer_name = html.escape(f"Upload: {overlay.name} ({overlay.count} features)")
        folium.GeoJson(
            _with_popups(overlay.collection),
            name=layer_name,
            control=True,
            show=True,
            marker=_point_marker(),
            style_function=lambda _f: {
                "color": OVERLAY_COLOR,
                "weight": 3,
                "fillColor": OVERLAY_COLOR,
                "fillOpacity": 0.2,
            },
            popup=folium.GeoJsonPopup(fields=[POPUP_FIELD], labels=False, max_width=360),
            zoom_on_click=False,
            pane=PANE,
        ).add_to(m)


def _point_marker() -> folium.CircleMarker:
    marker = folium.CircleMarker(radius=6, fill=True, fill_opacity=0.8)
    marker.options["pane"] = PANE  # folium's path options leave `pane` out
    return marker


def _with_popups(collection: dict[str, Any]) -> dict[str, Any]:
    """Features carrying only the escaped popup table (their raw properties stay out)."""
    features = [
        {
            "type": "Feature",
            "geometry": f.get("geometry"),
            "properties": {POPUP_FIELD: popup_html(f.get("properties") or {})},
        }
        for f in collection["features"]
        if f.get("geometry") is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def popup_html(props: dict[str, Any]) -> str:
    rows = [
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_text(v))}</td></tr>"
        for k, v in list(props.items())[:MAX_ROWS]
    ]
    body = "".join(rows) or "<tr><td>(no properties)</td></tr>"
    return f'<table class="mv-overlay-popup">{body}</table>'


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
