"""GPX 1.1: a waypoint per event and a track per day's route.

- A waypoint has `<time>` only where an instant is known (a time to the
  minute), in UTC; every waypoint has its date and time in words in `<cmt>`
  (the map's "when" line), its description in the map's wording, a `<link>`
  per source that passes the map's URL rule, and the event type in `<type>`.
- A track's description counts its stops as the track has them: two events at
  one site are one point of the track (and one stop), and says how many events
  it passes.

Written with the standard library's ElementTree rather than GDAL's GPX driver,
which writes one layer per file (waypoints and tracks had to be spliced) and a
fixed, small number of links.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from mapapp.export.filters import FeatureCollection
from mapapp.export.placemark import event_text, xml_safe
from mapapp.export.tables import layers
from mapapp.presentation.wording import event_view, safe_url
from mapapp.store.schema import METADATA_MEMBER

GPX_NS = "http://www.topografix.com/GPX/1/1"


def write_gpx(collection: FeatureCollection, path: Path) -> None:
    path.write_bytes(gpx_bytes(collection))


def gpx_bytes(collection: FeatureCollection) -> bytes:
    by_kind = layers(collection)
    meta = collection.get(METADATA_MEMBER) or {}
    titles: dict[str, str] = meta.get("source_titles") or {}
    root = ET.Element("gpx", version="1.1", creator="mapapp", xmlns=GPX_NS)
    head = ET.SubElement(root, "metadata")
    _text(head, "name", str(meta.get("trip") or "mapapp export"))
    article = safe_url(meta.get("article_url") or "")
    if article:
        _link(head, article, str(meta.get("article_title") or article))
    events = by_kind["event"]
    for geometry, props in zip(events.geometries, events.rows(), strict=True):
        view = event_view(props)
        point = ET.SubElement(root, "wpt", lat=repr(geometry.y), lon=repr(geometry.x))
        if props["start_utc"] == props["end_utc"]:
            _text(point, "time", props["start_utc"])
        _text(point, "name", view.heading)
        _text(point, "cmt", view.when)
        _text(point, "desc", event_text(props))
        for source in view.sources:
            if source.href:
                title = titles.get(source.text) or source.text
                _link(point, source.href, f"{title} ({source.note})" if source.note else title)
        _text(point, "type", props["event_type"])
    routes = by_kind["route"]
    for geometry, props in zip(routes.geometries, routes.rows(), strict=True):
        track = ET.SubElement(root, "trk")
        _text(track, "name", f"Day {props['day']} route")
        _text(track, "desc", route_text(props, len(geometry.coords)))
        segment = ET.SubElement(track, "trkseg")
        for x, y, *_ in geometry.coords:
            ET.SubElement(segment, "trkpt", lat=repr(y), lon=repr(x))
    ET.indent(root, space=" ")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def route_text(props: dict[str, Any], points: int) -> str:
    """'2025-04-09: 3 stops (4 events), 12.3 km': stops as the track has them."""
    events = len(props["event_ids"])
    visits = f" ({events} events)" if events != points else ""
    return f"{props['date']}: {points} stops{visits}, {props['length_km']:.1f} km"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = xml_safe(text)


def _link(parent: ET.Element, href: str, text: str) -> None:
    link = ET.SubElement(parent, "link", href=xml_safe(href))
    _text(link, "text", text)
