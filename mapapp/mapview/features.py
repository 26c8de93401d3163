"""What the map is made of: a collection's features by kind, the names the map
gives its layers and views (taken from the data), and the bounds it opens on.

Pure Python over GeoJSON dicts; render.py composes the layers from these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import shape

from mapapp.mapview.event_table import MISSING, EventTable, coordinates, positions, texts

ViewMode = Literal["selection", "region"]

#: ((south, west), (north, east)) in degrees, Leaflet's order.
Bounds = tuple[tuple[float, float], tuple[float, float]]

#: The smallest span fitted, in degrees, so one event does not zoom to street level.
MIN_SPAN_DEG = 0.02


@dataclass
class Features:
    """A collection's features, by kind."""

    events: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    hqs: list[dict[str, Any]] = field(default_factory=list)


def split_features(collection: Mapping[str, Any]) -> Features:
    """Sort a FeatureCollection's features by `properties.kind`; others are ignored."""
    out = Features()
    by_kind = {"event": out.events, "route": out.routes, "partner": out.partners, "hq": out.hqs}
    for feature in collection.get("features", []):
        kind = (feature.get("properties") or {}).get("kind")
        target = by_kind.get(kind) if isinstance(kind, str) else None
        if target is not None:
            target.append(feature)
    return out


def _bounds_of(lats: Sequence[float], lons: Sequence[float]) -> Bounds | None:
    """Bounds of points, widened to MIN_SPAN_DEG; None if there are none."""
    if not lats:
        return None
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    if north - south < MIN_SPAN_DEG:
        mid = (north + south) / 2
        south, north = mid - MIN_SPAN_DEG / 2, mid + MIN_SPAN_DEG / 2
    if east - west < MIN_SPAN_DEG:
        mid = (east + west) / 2
        west, east = mid - MIN_SPAN_DEG / 2, mid + MIN_SPAN_DEG / 2
    return ((south, west), (north, east))


def _point_latlon(feature: Mapping[str, Any]) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"][:2]
    return (float(lat), float(lon))


def _line_latlons(feature: Mapping[str, Any]) -> list[tuple[float, float]]:
    return [(float(c[1]), float(c[0])) for c in feature["geometry"]["coordinates"]]


def _capital(feature: Mapping[str, Any]) -> tuple[float, float]:
    p = feature["properties"]
    return (float(p["capital_lat"]), float(p["capital_lon"]))


def view_bounds(collection: Mapping[str, Any], view: ViewMode) -> Bounds | None:
    """The bounds the map opens on ((south, west), (north, east)).

    "selection": the events and routes in the collection (a filtered collection
    zooms to what is selected); with none, everything present. "region": every
    partner's capital and NATO HQ, i.e. the alliance picture, Brussels to
    Wellington.
    """
    return bounds_of_view(split_features(collection), view)


def bounds_of_view(
    f: Features, view: ViewMode, event_xy: np.ndarray[Any, Any] | None = None
) -> Bounds | None:
    """`view_bounds` of split features; `event_xy` the events' (lon, lat) if known."""
    if view not in ("selection", "region"):
        raise ValueError(f"view must be 'selection' or 'region', not {view!r}")
    region = [*map(_capital, f.partners), *map(_point_latlon, f.hqs)]
    lats = [p[0] for p in region]
    lons = [p[1] for p in region]
    if view == "region":
        return _bounds_of(lats, lons)
    xy = coordinates(f.events) if event_xy is None else event_xy
    route = _route_xy(f.routes)
    if len(route):
        xy = np.concatenate([xy, route])
    if len(xy):
        (west, south), (east, north) = xy.min(axis=0).tolist(), xy.max(axis=0).tolist()
        return _bounds_of([south, north], [west, east])
    for partner in f.partners:
        west, south, east, north = shape(partner["geometry"]).bounds
        lats += [south, north]
        lons += [west, east]
    return _bounds_of(lats, lons)


def _route_xy(routes: Sequence[Mapping[str, Any]]) -> np.ndarray[Any, Any]:
    """Every route vertex's (lon, lat), as an (n, 2) array."""
    lines = [r["geometry"]["coordinates"] for r in routes]
    try:
        return positions([pt for line in lines for pt in line])
    except (TypeError, ValueError):  # not numbers: data that skipped the store
        return np.array([c[:2] for line in lines for c in line], dtype=np.float64).reshape(-1, 2)


@dataclass(frozen=True)
class MapWords:
    """Every name the map shows for a layer or view, taken from the data."""

    partners: str | None
    hq: str | None
    links: str | None
    region: str
    home: Mapping[str, Any] | None  # the partner the trip took place in, if any


def _names(features: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(f["properties"].get("name") or "") for f in features]


def _home_partner(
    f: Features, event_xy: np.ndarray[Any, Any] | None = None
) -> Mapping[str, Any] | None:
    """The partner whose outline holds most of the events: where the links start."""
    if not f.partners or not f.events:
        return None
    points = shapely.points(coordinates(f.events) if event_xy is None else event_xy)
    outlines = [shape(p["geometry"]) for p in f.partners]
    shapely.prepare(outlines)  # an indexed outline: 100,000 points in milliseconds
    counts = [int(shapely.contains(outline, points).sum()) for outline in outlines]
    best = max(range(len(counts)), key=counts.__getitem__)
    return f.partners[best] if counts[best] else None


def map_words(f: Features, event_xy: np.ndarray[Any, Any] | None = None) -> MapWords:
    """Layer, view and legend names for these features (`event_xy`: the events'
    (lon, lat), if known)."""
    partners, hqs = _names(f.partners), _names(f.hqs)
    home = _home_partner(f, event_xy)
    origin = str(home["properties"].get("capital") or "") if home else ""
    return MapWords(
        partners=f"Partners: {', '.join(partners)}" if partners else None,
        hq=", ".join(hqs) or None,
        links=f"Links from {origin}" if origin and len(f.partners) + len(f.hqs) > 1 else None,
        region=region_of(f.partners, f.hqs),
        home=home,
    )


def region_label(collection: Mapping[str, Any]) -> str:
    """The name of the "region" view for this collection."""
    f = split_features(collection)
    return region_of(f.partners, f.hqs)


def region_of(partners: Sequence[Mapping[str, Any]], hqs: Sequence[Mapping[str, Any]]) -> str:
    """The "region" view's name: its partners' and HQs' names (no pass over the events)."""
    region = ", ".join([*_names(partners), *_names(hqs)])
    return f"Region ({region})" if region else "Region"


def legend_days(
    events: Sequence[Mapping[str, Any]], table: EventTable | None = None
) -> dict[int, str]:
    """Each day's date, by day number."""
    days: dict[int, str] = {}
    if table is not None and MISSING not in table.col["day"]:
        day_col = table.col["day"]
        numbers = np.array(day_col)
        if numbers.dtype.kind == "i" and numbers.ndim == 1:
            # Each day's first event, in the order the days first appear.
            _, first = np.unique(numbers, return_index=True)
            first.sort()
            dates = texts([table.col["date"][i] for i in first.tolist()])
            return dict(zip(numbers[first].tolist(), dates, strict=True))
        for day, date in zip(day_col, texts(table.col["date"]), strict=True):
            days.setdefault(int(day), date)
        return days
    for event in events:
        p = event["properties"]
        days.setdefault(int(p["day"]), str(p.get("date") or ""))
    return days
