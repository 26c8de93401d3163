"""KML 2.2 for Google Earth, QGIS and GPS tools: filterable, styled, on a time line.

- A folder per day of the trip (its events, then its route; empty when the
  filter leaves none of its events, so the folder list does not change), then
  `Partners`, `Partner outlines` and `Headquarters`.
- Every placemark carries its kind's scalar fields (and an event's actors, as
  JSON text) as typed `ExtendedData` against a declared `Schema`, so Google
  Earth and QGIS (GDAL's LIBKML driver) can filter on them.
- A `Style` per day in the map's day colours; events are labelled with their
  visit number and title.
- Every event has a `TimeStamp` (a time to the minute) or a `TimeSpan` (its
  hour, part of the day or day), in UTC, from the stored span; each route spans
  its day, so Earth's time slider covers the whole trip.
- Coordinates are 2D (lon,lat); every partner is one `MultiGeometry` of
  polygons in `Partners`, and again one of lines (its outer rings) in `Partner
  outlines`: gpsbabel, and so most GPS tools, read no polygon inside a
  MultiGeometry (it dropped every multi-part country), but read lines there.

Written with the standard library's ElementTree rather than GDAL's LIBKML
driver, which can write neither styles nor typed ExtendedData through pyogrio,
writes `,0` heights, and puts text in CDATA sections that `]]>` breaks.
ElementTree escapes every value; characters XML cannot hold become U+FFFD.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from mapapp.export.filters import FeatureCollection
from mapapp.export.placemark import event_html, event_name, sources_html, xml_safe
from mapapp.export.tables import Layer, as_json_text, layers
from mapapp.presentation import escape, wording
from mapapp.presentation.palette import day_color
from mapapp.store.schema import METADATA_MEMBER, Column, columns
from mapapp.store.times import local_span

KML_NS = "http://www.opengis.net/kml/2.2"
#: Earth's own icon, tinted by IconStyle's colour (Earth ships it; nothing is fetched
#: by mapapp, and a reader without it shows its default pin in the same colour).
ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
KML_TYPES = {"Integer64": "int", "Real": "double"}
EXTRA_EVENT_FIELDS = ("actors",)  # lists carried as JSON text, beside the scalars


def write_kml(collection: FeatureCollection, path: Path) -> None:
    path.write_bytes(kml_bytes(collection))


def kml_bytes(collection: FeatureCollection) -> bytes:
    by_kind = layers(collection)
    meta = collection.get(METADATA_MEMBER) or {}
    timezone = str(meta.get("timezone", "UTC"))
    root = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(root, "Document", id="root_doc")
    _text(doc, "name", str(meta.get("trip") or "mapapp export"))
    days = sorted(set(meta.get("days", [])) | set(by_kind["event"].values["day"]))
    for day in days:
        _day_style(doc, day)
    _area_style(doc, "partner", "#7f7f7f", fill_alpha=0x40)
    _area_style(doc, "hq", "#1f3a93", fill_alpha=0)
    for kind in ("event", "route", "partner", "hq"):
        _schema(doc, kind)
    folders = {day: _folder(doc, f"Day {day}") for day in days}
    for geometry, props in _pairs(by_kind["event"]):
        mark = _placemark(folders[props["day"]], event_name(props), event_html(props))
        _time(mark, props["start_utc"], props["end_utc"])
        _style_url(mark, f"day-{props['day']}")
        _data(mark, "event", props)
        _geometry(mark, geometry)
    for geometry, props in _pairs(by_kind["route"]):
        name = f"Day {props['day']} route ({props['length_km']:.1f} km)"
        mark = _placemark(folders[props["day"]], name, _route_html(props))
        span = local_span(props["date"], None, "day", "", timezone)
        _time(mark, span.start_utc, span.end_utc)
        _style_url(mark, f"day-{props['day']}")
        _data(mark, "route", props)
        _geometry(mark, geometry)
    partners = _folder(doc, "Partners")
    for geometry, props in _pairs(by_kind["partner"]):
        mark = _placemark(partners, props["name"], _partner_html(props))
        _style_url(mark, "partner")
        _data(mark, "partner", props)
        _geometry(mark, geometry, multi=True)
    outlines = _folder(doc, "Partner outlines")
    for geometry, props in _pairs(by_kind["partner"]):
        mark = _placemark(outlines, props["name"], _partner_html(props))
        _style_url(mark, "partner")
        _data(mark, "partner", props)
        _outlines(mark, geometry)
    hq = _folder(doc, "Headquarters")
    for geometry, props in _pairs(by_kind["hq"]):
        mark = _placemark(hq, props["name"], _hq_html(props))
        _style_url(mark, "hq")
        _data(mark, "hq", props)
        _geometry(mark, geometry)
    ET.indent(root, space=" ")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _pairs(layer: Layer) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    return list(zip(layer.geometries, layer.rows(), strict=True))


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = xml_safe(text)
    return element


def data_columns(kind: str) -> list[Column]:
    """What a placemark's ExtendedData holds: the scalar fields (and an event's actors)."""
    return [c for c in columns(kind) if not c.is_list or c.name in EXTRA_EVENT_FIELDS]


def _schema(doc: ET.Element, kind: str) -> None:
    schema = ET.SubElement(doc, "Schema", name=kind, id=kind)
    for column in data_columns(kind):
        ET.SubElement(
            schema, "SimpleField", type=KML_TYPES.get(column.gis, "string"), name=column.name
        )


def _data(mark: ET.Element, kind: str, props: dict[str, Any]) -> None:
    extended = ET.SubElement(mark, "ExtendedData")
    data = ET.SubElement(extended, "SchemaData", schemaUrl=f"#{kind}")
    for column in data_columns(kind):
        value = props[column.name]
        if value is None:
            continue  # a null is left out: an empty SimpleData would read as ""
        text = as_json_text(value) if isinstance(value, list) else str(value)
        ET.SubElement(data, "SimpleData", name=column.name).text = xml_safe(text)


def kml_color(hex_rgb: str, alpha: int = 0xFF) -> str:
    """#RRGGBB as KML's aabbggrr."""
    rgb = hex_rgb.lstrip("#")
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()


def _day_style(doc: ET.Element, day: int) -> None:
    colour = day_color(day)
    style = ET.SubElement(doc, "Style", id=f"day-{day}")
    icon = ET.SubElement(style, "IconStyle")
    _text(icon, "color", kml_color(colour))
    _text(ET.SubElement(icon, "Icon"), "href", ICON)
    _text(ET.SubElement(style, "LabelStyle"), "scale", "0.9")
    line = ET.SubElement(style, "LineStyle")
    _text(line, "color", kml_color(colour, 0xCC))
    _text(line, "width", "3")


def _area_style(doc: ET.Element, name: str, colour: str, fill_alpha: int) -> None:
    style = ET.SubElement(doc, "Style", id=name)
    icon = ET.SubElement(style, "IconStyle")
    _text(icon, "color", kml_color(colour))
    _text(ET.SubElement(icon, "Icon"), "href", ICON)
    line = ET.SubElement(style, "LineStyle")
    _text(line, "color", kml_color(colour))
    _text(line, "width", "1.5")
    _text(ET.SubElement(style, "PolyStyle"), "color", kml_color(colour, fill_alpha))


def _folder(doc: ET.Element, name: str) -> ET.Element:
    folder = ET.SubElement(doc, "Folder")
    _text(folder, "name", name)
    return folder


def _placemark(folder: ET.Element, name: str, description: str) -> ET.Element:
    mark = ET.SubElement(folder, "Placemark")
    _text(mark, "name", name)
    _text(mark, "description", description)
    return mark


def _style_url(mark: ET.Element, style: str) -> None:
    _text(mark, "styleUrl", f"#{style}")


def _time(mark: ET.Element, start_utc: str, end_utc: str) -> None:
    """A TimeStamp for an instant, else a TimeSpan (end exclusive). KML wants it
    before the styleUrl, ExtendedData and geometry."""
    if start_utc == end_utc:
        _text(ET.SubElement(mark, "TimeStamp"), "when", start_utc)
        return
    span = ET.SubElement(mark, "TimeSpan")
    _text(span, "begin", start_utc)
    _text(span, "end", end_utc)


def _geometry(parent: ET.Element, geometry: BaseGeometry, *, multi: bool = False) -> None:
    kind = geometry.geom_type
    if kind == "Point":
        _text(ET.SubElement(parent, "Point"), "coordinates", _coords([geometry.coords[0]]))
    elif kind == "LineString":
        line = ET.SubElement(parent, "LineString")
        _text(line, "tessellate", "1")
        _text(line, "coordinates", _coords(geometry.coords))
    elif kind == "Polygon" and not multi:
        _polygon(parent, geometry)
    else:  # MultiPolygon, or a Polygon that must be one MultiGeometry
        group = ET.SubElement(parent, "MultiGeometry")
        for part in getattr(geometry, "geoms", [geometry]):
            _polygon(group, part)


def _outlines(parent: ET.Element, geometry: BaseGeometry) -> None:
    """The outer rings as lines, in one MultiGeometry: what GPS tools can read."""
    group = ET.SubElement(parent, "MultiGeometry")
    for part in getattr(geometry, "geoms", [geometry]):
        line = ET.SubElement(group, "LineString")
        _text(line, "tessellate", "1")
        _text(line, "coordinates", _coords(part.exterior.coords))


def _polygon(parent: ET.Element, polygon: Any) -> None:
    element = ET.SubElement(parent, "Polygon")
    _text(element, "tessellate", "1")
    outer = ET.SubElement(ET.SubElement(element, "outerBoundaryIs"), "LinearRing")
    _text(outer, "coordinates", _coords(polygon.exterior.coords))
    for hole in polygon.interiors:
        inner = ET.SubElement(ET.SubElement(element, "innerBoundaryIs"), "LinearRing")
        _text(inner, "coordinates", _coords(hole.coords))


def _coords(points: Any) -> str:
    """lon,lat pairs: 2D, as the data has no heights."""
    return " ".join(f"{x!r},{y!r}" for x, y, *_ in points)


def _route_html(p: dict[str, Any]) -> str:
    stops = ", ".join(escape.html(e) for e in p["event_ids"])
    return f"<p><b>Date</b>: {escape.html(p['date'])}</p><p><b>Stops</b>: {stops}</p>"


def _partner_html(p: dict[str, Any]) -> str:
    quotes = "".join(f"<p>“{escape.html(q)}”</p>" for q in p["quotes"])
    return f"<p><b>Capital</b>: {escape.html(p['capital'])}</p>{quotes}{_sources(p)}"


def _hq_html(p: dict[str, Any]) -> str:
    return f"<p>{escape.html(p['city'])}, {escape.html(p['country'])}</p>{_sources(p)}"


def _sources(p: dict[str, Any]) -> str:
    return sources_html(wording.sources({"sources": p["sources"]}))
