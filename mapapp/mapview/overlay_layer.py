"""Uploaded foreign FeatureCollections, drawn by js/overlays.js as extra layers.

Everything in an upload is the sender's: its property keys and values, and its
file name (the layer's name in the control). They travel as inert JSON and the
JS sets them as text; the features keep only their geometry. Points are circle
markers, so no marker image is fetched. The overlays have their own pane, so
their shapes can be clicked above the events' canvas.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar, TypedDict

from mapapp.mapview.elements import JsLayer, inert_json
from mapapp.store.overlay import Overlay

OVERLAY_COLOR = "#7b2cbf"
MAX_ROWS = 40
POINT_PX = 6
#: The payload version js/overlays.js reads.
VERSION = 1

STYLE = {"color": OVERLAY_COLOR, "weight": 3, "fillColor": OVERLAY_COLOR, "fillOpacity": 0.2}

Row = list[str]  # [key, value as text]


class OverlayPayload(TypedDict):
    """What js/overlays.js reads: `fc`'s features carry their geometry and `i`, the
    index of their rows in `rows`."""

    v: int
    style: dict[str, Any]
    point_px: int
    rows: list[list[Row]]
    fc: dict[str, Any]


def layer_name(overlay: Overlay) -> str:
    """The overlay's name in the layer control (text, set with textContent)."""
    return f"Upload: {overlay.name} ({overlay.count} features)"


def _geometry(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """Only the members Leaflet draws (a foreign member is the sender's too)."""
    if geometry.get("type") == "GeometryCollection":
        return {"type": "GeometryCollection",
                "geometries": [_geometry(g) for g in geometry.get("geometries") or ()]}  # fmt: skip
    return {"type": geometry.get("type"), "coordinates": geometry.get("coordinates")}


def popup_rows(props: Mapping[str, Any]) -> list[Row]:
    """A feature's properties as [key, text] rows, at most MAX_ROWS."""
    return [[str(k), _text(v)] for k, v in list(props.items())[:MAX_ROWS]]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def encode_overlay(collection: Mapping[str, Any]) -> OverlayPayload:
    features: list[dict[str, Any]] = []
    rows: list[list[Row]] = []
    for feature in collection["features"]:
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        features.append(
            {"type": "Feature", "geometry": _geometry(geometry), "properties": {"i": len(rows)}}
        )
        rows.append(popup_rows(feature.get("properties") or {}))
    return {
        "v": VERSION,
        "style": STYLE,
        "point_px": POINT_PX,
        "rows": rows,
        "fc": {"type": "FeatureCollection", "features": features},
    }


class OverlayLayer(JsLayer):
    """One uploaded collection."""

    js_file = "overlays.js"
    js_function = "overlayLayer"
    version: ClassVar[int] = VERSION
    payload_marks = ("/*MV_OVERLAY_BEGIN*/", "/*MV_OVERLAY_END*/")

    def __init__(self, overlay: Overlay) -> None:
        self.payload = encode_overlay(overlay.collection)
        super().__init__(inert_json(self.payload))
