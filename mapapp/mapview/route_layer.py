"""All routes as one payload, drawn on a canvas by js/routes.js: one
`folium.PolyLine` with a `folium.Tooltip` per day costs about a millisecond and
a kilobyte of HTML each, which a long trip (thousands of days) cannot afford."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict

from mapapp.mapview.elements import JsLayer, inert_json
from mapapp.mapview.event_layer import COORD_SCALE
from mapapp.presentation.palette import DAY_PALETTE

#: Markers around the payload in the page, so tests and tools can find it.
ROUTES_BEGIN = "/*MV_ROUTES_BEGIN*/"
ROUTES_END = "/*MV_ROUTES_END*/"


#: Above this many day routes the map opens with the routes layer off (the layer
#: control turns it on): Leaflet redraws every route on the canvas after each pan
#: and zoom, and 200,000 of them (a million events) took seconds a frame.
SHOWN_MAX = 10_000

#: The payload version js/routes.js reads.
VERSION = 1


class RouteColumns(TypedDict):
    day: list[int]
    date: list[int]  # index into `s`
    km: list[float]


class RoutesPayload(TypedDict):
    """What js/routes.js reads."""

    v: int
    palette: list[str]
    coord_scale: int
    s: list[str]
    c: RouteColumns
    xy: list[list[int]]


def encode_routes(routes: Sequence[Mapping[str, Any]]) -> RoutesPayload:
    """Route features as columns; each route's line is a flat [lat, lon, lat, lon, ...]
    in integer units of 1/`coord_scale` degree."""
    props = [f["properties"] for f in routes]
    dates: dict[str, int] = {}
    d_add = dates.setdefault
    day = [p.get("day") or 1 for p in props]
    date = [d_add(p.get("date") or "", len(dates)) for p in props]
    km = [round(p.get("length_km") or 0.0, 1) for p in props]
    coords = [
        [round(v * COORD_SCALE) for pt in f["geometry"]["coordinates"] for v in (pt[1], pt[0])]
        for f in routes
    ]
    return {
        "v": VERSION,
        "palette": list(DAY_PALETTE),
        "coord_scale": COORD_SCALE,
        "s": list(dates),
        "c": {"day": day, "date": date, "km": km},
        "xy": coords,
    }


class RouteLayer(JsLayer):
    """The routes of a collection, one polyline per route feature, coloured by day."""

    js_file = "routes.js"
    js_function = "routeLayer"
    version: ClassVar[int] = VERSION
    payload_marks = (ROUTES_BEGIN, ROUTES_END)

    def __init__(self, routes: Sequence[Mapping[str, Any]]) -> None:
        self.payload = encode_routes(routes)
        super().__init__(inert_json(self.payload))
