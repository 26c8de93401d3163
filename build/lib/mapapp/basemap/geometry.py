"""Geometry steps of a pack: clip to an extent, simplify per zoom, shared borders, labels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

#: Web Mercator tiles are 256 px wide: at zoom z the world is 256 * 2**z px.
TILE_PX = 256


@dataclass(frozen=True)
class Extent:
    """West, south, east, north in degrees."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not (-180 <= self.west < self.east <= 180 and -90 <= self.south < self.north <= 90):
            raise ValueError(f"not an extent (west, south, east, north): {self.as_list()}")

    def as_list(self) -> list[float]:
        return [self.west, self.south, self.east, self.north]

    def box(self) -> BaseGeometry:
        return box(self.west, self.south, self.east, self.north)

    def widened(self, margin_deg: float) -> Extent:
        """The extent plus a margin on every side, kept on the globe."""
        return Extent(
            max(-180.0, self.west - margin_deg),
            max(-90.0, self.south - margin_deg),
            min(180.0, self.east + margin_deg),
            min(90.0, self.north + margin_deg),
        )

    def intersects(self, other: Extent) -> bool:
        return not (
            other.west > self.east
            or other.east < self.west
            or other.south > self.north
            or other.north < self.south
        )


def degrees_per_px(zoom: float) -> float:
    """Degrees of longitude one screen pixel spans at `zoom` (Mercator: any latitude)."""
    return 360.0 / (TILE_PX * 2**zoom)


def tolerance_for(zoom: int, px: float = 0.5) -> float:
    """Simplification tolerance in degrees that stays under `px` pixels at `zoom`."""
    return px * degrees_per_px(zoom)


def clip(geometry: BaseGeometry, extent: Extent) -> BaseGeometry:
    """The part of a geometry inside the extent (valid polygons stay valid)."""
    return shapely.clip_by_rect(geometry, *extent.as_list())


def simplified(geometry: BaseGeometry, tolerance: float, min_area: float = 0.0) -> BaseGeometry:
    """Topology-preserving simplification; polygons smaller than `min_area` (deg²) go."""
    if tolerance > 0:
        geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
    if min_area > 0:
        from mapapp.basemap.codec import polygons_of

        parts = [p for p in polygons_of(geometry) if p.area >= min_area]
        geometry = without_small_holes(shapely.MultiPolygon(parts), min_area)
    return geometry


def without_small_holes(geometry: BaseGeometry, min_area: float) -> BaseGeometry:
    """Polygons with holes smaller than `min_area` (deg²) filled.

    The OSM-derived land layer carries thousands of tiny triangular holes left by
    its processing; drawn, they speckle the land with false lakes.
    """
    from mapapp.basemap.codec import polygons_of

    filled = [
        Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= min_area])
        for p in polygons_of(geometry)
    ]
    return shapely.MultiPolygon(filled)


def shared_borders(polygons: list[BaseGeometry], snap: float = 1e-6) -> BaseGeometry:
    """The borders between neighbouring polygons, without their outer edge (the coast).

    Drawn over a detailed land layer, the coarser outer edge of an
    administrative layer would stray from the coastline.
    """
    from mapapp.basemap.codec import polygons_of

    parts = [part for p in polygons for part in polygons_of(p)]
    if not parts:
        return shapely.MultiLineString()
    edges = shapely.union_all([p.boundary for p in parts])
    outer = shapely.MultiPolygon(polygons_of(shapely.union_all(parts))).boundary.buffer(snap)
    return shapely.line_merge(shapely.difference(edges, outer))


@dataclass(frozen=True)
class LabelSpot:
    """Where a label goes and from which zoom it fits inside its area."""

    lon: float
    lat: float
    minzoom: int


def label_spot(
    area: BaseGeometry, text: str, *, char_px: float = 6.5, lowest: int = 6, highest: int = 16
) -> LabelSpot | None:
    """The pole of inaccessibility of the largest part, and the first zoom at which
    the text's width fits (mostly) in the inscribed circle there."""
    parts = [p for p in shapely.get_parts(area) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return None
    largest = max(parts, key=lambda p: (p.area, p.wkb))
    centre = polylabel(largest, tolerance=1e-4)
    radius_deg = largest.exterior.distance(centre) if isinstance(centre, Point) else 0.0
    for hole in largest.interiors:
        radius_deg = min(radius_deg, hole.distance(centre))
    width_px = max(24.0, len(text) * char_px)
    # Mercator keeps a degree of longitude the same width at every latitude. The
    # text may overhang the inscribed circle (3 radii, not 2): the map hides
    # labels that would collide, so this only says when a label is worth trying.
    fits = 3 * radius_deg
    if fits <= 0:
        return None
    zoom = math.ceil(math.log2(width_px * degrees_per_px(0) / fits))
    if zoom > highest:
        return None
    return LabelSpot(round(centre.x, 5), round(centre.y, 5), max(lowest, zoom))


def extent_of(collection: dict[str, object], margin_deg: float) -> Extent:
    """The events' and routes' bounding box plus a margin (ValueError if there are none)."""
    xs: list[float] = []
    ys: list[float] = []
    features = collection.get("features")
    for feature in features if isinstance(features, list) else []:
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if props.get("kind") == "event" and geometry.get("type") == "Point":
            coords = [geometry["coordinates"]]
        elif props.get("kind") == "route" and geometry.get("type") == "LineString":
            coords = geometry["coordinates"]
        else:
            continue
        xs += [float(c[0]) for c in coords]
        ys += [float(c[1]) for c in coords]
    if not xs:
        raise ValueError("the collection has no events or routes to take an extent from")
    return Extent(min(xs), min(ys), max(xs), max(ys)).widened(margin_deg)
