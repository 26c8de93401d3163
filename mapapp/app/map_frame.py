"""The map's frame for the app, rendered once per distinct map and shared.

`st_folium` renders the folium figure, then renders every element's script
again to build the component's arguments: about a third of a filter rerun, on
every rerun of every session. `frame_args` does the same preparation
(streamlit-folium's own helpers, in st_folium's order) and returns the
arguments as plain strings; `show` hands them to streamlit-folium's component.
The arguments depend only on the map, so page.py keeps them in a `ByteLRU`
keyed on (data, filters, basemap, view, selection) and a filter change that
another viewer already made costs a dictionary lookup.

The data still travels only inside the map's JsLayer payloads (inert JSON):
nothing here formats data into HTML or templates.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import folium
import streamlit_folium as sf

from mapapp.app.shared_cache import ByteLRU

#: Map frames shared by every session; 64 MB holds hundreds of seed-sized maps,
#: and a few large ones (a map bigger than 16 MB is made per rerun, never kept).
FRAME_BUDGET_BYTES = 64 * 1024 * 1024

_DEFAULTS: dict[str, Any] = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "all_drawings": None,
    "last_active_drawing": None,
    "last_circle_radius": None,
    "last_circle_polygon": None,
    "selected_layers": None,
    "selected_tags": None,
    "last_geocoder_result": None,
}


def frame_size(args: dict[str, Any]) -> int:
    """Bytes the frame's strings hold (what the cache budget counts)."""
    strings = (args["script"], args["header"], args["html"], *args["css_links"], *args["js_links"])
    return sum(len(s) for s in strings) + 1024


def frames() -> ByteLRU[dict[str, Any]]:
    """The process's one frame cache."""
    return _FRAMES


#: Pinned: the unfiltered map of up to two served data sets, each in two basemaps and views.
_FRAMES: ByteLRU[dict[str, Any]] = ByteLRU(FRAME_BUDGET_BYTES, frame_size, pin_max=8)


def frame_args(
    fmap: folium.Map, key: str, returned_objects: Sequence[str], height: int
) -> dict[str, Any]:
    """The component arguments st_folium would send for this map (width: the container's)."""
    fmap.get_root().render()  # st_folium renders the map once more here: the same again
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    southwest, northeast = fmap.get_bounds()
    defaults = {
        **{k: v for k, v in _DEFAULTS.items() if k in returned_objects},
        **({"bounds": _bounds(southwest, northeast)} if "bounds" in returned_objects else {}),
        **({"zoom": fmap.options.get("zoom")} if "zoom" in returned_objects else {}),
    }
    css: list[str] = []
    js: list[str] = []
    for element in _walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "key": sf.generate_js_hash(script, key, False),
        "height": height,
        "width": None,
        "returned_objects": list(returned_objects),
        "default": defaults,
        "zoom": None,
        "center": None,
        "feature_group": None,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        "wrap_longitude": False,
    }


RETURNED = ("last_object_clicked", "last_object_clicked_tooltip")
HEIGHT = 640


def frame_for(
    key: Hashable,
    shown: dict[str, Any],
    *,
    basemap: Literal["osm", "offline"],
    view: Literal["region", "selection"],
    selected: str,
    overlays: Sequence[Any] = (),
    shared: bool,
    pin: bool = False,
) -> dict[str, Any]:
    """The app's map frame for these shown events; from the shared cache when
    `shared` (then `key` must name the data and filters that made `shown`).
    `pin`: keep it whatever its size (the served data's unfiltered map, which
    every first page shows; see shared_cache)."""

    def make() -> dict[str, Any]:
        from mapapp.mapview.render import build_map

        fmap = build_map(shown, assets="streamlit", overlays=list(overlays), basemap=basemap,
                         view=view, selected=selected)  # fmt: skip
        return frame_args(fmap, "map", RETURNED, height=HEIGHT)

    if not shared:
        return make()
    return _FRAMES.get_or_make((key, basemap, view, selected), make, pin=pin)


def show(args: dict[str, Any]) -> Any:
    """The map frame on the page; returns what st_folium returns (the last click)."""
    return sf._component_func(**args)


def _bounds(southwest: Sequence[float | None], northeast: Sequence[float | None]) -> Any:
    return {
        "_southWest": {"lat": southwest[0], "lng": southwest[1]},
        "_northEast": {"lat": northeast[0], "lng": northeast[1]},
    }


def _walk(element: Any) -> Any:
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
