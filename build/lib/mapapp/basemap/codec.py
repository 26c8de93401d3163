"""The pack's geometry encoding: quantised integer coordinates, delta-coded.

Plain JSON keeps the pack readable by any tool, and delta-coding small integers
makes it about a third the size of GeoJSON with decimals. The same encoding is
decoded in the browser (mapapp/mapview/js/basemap.js); keep the two in step.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

#: A ring or line: [x0, y0, dx1, dy1, ...] in units of 1/scale degree.
Path = list[int]
#: "P": polygons, each a list of rings (exterior first); "L": lines.
Encoded = dict[str, object]


def encode_path(coords: Sequence[Sequence[float]], scale: int) -> Path:
    """Quantise a coordinate sequence and keep the first point and the steps.

    Consecutive points that quantise to the same integers are dropped.
    """
    out: Path = []
    px = py = 0
    first = True
    for x, y, *_ in coords:
        qx, qy = round(x * scale), round(y * scale)
        if first:
            out += [qx, qy]
            first = False
        elif (qx, qy) != (px, py):
            out += [qx - px, qy - py]
        else:
            continue
        px, py = qx, qy
    return out


def decode_path(path: Sequence[int], scale: int) -> list[tuple[float, float]]:
    """The inverse of `encode_path` (up to the quantisation)."""
    out: list[tuple[float, float]] = []
    x = y = 0
    for i in range(0, len(path), 2):
        x += path[i]
        y += path[i + 1]
        out.append((x / scale, y / scale))
    return out


def polygons_of(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons in any geometry (collections included), in a stable order."""
    parts = [g for g in shapely.get_parts(geometry) if not g.is_empty]
    out: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon):
            out.append(part)
        elif isinstance(part, MultiPolygon | shapely.GeometryCollection):
            out += polygons_of(part)
    return out


def lines_of(geometry: BaseGeometry) -> list[LineString]:
    """The lines in any geometry (polygon rings are not lines)."""
    out: list[LineString] = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, LineString) and not part.is_empty:
            out.append(part)
        elif isinstance(part, MultiLineString | shapely.GeometryCollection):
            out += lines_of(part)
    return out


def encode(geometry: BaseGeometry, scale: int) -> Encoded | None:
    """A polygonal or linear geometry as {"P": [[ring, ...], ...]} or {"L": [line, ...]}.

    Rings that collapse to fewer than 4 points, and lines to fewer than 2,
    after quantisation are dropped; None when nothing is left.
    """
    polygons = []
    for polygon in polygons_of(geometry):
        polygon = shapely.orient_polygons(polygon, exterior_cw=False)
        rings = [encode_path(polygon.exterior.coords, scale)]
        if len(rings[0]) < 8:
            continue
        rings += [
            ring
            for ring in (encode_path(r.coords, scale) for r in polygon.interiors)
            if len(ring) >= 8
        ]
        polygons.append(rings)
    if polygons:
        return {"P": polygons}
    lines = [p for p in (encode_path(line.coords, scale) for line in lines_of(geometry))]
    lines = [p for p in lines if len(p) >= 4]
    return {"L": lines} if lines else None


def decode(encoded: Encoded, scale: int) -> BaseGeometry:
    """A shapely geometry from `encode`'s output (for tests and checks)."""
    if "P" in encoded:
        polys = encoded["P"]
        assert isinstance(polys, list)
        return MultiPolygon(
            [
                Polygon(decode_path(rings[0], scale), [decode_path(r, scale) for r in rings[1:]])
                for rings in polys
            ]
        )
    lines = encoded["L"]
    assert isinstance(lines, list)
    return MultiLineString([decode_path(p, scale) for p in lines])


def vertex_count(encoded: Encoded) -> int:
    """How many points an encoded geometry draws."""
    paths: list[Path] = []
    if "P" in encoded:
        for rings in encoded["P"]:  # type: ignore[attr-defined]
            paths += rings
    else:
        paths = list(encoded["L"])  # type: ignore[call-overload]
    return sum(len(p) // 2 for p in paths)
