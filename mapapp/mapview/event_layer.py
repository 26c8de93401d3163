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

import numpy as np
import orjson

from mapapp.gc_pause import gc_paused
from mapapp.mapview.elements import JsLayer
from mapapp.mapview.style import POINT_RADIUS_PX
from mapapp.presentation import escape
from mapapp.presentation.palette import DAY_PALETTE
from mapapp.presentation.wording import event_columns, uncertainty_m

#: Up to this many events, each carries its visit-order number on the map.
LABEL_MAX = 200

#: Above this many events, they are drawn with WebGL (leaflet.glify, js/events_gl.js)
#: from binary columns, instead of one Leaflet canvas marker each: Leaflet keeps a
#: JS object per marker and repaints every one on each pan and zoom, which at tens
#: of thousands takes the page seconds to open and makes panning stutter, while
#: WebGL draws a million from one buffer.
GL_MIN = 20_000

#: Markers around the payload in the page, so tests and tools can find it.
PAYLOAD_BEGIN = "/*MV_EVENTS_BEGIN*/"
PAYLOAD_END = "/*MV_EVENTS_END*/"

#: Coordinates travel as integers: degrees times this.
COORD_SCALE = 100_000

#: Below this many bytes of popup details, they are shipped as plain JSON.
COMPRESS_MIN_BYTES = 64_000
#: zlib levels: 6 packs well (the 10k-event page must stay under 2 MB); above
#: ZLIB_FAST_ABOVE raw bytes, level 2 is four times faster (0.23 s instead of 0.94 s
#: at 100,000 events) for ~25% more bytes.
ZLIB_LEVEL = 6
ZLIB_FAST_LEVEL = 2
ZLIB_FAST_ABOVE = 12_000_000

#: Popup columns holding one string per event, and those holding a list of strings.
_DETAIL_STRINGS = ("head", "when", "place", "pnote", "quote")
_DETAIL_LISTS = ("who", "src", "href", "srcn", "disc")


#: The payload version js/events.js reads (`mvLib.layer("eventLayer", 4, ...)`).
VERSION = 4

#: The binary columns of a WebGL payload (`b`): little-endian, base64.
_BINARY_INT = ("order", "day", "unc", "pl")
_BINARY_FLOAT = ("lat", "lon")


def uses_webgl(count: int) -> bool:
    """Whether a map of `count` events draws them with WebGL (see GL_MIN)."""
    return count > GL_MIN


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
    """What js/events.js reads; `d` may travel deflated as `dz` (see `payload_json`).

    With `gl` set (more than GL_MIN events), the columns travel in `b` instead of
    `c` (whose lists are then empty): base64 of little-endian int32 (order, day,
    unc, pl) and float32 degrees (lat, lon), decoded by the browser into typed
    arrays without a JSON parse of millions of numbers.
    """

    v: int
    gl: bool
    b: dict[str, str]
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
    words = event_columns(props)
    # Column by column, so that like strings sit together and compress well; each
    # table grows in first-seen order (a dict keeps it), then maps a column at once.
    strings: dict[str, int] = {}
    lists: dict[tuple[str, ...], int] = {}

    def indices(table: dict[Any, int], column: list[Any]) -> list[int]:
        for value in dict.fromkeys(column):
            if value not in table:
                table[value] = len(table)
        return list(map(table.__getitem__, column))

    texts = (words.heading, words.when, words.place, words.place_note, words.quote)
    cols = {name: indices(strings, col) for name, col in zip(_DETAIL_STRINGS, texts, strict=True)}
    links = words.sources
    rows = (
        words.actors,
        [tuple([src.text for src in row]) for row in links],
        [tuple([src.href or "" for src in row]) for row in links],
        [tuple([src.note for src in row]) for row in links],
        words.discrepancies,
    )
    cols |= {name: indices(lists, row) for name, row in zip(_DETAIL_LISTS, rows, strict=True)}
    for row in lists:
        for text in row:
            if text not in strings:
                strings[text] = len(strings)
    string_index = strings.__getitem__
    list_rows = [list(map(string_index, row)) for row in lists]
    top: dict[str, int] = {}
    columns: EventColumns = {
        "order": [p["seq"] for p in props],
        "day": [p["day"] for p in props],
        "lat": [],
        "lon": [],
        "unc": [uncertainty_m(p) for p in props],
        "pl": indices(top, [str(p.get("place_name") or "") for p in props]),
    }
    gl = uses_webgl(len(feats))
    binary: dict[str, str] = {}
    if gl:
        binary = _binary_columns(columns, coords)
        for name in _BINARY_INT:
            columns[name] = []  # type: ignore[literal-required]
    else:
        # Integers in units of 1e-5 degree (~1 m): shorter than floats, faster to write.
        columns["lat"] = [round(c[1] * COORD_SCALE) for c in coords]
        columns["lon"] = [round(c[0] * COORD_SCALE) for c in coords]
    return {
        "v": VERSION,
        "gl": gl,
        "b": binary,
        "n": len(feats),
        "label_max": LABEL_MAX,
        "palette": list(DAY_PALETTE),
        "point_px": POINT_RADIUS_PX,
        "coord_scale": COORD_SCALE,
        "sel": selected,
        "ids": [p["event_id"] for p in props],
        "c": columns,
        "s": list(top),
        "d": {"s": list(strings), "l": list_rows, "c": cols},
    }


def _b64(array: np.ndarray[Any, Any]) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _binary_columns(columns: EventColumns, coords: Sequence[Sequence[float]]) -> dict[str, str]:
    """The WebGL payload's columns: int32 and float32 (about 1 m at 180 degrees)."""
    xy = np.array([c[:2] for c in coords], dtype="<f4").reshape(-1, 2)
    out = {name: _b64(np.array(columns[name], dtype="<i4")) for name in _BINARY_INT}  # type: ignore[literal-required]
    out["lat"] = _b64(np.ascontiguousarray(xy[:, 1]))
    out["lon"] = _b64(np.ascontiguousarray(xy[:, 0]))
    return out


def decode_binary(payload: dict[str, Any]) -> None:
    """A WebGL payload's binary columns back into `c` as lists (for tests and tools)."""
    for name, text in (payload.get("b") or {}).items():
        dtype = "<f4" if name in _BINARY_FLOAT else "<i4"
        payload["c"][name] = np.frombuffer(base64.b64decode(text), dtype=dtype).tolist()


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
        # Base64 needs no escaping, so the (large) blob skips escape.script.
        level = ZLIB_LEVEL if len(raw) < ZLIB_FAST_ABOVE else ZLIB_FAST_LEVEL
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
    decode_binary(loaded)
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
