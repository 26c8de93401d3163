"""All routes as one payload, drawn on a canvas by js/routes.js: one
`folium.PolyLine` with a `folium.Tooltip` per day costs about a millisecond and
a kilobyte of HTML each, which a long trip (thousands of days) cannot afford."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, ClassVar, TypedDict

import numpy as np

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
    return {
        "v": VERSION,
        "palette": list(DAY_PALETTE),
        "coord_scale": COORD_SCALE,
        "s": list(dates),
        "c": {"day": day, "date": date, "km": km},
        "xy": _lines([f["geometry"]["coordinates"] for f in routes]),
    }


def _lines(lines: list[Sequence[Sequence[float]]]) -> list[list[int]]:
    """Each line as a flat [lat, lon, lat, lon, ...] in units of 1/COORD_SCALE degree:
    all at once when every position is (lon, lat), else position by position."""
    counts = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    if all(len(pt) == 2 for line in lines for pt in line):
        try:
            flat = np.fromiter(
                chain.from_iterable(chain.from_iterable(lines)),
                dtype=np.float64,
                count=2 * int(counts.sum()),
            )
        except (TypeError, ValueError):  # not numbers: data that skipped the store
            flat = None
        if flat is not None:
            # Python's round() and numpy's rint both round half to even.
            lat_lon = flat.reshape(-1, 2)[:, ::-1] * COORD_SCALE
            scaled = np.rint(lat_lon).astype(np.int64).ravel().tolist()
            ends = np.cumsum(2 * counts).tolist()
            return [scaled[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    return [[round(v * COORD_SCALE) for pt in line for v in (pt[1], pt[0])] for line in lines]


class RouteLayer(JsLayer):
    """The routes of a collection, one polyline per route feature, coloured by day."""

    js_file = "routes.js"
    js_function = "routeLayer"
    version: ClassVar[int] = VERSION
    payload_marks = (ROUTES_BEGIN, ROUTES_END)

    def __init__(self, routes: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(inert_json(encode_routes(routes)))  # its text, not its lists
