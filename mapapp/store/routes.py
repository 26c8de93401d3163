"""Day routes: one LineString per day through that day's stops, in visit order.

Built as plain JSON data in the schema's field order and checked against the
declared schema in one call (mapapp.store.fast_schema), like the events.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from itertools import pairwise
from typing import Any

import msgspec

from mapapp.geocode.checks import distance_km
from mapapp.store.fast_schema import check_all

Feature = dict[str, Any]


def route_features(events: list[Feature]) -> list[Feature]:
    """Routes derived from event features, so a filtered view gets matching routes."""
    by_day: dict[int, list[Feature]] = defaultdict(list)
    for event in sorted(events, key=lambda f: f["properties"]["order"]):
        by_day[event["properties"]["day"]].append(event)
    routes = []
    for day in sorted(by_day):
        stops = by_day[day]
        coords: list[list[float]] = []
        for stop in stops:
            position = stop["geometry"]["coordinates"]
            if not coords or coords[-1] != position:
                coords.append(position)
        if len(coords) < 2:
            continue
        km = sum(leg_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(coords))
        route = {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[float(x) for x in c] for c in coords],
            },
            "properties": {
                "kind": "route",
                "day": day,
                "date": stops[0]["properties"]["date"],
                "event_ids": [s["properties"]["event_id"] for s in stops],
                "length_km": round(km, 3),
            },
            "id": f"route-day-{day}",
        }
        routes.append(route)
    try:
        check_all("route", routes)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid route feature: {exc}") from exc
    return routes


@lru_cache(maxsize=65536)
def leg_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic (WGS84) distance; cached because itineraries revisit the same places."""
    return distance_km(lat1, lon1, lat2, lon2)
