"""All events as one compact JSON payload, drawn in the browser by js/events.js.

One `folium.Marker` + `folium.Popup` per event costs seconds and megabytes at
10,000 events. Here the events become columnar arrays; every string goes into
a shared table (a quote or actor repeated a thousand times costs once), and
every list of strings into a table of index lists. The strings are the event
presentation of `mapapp.presentation.wording`, computed once in Python; the JS
only places them, with `textContent`, never `innerHTML` with data.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypedDict

import orjson

from mapapp.gc_pause import gc_paused
from mapapp.mapview.elements import JsLayer
from mapapp.mapview.style import POINT_RADIUS_PX
from mapapp.presentation import escape
from mapapp.presentation.palette import DAY_PALETTE
from mapapp.presentation.wording import event_view, uncertainty_m

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

#: Popup columns holding one string per event, and those holding a list of strings.
_DETAIL_STRINGS = ("head", "when", "place", "pnote", "quote")
_DETAIL_LISTS = ("who", "src", "href", "srcn", "disc")


#: The payload version js/events.js reads (`mvLib.layer("eventLayer", 3, ...)`).
VERSION = 3


class EventColumns(TypedDict):
    """Per-event columns the drawing needs."""

    order: list[int]
    day: list[int]
    lat: list[int]
    lon: list[int]
    unc: list[int]
    pl: list[int]


class EventDetails(TypedDict):
    """Popup and tooltip text, dictionary encoded (see `encode_events`)."""

    s: list[str]
    l: list[list[int]]  # noqa: E741 - the payload's short key
    c: dict[str, list[int]]


class EventsPayload(TypedDict):
    """What js/events.js reads; `d` may travel deflated as `dz` (see `payload_json`)."""

    v: int
    n: int
    label_max: int
    palette: list[str]
    point_px: int
    coord_scale: int
    sel: str
    ids: list[str]
    c: EventColumns
    s: list[str]
    d: EventDetails


def encode_events(events: Iterable[Mapping[str, Any]], selected: str = "") -> EventsPayload:
    """Event features (GeoJSON dicts) as a columnar payload, one entry per event.

    The drawing needs only `c` (order, day, lat, lon, uncertainty in metres, and
    the place name as an index into `s`) and `ids`. Everything a popup or tooltip
    shows sits in `d` (the heading "N. title" too: unique per event, it is left
    to the compression), dictionary encoded: `d.s` is its string table, `d.l` a
    table of string-index lists, `d.c` the per-event indices into them.
    `selected` is the id of the event to highlight ('' for none).
    """
    feats = events if isinstance(events, Sequence) else list(events)
    props = [f["properties"] for f in feats]
    coords = [f["geometry"]["coordinates"] for f in feats]
    # Top-level strings (place names) and popup strings: one table each;
    # setdefault gives a new value the next index and a known one its old index.
    top: dict[str, int] = {}
    t_add = top.setdefault
    strings: dict[str, int] = {}
    s_add = strings.setdefault
    lists: dict[tuple[str, ...], int] = {}
    l_add = lists.setdefault
    # One event at a time, its view dropped at once: holding every view until the
    # end made the garbage collector rescan them all (half the time at 100,000).
    texts: dict[str, list[str]] = {name: [] for name in _DETAIL_STRINGS}
    rows: dict[str, list[tuple[str, ...]]] = {name: [] for name in _DETAIL_LISTS}
    for p in props:
        v = event_view(p)
        strs = (v.heading, v.when, v.place, v.place_note, v.quote)
        for name, text in zip(_DETAIL_STRINGS, strs, strict=True):
            texts[name].append(text)
        links = v.sources
        tups = (
            v.actors,
            tuple(src.text for src in links),
            tuple(src.href or "" for src in links),
            tuple(src.note for src in links),
            v.discrepancies,
        )
        for name, row in zip(_DETAIL_LISTS, tups, strict=True):
            rows[name].append(row)
    # Column by column, so that like strings sit together and compress well.
    cols = {name: [s_add(t, len(strings)) for t in texts[name]] for name in _DETAIL_STRINGS}
    cols |= {name: [l_add(r, len(lists)) for r in rows[name]] for name in _DETAIL_LISTS}
    list_rows = [[s_add(text, len(strings)) for text in row] for row in lists]
    return {
        "v": VERSION,
        "n": len(feats),
        "label_max": LABEL_MAX,
        "palette": list(DAY_PALETTE),
        "point_px": POINT_RADIUS_PX,
        "coord_scale": COORD_SCALE,
        "sel": selected,
        "ids": [p["event_id"] for p in props],
        "c": {
            "order": [p["seq"] for p in props],
            "day": [p["day"] for p in props],
            # Integers in units of 1e-5 degree (~1 m): shorter than floats, faster to write.
            "lat": [round(c[1] * COORD_SCALE) for c in coords],
            "lon": [round(c[0] * COORD_SCALE) for c in coords],
            "unc": [uncertainty_m(p) for p in props],
            "pl": [t_add(str(p.get("place_name") or ""), len(top)) for p in props],
        },
        "s": list(top),
        "d": {"s": list(strings), "l": list_rows, "c": cols},
    }


#: Payload fields that hold only strings (every brace in them is data).
_TEXT_FIELDS = frozenset({"s", "ids", "palette", "sel"})
#: Nested objects, encoded field by field like the top level.
_OBJECT_FIELDS = frozenset({"d"})


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
                text = text.replace("{", "\\u007b").replace("}", "\\u007d")
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
    # orjson: UTF-8, several times faster than json.dumps; JSON.parse reads it the same.
    raw = orjson.dumps(details)
    if compress is None:
        compress = len(raw) >= COMPRESS_MIN_BYTES
    head = escape.script(object_json({k: v for k, v in payload.items() if k != "d"}))
    if compress:
        level = ZLIB_LEVEL if len(raw) < ZLIB_FAST_ABOVE else ZLIB_FAST_LEVEL
        # Base64 needs no escaping, so the (large) blob skips escape.script.
        blob = base64.b64encode(zlib.compress(raw, level)).decode("ascii")
        return head[:-1] + f',"dz":"{blob}"}}'
    return head[:-1] + f',"d":{escape.script(object_json(details))}}}'


class EventLayer(JsLayer):
    """The events of a collection, drawn client-side from one payload."""

    js_file = "events.js"
    js_function = "eventLayer"
    version: ClassVar[int] = VERSION
    payload_marks = (PAYLOAD_BEGIN, PAYLOAD_END)

    def __init__(self, events: Sequence[Mapping[str, Any]], selected: str = "") -> None:
        with gc_paused():  # a million short strings and tuples, no cycles: mapapp.gc_pause
            self.payload = encode_events(events, selected)
            text = payload_json(self.payload)
        super().__init__(text)


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
    """Event `index` decoded back to what its popup shows (for tests and tools)."""
    d = payload["d"]
    strings, lists, cols = d["s"], d["l"], d["c"]
    out: dict[str, Any] = {
        "event_id": payload["ids"][index],
        "order": payload["c"]["order"][index],
        "day": payload["c"]["day"][index],
        "place_name": payload["s"][payload["c"]["pl"][index]],
        "uncertainty_m": payload["c"]["unc"][index],
    }
    for name in _DETAIL_STRINGS:
        out[name] = strings[cols[name][index]]
    for name in _DETAIL_LISTS:
        out[name] = [strings[k] for k in lists[cols[name][index]]]
    return out
