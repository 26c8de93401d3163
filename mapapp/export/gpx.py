"""GPX 1.1: a waypoint per event and a track per day's route.

- A waypoint has `<time>` only where an instant is known (a time to the
  minute), in UTC; every waypoint has its date and time in words in `<cmt>`
  (the map's "when" line), its description in the map's wording, a `<link>`
  per source that passes the map's URL rule, and the event type in `<type>`.
- A track's description counts its stops as the track has them: two events at
  one site are one point of the track (and one stop), and says how many events
  it passes.

Written here rather than by GDAL's GPX driver, which writes one layer per file
(waypoints and tracks had to be spliced) and a fixed, small number of links.
Every value passes the XML escapes and the file `xml_safe`, as in the KML.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapapp.export.filters import FeatureCollection
from mapapp.export.placemark import event_text_of, xml_attr, xml_safe, xml_text
from mapapp.export.tables import layers
from mapapp.presentation.wording import event_view, safe_url
from mapapp.store.schema import METADATA_MEMBER

GPX_NS = "http://www.topografix.com/GPX/1/1"


def write_gpx(collection: FeatureCollection, path: Path) -> None:
    path.write_bytes(gpx_bytes(collection))


def gpx_bytes(collection: FeatureCollection) -> bytes:
    return xml_safe("".join(_document(collection))).encode("utf-8")


def _document(collection: FeatureCollection) -> Iterator[str]:
    """GPX 1.1's order: metadata, then every wpt, then every trk."""
    by_kind = layers(collection)
    meta = collection.get(METADATA_MEMBER) or {}
    titles: dict[str, str] = meta.get("source_titles") or {}
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield f'<gpx version="1.1" creator="mapapp" xmlns="{GPX_NS}">\n'
    head = _tag("name", str(meta.get("trip") or "mapapp export"))
    article = safe_url(meta.get("article_url") or "")
    if article:
        head += _link(article, str(meta.get("article_title") or article))
    yield f"<metadata>{head}</metadata>\n"
    events = by_kind["event"]
    for geometry, props in zip(events.geometries, events.rows(), strict=True):
        view = event_view(props)
        parts = [_tag("time", props["start_utc"])] if props["start_utc"] == props["end_utc"] else []
        parts += [
            _tag("name", view.heading),
            _tag("cmt", view.when),
            _tag("desc", event_text_of(view)),
        ]
        for source in view.sources:
            if source.href:
                title = titles.get(source.text) or source.text
                parts.append(
                    _link(source.href, f"{title} ({source.note})" if source.note else title)
                )
        parts.append(_tag("type", props["event_type"]))
        yield f'<wpt lat="{geometry.y!r}" lon="{geometry.x!r}">{"".join(parts)}</wpt>\n'
    routes = by_kind["route"]
    for geometry, props in zip(routes.geometries, routes.rows(), strict=True):
        points = "".join(f'<trkpt lat="{y!r}" lon="{x!r}"/>' for x, y, *_ in geometry.coords)
        name = _tag("name", f"Day {props['day']} route")
        desc = _tag("desc", route_text(props, len(geometry.coords)))
        yield f"<trk>{name}{desc}<trkseg>{points}</trkseg></trk>\n"
    yield "</gpx>\n"


def route_text(props: dict[str, Any], points: int) -> str:
    """'2025-04-09: 3 stops (4 events), 12.3 km': stops as the track has them."""
    events = len(props["event_ids"])
    visits = f" ({events} events)" if events != points else ""
    return f"{props['date']}: {points} stops{visits}, {props['length_km']:.1f} km"


def _tag(tag: str, text: str) -> str:
    return f"<{tag}>{xml_text(text)}</{tag}>"


def _link(href: str, text: str) -> str:
    return f'<link href="{xml_attr(href)}">{_tag("text", text)}</link>'
