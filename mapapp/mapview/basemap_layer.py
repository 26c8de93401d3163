"""The basemap layer of the map: which packs, served or embedded, tiles or not.

Kept apart from render.py so the map's builder only calls `add_basemap`.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import folium

from mapapp.atomic import write_bytes_atomic
from mapapp.basemap.geometry import Extent
from mapapp.basemap.pack import load
from mapapp.errors import InputError
from mapapp.mapview.elements import HeadHtml, JsLayer, inert_json
from mapapp.presentation import escape
from mapapp.presentation.palette import BORDER_STYLES, LAND_COLOR, WATER_COLOR

#: Where the packs live: data/basemap/ of the checkout, or $MAPAPP_BASEMAP_DIR.
PACK_DIR = Path(__file__).resolve().parents[2] / "data" / "basemap"
STATIC_SUBDIR = "basemap"
OSM_TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a> contributors",
    "maxZoom": 19,
}
TILE_NOTICE = "Map tiles could not be loaded: showing the offline basemap."
BASEMAP_BEGIN = "/*MV_BASEMAP_BEGIN*/"
BASEMAP_END = "/*MV_BASEMAP_END*/"

#: Leaflet path options per layer kind (see mapapp/basemap/build.py).
STYLES: dict[str, dict[str, Any]] = {
    # No strokes on areas: a regional pack's polygons end at its extent's edge.
    "land": {"stroke": False, "fillColor": LAND_COLOR, "fillOpacity": 1},
    "water": {"stroke": False, "fillColor": WATER_COLOR, "fillOpacity": 1},
    **BORDER_STYLES,
}  # fmt: skip

BASEMAP_CSS = f"""
.leaflet-container.mv-has-basemap {{ background: {WATER_COLOR}; }}
.mv-bl {{ pointer-events: none; text-align: center; white-space: nowrap; color: #333;
  font: 600 11px/1.2 system-ui, -apple-system, "Segoe UI", sans-serif;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }}
.mv-bl span {{ display: block; }}
.mv-bl .mv-bl-alt {{ font-size: 10px; font-weight: 400; color: #4a4a4a; }}
.mv-bl-city, .mv-bl-prefecture {{ font-size: 13px; }}
.mv-bl-prefecture {{ letter-spacing: 0.08em; text-transform: uppercase; color: #4b4360; }}
.mv-bl-water, .mv-bl-peninsula {{ font-style: italic; font-weight: 500; }}
.mv-bl-water {{ color: #1f4e6e; }}
.mv-tile-notice {{ background: #fff8e1; color: #4a3b00; border: 1px solid #c9a227;
  padding: 4px 8px; border-radius: 4px; font-size: 12px; max-width: 260px; }}
"""


@dataclass(frozen=True)
class PackInfo:
    path: Path
    name: str
    extent: Extent
    credits: tuple[tuple[str, str], ...]
    is_world: bool


def pack_dir() -> Path:
    return Path(os.environ.get("MAPAPP_BASEMAP_DIR") or PACK_DIR)


@lru_cache(maxsize=8)
def _packs_in(folder: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[PackInfo, ...]:
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            doc = load(path)
        except InputError as exc:  # a broken pack must not take the map down
            warnings.warn(f"basemap pack skipped: {exc}", stacklevel=2)
            continue
        w, s, e, n = (float(v) for v in doc["extent"])
        credits = tuple((str(c["text"]), str(c["url"])) for c in doc["credits"])
        is_world = (e - w) >= 359 and (n - s) >= 179
        out.append(PackInfo(path, str(doc["name"]), Extent(w, s, e, n), credits, is_world))
    return tuple(out)


def available_packs(folder: Path | None = None) -> tuple[PackInfo, ...]:
    """The packs in the folder (re-read when a file changes)."""
    folder = folder or pack_dir()
    if not folder.is_dir():
        return ()
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(folder.glob("*.json")))
    return _packs_in(folder, stamp)


def packs_for(view: Extent | None, folder: Path | None = None) -> list[PackInfo]:
    """The world pack(s), and each regional pack that meets the view."""
    return [
        p
        for p in available_packs(folder)
        if p.is_world or (view is not None and p.extent.intersects(view))
    ]


#: A standalone page embeds the detailed cells this far around its view; beyond,
#: the coarsest level is drawn (js/basemap.js falls back to it).
EMBED_MARGIN_DEG = 20.0


@lru_cache(maxsize=4)
def _pack_doc(path: Path, mtime: float) -> dict[str, Any]:
    return load(path)


@lru_cache(maxsize=32)
def _embedded_text(path: Path, mtime: float, near: Extent | None) -> str:
    """The pack as JSON for a page: the grid cells that meet `near` (levels drawn
    whole are kept whole); for a world-wide view (None), only the levels that
    start at zoom 0. js/basemap.js draws level 0 where a level has nothing."""
    doc = _pack_doc(path, mtime)
    layers = []
    for layer in doc["layers"]:
        levels = []
        for level in layer["levels"]:
            parts = level["parts"]
            if near is None:
                parts = parts if level["minzoom"] == 0 else []
            elif len(parts) > 1:
                parts = [p for p in parts if Extent(*p["bbox"]).intersects(near)]
            if parts:
                levels.append({**level, "parts": parts})
        if levels:
            layers.append({**layer, "levels": levels})
    text = json.dumps({**doc, "layers": layers}, ensure_ascii=False, separators=(",", ":"))
    return escape.script(text)


#: Label priority looks at this many event points at most.
MAX_FOCUS = 200

#: A view wider than this (degrees) is a world view.
WORLD_VIEW_DEG = 60.0


def _near(view: Extent | None) -> Extent | None:
    """The view widened by EMBED_MARGIN_DEG, on whole degrees (so pages share a cache);
    None for a world-wide view or none."""
    if view is None or max(view.east - view.west, view.north - view.south) > WORLD_VIEW_DEG:
        return None
    wide = view.widened(EMBED_MARGIN_DEG)
    return Extent(
        float(int(wide.west) - 1 if wide.west > -179 else -180),
        float(int(wide.south) - 1 if wide.south > -89 else -90),
        float(int(wide.east) + 1 if wide.east < 179 else 180),
        float(int(wide.north) + 1 if wide.north < 89 else 90),
    )


def install_packs(static_dir: Path, folder: Path | None = None) -> None:
    """Copy the packs below Streamlit's static folder (unchanged files are left alone)."""
    for pack in available_packs(folder):
        target = static_dir / STATIC_SUBDIR / pack.path.name
        data = pack.path.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            write_bytes_atomic(target, data)


#: The payload version js/basemap.js reads.
VERSION = 1


class BasemapLayer(JsLayer):
    """The packs, their credits and (online) the tiles, drawn by js/basemap.js."""

    js_file = "basemap.js"
    js_function = "basemap"
    version: ClassVar[int] = VERSION
    payload_marks = (BASEMAP_BEGIN, BASEMAP_END)


def add_basemap(
    m: folium.Map,
    *,
    online: bool,
    view: Extent | None,
    inline: bool,
    static_prefix: str,
    focus: list[tuple[float, float]] | None = None,
) -> bool:
    """Add the basemap to the map; False if no pack was found (caller falls back).

    `focus` are the events' (lat, lon): labels near them are placed first."""
    packs = packs_for(view)
    if not packs:
        return False
    credits: dict[tuple[str, str], None] = {}
    for pack in packs:
        credits.update(dict.fromkeys(pack.credits))
    if online:  # the tiles credit OpenStreetMap themselves
        credits = {c: None for c in credits if "OpenStreetMap" not in c[0]}
    ids: list[str] = []
    urls: list[str] = []
    if inline:
        # Inert JSON elements, parsed by JSON.parse once the events are drawn:
        # V8 parses a megabyte of JSON far faster than the same as a JS literal.
        for pack in packs:
            ids.append(f"mv-basemap-{pack.path.stem}")
            text = _embedded_text(pack.path, pack.path.stat().st_mtime, _near(view))
            element = f'<script type="application/json" id="{ids[-1]}">{text}</script>'
            HeadHtml(element, name=f"MvBasemapPack{len(ids)}").add_to(m)
    else:
        urls = [f"{static_prefix}{STATIC_SUBDIR}/{p.path.name}" for p in packs]
    head = {
        "v": VERSION,
        "ids": ids,
        "urls": urls,
        "credits": [{"text": t, "url": u} for t, u in credits],
        "styles": STYLES,
        "tiles": OSM_TILES if online else None,
        "notice": TILE_NOTICE,
        "focus": [[round(lat, 4), round(lon, 4)] for lat, lon in dict.fromkeys(focus or [])][
            :MAX_FOCUS
        ],
    }
    payload = inert_json(head)
    HeadHtml(f"<style>{BASEMAP_CSS}</style>", name="MvBasemapStyle").add_to(m)
    BasemapLayer(payload).add_to(m)
    return True
