"""The trip's context, drawn by js/context.js: partner countries with their
capitals, NATO HQ, and the links from the home capital to the others.

Their names come from the itinerary, so they travel as inert JSON and the JS sets
them as text: never a folium Popup/Tooltip (a Jinja template, and an HTML string
Leaflet inserts). Each payload is declared here once, with the version its JS reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict

from shapely.geometry import shape

from mapapp.mapview.country_outlines import geometry_json, simplified
from mapapp.mapview.elements import JsLayer, inert_json
from mapapp.presentation.palette import LINK_COLOR, PARTNER_COLOR
from mapapp.presentation.wording import safe_url

#: The payload version each function of js/context.js reads (the links': LINKS_VERSION).
VERSION = 1
#: Version 2: each link has a `label` naming where it goes, shown on the map.
LINKS_VERSION = 2
#: Degrees: partner outlines are drawn at about a kilometre.
OUTLINE_TOLERANCE = 0.01

LatLon = list[float]


class SourceText(TypedDict):
    """A source line: its text, and a link target only for an http(s) URL ('' else)."""

    text: str
    href: str


class PartnerItem(TypedDict):
    outline: dict[str, Any]  # a GeoJSON geometry
    at: LatLon  # the capital
    tip: str
    capital_tip: str
    head: str
    place: str
    quotes: list[str]
    sources: list[SourceText]


class PartnersPayload(TypedDict):
    v: int
    outline_style: dict[str, Any]
    capital_style: dict[str, Any]
    partners: list[PartnerItem]


class HqItem(TypedDict):
    at: LatLon
    tip: str
    head: str
    place: str
    sources: list[SourceText]


class HqPayload(TypedDict):
    v: int
    hqs: list[HqItem]


class LinkItem(TypedDict):
    to: LatLon
    tip: str
    label: str  # where it goes: "Australia (Canberra)"


class LinksPayload(TypedDict):
    v: int
    style: dict[str, Any]
    start: LatLon
    links: list[LinkItem]


OUTLINE_STYLE = {"color": PARTNER_COLOR, "weight": 1.5, "fillColor": PARTNER_COLOR,
                 "fillOpacity": 0.18}  # fmt: skip
#: The class name lets other layers' labels find the capitals' dots and keep clear.
CAPITAL_STYLE = {"radius": 5, "color": "#ffffff", "weight": 1.5, "fill": True,
                 "fillColor": PARTNER_COLOR, "fillOpacity": 1.0,
                 "className": "mv-capital-dot"}  # fmt: skip
LINK_STYLE = {"color": LINK_COLOR, "weight": 1.5, "opacity": 0.7, "dashArray": "6 6"}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _sources(props: Mapping[str, Any]) -> list[SourceText]:
    return [{"text": _text(url), "href": safe_url(url) or ""} for url in props.get("sources") or ()]


def point_latlon(feature: Mapping[str, Any]) -> LatLon:
    lon, lat = feature["geometry"]["coordinates"][:2]
    return [float(lat), float(lon)]


def capital_latlon(feature: Mapping[str, Any]) -> LatLon:
    p = feature["properties"]
    return [float(p["capital_lat"]), float(p["capital_lon"])]


def encode_partners(partners: Sequence[Mapping[str, Any]]) -> PartnersPayload:
    items: list[PartnerItem] = []
    for feature in partners:
        p = feature["properties"]
        name, capital = _text(p.get("name", "")), _text(p.get("capital", ""))
        outline = simplified(shape(feature["geometry"]), OUTLINE_TOLERANCE)
        items.append(
            {
                "outline": geometry_json(outline),
                "at": capital_latlon(feature),
                "tip": name,
                "capital_tip": f"{capital} (capital of {name})",
                "head": name,
                "place": f"Capital: {capital}",
                "quotes": [_text(q) for q in p.get("quotes") or ()],
                "sources": _sources(p),
            }
        )
    return {"v": VERSION, "outline_style": OUTLINE_STYLE, "capital_style": CAPITAL_STYLE,
            "partners": items}  # fmt: skip


def encode_hqs(hqs: Sequence[Mapping[str, Any]]) -> HqPayload:
    items: list[HqItem] = []
    for feature in hqs:
        p = feature["properties"]
        name, city = _text(p.get("name", "")), _text(p.get("city", ""))
        items.append(
            {
                "at": point_latlon(feature),
                "tip": f"{name}, {city}",
                "head": name,
                "place": f"{city}, {_text(p.get('country', ''))}",
                "sources": _sources(p),
            }
        )
    return {"v": VERSION, "hqs": items}


def encode_links(
    home: Mapping[str, Any],
    partners: Sequence[Mapping[str, Any]],
    hqs: Sequence[Mapping[str, Any]],
) -> LinksPayload:
    """Thin dashed lines from the home partner's capital to the other capitals and HQ,
    each labelled on the map with where it goes (js/context.js places the labels)."""
    origin = _text(home["properties"].get("capital", ""))
    links: list[LinkItem] = []
    for p in partners:
        if p is not home:
            props = p["properties"]
            name, capital = _text(props.get("name")), _text(props.get("capital"))
            links.append({"to": capital_latlon(p), "tip": f"{origin} – {capital}",
                          "label": _place(name, capital)})  # fmt: skip
    for h in hqs:
        props = h["properties"]
        name, city = _text(props.get("name")), _text(props.get("city"))
        links.append({"to": point_latlon(h), "tip": f"{origin} – {name}",
                      "label": _place(name, city)})  # fmt: skip
    return {"v": LINKS_VERSION, "style": LINK_STYLE, "start": capital_latlon(home),
            "links": links}  # fmt: skip


def _place(name: str, where: str) -> str:
    """Name and city, "Australia (Canberra)"; just one when the other is empty or the same."""
    return f"{name} ({where})" if where and where != name else name or where


def links_legend(prefix: str, payload: LinksPayload) -> str:
    """The legend's row for the links, naming every end: a screen reader (or a print
    where a label did not fit) learns from it where each dashed line goes."""
    return f"{prefix} to {', '.join(k['label'] for k in payload['links'])}"


class PartnerLayer(JsLayer):
    js_file = "context.js"
    js_function = "partnerLayer"
    version: ClassVar[int] = VERSION
    payload_marks = ("/*MV_PARTNERS_BEGIN*/", "/*MV_PARTNERS_END*/")

    def __init__(self, partners: Sequence[Mapping[str, Any]]) -> None:
        self.payload = encode_partners(partners)
        super().__init__(inert_json(self.payload))


class HqLayer(JsLayer):
    js_file = "context.js"
    js_function = "hqLayer"
    version: ClassVar[int] = VERSION
    payload_marks = ("/*MV_HQ_BEGIN*/", "/*MV_HQ_END*/")

    def __init__(self, hqs: Sequence[Mapping[str, Any]]) -> None:
        self.payload = encode_hqs(hqs)
        super().__init__(inert_json(self.payload))


class LinkLayer(JsLayer):
    js_file = "context.js"
    js_function = "linkLayer"
    version: ClassVar[int] = LINKS_VERSION
    payload_marks = ("/*MV_LINKS_BEGIN*/", "/*MV_LINKS_END*/")

    def __init__(self, payload: LinksPayload) -> None:
        self.payload = payload
        super().__init__(inert_json(self.payload))
