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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, starmap
from typing import Any, ClassVar, Protocol, TypedDict

import numpy as np
import orjson
from isal import isal_zlib

from mapapp.gc_pause import gc_paused
from mapapp.mapview.elements import JsLayer
from mapapp.mapview.event_table import MISSING, EventTable, event_table, texts
from mapapp.mapview.style import POINT_RADIUS_PX
from mapapp.presentation import escape
from mapapp.presentation.palette import DAY_PALETTE
from mapapp.presentation.wording import (
    LOCATION_NOTE,
    heading,
    heading_of,
    place_line,
    place_of,
    safe_urls,
    uncertainty_m,
    when_of,
    when_text,
)

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
#: ZLIB_FAST_ABOVE raw bytes, ISA-L's level 2 (the same zlib stream, made by the
#: `isal` package) is sixteen times faster than zlib's level 6 and four times
#: faster than zlib's level 2 (0.05 s instead of 0.81 s and 0.21 s at 100,000
#: events) for ~35% more bytes than level 6 and ~6% more than zlib's level 2.
ZLIB_LEVEL = 6
ZLIB_FAST_LEVEL = 2
ZLIB_FAST_ABOVE = 12_000_000

#: Popup columns holding one string index per event (`loc`: -1 for none).
_DETAIL_STRINGS = ("when", "place", "pnote", "loc")
#: Popup columns holding a list of strings per event, as offsets into one flat
#: array of string indices (`d.o[name]`, n + 1 long, and `d.x[name]`).
_DETAIL_LISTS = ("who", "disc")


#: The payload version js/events.js reads (`mvLib.layer("eventLayer", 5, ...)`).
VERSION = 5

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
    """Popup and tooltip text (see `encode_events`)."""

    s: list[str]
    c: dict[str, Any]
    head: list[str]
    quote: list[str]
    src: list[str]
    sh: list[int | str]
    o: dict[str, Any]
    x: dict[str, Any]
    h: list[int]
    ln: str
    ac: list[int]
    al: list[list[int]]


class EventsPayload(TypedDict):
    """What js/events.js reads; `d` may travel deflated as `dz` (see `payload_json`).

    With `gl` set (more than GL_MIN events), the columns travel in `b` instead of
    `c` (whose lists are then empty): base64 of little-endian int32 (order, day,
    unc, pl) and float32 degrees (lat, lon), decoded by the browser into typed
    arrays without a JSON parse of millions of numbers.
    """

    v: int
    gl: bool
    fl: bool
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


class _Table:
    """A string table in first-seen order; columns of strings become index arrays."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.strings: list[str] = []

    def codes(self, column: list[str]) -> np.ndarray[Any, Any]:
        table, strings = self.index, self.strings
        for value in dict.fromkeys(column):  # C-speed distinct values, in order
            if value not in table:
                table[value] = len(strings)
                strings.append(value)
        return np.fromiter(map(table.__getitem__, column), dtype=np.int64, count=len(column))

    def add(self, value: str) -> int:
        """The index of one string, added if new."""
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.strings)
            self.strings.append(value)
        return found

    def unique(self, column: list[str]) -> np.ndarray[Any, Any]:
        """Codes of strings known to differ from each other (the headings: "N. title"),
        appended without a look-up; one equal to an earlier string is stored twice."""
        start = len(self.strings)
        self.strings += column
        return np.arange(start, len(self.strings), dtype=np.int64)


def _text(value: Any) -> str:
    return value if type(value) is str else str(value)


def _flat(rows: list[Any]) -> tuple[np.ndarray[Any, Any], list[str]]:
    """Offsets (n + 1) and the flattened strings of per-event lists."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)), out=offsets[1:])
    return offsets, list(map(_text, chain.from_iterable(rows)))


_MISSING = object()


def _some(value: Any) -> Any:
    """None for a missing field, else the value."""
    return None if value is MISSING else value


def _worded(
    t: EventTable,
    fn: Callable[[Mapping[str, Any]], str],
    keys: tuple[str, ...],
    of: Callable[..., str],
    strings: _Table,
) -> np.ndarray[Any, Any]:
    """The codes in `strings` of `fn(p)` for every event, worded once per distinct
    value of the fields it reads (by `of`, the same wording from those fields as
    arguments, when none is missing) and looked up once per distinct value too."""
    columns = [t.col[k] for k in keys]
    rows = list(zip(*columns, strict=True))
    try:
        distinct: dict[tuple[Any, ...], Any] = dict.fromkeys(rows)
    except TypeError:  # an unhashable value (data that skipped the store's checks)
        return strings.codes([fn(p) for p in t.props])
    if any(MISSING in column for column in columns):
        for row in distinct:
            distinct[row] = fn({k: v for k, v in zip(keys, row, strict=True) if v is not MISSING})
    else:
        distinct = dict(zip(distinct, starmap(of, distinct), strict=True))
    # Strings enter the table in the order their first event has them, as `codes` does.
    coded = dict(zip(distinct, map(strings.add, distinct.values()), strict=True))
    return np.fromiter(map(coded.__getitem__, rows), dtype=np.int64, count=len(rows))


def _listed(
    rows: list[Sequence[Any]], strings: _Table
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """`_flat` of per-event lists, their strings as codes in `strings`: each distinct
    list (an actor line-up, shared by thousands of events) is looked up once."""
    n = len(rows)
    lists: dict[tuple[Any, ...], int] = {}
    add = lists.setdefault
    try:
        ids = np.fromiter((add(tuple(r), len(lists)) for r in rows), dtype=np.int64, count=n)
    except TypeError:  # an unhashable value (data that skipped the store's checks)
        offsets, listed = _flat(rows)
        return offsets, strings.codes(listed)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    starts = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    codes = strings.codes(list(map(_text, chain.from_iterable(lists))))
    per_event = lengths[ids]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_event, out=offsets[1:])
    owner = np.repeat(np.arange(n, dtype=np.int64), per_event)  # the event of each entry
    at = starts[ids][owner] + np.arange(int(offsets[-1]), dtype=np.int64) - offsets[owner]
    return offsets, codes[at]


def encode_events(
    events: Iterable[Mapping[str, Any]],
    selected: str = "",
    table: EventTable | None = None,
    filters: bool = False,
) -> EventsPayload:
    """Event features (GeoJSON dicts) as a columnar payload, one entry per event.

    The drawing needs only `c` (order, day, lat, lon, uncertainty in metres, and
    the place name as an index into `s`) and `ids`. Everything a popup or tooltip
    shows sits in `d`: strings that repeat in the string table `d.s`, with
    per-event indices `d.c` (when, place, pnote; `loc`, the location source, -1
    for none) and, for lists (actors `who`, discrepancies `disc`), offsets
    `d.o[name]` (n + 1) into flat index arrays `d.x[name]`; strings that rarely
    repeat as plain per-event text: `d.head` ("N. title"), `d.quote`, and the
    event sources flat in `d.src` (offsets `d.o.src`), each with its link target
    in `d.sh` (1: the text itself, 0: no link, or the target). `d.h[k]` is the
    link target of table string k (an index, -1: none), `d.ln` the note after a
    location source. Every string is worded by `mapapp.presentation.wording`, once
    per distinct input where it depends on a few fields. `selected` is the id of
    the event to highlight ('' for none).

    With `filters` (a standalone page drawn with WebGL: `fl`), the page filters by
    day and actor itself (js/filter.js): `d.ac[i]` is event i's line-up of actor
    names, an index into `d.al`, whose entries are lists of indices into `d.s`.
    """
    feats = events if isinstance(events, Sequence) else list(events)
    t = table if table is not None else event_table(feats)
    props, col, xy = t.props, t.col, t.xy
    n = len(props)
    strings = _Table()
    codes = strings.codes
    # Strings that repeat (a place, a day's date, an actor) go into the table once;
    # the headings, quotes and event sources are nearly all different: those travel
    # as plain per-event strings, not looked up at all.
    cols: dict[str, Any] = {
        "when": _worded(t, when_text, _WHEN_FIELDS, when_of, strings),
        "place": _worded(t, place_line, _PLACE_FIELDS, place_of, strings),
        "pnote": codes(texts(col["uncertainty_note"])),
    }
    location = texts(col["location_source"])
    cols["loc"] = np.where(
        np.fromiter(map(bool, location), dtype=bool, count=n), codes(location), -1
    )
    roles, actors = col["actor_roles"], col["actors"]
    offsets: dict[str, Any] = {}
    flat: dict[str, Any] = {}
    for name, rows in (
        ("who", [_some(r) or _some(a) or () for r, a in zip(roles, actors, strict=True)]),
        ("disc", [_some(v) or () for v in col["discrepancies"]]),
    ):
        offsets[name], flat[name] = _listed(rows, strings)
    offsets["src"], sources = _flat([_some(v) or () for v in col["sources"]])
    # Link targets by the one rule (safe_url): a location source's once per distinct
    # string (`h`, over the table), an event source's as 1 (the text itself), 0 (no
    # link) or the target when it differs from the text (`sh`, beside `src`).
    located = np.unique(cols["loc"][cols["loc"] >= 0]).tolist()
    hrefs = [-1] * len(strings.strings)
    for k, href in zip(located, safe_urls([strings.strings[k] for k in located]), strict=True):
        if href is not None:
            hrefs[k] = strings.add(href)
    hrefs += [-1] * (len(strings.strings) - len(hrefs))
    source_hrefs: list[int | str] = [
        (1 if href == text else href) if href is not None else 0
        for text, href in zip(sources, safe_urls(sources), strict=True)
    ]
    complete = MISSING not in col["seq"] and MISSING not in col["title"]
    details: EventDetails = {
        "s": strings.strings,
        "c": cols,
        "head": (
            list(map(heading_of, col["seq"], col["title"], map(_some, col["review"])))
            if complete
            else list(map(heading, props))
        ),
        "quote": texts(col["quote"]),
        "src": sources,
        "sh": source_hrefs,
        "o": offsets,
        "x": flat,
        "h": hrefs,
        "ln": LOCATION_NOTE,
        "ac": [],
        "al": [],
    }
    if filters:
        details["ac"], details["al"] = _lineups(col["actors"], strings)
        hrefs += [-1] * (len(strings.strings) - len(hrefs))  # actor names link nowhere
    top = _Table()
    columns: EventColumns = {
        "order": list(col["seq"]) if MISSING not in col["seq"] else [p["seq"] for p in props],
        "day": list(col["day"]) if MISSING not in col["day"] else [p["day"] for p in props],
        "lat": [],
        "lon": [],
        "unc": _uncertainties(t),
        "pl": top.codes(texts(col["place_name"])).tolist(),
    }
    gl = uses_webgl(n)
    binary: dict[str, str] = {}
    if gl:
        binary = _binary_columns(columns, xy)
        for name in _BINARY_INT:
            columns[name] = []  # type: ignore[literal-required]
    else:
        # Integers in units of 1e-5 degree (~1 m): shorter than floats, faster to write.
        columns["lat"] = np.round(xy[:, 1] * COORD_SCALE).astype(np.int64).tolist()
        columns["lon"] = np.round(xy[:, 0] * COORD_SCALE).astype(np.int64).tolist()
    return {
        "v": VERSION,
        "gl": gl,
        "fl": filters,
        "b": binary,
        "n": n,
        "label_max": LABEL_MAX,
        "palette": list(DAY_PALETTE),
        "point_px": POINT_RADIUS_PX,
        "coord_scale": COORD_SCALE,
        "sel": selected,
        "ids": (
            list(map(_text, col["event_id"]))
            if MISSING not in col["event_id"]
            else [_text(p["event_id"]) for p in props]
        ),
        "c": columns,
        "s": top.strings,
        "d": details,
    }


#: The fields `when_text` and `place_line` read (their words are memoised on them).
_WHEN_FIELDS = ("day", "date", "time", "time_label")
_PLACE_FIELDS = ("place_name", "geo_precision", "uncertainty_m")


def _lineups(actors: Sequence[Any], strings: _Table) -> tuple[list[int], list[list[int]]]:
    """Each event's actor names as a line-up index, and each line-up's names as
    indices into the string table (a trip has far fewer line-ups than events)."""
    index: dict[tuple[str, ...], int] = {}
    add = index.setdefault
    per_event = [
        add(tuple(map(str, a)) if isinstance(a, list | tuple) else (), len(index)) for a in actors
    ]
    return per_event, [[strings.add(name) for name in lineup] for lineup in index]


def _uncertainties(t: EventTable) -> list[int]:
    """`uncertainty_m` of every event, at once when each has its own whole radius."""
    own = t.col["uncertainty_m"]
    if all(type(v) is int for v in own):
        return np.maximum(np.array(own, dtype=np.int64), 0).tolist() if own else []
    return [uncertainty_m(p) for p in t.props]


def _b64(array: np.ndarray[Any, Any]) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _binary_columns(columns: EventColumns, xy: np.ndarray[Any, Any]) -> dict[str, str]:
    """The WebGL payload's columns: int32 and float32 (about 1 m at 180 degrees)."""
    out = {name: _b64(np.array(columns[name], dtype="<i4")) for name in _BINARY_INT}  # type: ignore[literal-required]
    out["lat"] = _b64(np.ascontiguousarray(xy[:, 1], dtype="<f4"))
    out["lon"] = _b64(np.ascontiguousarray(xy[:, 0], dtype="<f4"))
    return out


def decode_binary(payload: dict[str, Any]) -> None:
    """A WebGL payload's binary columns back into `c` as lists (for tests and tools)."""
    for name, text in (payload.get("b") or {}).items():
        dtype = "<f4" if name in _BINARY_FLOAT else "<i4"
        payload["c"][name] = np.frombuffer(base64.b64decode(text), dtype=dtype).tolist()


def _dumps(value: Any) -> str:
    """Compact JSON (orjson; json for what it refuses, such as a lone surrogate)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), default=lambda a: a.tolist()
        )


def _dumps_utf8(value: Any) -> bytes:
    """_dumps(value) as UTF-8, with no str between: the details of 100,000 events are
    80 MB of JSON, and a round trip through str held three copies at once."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
    except orjson.JSONEncodeError:
        return _dumps(value).encode("utf-8")


def _inert(text: str) -> str:
    """JSON text of a string, a number or a flat list, its braces as \\u escapes."""
    if "{" in text or "}" in text:
        text = text.replace("{", "\\u007b").replace("}", "\\u007d")
    return text


def object_json(obj: Mapping[str, Any]) -> str:
    """JSON of a payload object; braces inside its strings become \\u escapes (every
    value but a nested object is a string, a number or a flat list of them, so
    each brace in its JSON is inside a string)."""
    parts = []
    for key, value in obj.items():
        text = object_json(value) if isinstance(value, Mapping) else _inert(_dumps(value))
        parts.append(f"{_inert(_dumps(key))}:{text}")
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
    return _payload_text(dict(payload), compress, consume=False)


def _payload_text(payload: dict[str, Any], compress: bool | None, consume: bool) -> str:
    """payload_json, taking `d` out of `payload`; with `consume` (and `compress`), each
    part of the details is dropped from them once packed: EventLayer hands over the only
    reference, and a million events' details are 200 MB at the page's peak."""
    details = payload.pop("d")
    head = escape.script(object_json(payload))
    if compress is False:
        return head[:-1] + f',"d":{escape.script(object_json(details))}}}'
    consume = consume and compress is True
    packed = _deflated(_json_pieces(details, consume=consume), compress, large=consume)
    if packed is None:  # too small to be worth it
        return head[:-1] + f',"d":{escape.script(object_json(details))}}}'
    # Base64 needs no escaping, so the (large) blob skips escape.script. Each copy is
    # dropped as the next is made, and the text is joined once.
    encoded = base64.b64encode(packed)
    del packed
    blob = encoded.decode("ascii")
    del encoded
    return "".join((head[:-1], ',"dz":"', blob, '"}'))


#: Entries of a long list encoded in one orjson call (see _json_pieces).
JSON_SLICE = 10_000


def _json_pieces(details: dict[str, Any], consume: bool = False) -> Iterator[bytes]:
    """orjson's encoding of `details` (a mapping), the same bytes, in pieces: a long
    list a slice at a time and a nested mapping a member at a time, so neither the
    whole (80 MB at 100,000 events) nor one column family (8 MB) is held at once.
    With `consume`, each member leaves `details` (not its nested mappings) as it is
    encoded."""
    yield b"{"
    for index, key in enumerate(list(details)):
        value = details.pop(key) if consume else details[key]
        yield (b"," if index else b"") + _dumps_utf8(key) + b":"
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            yield from _json_pieces(value)  # not consumed: another may hold the mapping
        elif isinstance(value, list) and len(value) > JSON_SLICE:
            yield b"["
            for start in range(0, len(value), JSON_SLICE):
                inner = _dumps_utf8(value[start : start + JSON_SLICE])
                yield (b"," if start else b"") + inner[1:-1]
                del inner
            yield b"]"
        else:
            yield _dumps_utf8(value)
        del value
    yield b"}"


def _deflated(pieces: Iterator[bytes], compress: bool | None, large: bool = False) -> bytes | None:
    """The pieces as one zlib stream; None when `compress` is None and they come to
    fewer than COMPRESS_MIN_BYTES. Up to ZLIB_FAST_ABOVE bytes are gathered and packed
    with zlib's level 6; past that, ISA-L's fast level packs them as they come, and
    from the first piece when the caller knows they are `large` (a WebGL layer's
    details: past GL_MIN events they are past ZLIB_FAST_ABOVE). No piece is joined to
    another, and each is dropped once packed: at 100,000 events the 12 MB gathered,
    then joined, were the map's peak."""
    if large:
        return _packed(isal_zlib.compressobj(ZLIB_FAST_LEVEL), [], pieces)
    gathered: list[bytes] = []
    size = 0
    for piece in pieces:
        gathered.append(piece)
        size += len(piece)
        del piece
        if size >= ZLIB_FAST_ABOVE:
            return _packed(isal_zlib.compressobj(ZLIB_FAST_LEVEL), gathered, pieces)
    if compress is None and size < COMPRESS_MIN_BYTES:
        return None
    return _packed(zlib.compressobj(ZLIB_LEVEL), gathered, iter(()))


class _Compressor(Protocol):
    def compress(self, data: bytes, /) -> bytes: ...
    def flush(self) -> bytes: ...


def _packed(stream: _Compressor, gathered: list[bytes], rest: Iterator[bytes]) -> bytes:
    """gathered, then rest, through one compressor; each piece freed once it is packed."""
    gathered.reverse()
    packed = []
    while gathered:
        packed.append(stream.compress(gathered.pop()))
    packed += map(stream.compress, rest)
    packed.append(stream.flush())
    return b"".join(packed)


class EventLayer(JsLayer):
    """The events of a collection, drawn client-side from one payload."""

    js_file = "events.js"
    js_function = "eventLayer"
    version: ClassVar[int] = VERSION
    payload_marks = (PAYLOAD_BEGIN, PAYLOAD_END)

    def __init__(
        self,
        events: Sequence[Mapping[str, Any]],
        selected: str = "",
        table: EventTable | None = None,
        island: bool = False,
    ) -> None:
        with gc_paused():  # a million short strings and tuples, no cycles: mapapp.gc_pause
            # A standalone page of many events filters by day and actor itself.
            # The payload is not kept: its text is what the page needs (the columns and
            # details of a million events are 200 MB more at the page's peak). A WebGL
            # payload's details (past GL_MIN events) are surely large enough to compress,
            # and are freed as they are packed.
            payload = dict(encode_events(events, selected, table, filters=island))
            large = bool(payload["gl"])
            text = _payload_text(payload, True if large else None, consume=large)
            del payload
        super().__init__(text, island)


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
    strings, cols = d["s"], d["c"]

    def listed(name: str) -> list[int]:
        start, end = d["o"][name][index], d["o"][name][index + 1]
        return list(d["x"][name][start:end])

    out: dict[str, Any] = {
        "event_id": payload["ids"][index],
        "order": payload["c"]["order"][index],
        "day": payload["c"]["day"][index],
        "place_name": payload["s"][payload["c"]["pl"][index]],
        "uncertainty_m": payload["c"]["unc"][index],
    }
    for name in _DETAIL_STRINGS[:-1]:
        out[name] = strings[cols[name][index]]
    out["head"] = d["head"][index]
    out["quote"] = d["quote"][index]
    for name in _DETAIL_LISTS:
        out[name] = [strings[k] for k in listed(name)]
    start, end = d["o"]["src"][index], d["o"]["src"][index + 1]
    src = d["src"][start:end]
    href = [text if h == 1 else h or "" for text, h in zip(src, d["sh"][start:end], strict=True)]
    notes = [""] * len(src)
    loc = cols["loc"][index]
    if loc >= 0:
        src.append(strings[loc])
        href.append(strings[d["h"][loc]] if d["h"][loc] >= 0 else "")
        notes.append(d["ln"])
    out["src"], out["href"], out["srcn"] = src, href, notes
    return out
