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
from typing import Any, ClassVar, TypedDict

from mapapp.mapview.elements import HeadHtml, JsLayer
from mapapp.presentation import escape
from mapapp.store.times import wall_clock_bounds as span

#: Markers around the payload in the page, so tests and tools can find it.
PLAYBACK_BEGIN = "/*MV_PLAYBACK_BEGIN*/"
PLAYBACK_END = "/*MV_PLAYBACK_END*/"
#: Columns of at least this many bytes travel deflated.
COMPRESS_MIN_BYTES = 16_000
#: Level 6: at 100,000 events level 9 took half a second more for 2% fewer bytes.
ZLIB_LEVEL = 6
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


def _visit_order(events: Sequence[Mapping[str, Any]]) -> list[int]:
    """Event indices in visit order (`seq`)."""
    seqs = [e["properties"]["seq"] for e in events]
    return sorted(range(len(events)), key=seqs.__getitem__)


def _route_vertices(events: Sequence[Mapping[str, Any]], order: Sequence[int]) -> list[int]:
    """Each event's vertex in its day's route (as mapapp.store.routes builds it:
    consecutive stops at one spot share a vertex); -1 for a day with no route."""
    vertex = [-1] * len(events)
    by_day: dict[int, list[int]] = {}
    for i in order:
        by_day.setdefault(int(events[i]["properties"]["day"]), []).append(i)
    for stops in by_day.values():
        last: Any = None
        count = 0
        for i in stops:
            position = events[i]["geometry"]["coordinates"]
            if position != last:
                count += 1
                last = position
            vertex[i] = count - 1
        if count < 2:
            for i in stops:
                vertex[i] = -1
    return vertex


def _wall_clock(props: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """An event's naive local start and end: the stored `start_local`/`end_local`
    read back (their first 19 characters are the wall clock `wall_clock_bounds`
    computes), or computed when the data has none (it skipped the store)."""
    start, end = props.get("start_local"), props.get("end_local")
    if isinstance(start, str) and isinstance(end, str):
        try:
            return datetime.fromisoformat(start[:19]), datetime.fromisoformat(end[:19])
        except ValueError:
            pass
    return span(props)


def encode_playback(events: Sequence[Mapping[str, Any]], timezone: str | None) -> PlaybackPayload:
    """Appearance and end minutes, time precision and route vertex, per event,
    in the event layer's order (the same list, so index i is the same event)."""
    spans = [_wall_clock(e["properties"]) for e in events]
    t0 = (
        min(start for start, _ in spans).replace(hour=0, minute=0)
        if spans
        else datetime(2000, 1, 1)
    )

    def minutes(moment: datetime) -> int:
        return int((moment - t0).total_seconds() // 60)

    appear = [0] * len(events)
    previous = -1
    order = _visit_order(events)
    for i in order:
        appear[i] = max(minutes(spans[i][0]), previous + 1)
        previous = appear[i]
    kinds = []
    for e, (start, end) in zip(events, spans, strict=True):
        p = e["properties"]
        kinds.append(EXACT if p.get("time") else DAY_ONLY if end - start >= _DAY else PART_OF_DAY)
    tz = str(timezone or "")
    # Compact columns: appearance as differences from the event before (in the layer's
    # order), the period as its length after the appearance, precision as one digit each.
    ends = [minutes(end) for _, end in spans]
    return {
        "v": VERSION,
        "n": len(events),
        "tz": tz if _TZ_NAME.fullmatch(tz) else "local time",
        "t0": t0.strftime("%Y-%m-%dT%H:%M"),
        "cols": {
            "da": [a - b for a, b in zip(appear, [0, *appear[:-1]], strict=True)],
            "len": [max(0, end - a) for a, end in zip(appear, ends, strict=True)],
            "k": "".join(str(k) for k in kinds),
            "rv": _route_vertices(events, order),
        },
    }


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
    raw = json.dumps(payload["cols"], separators=(",", ":")).encode("ascii")
    head = {k: v for k, v in payload.items() if k != "cols"}
    if len(raw) >= COMPRESS_MIN_BYTES:
        head["cz"] = base64.b64encode(zlib.compress(raw, ZLIB_LEVEL)).decode("ascii")
    else:
        head["cols"] = payload["cols"]
    return escape.script(json.dumps(head, separators=(",", ":")))


_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)


class PlaybackLayer(JsLayer):
    """Playback controls under the map, driving the event and route layers' time filter."""

    js_file = "playback.js"
    js_function = "playback"
    version: ClassVar[int] = VERSION
    payload_marks = (PLAYBACK_BEGIN, PLAYBACK_END)

    def __init__(self, events: Sequence[Mapping[str, Any]], timezone: str | None) -> None:
        self.payload = encode_playback(events, timezone)
        # Only numbers and two checked names: nothing in it can be markup or a template.
        super().__init__(playback_json(self.payload))


def add_playback(m: Any, events: Sequence[Mapping[str, Any]], timezone: str | None) -> None:
    """Playback controls and their stylesheet on a map with events (none without).

    A date or time that does not read (only data that skipped the store's checks)
    leaves the map without playback rather than without a map."""
    if not events:
        return
    try:
        layer = PlaybackLayer(events, timezone)
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
