"""Assemble a pack from source files: the regional layers and labels, and a world layer.

Zoom bands and tolerances are chosen so each band's simplification stays under
half a pixel at the band's deepest zoom; the regional source (OSM land, about
10 m) is kept whole from zoom 11 on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import shapely
import yaml
from shapely.geometry.base import BaseGeometry

from mapapp.basemap import codec, names
from mapapp.basemap.geometry import (
    Extent,
    clip,
    label_spot,
    shared_borders,
    simplified,
    tolerance_for,
    without_small_holes,
)
from mapapp.basemap.pack import MAX_ZOOM, Credit, Label, Layer, Level, Pack, Part
from mapapp.basemap.sources import (
    Area,
    read_areas,
    read_geometry,
    read_prefectures,
    read_shapes,
)
from mapapp.errors import InputError, Problem

CREDIT_MLIT = Credit(
    "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成",
    "https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-v3_0.html",
)
CREDIT_OSM = Credit("© OpenStreetMap contributors", "https://www.openstreetmap.org/copyright")
CREDIT_NE = Credit("Natural Earth", "https://www.naturalearthdata.com/")


@dataclass(frozen=True)
class Band:
    """A zoom band: its zooms, the zoom its tolerance is set for, the quantisation
    per degree, the smallest polygon kept (deg²) and the grid cell (deg, 0: none)."""

    minzoom: int
    maxzoom: int
    tol_zoom: int
    scale: int
    min_area: float = 0.0
    cell_deg: float = 0.0


REGION_BANDS: tuple[Band, ...] = (
    Band(0, 7, 7, 10_000),
    Band(8, 10, 10, 100_000),
    Band(11, MAX_ZOOM, 14, 100_000),
)
#: Borders are not drawn below zoom 8 (they would be a tangle).
BORDER_BANDS = REGION_BANDS[1:]
#: The world: whole and light at the lowest zooms; then in 30° and 10° cells, so
#: a closer view draws only the cells it shows (and a page can embed only those
#: near its trip).
WORLD_BANDS: tuple[Band, ...] = (
    Band(0, 1, 0, 250, 0.5),
    Band(2, 5, 4, 1_000, 0.02, 30.0),
    Band(6, MAX_ZOOM, 6, 2_000, 0.004, 10.0),
)
MUNICIPAL_MINZOOM = 9
#: Holes in land smaller than this (deg², about 0.5 km²) are processing debris.
MIN_HOLE_DEG2 = 5e-5


@dataclass(frozen=True)
class RegionSources:
    """Paths of the files a regional pack reads (see README: building a basemap pack)."""

    land: Path
    municipalities: Sequence[Path] = ()
    prefectures: Path | None = None
    labels: Path | None = None


@dataclass(frozen=True)
class WorldSources:
    """Natural Earth land and countries (world-atlas TopoJSON or any GDAL-readable file)."""

    land: Path
    countries: Path | None = None
    land_layer: str | None = None
    countries_layer: str | None = None


@dataclass
class _Parts:
    layers: list[Layer] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)


def build_pack(
    name: str,
    extent: Extent,
    region: RegionSources | None,
    world: WorldSources | None,
) -> Pack:
    """A pack for `extent` from the given sources (either may be absent, not both)."""
    if region is None and world is None:
        raise ValueError("a pack needs regional sources, world sources or both")
    parts = _Parts()
    if world is not None:
        _add_world(parts, world)
    if region is not None:
        _add_region(parts, extent, region)
    return Pack(name, extent.as_list(), parts.credits, parts.layers, parts.labels)


def _cells(geometry: BaseGeometry, cell_deg: float) -> list[tuple[list[float], BaseGeometry]]:
    """The geometry cut into grid cells, west to east then south to north."""
    if geometry.is_empty:
        return []
    west, south, east, north = geometry.bounds
    if cell_deg <= 0:
        return [([round(v, 5) for v in (west, south, east, north)], geometry)]
    out = []
    for i in range(math.floor(west / cell_deg), math.ceil(east / cell_deg)):
        for j in range(math.floor(south / cell_deg), math.ceil(north / cell_deg)):
            cell = [i * cell_deg, j * cell_deg, (i + 1) * cell_deg, (j + 1) * cell_deg]
            piece = shapely.clip_by_rect(geometry, *cell)
            if not piece.is_empty:
                out.append((cell, piece))
    return out


def _layer(layer_id: str, kind: str, geometry: BaseGeometry, bands: Sequence[Band]) -> Layer:
    layer = Layer(layer_id, kind)
    for band in bands:
        light = simplified(geometry, tolerance_for(band.tol_zoom), band.min_area)
        parts = []
        for bbox, piece in _cells(light, band.cell_deg):
            encoded = codec.encode(piece, band.scale)
            if encoded is not None:
                parts.append(Part(bbox, encoded))
        if parts:
            layer.levels.append(Level(band.minzoom, band.maxzoom, band.scale, parts))
    return layer


def _add_world(parts: _Parts, world: WorldSources) -> None:
    land = read_geometry(world.land, layer=world.land_layer)
    parts.layers.append(_layer("world-land", "land", land, WORLD_BANDS))
    if world.countries is not None:
        # Each country separately: their union would have no borders left.
        countries, _ = read_shapes(
            world.countries, extent=None, columns=[], layer=world.countries_layer
        )
        borders = shared_borders(list(countries))
        bands = [
            Band(b.minzoom, b.maxzoom, b.tol_zoom, b.scale, 0.0, b.cell_deg) for b in WORLD_BANDS
        ]
        parts.layers.append(_layer("world-borders", "border-country", borders, bands))
    parts.credits.append(CREDIT_NE)


def _add_region(parts: _Parts, extent: Extent, region: RegionSources) -> None:
    land = without_small_holes(clip(read_geometry(region.land, extent), extent), MIN_HOLE_DEG2)
    water = shapely.difference(extent.box(), land)
    parts.layers.append(_layer("water", "water", water, REGION_BANDS))
    parts.layers.append(_layer("land", "land", land, REGION_BANDS))
    parts.credits.append(CREDIT_OSM)
    mlit = False
    if region.prefectures is not None:
        prefectures = read_prefectures(region.prefectures, extent.widened(0.5))
        borders = clip(shared_borders([p.geometry for p in prefectures]), extent)
        parts.layers.append(_layer("prefecture-borders", "border-major", borders, BORDER_BANDS))
        parts.labels += _prefecture_labels(prefectures, extent, land)
        mlit = True
    areas = [a for path in region.municipalities for a in read_areas(path, extent.widened(0.5))]
    if areas:
        borders = clip(shared_borders([a.geometry for a in areas]), extent)
        parts.layers.append(_layer("municipal-borders", "border-minor", borders, BORDER_BANDS))
        parts.labels += _municipal_labels(areas, extent, land)
        mlit = True
    if mlit:
        parts.credits.append(CREDIT_MLIT)
    if region.labels is not None:
        parts.labels += read_labels(region.labels, extent)


def _inside(spot_lon: float, spot_lat: float, extent: Extent) -> bool:
    return extent.west <= spot_lon <= extent.east and extent.south <= spot_lat <= extent.north


def _area_label(
    area: BaseGeometry, text: str, alt: str, kind: str, extent: Extent, land: BaseGeometry,
    lowest: int, maxzoom: int = MAX_ZOOM,
) -> Label | None:  # fmt: skip
    on_land = shapely.intersection(clip(area, extent), land)
    spot = label_spot(on_land, text, lowest=lowest)
    if spot is None or not _inside(spot.lon, spot.lat, extent) or spot.minzoom > maxzoom:
        return None
    return Label(text, alt, kind, spot.lon, spot.lat, spot.minzoom, maxzoom)


def _group(area: Area) -> str:
    """The city a ward belongs to ('' for a town or city without wards)."""
    if area.city.endswith("市"):
        return area.city
    if area.prefecture == "東京都" and area.name.endswith("区") and not area.city:
        return names.TOKYO_WARDS
    return ""


def _municipal_labels(areas: list[Area], extent: Extent, land: BaseGeometry) -> list[Label]:
    labels: list[Label] = []
    first_ward_zoom: dict[str, int] = {}
    for area in areas:
        english = names.MUNICIPALITIES_EN.get(area.code, "")
        label = _area_label(
            area.geometry, english or area.name, area.name if english else "",
            "municipality", extent, land, MUNICIPAL_MINZOOM,
        )  # fmt: skip
        if label is None:
            continue
        if area.name.endswith("市"):
            # A city's name orients a reader more than a ward's or a town's of
            # the same size: it is tried a zoom earlier and placed first.
            label = replace(label, kind="city", minzoom=max(MUNICIPAL_MINZOOM, label.minzoom - 1))
        labels.append(label)
        group = _group(area)
        if group:
            first_ward_zoom[group] = min(first_ward_zoom.get(group, MAX_ZOOM), label.minzoom)
    for group, ward_zoom in sorted(first_ward_zoom.items()):
        members = [a.geometry for a in areas if _group(a) == group]
        english = names.CITIES_EN.get(group, "")
        city = _area_label(
            shapely.union_all(members), english or group, group if english else "",
            "city", extent, land, 6, ward_zoom,
        )  # fmt: skip
        if city is not None:
            labels.append(city)
    return labels


def _prefecture_labels(prefs: list[Area], extent: Extent, land: BaseGeometry) -> list[Label]:
    out = []
    for pref in prefs:
        english = names.PREFECTURES_EN.get(pref.name, "")
        label = _area_label(
            pref.geometry, english or pref.name, pref.name if english else "",
            "prefecture", extent, land, 6, 10,
        )  # fmt: skip
        if label is not None:
            out.append(label)
    return out


def read_labels(path: Path, extent: Extent) -> list[Label]:
    """Curated labels (seas, bays, peninsulas) from YAML; each must cite a source URL."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError([Problem(str(path), "", f"not readable YAML: {exc}")]) from exc
    items = doc.get("labels") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise InputError([Problem(str(path), "labels", "expected a list under 'labels'")])
    out = []
    for i, item in enumerate(items):
        out.append(_label_item(path, i, item))
    return [lb for lb in out if _inside(lb.lon, lb.lat, extent)]


def _label_item(path: Path, index: int, item: Any) -> Label:
    where = f"labels[{index}]"
    if not isinstance(item, dict):
        raise InputError([Problem(str(path), where, "expected a mapping")])
    try:
        source = str(item["source"])
        if not source.startswith(("http://", "https://")):
            raise ValueError("source must be a URL")
        return Label(
            text=str(item["text"]),
            alt=str(item.get("alt", "")),
            kind=str(item.get("kind", "place")),
            lon=round(float(item["lon"]), 5),
            lat=round(float(item["lat"]), 5),
            minzoom=int(item.get("minzoom", 0)),
            maxzoom=int(item.get("maxzoom", MAX_ZOOM)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError([Problem(str(path), where, f"bad label: {exc}")]) from exc
