"""Day routes: one LineString per day through that day's stops, in visit order.

Built as plain JSON data in the schema's field order and checked against the
declared schema in one call (mapapp.store.fast_schema), like the events.
"""

from __future__ import annotations

from itertools import compress, islice, pairwise
from operator import itemgetter, le, lt, ne
from typing import Any

import msgspec
import numpy as np
from pyproj import Geod

from mapapp.store.fast_schema import check_all

Feature = dict[str, Any]


def route_features(events: list[Feature], rows: list[Row] | None = None) -> list[Feature]:
    """Routes derived from event features, so a filtered view gets matching routes.

    rows: each event's ROW_OF, when the caller read them already (the build does, as
    it makes each feature: a pass over 100,000 property dicts is a cache miss each).
    """
    props = [event["properties"] for event in events]
    seqs, days, ids = _columns(list(map(ROW_OF, props)) if rows is None else rows)
    if not all(map(lt, seqs, islice(seqs, 1, None))):  # the build's and filters' order
        events = [events[i] for i in sorted(range(len(events)), key=seqs.__getitem__)]
        props = [event["properties"] for event in events]
        seqs, days, ids = _columns(list(map(ROW_OF, props)))
    if not all(map(le, days, islice(days, 1, None))):  # a day's events, kept in visit order
        order = sorted(range(len(events)), key=days.__getitem__)
        events, props = [events[i] for i in order], [props[i] for i in order]
        days, ids = [days[i] for i in order], [ids[i] for i in order]
    positions = [event["geometry"]["coordinates"] for event in events]
    # A stop where the position differs from the one before (one position per place).
    moved = [True, *map(ne, islice(positions, 1, None), positions)]
    # Positions that are floats already are shared with the events (read, never changed
    # in place), not copied per stop (12 MB at 100,000 events); the events at a place
    # share theirs, so each distinct list is looked at once.
    distinct = dict(zip(map(id, positions), positions, strict=True))
    copy = {key for key, position in distinct.items() if not _floats(position)}
    paths = []
    for day, (start, end) in _runs(days):
        coords = list(compress(positions[start:end], [True, *moved[start + 1 : end]]))
        if len(coords) >= 2:
            paths.append((day, start, end, coords))
    legs = [[(a[0], a[1], b[0], b[1]) for a, b in pairwise(coords)] for *_, coords in paths]
    km = legs_km({leg for route in legs for leg in route})
    routes = []
    for (day, start, end, coords), route_legs in zip(paths, legs, strict=True):
        length = sum(km[leg] for leg in route_legs)
        if copy:
            coords = [list(map(float, c)) if id(c) in copy else c for c in coords]
        route = {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {
                "kind": "route",
                "day": day,
                "date": props[start]["date"],
                "event_ids": ids[start:end],
                "length_km": round(length, 3),
            },
            "id": f"route-day-{day}",
        }
        routes.append(route)
    try:
        check_all("route", routes)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid route feature: {exc}") from exc
    return routes


#: What the routes read of an event's properties: its seq, day and event_id.
ROW_OF = itemgetter("seq", "day", "event_id")
Row = tuple[Any, Any, Any]


def _columns(rows: list[Row]) -> tuple[list[Any], list[Any], list[Any]]:
    """The seq, day and event_id columns of the events' rows."""
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _runs(days: list[Any]) -> list[tuple[Any, tuple[int, int]]]:
    """Each day of a sorted list, with the slice of its items (start, end)."""
    starts = [0, *(i for i in range(1, len(days)) if days[i] != days[i - 1])]
    ends = [*starts[1:], len(days)]
    return [(days[a], (a, b)) for a, b in zip(starts, ends, strict=True)] if days else []


def _floats(position: list[Any]) -> bool:
    """Whether a position is floats already (then a route may share it)."""
    return all(type(x) is float for x in position)


Leg = tuple[float, float, float, float]  # lon1, lat1, lon2, lat2


def legs_km(legs: set[Leg]) -> dict[Leg, float]:
    """Geodesic (WGS84) length of every distinct leg, in one vectorised call.

    PROJ's geodesic is Karney's algorithm, as geopy's (geographiclib) is: the two
    agree to a few nanometres, and here 100,000 events' legs take milliseconds,
    not seconds of one Python call per leg.
    """
    if not legs:
        return {}
    ordered = list(legs)
    lon1, lat1, lon2, lat2 = (
        np.array(column, dtype=float) for column in zip(*ordered, strict=True)
    )
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return dict(zip(ordered, (float(m) / 1000.0 for m in metres), strict=True))


def leg_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """One leg's geodesic length in kilometres."""
    return legs_km({(lon1, lat1, lon2, lat2)})[(lon1, lat1, lon2, lat2)]


_GEOD = Geod(ellps="WGS84")
