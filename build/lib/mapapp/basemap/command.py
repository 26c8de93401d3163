"""`mapapp basemap`: the pure function behind the command (the CLI only parses flags)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapapp.atomic import write_text_atomic
from mapapp.basemap.build import RegionSources, WorldSources, build_pack
from mapapp.basemap.geometry import Extent, extent_of
from mapapp.basemap.pack import dumps
from mapapp.errors import InputError, Problem


@dataclass(frozen=True)
class BasemapRequest:
    name: str
    out: Path
    region: RegionSources | None
    world: WorldSources | None
    extent: str | None = None
    data: Path | None = None
    margin_deg: float = 0.3


def parse_extent(text: str) -> Extent:
    """'W,S,E,N' in degrees."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
        return Extent(west, south, east, north)
    except ValueError as exc:
        raise InputError(
            [Problem("--extent", "extent", f"expected W,S,E,N degrees: {exc}")]
        ) from exc


def _extent(request: BasemapRequest) -> Extent:
    if request.extent:
        return parse_extent(request.extent)
    if request.region is None:
        return Extent(-180, -90, 180, 90)
    if request.data is None:
        raise InputError([Problem("--data", "", "give --extent or the trip's built GeoJSON")])
    from mapapp.store import geojson_io

    collection = geojson_io.read(request.data)
    try:
        return extent_of(collection, request.margin_deg)
    except ValueError as exc:
        raise InputError([Problem(str(request.data), "features", str(exc))]) from exc


def make_basemap(request: BasemapRequest) -> tuple[Path, int]:
    """Build the pack and write it atomically; (path, size in bytes)."""
    if request.region is None and request.world is None:
        raise InputError([Problem("mapapp basemap", "", "give --land (region) or --world-land")])
    pack = build_pack(request.name, _extent(request), request.region, request.world)
    text = dumps(pack)
    write_text_atomic(request.out, text)
    return request.out, len(text.encode("utf-8"))
