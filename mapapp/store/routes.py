"""Day routes: one LineString per day through that day's stops, in visit order.

Built as plain JSON data in the schema's field order and checked against the
declared schema in one call (mapapp.store.fast_schema), like the events.
"""

from __future__ import annotations

from itertools import islice, pairwise
from operator import lt
from typing import Any

import msgspec
import numpy as np
from pyproj import Geod

from mapapp.store.fast_schema import check_all

Feature = dict[str, Any]


def route_features(events: list[Feature]) -> list[Feature]:
    """Routes derived from event features, so a filtered view gets matching routes."""
    props = [event["properties"] for event in events]
    seqs = [p["seq"] for p in props]
    if not all(map(lt, seqs, islice(seqs, 1, None))):  # the build's and filters' order
        order = sorted(range(len(events)), key=seqs.__getitem__)
        events, props = [events[i] for i in order], [props[i] for i in order]
    by_day: dict[int, tuple[list[Any], list[list[float]]]] = {}
    for event, p in zip(events, props, strict=True):
        day = p["day"]
        today = by_day.get(day)
        if today is None:
            today = by_day[day] = ([], [])
        today[0].append(p)
        position = event["geometry"]["coordinates"]
        positions = today[1]
        if not positions or (positions[-1] is not position and positions[-1] != position):
            positions.append(position)
    paths = [(day, *by_day[day]) for day in sorted(by_day) if len(by_day[day][1]) >= 2]
    km = legs_km({(a[0], a[1], b[0], b[1]) for _, _, c in paths for a, b in pairwise(c)})
    routes = []
    for day, stops, coords in paths:
        length = sum(km[(a[0], a[1], b[0], b[1])] for a, b in pairwise(coords))
        route = {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [c if _floats(c) else list(map(float, c)) for c in coords],
            },
            "properties": {
                "kind": "route",
                "day": day,
                "date": stops[0]["date"],
                "event_ids": [s["event_id"] for s in stops],
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


def _floats(position: list[Any]) -> bool:
    """Whether a position is floats already: then the route shares the event's list
    (read, never changed in place), not a copy per stop (12 MB at 100,000 events)."""
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
