"""KML (GDAL's LIBKML driver): a folder per day with its events and route, then context.

Every placemark has a name (visit number and title for events) and an HTML
description with escaped values; events with a known time carry a TimeStamp.
A folder is written for every day of the trip, empty when the filter leaves
none of its events, so the folder list does not change with the filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapapp.export.filters import FeatureCollection
from mapapp.export.gdal import write_raw
from mapapp.export.placemark import event_html, event_instant, event_name, sources_html
from mapapp.export.tables import Layer, layers
from mapapp.presentation import escape
from mapapp.store.schema import METADATA_MEMBER

Placemark = tuple[BaseGeometry, str, str, Any]  # geometry, name, description, UTC time


def write_kml(collection: FeatureCollection, path: Path) -> None:
    by_kind = layers(collection)
    meta = collection.get(METADATA_MEMBER) or {}
    timezone = str(meta.get("timezone", "UTC"))
    events, routes = _pairs(by_kind["event"]), _pairs(by_kind["route"])
    days = sorted(set(meta.get("days", [])) | {p["day"] for _, p in events})
    by_day: dict[int, list[Placemark]] = {day: [] for day in days}
    for g, p in events:
        by_day[p["day"]].append((g, event_name(p), event_html(p), event_instant(p, timezone)))
    for g, p in routes:
        by_day[p["day"]].append(
            (g, f"Day {p['day']} route ({p['length_km']:.1f} km)", _route_html(p), None)
        )
    folders = [(f"Day {day}", marks) for day, marks in by_day.items()]
    folders.append(
        (
            "Partners",
            [(g, p["name"], _partner_html(p), None) for g, p in _pairs(by_kind["partner"])],
        )
    )
    folders.append(
        ("Headquarters", [(g, p["name"], _hq_html(p), None) for g, p in _pairs(by_kind["hq"])])
    )
    # GDAL re-reads a KML file to append a layer (quadratic in the number of days), so
    # each folder is written to its own file and the folders are joined in one Document.
    head, bodies = "", []
    for index, (name, marks) in enumerate(folders):
        part = path.with_name(f"{path.stem}.{index}.kml")
        _write_folder(part, name, marks)
        text = part.read_text(encoding="utf-8")
        part.unlink()
        head_end = text.index(ROOT_DOCUMENT) + len(ROOT_DOCUMENT)
        head = head or text[:head_end]
        bodies.append(text[head_end : text.rindex("</Document>")])
    path.write_text(head + "".join(bodies) + "</Document>\n</kml>\n", encoding="utf-8")


ROOT_DOCUMENT = '<Document id="root_doc">'


def _pairs(layer: Layer) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    return list(zip(layer.geometries, layer.rows(), strict=True))


def _cdata_safe(text: str) -> str:
    """LIBKML puts text holding < or & in a CDATA section without splitting "]]>",
    which would end it early and break the file; a space keeps the text readable."""
    return text.replace("]]>", "]] >")


def _write_folder(path: Path, name: str, marks: list[Placemark]) -> None:
    marks = [(g, _cdata_safe(n), _cdata_safe(d), t) for g, n, d, t in marks]
    times = np.array([m[3] if m[3] is not None else "NaT" for m in marks], dtype="datetime64[ms]")
    write_raw(
        path,
        shapely.to_wkb(np.array([m[0] for m in marks], dtype=object)),
        [
            np.array([m[1] for m in marks], dtype=object),
            np.array([m[2] for m in marks], dtype=object),
            times,
        ],
        ["name", "description", "timestamp"],
        layer=name,
        driver="LIBKML",
        geometry_type="Unknown",
        crs="EPSG:4326",
        layer_options={"FOLDER": "YES"},
        gdal_tz_offsets={"timestamp": np.full(len(marks), 100)},  # 100 = UTC in GDAL
    )


def _route_html(p: dict[str, Any]) -> str:
    stops = ", ".join(escape.html(e) for e in p["event_ids"])
    return f"<p><b>Date</b>: {escape.html(p['date'])}</p><p><b>Stops</b>: {stops}</p>"


def _partner_html(p: dict[str, Any]) -> str:
    quotes = "".join(f"<p>“{escape.html(q)}”</p>" for q in p["quotes"])
    return f"<p><b>Capital</b>: {escape.html(p['capital'])}</p>{quotes}{_sources(p)}"


def _hq_html(p: dict[str, Any]) -> str:
    return f"<p>{escape.html(p['city'])}, {escape.html(p['country'])}</p>{_sources(p)}"


def _sources(p: dict[str, Any]) -> str:
    return sources_html(p["sources"])
