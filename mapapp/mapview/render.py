"""Build the itinerary map as a folium.Map, for Streamlit or a standalone page.

Nothing here points off the machine unless asked for (`basemap="osm"`): the
Map's script/style lists are replaced by local files (served by Streamlit, or
inlined), and the basemap is drawn from local country outlines.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import folium
import numpy as np
from branca.element import Element, Figure

from mapapp.basemap.geometry import Extent
from mapapp.gc_pause import gc_paused
from mapapp.mapview import assets as asset_files
from mapapp.mapview.basemap_layer import add_basemap
from mapapp.mapview.context_layer import (
    HqLayer,
    LinkLayer,
    PartnerLayer,
    encode_links,
    links_legend,
)
from mapapp.mapview.control_layer import LayerControl
from mapapp.mapview.country_outlines import CountryOutlines
from mapapp.mapview.elements import HeadHtml, MapScripts, RawMacro, RawText
from mapapp.mapview.event_layer import EventLayer, uses_webgl
from mapapp.mapview.event_table import event_table
from mapapp.mapview.features import (
    Bounds,
    ViewMode,
    bounds_of_view,
    legend_days,
    map_words,
    split_features,
)
from mapapp.mapview.legend_layer import LegendLayer, LegendWords
from mapapp.mapview.overlay_layer import OverlayLayer, layer_name
from mapapp.mapview.page import PageFigure, heading_html, map_credits
from mapapp.mapview.playback_layer import add_playback
from mapapp.mapview.route_layer import SHOWN_MAX as ROUTES_SHOWN_MAX
from mapapp.mapview.route_layer import RouteLayer
from mapapp.mapview.style import MAP_CSS
from mapapp.presentation import escape
from mapapp.store.overlay import Overlay
from mapapp.store.schema import METADATA_MEMBER

AssetMode = Literal["streamlit", "inline"]
BasemapMode = Literal["offline", "osm"]
#: (name in the layer control, the layer, is a base layer)
ControlEntry = tuple[str, Element, bool]

BASEMAP_LAYER_NAME = "Basemap: country outlines (offline)"

MAX_FIT_ZOOM = 15
LEGEND_CLEARANCE_PX = (280, 24)  # left, top: clear of the legend box (bottom left)


def _localise_assets(
    m: folium.Map, mode: AssetMode, static_prefix: str, *, webgl: bool = False
) -> None:
    """Replace the Map's CDN script/style lists (Leaflet, jQuery, Bootstrap,
    awesome-markers, Font Awesome) with local Leaflet and jQuery only (and
    leaflet.glify for a map that draws its events with WebGL)."""
    if mode == "streamlit":
        m.default_js = asset_files.static_js_links(static_prefix, webgl=webgl)
        m.default_css = asset_files.static_css_links(static_prefix)
    elif mode == "inline":
        m.default_js = []
        m.default_css = []
        HeadHtml(asset_files.inline_head_html(webgl=webgl), name="MvAssets").add_to(m)
    else:
        raise ValueError(f"assets must be 'streamlit' or 'inline', not {mode!r}")
    HeadHtml(f"<style>{MAP_CSS}</style>", name="MvStyle").add_to(m)


def _add_basemap(
    m: folium.Map,
    basemap: BasemapMode,
    bounds: Bounds | None,
    assets: AssetMode,
    prefix: str,
    focus: list[tuple[float, float]],
) -> list[ControlEntry]:
    """The vector packs (tiles on top when online); country outlines if no pack is
    found. Returns the layers it adds to the layer control."""
    if basemap not in ("offline", "osm"):
        raise ValueError(f"basemap must be 'offline' or 'osm', not {basemap!r}")
    view = None
    if bounds is not None:
        (south, west), (north, east) = bounds
        view = Extent(west, south, east, north)
    online = basemap == "osm"
    inline = assets == "inline"
    if add_basemap(m, online=online, view=view, inline=inline, static_prefix=prefix, focus=focus):
        return []
    entries: list[ControlEntry] = []
    if online:
        tiles = folium.TileLayer("OpenStreetMap", control=False).add_to(m)
        entries.append(("OpenStreetMap (online)", tiles, True))
    group = folium.FeatureGroup(name="mv_outlines", control=False).add_to(m)
    CountryOutlines().add_to(group)
    entries.append((BASEMAP_LAYER_NAME, group, False))
    return entries


def places_seen(xy: np.ndarray[Any, Any]) -> list[tuple[float, float]]:
    """The distinct (lat, lon) of the events' (lon, lat), in the order first seen: a
    trip of 100,000 events has a few hundred (a tuple per event was 10 MB)."""
    if not len(xy):
        return []
    # Each point as one complex number: a 1-D unique, six times faster than by rows.
    points = np.ascontiguousarray(xy, dtype=np.float64).view(np.complex128).ravel()
    _, first = np.unique(points, return_index=True)
    return [(lat, lon) for lon, lat in xy[np.sort(first)].tolist()]


class MapRegion(RawMacro):
    """Names the map for screen readers: a labelled region landmark."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "MapRegion"
        self.label = label

    def script_js(self) -> str:
        container = f"{self.parent_name()}.getContainer()"
        return (
            f'{container}.setAttribute("role", "region");\n'
            f'{container}.setAttribute("aria-label", {escape.js_string(self.label)});\n'
        )


class AccessibleMap(folium.Map):  # type: ignore[misc]
    """folium.Map whose page lets the reader zoom (folium's meta tag sets
    maximum-scale=1 and user-scalable=no, which axe reports)."""

    def render(self, **kwargs: Any) -> str:
        """Render as folium does, then put a zoomable viewport tag in the head."""
        super().render(**kwargs)
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render the map inside a Figure")
        header, name = figure.header, self.get_name()
        text = header._children[name].render()
        fixed = re.sub(
            r'<meta name="viewport"[^>]*>',
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
            text,
        )
        header.add_child(RawText(fixed), name=name)
        return ""


def build_map(
    collection: Mapping[str, Any],
    *,
    assets: AssetMode,
    basemap: BasemapMode,
    view: ViewMode,
    static_prefix: str = asset_files.STATIC_URL_PREFIX,
    selected: str = "",
    overlays: Sequence[Overlay] = (),
) -> folium.Map:
    """The itinerary map of a GeoJSON FeatureCollection (kinds event/route/partner/hq).

    `assets="streamlit"` loads Leaflet and jQuery from `static_prefix` (see
    `assets.install_static`); `"inline"` embeds them, for a standalone file.
    `selected` is the id of an event to highlight, with its details open.
    """
    with gc_paused():  # a million short-lived strings and tuples: see mapapp.gc_pause
        return _build_map(collection, assets, basemap, view, static_prefix, selected, overlays)


def _build_map(
    collection: Mapping[str, Any],
    assets: AssetMode,
    basemap: BasemapMode,
    view: ViewMode,
    static_prefix: str,
    selected: str,
    overlays: Sequence[Overlay],
) -> folium.Map:
    f = split_features(collection)
    table = event_table(f.events)  # every event field the map reads, in one pass
    words = map_words(f, table.xy)
    bounds = bounds_of_view(f, view, table.xy)
    if bounds is None:
        location, zoom = [20.0, 80.0], 2
    else:
        (south, west), (north, east) = bounds
        location, zoom = [(south + north) / 2, (west + east) / 2], 3
    m = AccessibleMap(location=location, zoom_start=zoom, tiles=None, control_scale=True)
    m.options["max_zoom"] = 18
    # Leaflet focuses the map on mousedown for keyboard panning; inside the app's
    # iframe that focus scrolls the page when the map runs below the fold, so the
    # mouseup lands elsewhere and marker clicks are lost. The events take Tab and
    # Enter themselves (js/events.js).
    m.options["keyboard"] = False
    m.options["min_zoom"] = 1
    _localise_assets(m, assets, static_prefix, webgl=uses_webgl(len(f.events)))
    MapScripts().add_to(m)  # the map's JS, once, before any layer
    control = _add_basemap(m, basemap, bounds, assets, static_prefix, places_seen(table.xy))
    MapRegion(f"Map of {len(f.events)} events").add_to(m)
    links = None
    if words.links and words.home is not None:
        links = encode_links(words.home, f.partners, f.hqs)
    # The legend before the events: events.js folds it on a small map.
    legend = LegendWords(
        partners=f"{words.partners} (outline)" if words.partners else None,
        capitals="capital of a partner" if f.partners else None,
        hq=words.hq,
        links=links_legend(words.links, links) if words.links and links else None,
    )
    LegendLayer(legend_days(f.events, table), legend).add_to(m)

    def group(name: str, layer: RawMacro, show: bool = True) -> None:
        """A group for one layer, listed in the control by `name` (text from the data)."""
        feature_group = folium.FeatureGroup(
            name=f"mv_group_{len(control)}", control=False, show=show
        )
        feature_group.add_to(m)
        layer.add_to(feature_group)
        control.append((name, feature_group, False))

    # Drawing order: partners under links under routes under HQ and events.
    if words.partners:
        group(words.partners, PartnerLayer(f.partners))
    if words.links and links is not None:
        group(words.links, LinkLayer(links))
    group("Routes", RouteLayer(f.routes), show=len(f.routes) <= ROUTES_SHOWN_MAX)
    if words.hq:
        group(words.hq, HqLayer(f.hqs))
    # A standalone page of many events keeps them in a data block (see JsLayer).
    island = assets == "inline" and uses_webgl(len(f.events))
    group("Events", EventLayer(f.events, selected, table, island))
    timezone = (collection.get(METADATA_MEMBER) or {}).get("timezone")
    add_playback(m, f.events, timezone, table)
    for overlay in overlays:  # uploaded foreign collections
        group(layer_name(overlay), OverlayLayer(overlay))
    LayerControl(control, position="topright", collapsed=True).add_to(m)
    if bounds is not None:
        # The legend sits bottom-left: keep the fitted points clear of it.
        m.fit_bounds(
            [list(bounds[0]), list(bounds[1])],
            padding_top_left=LEGEND_CLEARANCE_PX,
            padding_bottom_right=(24, 24),
            max_zoom=MAX_FIT_ZOOM,
        )
    return m


def _walk(element: Element) -> Iterable[Element]:
    yield element
    # Popups keep their content in side elements (header/html/script), not children.
    for attr in ("header", "html", "script"):
        side = getattr(element, attr, None)
        if isinstance(side, Element):
            yield from _walk(side)
    for child in list(element._children.values()):
        yield from _walk(child)


def make_ids_deterministic(m: folium.Map) -> None:
    """Replace folium's random element ids with a counter, so the same input
    renders to the same HTML (for snapshot tests and diffs)."""
    elements = list(_walk(m.get_root()))
    old_names = {id(e): e.get_name() for e in elements}
    for number, element in enumerate(elements):
        element._id = f"{number:08x}"
    # Children are keyed by the name they had when added, and some templates
    # (folium's Popup) print those keys: rename the keys that were ids.
    for element in elements:
        element._children = OrderedDict(
            (child.get_name() if key == old_names[id(child)] else key, child)
            for key, child in element._children.items()
        )


def render_html(
    collection: Mapping[str, Any],
    *,
    assets: AssetMode = "inline",
    basemap: BasemapMode = "offline",
    view: ViewMode = "selection",
    deterministic: bool = False,
    trip: Mapping[str, Any] | None = None,
) -> str:
    """A complete HTML page; with the defaults it needs no other file and no network.

    `trip` (title, article_title, article_url, outlet) names the page and its heading.
    """
    m = build_map(collection, assets=assets, basemap=basemap, view=view)
    title = str((trip or {}).get("title") or "Itinerary map")
    PageFigure(title, heading_html(trip, map_credits(m))).add_child(m)
    if deterministic:
        make_ids_deterministic(m)
    html: str = m.get_root().render()
    return html
