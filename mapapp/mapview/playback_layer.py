"""Playback of the trip over time: the payload and controls drawn by js/playback.js.

Each event gets the moment it appears: the start of its period (its time; the
start of "morning"; midnight for a day-only event), nudged one minute after the
event before it in visit order, so stepping reveals one event at a time and the
trip unfolds in the order the article tells it. Times are the trip's wall clock
(minutes from the first event's day start), formatted in the browser with the
time zone's name beside them.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, ClassVar, TypedDict

import numpy as np
import orjson
from isal import isal_zlib

from mapapp.mapview.elements import HeadHtml, JsLayer
from mapapp.mapview.event_table import MISSING, EventTable, event_table
from mapapp.presentation import escape
from mapapp.store.times import wall_clock_bounds as span

#: Markers around the payload in the page, so tests and tools can find it.
PLAYBACK_BEGIN = "/*MV_PLAYBACK_BEGIN*/"
PLAYBACK_END = "/*MV_PLAYBACK_END*/"
#: Columns of at least this many bytes travel deflated.
COMPRESS_MIN_BYTES = 16_000
#: Level 6: at 100,000 events level 9 took half a second more for 2% fewer bytes.
ZLIB_LEVEL = 6
#: Above this many bytes, ISA-L's level 2 packs the columns instead (the same zlib
#: stream, as the events' details; see event_layer.ZLIB_FAST_ABOVE).
ZLIB_FAST_ABOVE = 256_000  # 100,000 events: 1 MB, zlib 0.05 s, ISA-L 0.002 s
ZLIB_FAST_LEVEL = 2
_TZ_NAME = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")

#: The payload version js/playback.js reads.
VERSION = 1


class PlaybackColumns(TypedDict):
    da: list[int]  # minutes each event appears after the one before it
    len: list[int]  # minutes its period lasts after it appears
    k: str  # one digit per event: EXACT, PART_OF_DAY or DAY_ONLY
    rv: list[int]  # its vertex in its day's route, -1 without one


class PlaybackPayload(TypedDict):
    """What js/playback.js reads (`cols` may travel deflated as `cz`)."""

    v: int
    n: int
    tz: str
    t0: str
    cols: PlaybackColumns


#: 0: a clock time; 1: a part of the day; 2: the day only.
EXACT, PART_OF_DAY, DAY_ONLY = 0, 1, 2

PLAYBACK_CSS = """
.mv-playback { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px;
  padding: 6px 10px; background: #f5f5f5; border-top: 1px solid #bbb; color: #1a1a1a;
  font: 13px/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; flex: none; }
.mv-playback button, .mv-playback select { font: inherit; color: #111; background: #fff;
  border: 1px solid #767676; border-radius: 4px; padding: 3px 9px; min-height: 28px; }
.mv-playback button { cursor: pointer; }
.mv-playback button.mv-pb-play { min-width: 76px; font-weight: 600; }
.mv-playback :focus-visible { outline: 3px solid #0b5394; outline-offset: 1px; }
.mv-pb-time { flex: 1 1 380px; display: flex; align-items: center; gap: 8px; }
.mv-pb-time input { flex: 1 1 auto; min-width: 120px; accent-color: #0b5394; }
.mv-pb-clock { font-variant-numeric: tabular-nums; white-space: nowrap; }
.mv-playback label { display: inline-flex; align-items: center; gap: 4px; }
.mv-pb-status { flex: 1 1 100%; min-height: 1.3em; font-size: 12px; color: #333;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mv-pb-hint { font-size: 11px; color: #4a4a4a; }
.mv-playback .leaflet-control-attribution { flex: 1 1 100%; order: 99; margin: 0; padding: 0;
  background: none; font-size: 11px; line-height: 1.35; color: #333; }
.mv-playback .leaflet-control-attribution a { color: #0b5394; }
.mv-num.mv-coarse span { border: 2px dashed #111; }
.mv-swatch.mv-coarse-demo { background: #666; border: 1.5px dashed #111; }
@media print { .mv-playback { display: none !important; } }
"""


def _spans(t: EventTable) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every event's naive local start and end (datetime64, seconds): the stored
    `start_local`/`end_local` read back (their first 19 characters are the wall clock
    `wall_clock_bounds` computes), all at once when every one reads; else one by one,
    computed for an event whose data has none (it skipped the store)."""
    starts, ends = t.col["start_local"], t.col["end_local"]
    try:
        walls = [v[:19] for v in starts], [v[:19] for v in ends]
    except TypeError:  # not text (data that skipped the store)
        walls = None
    if walls is not None and all(map(_wall_clocks, walls)):
        try:
            return (
                np.array(walls[0], dtype="datetime64[s]"),
                np.array(walls[1], dtype="datetime64[s]"),
            )
        except ValueError:
            pass
    spans = [_wall_clock(p) for p in t.props]
    return (
        np.array([start for start, _ in spans], dtype="datetime64[s]"),
        np.array([end for _, end in spans], dtype="datetime64[s]"),
    )


def _wall_clocks(values: list[Any]) -> bool:
    """Whether every value is a 19-character text with "T" between date and time
    (numpy would read a date alone as its midnight); C-level passes, no loop."""
    if not values:
        return True
    return (
        set(map(type, values)) == {str}
        and set(map(len, values)) == {19}
        and set(map(itemgetter(10), values)) == {"T"}
    )


def _wall_clock(props: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """An event's naive local start and end, read back or computed (see `_spans`)."""
    start, end = props.get("start_local"), props.get("end_local")
    if isinstance(start, str) and isinstance(end, str):
        try:
            return datetime.fromisoformat(start[:19]), datetime.fromisoformat(end[:19])
        except ValueError:
            pass
    return span(props)


def _route_vertices(t: EventTable, order: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Each event's vertex in its day's route (as mapapp.store.routes builds it:
    consecutive stops at one spot share a vertex); -1 for a day with no route."""
    n = len(order)
    vertex = np.full(n, -1, dtype=np.int64)
    if not n:
        return vertex
    days = np.array([int(d) for d in t.col["day"]], dtype=np.int64)
    stops = order[np.argsort(days[order], kind="stable")]  # by day, in visit order
    day, xy = days[stops], t.xy[stops]
    first = np.ones(n, dtype=bool)
    first[1:] = day[1:] != day[:-1]
    moved = first.copy()
    moved[1:] |= np.any(xy[1:] != xy[:-1], axis=1)
    count = np.cumsum(moved)
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    local = count - count[starts][group]  # the vertex within its day
    size = np.maximum.reduceat(local, starts) + 1  # vertices of each day's route
    vertex[stops] = np.where(size[group] >= 2, local, -1)
    return vertex


def encode_playback(
    events: Sequence[Mapping[str, Any]], timezone: str | None, table: EventTable | None = None
) -> PlaybackPayload:
    """Appearance and end minutes, time precision and route vertex, per event,
    in the event layer's order (the same list, so index i is the same event)."""
    t = table if table is not None else event_table(events)
    n = len(t)
    starts, ends = _spans(t)
    if n:
        first = starts.min()
        day_start = first.astype("datetime64[D]").astype("datetime64[s]")
        t0 = first - ((first - day_start).astype(np.int64) // 60 * 60)  # hour, minute: 0
    else:
        t0 = np.datetime64("2000-01-01T00:00:00", "s")

    def minutes(moments: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        out: np.ndarray[Any, Any] = (moments - t0).astype(np.int64) // 60
        return out

    # In visit order, each event appears at its start or one minute after the one
    # before it: appear[j] = max(start[j], appear[j - 1] + 1), the first at least 0.
    seqs = np.array(t.col["seq"] if MISSING not in t.col["seq"] else [p["seq"] for p in t.props])
    order = np.argsort(seqs, kind="stable")
    steps = np.arange(n, dtype=np.int64)
    shifted = minutes(starts)[order] - steps
    if n:
        shifted[0] = max(shifted[0], 0)
    appear = np.empty(n, dtype=np.int64)
    appear[order] = np.maximum.accumulate(shifted) + steps
    has_time = np.fromiter(map(bool, map(_some, t.col["time"])), dtype=bool, count=n)
    whole_day = (ends - starts).astype(np.int64) >= _DAY_S
    kinds = np.where(has_time, EXACT, np.where(whole_day, DAY_ONLY, PART_OF_DAY))
    tz = str(timezone or "")
    # Compact columns: appearance as differences from the event before (in the layer's
    # order), the period as its length after the appearance, precision as one digit each.
    return {
        "v": VERSION,
        "n": n,
        "tz": tz if _TZ_NAME.fullmatch(tz) else "local time",
        "t0": str(t0.astype("datetime64[m]")),
        "cols": {
            "da": np.diff(appear, prepend=0).tolist(),
            "len": np.maximum(0, minutes(ends) - appear).tolist(),
            "k": (kinds + 48).astype(np.uint8).tobytes().decode("ascii"),
            "rv": _route_vertices(t, order).tolist(),
        },
    }


def _some(value: Any) -> Any:
    return None if value is MISSING else value


def columns(payload: Mapping[str, Any]) -> dict[str, list[int]]:
    """Appearance and end minutes, precision and route vertex per event, decoded
    (the inverse of the compact columns; for tests and tools)."""
    cols = payload["cols"]
    appear: list[int] = []
    total = 0
    for delta in cols["da"]:
        total += delta
        appear.append(total)
    return {
        "a": appear,
        "e": [a + length for a, length in zip(appear, cols["len"], strict=True)],
        "k": [int(ch) for ch in cols["k"]],
        "rv": list(cols["rv"]),
    }


def playback_json(payload: Mapping[str, Any]) -> str:
    """The payload as JSON safe in a <script>; large columns deflated and base64
    encoded into `cz` (the browser inflates them, as the events' details)."""
    raw = orjson.dumps(payload["cols"])
    head = {k: v for k, v in payload.items() if k != "cols"}
    if len(raw) >= ZLIB_FAST_ABOVE:
        head["cz"] = base64.b64encode(isal_zlib.compress(raw, ZLIB_FAST_LEVEL)).decode("ascii")
    elif len(raw) >= COMPRESS_MIN_BYTES:
        head["cz"] = base64.b64encode(zlib.compress(raw, ZLIB_LEVEL)).decode("ascii")
    else:
        head["cols"] = payload["cols"]
    return escape.script(json.dumps(head, separators=(",", ":")))


_DAY_S = 86_400


class PlaybackLayer(JsLayer):
    """Playback controls under the map, driving the event and route layers' time filter."""

    js_file = "playback.js"
    js_function = "playback"
    version: ClassVar[int] = VERSION
    payload_marks = (PLAYBACK_BEGIN, PLAYBACK_END)

    def __init__(
        self,
        events: Sequence[Mapping[str, Any]],
        timezone: str | None,
        table: EventTable | None = None,
    ) -> None:
        # Only numbers and two checked names: nothing in it can be markup or a template.
        # Its text is kept, not its columns (a million events' are 100 MB).
        super().__init__(playback_json(encode_playback(events, timezone, table)))


def add_playback(
    m: Any,
    events: Sequence[Mapping[str, Any]],
    timezone: str | None,
    table: EventTable | None = None,
) -> None:
    """Playback controls and their stylesheet on a map with events (none without).

    A date or time that does not read (only data that skipped the store's checks)
    leaves the map without playback rather than without a map."""
    if not events:
        return
    try:
        layer = PlaybackLayer(events, timezone, table)
    except ValueError:
        return
    HeadHtml(f"<style>{PLAYBACK_CSS}</style>", name="MvPlaybackStyle").add_to(m)
    layer.add_to(m)


def extract_playback(html: str) -> dict[str, Any]:
    """The playback payload from a rendered page (for tests and tools)."""
    start = html.index(PLAYBACK_BEGIN) + len(PLAYBACK_BEGIN)
    loaded: dict[str, Any] = json.loads(html[start : html.index(PLAYBACK_END, start)])
    blob = loaded.pop("cz", None)
    if blob is not None:
        loaded["cols"] = json.loads(zlib.decompress(base64.b64decode(blob)))
    return loaded
