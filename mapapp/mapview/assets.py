"""Leaflet and jQuery from installed Python packages, never from a CDN.

The machine that shows the map may have no internet, so the files come from
`django-js-lib-leaflet` (Leaflet 1.9.4) and `xstatic-jquery` (jQuery 3.7.1).
Maps with many events also load leaflet.glify 3.3.1 (WebGL points; MIT,
committed under mapview/vendor/, see vendor/fetch.py). Two ways to ship them:
copied into the `static/` folder beside the app's launcher (see app.server;
Streamlit serves it at `/app/static/NAME`), or inlined into a standalone HTML page.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from mapapp.atomic import write_bytes_atomic
from mapapp.presentation.escape import ascii_js

#: Where Streamlit serves `static/` beside the app script (server.enableStaticServing).
#: Absolute on purpose: a relative URL resolves against the component iframe and 404s.
STATIC_URL_PREFIX = "/app/static/"

AssetKind = Literal["js", "css", "image", "map"]


@dataclass(frozen=True)
class Asset:
    """One file to serve: `name` is its path below the static folder."""

    name: str
    path: Path
    kind: AssetKind


def leaflet_dir() -> Path:
    """The folder of django-js-lib-leaflet's Leaflet build (no Django needed)."""
    root = Path(str(files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"
    if not (root / "leaflet.js").is_file():
        raise FileNotFoundError(f"Leaflet not found under {root}")
    return root


#: Loaded only by maps that draw their events with WebGL (see event_layer.GL_MIN).
WEBGL_ONLY = frozenset({"leaflet.glify.js"})


def glify_file() -> Path:
    """The committed leaflet.glify browser build (mapapp/mapview/vendor/)."""
    path = Path(str(files("mapapp.mapview"))) / "vendor" / "leaflet.glify.js"
    if not path.is_file():
        raise FileNotFoundError(f"leaflet.glify not found at {path}")
    return path


def jquery_dir() -> Path:
    """The data folder of xstatic-jquery."""
    root = Path(str(files("xstatic.pkg.jquery"))) / "data"
    if not (root / "jquery.min.js").is_file():
        raise FileNotFoundError(f"jQuery not found under {root}")
    return root


@lru_cache(maxsize=1)
def assets() -> tuple[Asset, ...]:
    """Every file the map needs, in load order for scripts (jQuery, then Leaflet)."""
    leaflet = leaflet_dir()
    jquery = jquery_dir()
    found = [
        Asset("jquery.min.js", jquery / "jquery.min.js", "js"),
        Asset("leaflet.js", leaflet / "leaflet.js", "js"),
        Asset("leaflet.css", leaflet / "leaflet.css", "css"),
        Asset("leaflet.glify.js", glify_file(), "js"),
    ]
    found += [
        Asset(f"images/{png.name}", png, "image")
        for png in sorted((leaflet / "images").glob("*.png"))
    ]
    # Source maps only spare a 404 in the browser's developer tools.
    found += [
        Asset(src.name, src, "map")
        for src in (jquery / "jquery.min.map", leaflet / "leaflet.js.map")
        if src.is_file()
    ]
    return tuple(found)


def install_static(dest_dir: Path) -> None:
    """Copy the assets into `dest_dir`; files already identical are left alone.

    Idempotent and safe against a concurrent reader: each file is written
    atomically (a temporary name, then a rename).
    """
    dest_dir = Path(dest_dir)
    for asset in assets():
        target = dest_dir / asset.name
        data = asset.path.read_bytes()
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        write_bytes_atomic(target, data)


def _wanted(asset: Asset, webgl: bool) -> bool:
    return asset.kind == "js" and (webgl or asset.name not in WEBGL_ONLY)


def static_js_links(
    prefix: str = STATIC_URL_PREFIX, *, webgl: bool = False
) -> list[tuple[str, str]]:
    """(name, URL) pairs for folium's `default_js`, served by Streamlit."""
    return [(_link_name(a), prefix + a.name) for a in assets() if _wanted(a, webgl)]


def static_css_links(prefix: str = STATIC_URL_PREFIX) -> list[tuple[str, str]]:
    """(name, URL) pairs for folium's `default_css`, served by Streamlit."""
    return [(_link_name(a), prefix + a.name) for a in assets() if a.kind == "css"]


def _link_name(asset: Asset) -> str:
    # folium's own names, so a stray element that wants "leaflet"/"jquery" reuses ours.
    return {"jquery.min.js": "jquery", "leaflet.js": "leaflet", "leaflet.css": "leaflet_css"}.get(
        asset.name, asset.name
    )


_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


def _script_safe(text: str) -> str:
    """Text that cannot close its <script>/<style> element early."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


@lru_cache(maxsize=2)
def inline_scripts(webgl: bool = False) -> tuple[str, ...]:
    """The JavaScript sources (jQuery, Leaflet, and leaflet.glify with `webgl`) for
    inlining, in load order."""
    out = []
    for asset in assets():
        if _wanted(asset, webgl):
            text = asset.path.read_text(encoding="utf-8")
            out.append(ascii_js(_script_safe(_SOURCE_MAP.sub("", text))))
    return tuple(out)


@lru_cache(maxsize=1)
def inline_css() -> str:
    """Leaflet's CSS with its `url(images/...)` references turned into data: URIs,
    so a standalone page needs no other file."""
    by_name = {a.name: a.path for a in assets() if a.kind == "image"}
    css_asset = next(a for a in assets() if a.kind == "css")
    css = css_asset.path.read_text(encoding="utf-8")

    def to_data_uri(match: re.Match[str]) -> str:
        path = by_name.get(match.group(2))
        if path is None:
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return _script_safe(_CSS_URL.sub(to_data_uri, css))


def inline_head_html(*, webgl: bool = False) -> str:
    """`<style>` and `<script>` tags carrying the assets, for a page's <head>."""
    parts = [f"<style>{inline_css()}</style>"]
    parts += [f"<script>{js}</script>" for js in inline_scripts(webgl)]
    return "\n".join(parts)
