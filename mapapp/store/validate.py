"""Check a GeoJSON file against RFC 7946 and mapapp's schema; report every problem."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from pydantic import ValidationError

from mapapp.errors import Problem
from mapapp.store.schema import MODEL_BY_KIND

MAX_DECIMALS = 6


def validate_collection(data: Any, name: str, text: str | None = None) -> list[Problem]:
    """Every problem found; an empty list means the file is valid."""
    lines = _feature_lines(text, data)
    problems: list[Problem] = []

    def add(field: str, msg: str, index: int | None = None) -> None:
        line = lines.get(index) if index is not None else None
        problems.append(Problem(name, field, msg, line))

    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        add("type", "expected a FeatureCollection")
        return problems
    if "crs" in data:
        add("crs", "RFC 7946 removed the crs member; coordinates are always WGS84 lon/lat")
    features = data.get("features")
    if not isinstance(features, list):
        add("features", "expected a list")
        return problems
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        if not isinstance(feature, dict):
            add(where, "expected a Feature object", i)
            continue
        kind = (feature.get("properties") or {}).get("kind")
        model = MODEL_BY_KIND.get(kind) if isinstance(kind, str) else None
        if model is None:
            add(f"{where}.properties.kind", f"expected one of {sorted(MODEL_BY_KIND)}", i)
            continue
        try:
            model.model_validate(feature)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                add(f"{where}.{loc}", err["msg"], i)
            continue
        for msg in geometry_problems(feature["geometry"]):
            add(f"{where}.geometry", msg, i)
        props = feature["properties"]
        if "lat" in props and feature["geometry"]["type"] == "Point":
            lon, lat = feature["geometry"]["coordinates"][:2]
            if (props["lon"], props["lat"]) != (lon, lat):
                add(f"{where}.properties.lat", "lat/lon differ from the geometry", i)
    return problems


def geometry_problems(geometry: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for lon, lat in _positions(geometry):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            out.append(f"position ({lon}, {lat}) out of range; RFC 7946 order is lon, lat")
        for value in (lon, lat):
            exponent = Decimal(repr(value)).as_tuple().exponent
            if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
                out.append(f"coordinate {value} has more than {MAX_DECIMALS} decimals")
    for ring_index, ring in _rings(geometry):
        counter_clockwise = _signed_area(ring) > 0
        if ring_index == 0 and not counter_clockwise:
            out.append("exterior ring is not counter-clockwise (RFC 7946 section 3.1.6)")
        if ring_index > 0 and counter_clockwise:
            out.append("interior ring is not clockwise (RFC 7946 section 3.1.6)")
    return out


def _positions(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    def walk(value: Any) -> list[tuple[float, float]]:
        if value and isinstance(value[0], int | float):
            return [(float(value[0]), float(value[1]))]
        return [p for item in value for p in walk(item)]

    return walk(geometry.get("coordinates", []))


def _rings(geometry: dict[str, Any]) -> list[tuple[int, list[list[float]]]]:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [(i, ring) for polygon in polygons for i, ring in enumerate(polygon)]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in pairwise(ring))


def _feature_lines(text: str | None, data: Any) -> dict[int, int]:
    """Feature index -> line, for files laid out one feature per line (as mapapp writes)."""
    if text is None or not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return {}
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines, start=1) if line.startswith('{"type":"Feature"')]
    if len(starts) != len(data["features"]):
        return {}
    return dict(enumerate(starts))
