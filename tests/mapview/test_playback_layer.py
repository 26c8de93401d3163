"""The playback payload: when each event appears (the start of its period, in
visit order), how long its period lasts, how sure its time is, and where it sits
on its day's route; names checked, large columns deflated and read back."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mapapp.mapview import playback_layer
from mapapp.mapview.playback_layer import (
    PLAYBACK_BEGIN,
    columns,
    encode_playback,
    extract_playback,
)
from mapapp.mapview.render import render_html
from mapapp.store.routes import route_features
from mapapp.store.times import wall_clock_bounds as span

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"


def _seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]


def test_each_event_appears_at_the_start_of_its_period_in_visit_order() -> None:
    events = _events(_seed())
    payload = encode_playback(events, "Asia/Tokyo")
    cols = columns(payload)
    t0 = datetime.fromisoformat(payload["t0"])
    assert t0 == datetime(2025, 4, 8)
    by_order = sorted(range(len(events)), key=lambda i: events[i]["properties"]["seq"])
    appear = [cols["a"][i] for i in by_order]
    assert appear == sorted(appear) and len(set(appear)) == len(appear)
    previous = -1
    for i in by_order:
        event = events[i]
        start, end = span(event["properties"])
        minute = int((start - t0).total_seconds() // 60)
        # At the start of its period, or one minute after the event told before it
        # (the METI meeting, known only to day 2, comes after the morning speech).
        assert cols["a"][i] == max(minute, previous + 1)
        previous = cols["a"][i]
        assert cols["e"][i] >= int((end - t0).total_seconds() // 60)
        assert cols["k"][i] == (0 if event["properties"]["time"] else 1 if start.hour else 2)
    ishiba = next(i for i, e in enumerate(events) if e["id"] == "meeting-with-shigeru-ishiba")
    assert cols["a"][ishiba] == 24 * 60 + 18 * 60 + 10


def test_route_vertices_match_the_day_routes() -> None:
    events = _events(_seed())
    cols = columns(encode_playback(events, "Asia/Tokyo"))
    routes = {r["properties"]["day"]: r for r in route_features(events)}
    for i, event in enumerate(events):
        route = routes[event["properties"]["day"]]
        vertex = route["geometry"]["coordinates"][cols["rv"][i]]
        assert vertex == event["geometry"]["coordinates"]


def test_a_hostile_time_zone_name_never_reaches_the_page() -> None:
    seed = _seed()
    seed["mapapp_metadata"]["timezone"] = "</script><script>alert(1)</script>{{ 7*191 }}"
    html = render_html(seed)
    payload = extract_playback(html)
    assert payload["tz"] == "local time"
    assert "alert(1)" not in html and "7*191" not in html


@pytest.mark.parametrize("fast_above", [10**9, 1_000])
def test_large_columns_travel_deflated_and_read_back_the_same(
    monkeypatch: pytest.MonkeyPatch, fast_above: int
) -> None:
    """By zlib, or past ZLIB_FAST_ABOVE by ISA-L (the same stream for the browser)."""
    monkeypatch.setattr(playback_layer, "ZLIB_FAST_ABOVE", fast_above)
    events = _events(_seed())
    many = []
    for k in range(3000):
        for e in events:
            f = copy.deepcopy(e)
            f["properties"]["seq"] = k * len(events) + e["properties"]["seq"]
            f["properties"]["day"] = e["properties"]["day"] + 2 * k
            f["properties"]["date"] = f"2025-{4 + k // 1000:02d}-{1 + k % 28:02d}"
            many.append(f)
    collection = {"type": "FeatureCollection", "features": many}
    html = render_html(collection)
    start = html.index(PLAYBACK_BEGIN)
    assert '"cz":"' in html[start : start + 200]
    assert columns(extract_playback(html)) == columns(encode_playback(many, None))


def test_the_stored_wall_clock_is_the_computed_one() -> None:
    """The playback reads start_local/end_local instead of recomputing them; data
    without them (or with ones that do not read) still gets the computed span."""
    from mapapp.mapview.playback_layer import _wall_clock

    events = _events(_seed())
    for event in events:
        props = event["properties"]
        assert _wall_clock(props) == span(props)
        bare = {k: v for k, v in props.items() if k not in ("start_local", "end_local")}
        assert _wall_clock(bare) == span(props)
        assert _wall_clock({**props, "start_local": "garbage"}) == span(props)
    payload = encode_playback(events, "Asia/Tokyo")
    stripped = copy.deepcopy(events)
    for event in stripped:
        del event["properties"]["start_local"], event["properties"]["end_local"]
    assert encode_playback(stripped, "Asia/Tokyo") == payload
