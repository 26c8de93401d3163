"""All events as one compact JSON payload, drawn in the browser on one canvas.

One `folium.Marker` + `folium.Popup` per event costs seconds and megabytes at
10,000 events. Here the events become columnar arrays; every string goes
into one shared table (a quote or actor repeated a thousand times costs once),
and every list of strings into a table of index lists. The JS draws them
with `L.circleMarker`/`L.circle` on a shared `L.canvas` renderer and builds
tooltip and popup only when needed, with `textContent`, never `innerHTML`
with data.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
from branca.element import Element

from mapapp.mapview.elements import RawMacro
from mapapp.mapview.style import (
    DAY_PALETTE,
    POINT_RADIUS_PX,
    PRECISION_LABEL,
    uncertainty_radius_m,
)

#: Up to this many events, each carries its visit-order number on the map.
LABEL_MAX = 200

#: Markers around the payload in the page, so tests and tools can find it.
PAYLOAD_BEGIN = "/*MV_EVENTS_BEGIN*/"
PAYLOAD_END = "/*MV_EVENTS_END*/"

#: Coordinates travel as integers: degrees times this.
COORD_SCALE = 100_000

#: Below this many bytes of popup details, they are shipped as plain JSON.
COMPRESS_MIN_BYTES = 64_000
#: zlib levels: 6 packs well (the 10k-event page must stay under 2 MB); above
#: ZLIB_FAST_ABOVE raw bytes, level 3 is four times faster for ~20% more bytes.
ZLIB_LEVEL = 6
ZLIB_FAST_LEVEL = 3
ZLIB_FAST_ABOVE = 12_000_000

_DETAIL_STRINGS = (
    ("date", "date"), ("time", "time"), ("tl", "time_label"), ("place", "place_name"),
    ("quote", "quote"),
)  # fmt: skip
#: "who" holds actor_roles ("Name: role"), or the bare actors when there are no roles.
_DETAIL_LISTS = (("who", "actor_roles"), ("src", "sources"), ("disc", "discrepancies"))


def encode_events(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Event features (GeoJSON dicts) as a columnar payload, one entry per event.

    The drawing needs only `c` (order, day, lat, lon, geo_precision, title as an
    index into `s`) and `ids`. Everything a popup shows sits in `d`, dictionary
    encoded: `d.s` is its string table, `d.l` a table of string-index lists,
    `d.c` the per-event indices into them.
    """
    # Column by column (comprehensions), not row by row: about twice as fast.
    feats = events if isinstance(events, Sequence) else list(events)
    props = [f["properties"] for f in feats]
    coords = [f["geometry"]["coordinates"] for f in feats]
    # Types are the schema's (mapapp.store.schema); json.dumps escapes any string.
    ids = [p["event_id"] for p in props]
    order = [p["order"] for p in props]
    day = [p["day"] for p in props]
    # Integers in units of 1e-5 degree (~1 m): shorter than floats, and faster to write.
    lat = [round(c[1] * COORD_SCALE) for c in coords]
    lon = [round(c[0] * COORD_SCALE) for c in coords]
    prec = [int(p.get("geo_precision") or 1) for p in props]
    titles: dict[str, int] = {}
    t_add = titles.setdefault
    title = [t_add(p.get("title") or "", len(titles)) for p in props]

    # One string table for every detail column and list; setdefault assigns the
    # next index to a new value and returns the old index for a known one.
    strings: dict[str, int] = {}
    s_add = strings.setdefault
    lists: dict[tuple[str, ...], int] = {}
    l_add = lists.setdefault
    detail_cols: dict[str, list[int]] = {}
    for name, key in _DETAIL_STRINGS:
        detail_cols[name] = [s_add(p.get(key) or "", len(strings)) for p in props]
    detail_cols["who"] = [
        l_add(tuple(p.get("actor_roles") or p.get("actors") or ()), len(lists)) for p in props
    ]
    for name, key in _DETAIL_LISTS[1:]:
        detail_cols[name] = [l_add(tuple(p.get(key) or ()), len(lists)) for p in props]
    list_rows = [[s_add(v, len(strings)) for v in tup] for tup in lists]
    for g in set(prec):
        uncertainty_radius_m(g)  # rejects an unknown precision
    details = {
        "prec_labels": [PRECISION_LABEL.get(i, "") for i in range(max(PRECISION_LABEL) + 1)],
        "s": list(strings),
        "l": list_rows,
        "c": detail_cols,
    }
    return {
        "v": 2,
        "n": len(ids),
        "label_max": LABEL_MAX,
        "palette": list(DAY_PALETTE),
        "point_px": POINT_RADIUS_PX,
        "coord_scale": COORD_SCALE,
        "radii": [uncertainty_radius_m(i) if i in PRECISION_LABEL else 0 for i in range(4)],
        "s": list(titles),
        "ids": ids,
        "c": {"order": order, "day": day, "lat": lat, "lon": lon, "prec": prec, "title": title},
        "d": details,
    }


_SCRIPT_SAFE = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)  # fmt: skip
_NO_BRACES = (("{", "\\u007b"), ("}", "\\u007d"))

#: Payload fields that hold only strings (every brace in them is data).
_TEXT_FIELDS = frozenset({"s", "ids", "palette", "prec_labels"})
#: Nested objects, encoded field by field like the top level.
_OBJECT_FIELDS = frozenset({"d"})


def _replace_all(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def object_json(obj: Mapping[str, Any]) -> str:
    """JSON of a payload object; braces inside its string fields become \\u escapes."""
    dump = json.dumps
    parts = []
    for key, value in obj.items():
        if key in _OBJECT_FIELDS:
            text = object_json(value)
        else:
            text = dump(value, ensure_ascii=False, separators=(",", ":"))
            if key in _TEXT_FIELDS:
                text = _replace_all(text, _NO_BRACES)
        parts.append(f"{dump(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def payload_json(payload: Mapping[str, Any], *, compress: bool | None = None) -> str:
    """The payload as JSON that is safe inside a <script> element.

    `<`, `>`, `&` become \\u escapes (no `</script>`, no `<!--`), and so do the
    braces inside strings, so no Jinja or streamlit-folium rewrite can see
    `{{ ... }}` in data. json.loads and JSON.parse read it back unchanged.

    Large popup details (`d`) are zlib-compressed and base64-encoded into `dz`
    instead (the browser inflates them with DecompressionStream): unique quotes
    and source URLs are most of the bytes and compress about tenfold.
    `compress=None` decides by size.
    """
    details = payload["d"]
    # ASCII output: the C encoder's fastest path; the escapes cost nothing once deflated.
    raw = json.dumps(details, separators=(",", ":")).encode("ascii")
    if compress is None:
        compress = len(raw) >= COMPRESS_MIN_BYTES
    head = script_safe(object_json({k: v for k, v in payload.items() if k != "d"}))
    if compress:
        level = ZLIB_LEVEL if len(raw) < ZLIB_FAST_ABOVE else ZLIB_FAST_LEVEL
        # Base64 needs no escaping, so the (large) blob skips script_safe.
        blob = base64.b64encode(zlib.compress(raw, level)).decode("ascii")
        return head[:-1] + f',"dz":"{blob}"}}'
    return head[:-1] + f',"d":{script_safe(object_json(details))}}}'


def script_safe(text: str) -> str:
    """JSON text made safe inside <script>: `<`, `>`, `&`, U+2028/9 as \\u escapes."""
    return _replace_all(text, _SCRIPT_SAFE)


#: The drawing code; kept in Python (not a .js file) so it ships without package data.
_JS = r"""
(function () {
  "use strict";
  var group = __GROUP__;
  var map = __MAP__;
  var D = __BEGIN__ __PAYLOAD__ __END__;
  var C = D.c, P = D.palette, n = D.n;
  // Own pane: Leaflet stacks a canvas under the SVG overlays (partner outlines)
  // of the same pane, which would hide the events.
  if (!map.getPane("mvEvents")) { map.createPane("mvEvents").style.zIndex = 450; }
  var renderer = L.canvas({padding: 0.5, tolerance: 6, pane: "mvEvents"});
  var numbered = n <= D.label_max;
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(t) { return String(t).replace(/[&<>"']/g, function (ch) { return ESC[ch]; }); }
  function color(i) { return P[(((C.day[i] - 1) % P.length) + P.length) % P.length]; }
  function tip(i) { return C.order[i] + ". " + D.s[C.title[i]]; }
  var detailsPromise = null;
  function details() {
    // Popup details: plain JSON for small trips, deflated + base64 for big ones.
    if (!detailsPromise) {
      if (D.d) {
        detailsPromise = Promise.resolve(D.d);
      } else if (typeof DecompressionStream === "undefined") {
        detailsPromise = Promise.reject(new Error("this browser cannot inflate the details"));
      } else {
        var bin = atob(D.dz), bytes = new Uint8Array(bin.length);
        for (var j = 0; j < bin.length; j++) { bytes[j] = bin.charCodeAt(j); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
        detailsPromise = new Response(stream).text().then(JSON.parse);
      }
    }
    return detailsPromise;
  }
  function el(parent, tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function listSection(root, title, items, links) {
    if (!items.length) { return; }
    el(root, "div", "mv-sec", title);
    var ul = el(root, "ul");
    items.forEach(function (t) {
      var li = el(ul, "li");
      if (links && /^https?:\/\/[^\s\/]/i.test(t)) {
        var a = el(li, "a", null, t);
        a.href = t; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        li.textContent = t;
      }
    });
  }
  function popupNode(i, d) {
    var S = d.s, DC = d.c;
    function str(col) { return S[DC[col][i]]; }
    function strs(col) { return d.l[DC[col][i]].map(function (k) { return S[k]; }); }
    var root = el(null, "div", "mv-popup");
    root.setAttribute("data-event-id", D.ids[i]);
    el(root, "h4", null, tip(i));
    var parts = [str("date")], t = str("time"), tl = str("tl");
    // A label that starts with the time ("18:10, about 45 minutes") replaces it.
    if (t && tl && tl.indexOf(t) === 0) { parts.push(tl); }
    else {
      if (t) { parts.push(t); }
      if (tl && tl !== t) { parts.push("(" + tl + ")"); }
    }
    el(root, "div", "mv-when", "Day " + C.day[i] + ": " + parts.filter(Boolean).join(" "));
    var place = el(root, "div", "mv-place", str("place") + " ");
    el(place, "span", "mv-prec", "(" + (d.prec_labels[C.prec[i]] || "") + ")");
    var q = str("quote");
    if (q) { el(root, "blockquote", null, q); }
    listSection(root, "Actors", strs("who"), false);
    listSection(root, "Sources", strs("src"), true);
    listSection(root, "Discrepancies", strs("disc"), false);
    return root;
  }
  function fallbackNode(i, err) {
    var root = el(null, "div", "mv-popup");
    el(root, "h4", null, tip(i));
    el(root, "div", "mv-when", "Details unavailable: " + (err && err.message ? err.message : err));
    return root;
  }
  var popup = L.popup({maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24]});
  function ensureTip(layer) {
    if (layer.getTooltip()) { return false; }
    // Escaped text, not a node: streamlit-folium reads the tooltip content
    // back (last_object_clicked_tooltip) and expects a string.
    layer.bindTooltip(esc(tip(layer.options.eventIndex)), {direction: "top", offset: [0, -6]});
    return true;
  }
  function onOver(e) { if (ensureTip(e.target)) { e.target.openTooltip(e.latlng); } }
  function onClick(e) {
    var layer = e.target, m = layer._map, i = layer.options.eventIndex;
    ensureTip(layer);
    if (!m) { return; }
    var at = layer.getLatLng();
    details().then(function (d) { return popupNode(i, d); },
                   function (err) { return fallbackNode(i, err); })
      .then(function (node) { popup.setLatLng(at).setContent(node).openOn(m); });
  }
  function wire(layer) {
    layer.on("mouseover", onOver);
    layer.on("click", onClick);
    layer.addTo(group);
    return layer;
  }
  // A circle that stays visible (a few pixels) when zoomed far out.
  var MvCircle = L.Circle.extend({
    _project: function () {
      L.Circle.prototype._project.call(this);
      var m = this.options.minPx || 0;
      if (this._radius < m) { this._radius = m; this._radiusY = m; this._updateBounds(); }
    }
  });
  function numberIcon(i, col, shift) {
    var span = el(null, "span", null, String(C.order[i]));
    span.style.background = col;
    return L.divIcon({className: "mv-num", html: span, iconSize: [20, 20],
                      iconAnchor: [10 - shift, 10]});
  }
  var idx = new Array(n);
  for (var k = 0; k < n; k++) { idx[k] = k; }
  // Big circles first, so points and numbers draw on top of them.
  idx.sort(function (a, b) { return (C.prec[b] - C.prec[a]) || (C.order[a] - C.order[b]); });
  var seen = {};
  idx.forEach(function (i) {
    var ll = [C.lat[i] / D.coord_scale, C.lon[i] / D.coord_scale];
    var g = C.prec[i], r = D.radii[g] || 0, col = color(i);
    var common = {eventId: D.ids[i], eventIndex: i, precision: g};
    if (r > 0) {
      wire(new MvCircle(ll, L.extend({radius: r, minPx: 5, renderer: renderer, pane: "mvEvents",
        color: col, weight: 1.5, dashArray: "4 3", fillColor: col, fillOpacity: 0.15}, common)));
    }
    if (numbered) {
      var key = ll[0] + "," + ll[1], dup = seen[key] || 0;
      seen[key] = dup + 1;
      wire(L.marker(ll, L.extend({icon: numberIcon(i, col, dup * 18), keyboard: false,
        riseOnHover: true}, common)));
    } else if (r === 0) {
      wire(L.circleMarker(ll, L.extend({radius: D.point_px, renderer: renderer,
        pane: "mvEvents", color: "#ffffff", weight: 1, fillColor: col, fillOpacity: 0.9},
        common)));
    }
  });
  if (D.dz) { setTimeout(function () { details().catch(function () {}); }, 300); }
})();
"""


class EventLayer(RawMacro):
    """The events of a collection, drawn client-side from one payload."""

    def __init__(self, events: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.payload = encode_events(events)
        self.payload_text = payload_json(self.payload)

    def script_js(self) -> str:
        # The parent's name is looked up at render time: streamlit-folium renames
        # every element before it asks for the script.
        js = _JS.replace("__GROUP__", self.parent_name()).replace(
            "__MAP__", find_map(self).get_name()
        )
        head, tail = js.split("__PAYLOAD__")
        head = head.replace("__BEGIN__ ", PAYLOAD_BEGIN)
        tail = tail.replace(" __END__", PAYLOAD_END)
        return head + self.payload_text + tail


def find_map(element: Element) -> Element:
    """The folium.Map above an element (the pane lives on the map)."""
    node: Element | None = element
    while node is not None and not isinstance(node, folium.Map):
        node = node._parent
    if node is None:
        raise ValueError("EventLayer must be added to a folium Map (or a group on one)")
    return node


def extract_payload(html: str) -> dict[str, Any]:
    """The events payload from a rendered page, details inflated (for tests and tools)."""
    start = html.index(PAYLOAD_BEGIN) + len(PAYLOAD_BEGIN)
    end = html.index(PAYLOAD_END, start)
    loaded: dict[str, Any] = json.loads(html[start:end])
    blob = loaded.pop("dz", None)
    if blob is not None:
        loaded["d"] = json.loads(zlib.decompress(base64.b64decode(blob)).decode("utf-8"))
    return loaded


def event_details(payload: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Event `index` decoded back to its properties (what its popup shows)."""
    d = payload["d"]
    strings, lists, cols = d["s"], d["l"], d["c"]
    out: dict[str, Any] = {
        "event_id": payload["ids"][index],
        "order": payload["c"]["order"][index],
        "day": payload["c"]["day"][index],
        "title": payload["s"][payload["c"]["title"][index]],
        "geo_precision": payload["c"]["prec"][index],
    }
    for name, key in _DETAIL_STRINGS:
        out[key] = strings[cols[name][index]]
    for name, key in _DETAIL_LISTS:
        out[key] = [strings[k] for k in lists[cols[name][index]]]
    out["actors"] = out["actor_roles"]  # "who": roles, or bare actors without roles
    return out
