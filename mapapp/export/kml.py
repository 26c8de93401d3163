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

Written here rather than by GDAL's LIBKML driver, which can write neither
styles nor typed ExtendedData through pyogrio, writes `,0` heights, and puts
text in CDATA sections that `]]>` breaks. Every value passes `xml_text` (the
XML escapes) and the document `xml_safe` (characters XML cannot hold become
U+FFFD); the tests parse the result with ElementTree, GDAL and gpsbabel. It is
assembled as text: ElementTree's serialiser took 4 s for 10,000 events.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from mapapp.export.filters import FeatureCollection
from mapapp.export.placemark import (
    event_html_of,
    sources_html,
    xml_attr,
    xml_safe,
    xml_text,
)
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
    text = xml_safe("".join(_document(collection)))
    return text.encode("utf-8")


def _document(collection: FeatureCollection) -> Iterator[str]:
    by_kind = layers(collection)
    meta = collection.get(METADATA_MEMBER) or {}
    timezone = str(meta.get("timezone", "UTC"))
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<kml xmlns="{KML_NS}">\n'
    yield '<Document id="root_doc">\n'
    yield f"<name>{xml_text(str(meta.get('trip') or 'mapapp export'))}</name>\n"
    days = sorted(set(meta.get("days", [])) | set(by_kind["event"].values["day"]))
    for day in days:
        yield _style(f"day-{day}", day_color(day), line_alpha=0xCC, label=True)
    yield _style("partner", "#7f7f7f", fill_alpha=0x40)
    yield _style("hq", "#1f3a93", fill_alpha=0)
    for kind in ("event", "route", "partner", "hq"):
        yield _schema(kind)
    by_day: dict[int, list[str]] = {day: [] for day in days}
    for geometry, props in _pairs(by_kind["event"]):
        view = wording.event_view(props)
        by_day[props["day"]].append(
            _placemark(
                view.heading,
                event_html_of(view),
                _time(props["start_utc"], props["end_utc"]),
                f"day-{props['day']}",
                "event",
                props,
                _geometry(geometry),
            )
        )
    for geometry, props in _pairs(by_kind["route"]):
        span = local_span(props["date"], None, "day", "", timezone)
        by_day[props["day"]].append(
            _placemark(
                f"Day {props['day']} route ({props['length_km']:.1f} km)",
                _route_html(props),
                _time(span.start_utc, span.end_utc),
                f"day-{props['day']}",
                "route",
                props,
                _geometry(geometry),
            )
        )
    for day, marks in by_day.items():
        yield _folder(f"Day {day}", marks)
    partners = _pairs(by_kind["partner"])
    yield _folder(
        "Partners",
        [
            _placemark(p["name"], _partner_html(p), "", "partner", "partner", p, _multi(g))
            for g, p in partners
        ],
    )
    yield _folder(
        "Partner outlines",
        [
            _placemark(p["name"], _partner_html(p), "", "partner", "partner", p, _outlines(g))
            for g, p in partners
        ],
    )
    yield _folder(
        "Headquarters",
        [
            _placemark(p["name"], _hq_html(p), "", "hq", "hq", p, _geometry(g))
            for g, p in _pairs(by_kind["hq"])
        ],
    )
    yield "</Document>\n</kml>\n"


def _pairs(layer: Layer) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    return list(zip(layer.geometries, layer.rows(), strict=True))


@cache
def data_columns(kind: str) -> tuple[Column, ...]:
    """What a placemark's ExtendedData holds: the scalar fields (and an event's actors)."""
    return tuple(c for c in columns(kind) if not c.is_list or c.name in EXTRA_EVENT_FIELDS)


def _schema(kind: str) -> str:
    fields = "".join(
        f'<SimpleField type="{KML_TYPES.get(c.gis, "string")}" name="{c.name}"/>'
        for c in data_columns(kind)
    )
    return f'<Schema name="{kind}" id="schema-{kind}">{fields}</Schema>\n'


def _data(kind: str, props: dict[str, Any]) -> str:
    """Typed ExtendedData; a null is left out (an empty SimpleData would read as "")."""
    items = []
    for column in data_columns(kind):
        value = props[column.name]
        if value is None:
            continue
        text = as_json_text(value) if isinstance(value, list) else str(value)
        items.append(f'<SimpleData name="{column.name}">{xml_text(text)}</SimpleData>')
    data = f'<SchemaData schemaUrl="#schema-{kind}">{"".join(items)}</SchemaData>'
    return f"<ExtendedData>{data}</ExtendedData>"


def kml_color(hex_rgb: str, alpha: int = 0xFF) -> str:
    """#RRGGBB as KML's aabbggrr."""
    rgb = hex_rgb.lstrip("#")
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()


def _style(
    name: str, colour: str, *, line_alpha: int = 0xFF, fill_alpha: int | None = None,
    label: bool = False,
) -> str:  # fmt: skip
    """Icon and line in the colour; a day's labels (visit number and title) a little smaller."""
    icon = (
        f"<IconStyle><color>{kml_color(colour)}</color><Icon><href>{ICON}</href></Icon></IconStyle>"
    )
    labels = "<LabelStyle><scale>0.9</scale></LabelStyle>" if label else ""
    width = "3" if label else "1.5"
    line = (
        f"<LineStyle><color>{kml_color(colour, line_alpha)}</color>"
        f"<width>{width}</width></LineStyle>"
    )
    poly = (
        f"<PolyStyle><color>{kml_color(colour, fill_alpha)}</color></PolyStyle>"
        if fill_alpha is not None
        else ""
    )
    return f'<Style id="{name}">{icon}{labels}{line}{poly}</Style>\n'


def _folder(name: str, marks: list[str]) -> str:
    return f"<Folder>\n<name>{xml_text(name)}</name>\n{''.join(marks)}</Folder>\n"


def _placemark(
    name: str, description: str, time: str, style: str, kind: str, props: dict[str, Any],
    geometry: str,
) -> str:  # fmt: skip
    """KML's order: name, description, time, styleUrl, ExtendedData, geometry."""
    return (
        f"<Placemark><name>{xml_text(name)}</name>"
        f"<description>{xml_text(description)}</description>{time}"
        f"<styleUrl>#{xml_attr(style)}</styleUrl>{_data(kind, props)}{geometry}</Placemark>\n"
    )


def _time(start_utc: str, end_utc: str) -> str:
    """A TimeStamp for an instant, else a TimeSpan (end exclusive)."""
    if start_utc == end_utc:
        return f"<TimeStamp><when>{xml_text(start_utc)}</when></TimeStamp>"
    return (
        f"<TimeSpan><begin>{xml_text(start_utc)}</begin><end>{xml_text(end_utc)}</end></TimeSpan>"
    )


def _geometry(geometry: BaseGeometry) -> str:
    if geometry.geom_type == "Point":
        return f"<Point><coordinates>{_coords([geometry.coords[0]])}</coordinates></Point>"
    if geometry.geom_type == "LineString":
        return _line(geometry.coords)
    return _multi(geometry)


def _multi(geometry: BaseGeometry) -> str:
    """Every partner as one MultiGeometry, whether it has one part or many."""
    parts = getattr(geometry, "geoms", [geometry])
    return f"<MultiGeometry>{''.join(_polygon(p) for p in parts)}</MultiGeometry>"


def _outlines(geometry: BaseGeometry) -> str:
    """The outer rings as lines, in one MultiGeometry: what GPS tools can read."""
    parts = getattr(geometry, "geoms", [geometry])
    return f"<MultiGeometry>{''.join(_line(p.exterior.coords) for p in parts)}</MultiGeometry>"


def _line(points: Any) -> str:
    coordinates = f"<coordinates>{_coords(points)}</coordinates>"
    return f"<LineString><tessellate>1</tessellate>{coordinates}</LineString>"


def _polygon(polygon: Any) -> str:
    rings = f"<outerBoundaryIs>{_ring(polygon.exterior.coords)}</outerBoundaryIs>"
    rings += "".join(
        f"<innerBoundaryIs>{_ring(h.coords)}</innerBoundaryIs>" for h in polygon.interiors
    )
    return f"<Polygon><tessellate>1</tessellate>{rings}</Polygon>"


def _ring(points: Any) -> str:
    return f"<LinearRing><coordinates>{_coords(points)}</coordinates></LinearRing>"


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
