"""All routes as one payload, drawn on a canvas: one `folium.PolyLine` with a
`folium.Tooltip` per day costs about a millisecond and a kilobyte of HTML each,
which a long trip (thousands of days) cannot afford."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mapapp.mapview.elements import RawMacro
from mapapp.mapview.event_layer import COORD_SCALE, find_map, object_json, script_safe
from mapapp.mapview.style import DAY_PALETTE

#: Markers around the payload in the page, so tests and tools can find it.
ROUTES_BEGIN = "/*MV_ROUTES_BEGIN*/"
ROUTES_END = "/*MV_ROUTES_END*/"


def encode_routes(routes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
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
        "palette": list(DAY_PALETTE),
        "coord_scale": COORD_SCALE,
        "s": list(dates),
        "c": {"day": day, "date": date, "km": km},
        "xy": coords,
    }


_JS = r"""
(function () {
  "use strict";
  var group = __GROUP__;
  var map = __MAP__;
  var R = __BEGIN__ __PAYLOAD__ __END__;
  var C = R.c, P = R.palette;
  // Above the partner outlines (SVG), below the events.
  if (!map.getPane("mvRoutes")) { map.createPane("mvRoutes").style.zIndex = 440; }
  var renderer = L.canvas({padding: 0.5, tolerance: 4, pane: "mvRoutes"});
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(t) { return String(t).replace(/[&<>"']/g, function (ch) { return ESC[ch]; }); }
  R.xy.forEach(function (flat, i) {
    var pts = [];
    var k = R.coord_scale;
    for (var j = 0; j + 1 < flat.length; j += 2) { pts.push([flat[j] / k, flat[j + 1] / k]); }
    var day = C.day[i], col = P[(((day - 1) % P.length) + P.length) % P.length];
    var line = L.polyline(pts, {renderer: renderer, pane: "mvRoutes", color: col, weight: 4,
                                opacity: 0.75, routeDay: day});
    line.bindTooltip(esc("Day " + day + " route, " + R.s[C.date[i]] + ", " +
                         C.km[i].toFixed(1) + " km"), {sticky: true});
    line.addTo(group);
  });
})();
"""


class RouteLayer(RawMacro):
    """The routes of a collection, one polyline per route feature, coloured by day."""

    def __init__(self, routes: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self._name = "RouteLayer"
        self.payload = encode_routes(routes)
        self.payload_text = script_safe(object_json(self.payload))

    def script_js(self) -> str:
        js = _JS.replace("__GROUP__", self.parent_name())
        js = js.replace("__MAP__", find_map(self).get_name())
        head, tail = js.split("__PAYLOAD__")
        return (
            head.replace("__BEGIN__ ", ROUTES_BEGIN)
            + self.payload_text
            + tail.replace(" __END__", ROUTES_END)
        )
