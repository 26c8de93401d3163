"""Reading the open source files a pack is made from, through GDAL (pyogrio).

GDAL reads GeoJSON and TopoJSON alike and filters by bounding box in C, which
matters for the 168 MB OSM land file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from mapapp.basemap.geometry import Extent
from mapapp.errors import InputError, Problem

#: MLIT N03 attribute names: prefecture, city or county, ward or municipality, code.
N03_PREFECTURE, N03_CITY, N03_WARD, N03_CODE = "N03_001", "N03_003", "N03_004", "N03_007"


@dataclass(frozen=True)
class Area:
    """One administrative area: its code, names (largest unit first) and shape."""

    code: str
    prefecture: str
    city: str
    name: str
    geometry: BaseGeometry


def read_shapes(
    path: Path, *, extent: Extent | None, columns: list[str], layer: str | None = None
) -> Any:
    """(valid shapely geometries, {column: values}) of a file's features."""
    import pyogrio

    # One GeoJSON feature of the OSM land file is larger than GDAL's default limit.
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": 0})
    if not Path(path).is_file():
        raise InputError([Problem(str(path), "", "no such file")])
    try:
        meta, _fids, geometry, fields = pyogrio.raw.read(
            path,
            layer=layer,
            bbox=tuple(extent.as_list()) if extent else None,
            columns=columns,
        )
    except Exception as exc:  # pyogrio raises its own and GDAL's errors
        raise InputError([Problem(str(path), layer or "", f"not readable by GDAL: {exc}")]) from exc
    found = [str(name) for name in meta["fields"]]
    missing = [c for c in columns if c not in found]
    if missing:
        raise InputError(
            [Problem(str(path), ", ".join(missing), f"missing attribute; it has {found}")]
        )
    shapes = [shapely.make_valid(g) for g in shapely.from_wkb(geometry) if g is not None]
    return shapes, {c: list(fields[found.index(c)]) for c in columns}


def read_geometry(
    path: Path, extent: Extent | None = None, layer: str | None = None
) -> BaseGeometry:
    """Every feature of a file (or one TopoJSON object), unioned; clipped by bbox if given."""
    shapes, _ = read_shapes(path, extent=extent, columns=[], layer=layer)
    return shapely.union_all(shapes) if shapes else shapely.GeometryCollection()


def read_areas(path: Path, extent: Extent | None = None) -> list[Area]:
    """MLIT N03 administrative areas; parts of one code are joined."""
    columns = [N03_PREFECTURE, N03_CITY, N03_WARD, N03_CODE]
    shapes, fields = read_shapes(path, extent=extent, columns=columns)
    parts: dict[str, list[BaseGeometry]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    for i, shape in enumerate(shapes):
        code = fields[N03_CODE][i]
        if not code:  # 所属未定地: land no municipality claims yet
            continue
        parts.setdefault(str(code), []).append(shape)
        names[str(code)] = (
            str(fields[N03_PREFECTURE][i] or ""),
            str(fields[N03_CITY][i] or ""),
            str(fields[N03_WARD][i] or ""),
        )
    return [Area(code, *names[code], shapely.union_all(parts[code])) for code in sorted(parts)]


def read_prefectures(path: Path, extent: Extent | None = None) -> list[Area]:
    """Prefecture outlines (MLIT N03 dissolved by prefecture)."""
    shapes, fields = read_shapes(path, extent=extent, columns=[N03_PREFECTURE])
    by_name: dict[str, list[BaseGeometry]] = {}
    for i, shape in enumerate(shapes):
        by_name.setdefault(str(fields[N03_PREFECTURE][i]), []).append(shape)
    return [
        Area(name, name, "", name, shapely.union_all(by_name[name])) for name in sorted(by_name)
    ]
