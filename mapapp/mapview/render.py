"""Build the itinerary map as a folium.Map, for Streamlit or a standalone page.

Nothing here points off the machine unless asked for (`basemap="osm"`): the
Map's script/style lists are replaced by local files (served by Streamlit, or
inlined), and the basemap is drawn from local country outlines.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import folium
import shapely
from branca.element import Element, Figure
from shapely.geometry import shape

from mapapp.basemap.geometry import Extent
from mapapp.mapview import assets as asset_files
from mapapp.mapview import escape
from mapapp.mapview.basemap import CountryOutlines, geometry_json, simplified
from mapapp.mapview.basemap_layer import add_basemap
from mapapp.mapview.elements import BodyHtml, HeadHtml, RawMacro, RawText
from mapapp.mapview.event_layer import EventLayer
from mapapp.mapview.overlay_layer import add_overlays
from mapapp.mapview.page import PageFigure, heading_html, map_credits
from mapapp.mapview.playback_layer import add_playback
from mapapp.mapview.route_layer import RouteLayer
from mapapp.mapview.style import (
    LINK_COLOR,
    MAP_CSS,
    PARTNER_COLOR,
    LegendWords,
    capital_tooltip_html,
    hq_popup_html,
    hq_tooltip_html,
    legend_html,
    partner_popup_html,
    partner_tooltip_html,
)
from mapapp.store.overlay import Overlay

AssetMode = Literal["streamlit", "inline"]
BasemapMode = Literal["offline", "osm"]
ViewMode = Literal["selection", "region"]

#: ((south, west), (north, east)) in degrees, Leaflet's order.
Bounds = tuple[tuple[float, float], tuple[float, float]]

BASEMAP_LAYER_NAME = "Basemap: country outlines (offline)"

#: The smallest span fitted, in degrees, so one event does not zoom to street level.
MIN_SPAN_DEG = 0.02
MAX_FIT_ZOOM = 15
LEGEND_CLEARANCE_PX = (280, 24)  # left, top: clear of the legend box (bottom left)


@dataclass
class Features:
    """A collection's features, by kind."""

    events: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    hqs: list[dict[str, Any]] = field(default_factory=list)


def split_features(collection: Mapping[str, Any]) -> Features:
    """Sort a FeatureCollection's features by `properties.kind`; others are ignored."""
    out = Features()
    by_kind = {"event": out.events, "route": out.routes, "partner": out.partners, "hq": out.hqs}
    for feature in collection.get("features", []):
        kind = (feature.get("properties") or {}).get("kind")
        target = by_kind.get(kind) if isinstance(kind, str) else None
        if target is not None:
            target.append(feature)
    return out


def _bounds_of(lats: Sequence[float], lons: Sequence[float]) -> Bounds | None:
    """Bounds of points, widened to MIN_SPAN_DEG; None if there are none."""
    if not lats:
        return None
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    if north - south < MIN_SPAN_DEG:
        mid = (north + south) / 2
        south, north = mid - MIN_SPAN_DEG / 2, mid + MIN_SPAN_DEG / 2
    if east - west < MIN_SPAN_DEG:
        mid = (east + west) / 2
        west, east = mid - MIN_SPAN_DEG / 2, mid + MIN_SPAN_DEG / 2
    return ((south, west), (north, east))


def _point_latlon(feature: Mapping[str, Any]) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"][:2]
    return (float(lat), float(lon))


def _line_latlons(feature: Mapping[str, Any]) -> list[tuple[float, float]]:
    return [(float(c[1]), float(c[0])) for c in feature["geometry"]["coordinates"]]


def _capital(feature: Mapping[str, Any]) -> tuple[float, float]:
    p = feature["properties"]
    return (float(p["capital_lat"]), float(p["capital_lon"]))


def view_bounds(collection: Mapping[str, Any], view: ViewMode) -> Bounds | None:
    """The bounds the map opens on ((south, west), (north, east)).

    "selection": the events and routes in the collection (a filtered collection
    zooms to what is selected); with none, everything present. "region": every
    partner's capital and NATO HQ, i.e. the alliance picture, Brussels to
    Wellington.
    """
    return _view_bounds(split_features(collection), view)


def _view_bounds(f: Features, view: ViewMode) -> Bounds | None:
    if view not in ("selection", "region"):
        raise ValueError(f"view must be 'selection' or 'region', not {view!r}")
    region = [*map(_capital, f.partners), *map(_point_latlon, f.hqs)]
    lats = [p[0] for p in region]
    lons = [p[1] for p in region]
    if view == "region":
        return _bounds_of(lats, lons)
    coords = [e["geometry"]["coordinates"] for e in f.events]
    coords += [c for r in f.routes for c in r["geometry"]["coordinates"]]
    if coords:
        return _bounds_of([c[1] for c in coords], [c[0] for c in coords])
    for partner in f.partners:
        west, south, east, north = shape(partner["geometry"]).bounds
        lats += [south, north]
        lons += [west, east]
    return _bounds_of(lats, lons)


def _localise_assets(m: folium.Map, mode: AssetMode, static_prefix: str) -> None:
    """Replace the Map's CDN script/style lists (Leaflet, jQuery, Bootstrap,
    awesome-markers, Font Awesome) with local Leaflet and jQuery only."""
    if mode == "streamlit":
        m.default_js = asset_files.static_js_links(static_prefix)
        m.default_css = asset_files.static_css_links(static_prefix)
    elif mode == "inline":
        m.default_js = []
        m.default_css = []
        HeadHtml(asset_files.inline_head_html(), name="MvAssets").add_to(m)
    else:
        raise ValueError(f"assets must be 'streamlit' or 'inline', not {mode!r}")
    HeadHtml(f"<style>{MAP_CSS}</style>", name="MvStyle").add_to(m)


def _add_basemap(
    m: folium.Map,
    basemap: BasemapMode,
    bounds: Bounds | None,
    assets: AssetMode,
    prefix: str,
    events: Sequence[Mapping[str, Any]],
) -> None:
    """The vector packs (tiles on top when online); country outlines if no pack is found."""
    if basemap not in ("offline", "osm"):
        raise ValueError(f"basemap must be 'offline' or 'osm', not {basemap!r}")
    view = None
    if bounds is not None:
        (south, west), (north, east) = bounds
        view = Extent(west, south, east, north)
    online = basemap == "osm"
    focus = [_point_latlon(e) for e in events]
    inline = assets == "inline"
    if add_basemap(m, online=online, view=view, inline=inline, static_prefix=prefix, focus=focus):
        return
    if online:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", control=True).add_to(m)
    group = folium.FeatureGroup(name=BASEMAP_LAYER_NAME, control=True).add_to(m)
    CountryOutlines().add_to(group)


def _add_partners(group: folium.FeatureGroup, partners: Sequence[Mapping[str, Any]]) -> None:
    for partner in partners:
        p = partner["properties"]
        geometry = geometry_json(simplified(shape(partner["geometry"]), 0.01))
        outline = folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": geometry},
            name=None,
            control=False,
            style_function=lambda _f: {
                "color": PARTNER_COLOR,
                "weight": 1.5,
                "fillColor": PARTNER_COLOR,
                "fillOpacity": 0.18,
            },
            tooltip=folium.Tooltip(partner_tooltip_html(p)),
        )
        # A plain Popup (folium's stubs only admit GeoJsonPopup as an argument).
        outline.add_child(folium.Popup(partner_popup_html(p), max_width=360))
        outline.add_to(group)
        folium.CircleMarker(
            _capital(partner),
            radius=5,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=PARTNER_COLOR,
            fill_opacity=1.0,
            tooltip=folium.Tooltip(capital_tooltip_html(p)),
        ).add_to(group)


def _add_hqs(group: folium.FeatureGroup, hqs: Sequence[Mapping[str, Any]]) -> None:
    for hq in hqs:
        p = hq["properties"]
        folium.Marker(
            _point_latlon(hq),
            icon=folium.DivIcon(
                html="★", icon_size=(22, 22), icon_anchor=(11, 11), class_name="mv-hq-icon"
            ),
            tooltip=folium.Tooltip(hq_tooltip_html(p)),
            popup=folium.Popup(hq_popup_html(p), max_width=320),
        ).add_to(group)


@dataclass(frozen=True)
class MapWords:
    """Every name the map shows for a layer or view, taken from the data."""

    partners: str | None
    hq: str | None
    links: str | None
    region: str
    home: Mapping[str, Any] | None  # the partner the trip took place in, if any


def _names(features: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(f["properties"].get("name") or "") for f in features]


def _home_partner(f: Features) -> Mapping[str, Any] | None:
    """The partner whose outline holds most of the events: where the links start."""
    if not f.partners or not f.events:
        return None
    points = shapely.points([e["geometry"]["coordinates"][:2] for e in f.events])
    counts = [int(shapely.contains(shape(p["geometry"]), points).sum()) for p in f.partners]
    best = max(range(len(counts)), key=counts.__getitem__)
    return f.partners[best] if counts[best] else None


def map_words(f: Features) -> MapWords:
    """Layer, view and legend names for these features."""
    partners, hqs = _names(f.partners), _names(f.hqs)
    home = _home_partner(f)
    origin = str(home["properties"].get("capital") or "") if home else ""
    region = ", ".join([*partners, *hqs])
    return MapWords(
        partners=f"Partners: {', '.join(partners)}" if partners else None,
        hq=", ".join(hqs) or None,
        links=f"Links from {origin}" if origin and len(f.partners) + len(f.hqs) > 1 else None,
        region=f"Region ({region})" if region else "Region",
        home=home,
    )


def region_label(collection: Mapping[str, Any]) -> str:
    """The name of the "region" view for this collection."""
    return map_words(split_features(collection)).region


def _add_links(group: folium.FeatureGroup, f: Features, home: Mapping[str, Any]) -> None:
    """Thin dashed lines from the home partner's capital to the other capitals and HQ."""
    start = _capital(home)
    origin = str(home["properties"].get("capital") or "")
    ends = [
        (_capital(p), str(p["properties"].get("capital", ""))) for p in f.partners if p is not home
    ]
    ends += [(_point_latlon(h), str(h["properties"].get("name", ""))) for h in f.hqs]
    for end, label in ends:
        folium.PolyLine(
            [start, end],
            color=LINK_COLOR,
            weight=1.5,
            opacity=0.7,
            dash_array="6 6",
            tooltip=folium.Tooltip(escape.html(f"{origin} – {label}")),
        ).add_to(group)


def _legend_days(events: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    days: dict[int, str] = {}
    for event in events:
        p = event["properties"]
        days.setdefault(int(p["day"]), str(p.get("date") or ""))
    return days


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
    f = split_features(collection)
    words = map_words(f)
    bounds = _view_bounds(f, view)
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
    _localise_assets(m, assets, static_prefix)
    _add_basemap(m, basemap, bounds, assets, static_prefix, f.events)
    MapRegion(f"Map of {len(f.events)} events").add_to(m)

    def group(name: str) -> folium.FeatureGroup:
        layer = folium.FeatureGroup(name=name, control=True)
        layer.add_to(m)
        return layer

    # Drawing order: partners under links under routes under HQ and events.
    if words.partners:
        _add_partners(group(words.partners), f.partners)
    if words.links and words.home is not None:
        _add_links(group(words.links), f, words.home)
    RouteLayer(f.routes).add_to(group("Routes"))
    if words.hq:
        _add_hqs(group(words.hq), f.hqs)
    EventLayer(f.events, selected).add_to(group("Events"))
    add_playback(m, f.events, (collection.get("mapapp_metadata") or {}).get("timezone"))

    add_overlays(m, overlays)  # uploaded foreign collections, before the layer control
    legend = LegendWords(
        partners=f"{words.partners} (outline)" if words.partners else None,
        capitals="capital of a partner" if f.partners else None,
        hq=words.hq,
        links=f"{words.links} to the other capitals" if words.links else None,
    )
    BodyHtml(legend_html(_legend_days(f.events), legend), name="MvLegend").add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
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
