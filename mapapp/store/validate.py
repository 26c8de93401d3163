"""Check a GeoJSON file against RFC 7946 and mapapp's schema; report every problem.

Property types are strict: a day of "1" (text) is refused, because the filters
compare it with the number 1 and would silently match nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import msgspec
import shapely
import shapely.errors
from pydantic import ValidationError
from shapely.geometry import shape

from mapapp.errors import Problem
from mapapp.store import fast_schema
from mapapp.store.schema import MODEL_BY_KIND

MAX_DECIMALS = 6


def validate_collection(data: Any, name: str, text: str | None = None) -> list[Problem]:
    """Every problem found; an empty list means the file is valid."""
    problems: list[Problem] = []
    found_lines: list[dict[int, int]] = []

    def add(field: str, msg: str, index: int | None = None) -> None:
        if not found_lines:  # lines only when a problem needs one (a large file is valid)
            found_lines.append(_feature_lines(text, data))
        line = found_lines[0].get(index) if index is not None else None
        problems.append(Problem(name, field, msg, line))

    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        add("type", "expected a GeoJSON FeatureCollection")
        return problems
    if "crs" in data:
        add("crs", "RFC 7946 removed the crs member; coordinates are always WGS84 lon/lat")
    features = data.get("features")
    if not isinstance(features, list):
        add("features", "expected a list")
        return problems
    checked = _passing_in_bulk(features)
    for i, feature in enumerate(features):
        found = _bulk_checked_problems(feature) if i in checked else feature_problems(feature)
        for field, msg in found:
            add(f"features[{i}]{field}", msg, i)
    return problems


def _passing_in_bulk(features: list[Any]) -> set[int]:
    """Indices of the features that pass the schema's msgspec mirror, checked one kind
    at a time in one call (each feature on its own only when a kind's call fails).

    The mirror is never laxer than the pydantic models (tests/store/test_fast_schema.py);
    a feature it does not pass goes through the models, which word the problem.
    """
    by_kind: dict[str, list[int]] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        kind = props.get("kind") if isinstance(props, dict) else None
        if isinstance(kind, str) and kind in fast_schema.GEOMETRY_STRUCT:
            by_kind.setdefault(kind, []).append(i)
    passing: set[int] = set()
    for kind, indices in by_kind.items():
        try:
            fast_schema.check_all(kind, [features[i] for i in indices])
            passing.update(indices)
        except msgspec.ValidationError:
            passing.update(i for i in indices if fast_schema.passes(kind, features[i]))
    return passing


def _bulk_checked_problems(feature: dict[str, Any]) -> list[tuple[str, str]]:
    """What feature_problems finds after the schema, for a Point or LineString that
    passed the mirror: ranges, decimals, the lat/lon copy (the same words)."""
    geometry = feature["geometry"]
    coords = geometry["coordinates"]
    positions = [coords] if geometry["type"] == "Point" else coords
    out = [(".geometry", msg) for msg in position_problems(positions)]
    props = feature["properties"]
    moved = geometry["type"] == "Point" and (props["lon"], props["lat"]) != tuple(coords[:2])
    if "lat" in props and moved:
        out.append((".properties.lat", "lat/lon differ from the geometry"))
    return out


def position_problems(positions: list[list[float]]) -> list[str]:
    """Mixed dimensions, range and precision of positions (the checks of geometry_problems
    a Point or LineString can fail; `round(v, 6) != v` is exactly "more than 6 decimals"
    in v's shortest repr, without a Decimal per coordinate)."""
    if len({len(p) for p in positions}) > 1:
        return ["positions mix 2D and 3D coordinates"]
    out: list[str] = []
    for lon, lat, *_ in positions:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            out.append(f"position ({lon}, {lat}) out of range; RFC 7946 order is lon, lat")
        for value in (lon, lat):
            if round(value, MAX_DECIMALS) != value:
                out.append(f"coordinate {value} has more than {MAX_DECIMALS} decimals")
    return out


def feature_problems(feature: Any) -> list[tuple[str, str]]:
    """(field suffix, message) for one feature."""
    if not isinstance(feature, dict):
        return [("", "expected a Feature object")]
    props = feature.get("properties")
    kind = props.get("kind") if isinstance(props, dict) else None
    model = MODEL_BY_KIND.get(kind) if isinstance(kind, str) else None
    if model is None:
        return [(".properties.kind", f"expected one of {sorted(MODEL_BY_KIND)}")]
    if feature.get("geometry") is None:
        return [(".geometry", f"a feature of kind {kind!r} needs a geometry; it is null")]
    try:
        model.model_validate(feature, strict=True)
    except ValidationError as exc:
        return _schema_problems(exc)
    out = [(".geometry", msg) for msg in geometry_problems(feature["geometry"])]
    assert isinstance(props, dict)
    if "lat" in props and feature["geometry"]["type"] == "Point":
        lon, lat = feature["geometry"]["coordinates"][:2]
        if (props["lon"], props["lat"]) != (lon, lat):
            out.append((".properties.lat", "lat/lon differ from the geometry"))
    return out


def _schema_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """pydantic's errors, without the alternatives of a union (a 2D position, not also 3D)."""
    out: list[tuple[str, str]] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if "Position3D" in loc:
            continue  # the same mistake is reported against Position2D
        field = "." + ".".join(p for p in loc if p != "Position2D")
        if (field, _plain(err["msg"])) not in out:
            out.append((field, _plain(err["msg"])))
    return out


def _plain(message: str) -> str:
    """pydantic's strict-mode wording, in the terms of a JSON file."""
    return message.replace("Input should be a valid integer", "expected a whole number").replace(
        "Input should be a valid number", "expected a number (not text)"
    )


def geometry_problems(geometry: dict[str, Any]) -> list[str]:
    """Range, precision and (with shapely) RFC 7946 ring orientation of a checked geometry."""
    out: list[str] = []
    positions = list(_positions(geometry["coordinates"]))
    if len({len(p) for p in positions}) > 1:
        return ["positions mix 2D and 3D coordinates"]
    for lon, lat, *_ in positions:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            out.append(f"position ({lon}, {lat}) out of range; RFC 7946 order is lon, lat")
        for value in (lon, lat):
            exponent = Decimal(repr(value)).as_tuple().exponent
            if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
                out.append(f"coordinate {value} has more than {MAX_DECIMALS} decimals")
    polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}
    if any(not rings for rings in polygons.get(geometry["type"], [])):
        return [*out, f"a {geometry['type']} holds a polygon with no rings"]
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, shapely.errors.GEOSException) as exc:
        return [*out, f"not a valid {geometry['type']}: {exc}"]
    for polygon in getattr(geom, "geoms", [geom]):
        if not isinstance(polygon, shapely.Polygon) or polygon.is_empty:
            continue
        if not shapely.is_ccw(polygon.exterior):
            out.append("exterior ring is not counter-clockwise (RFC 7946 section 3.1.6)")
        if any(shapely.is_ccw(ring) for ring in polygon.interiors):
            out.append("interior ring is not clockwise (RFC 7946 section 3.1.6)")
    return out


def _positions(value: Any) -> Iterator[list[float]]:
    """Every position of a schema-checked coordinates array (numbers at the leaves)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            yield list(item)
        else:
            stack.extend(reversed(item))


def _feature_lines(text: str | None, data: Any) -> dict[int, int]:
    """Feature index -> line, for files laid out one feature per line (as mapapp writes)."""
    if text is None or not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return {}
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines, start=1) if line.startswith('{"type":"Feature"')]
    if len(starts) != len(data["features"]):
        return {}
    return dict(enumerate(starts))
