"""Open mapapp's exports in QGIS (headless) and report what a QGIS user gets, as JSON.

Run by tests/export/test_export_qgis.py with Debian's system python3 (the one
python3-qgis is built for), not the project's venv:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_probe.py FOLDER

FOLDER holds trip.geojson, trip.gpkg, trip.fgb, trip.csv (+ .csvt, .prj),
trip.kml and trip.gpx. For every layer: whether it is valid, its feature count
and field types; then the subset strings and expressions a QGIS user types, the
temporal controller's extent from the fields, and the actor join.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from qgis.core import (  # type: ignore[import-not-found]
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDateTime, Qt  # type: ignore[import-not-found]

LAYERS = {
    "geojson": [None],
    "gpkg": ["events", "routes", "partners", "hq"],
    "fgb": [None],
    "csv": [None],
    "kml": ["Day 1", "Day 2", "Partners", "Partner outlines", "Headquarters"],
    "gpx": ["waypoints", "tracks"],
}


def open_layer(path: Path, layer: str | None) -> QgsVectorLayer:
    uri = str(path) if layer is None else f"{path}|layername={layer}"
    return QgsVectorLayer(uri, layer or path.stem, "ogr")


def count(layer: QgsVectorLayer, subset: str | None = None, expression: str | None = None) -> int:
    """Features a subset string (sent to the provider) or an expression (QGIS's own) keeps."""
    if subset is not None and not layer.setSubsetString(subset):
        return -1
    request = QgsFeatureRequest()
    if expression is not None:
        request.setFilterExpression(expression)
    n = sum(1 for _ in layer.getFeatures(request))
    layer.setSubsetString("")
    return n


def temporal(layer: QgsVectorLayer) -> dict[str, Any]:
    """The temporal controller from the fields: its extent, and what one hour shows."""
    props = layer.temporalProperties()
    props.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
    props.setStartField("start_utc")
    props.setEndField("end_utc")
    props.setIsActive(True)
    layer.setSubsetString("\"kind\" = 'event'")  # the GeoJSON holds every kind
    fields = layer.fields()
    begin = layer.minimumValue(fields.indexOf("start_utc"))
    end = layer.maximumValue(fields.indexOf("end_utc"))
    hour = QgsDateTimeRange(
        QDateTime.fromString("2025-04-09T09:00:00Z", Qt.ISODate),
        QDateTime.fromString("2025-04-09T10:00:00Z", Qt.ISODate),
    )
    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    filter_string = props.createFilterString(context, hour)
    request = QgsFeatureRequest().setFilterExpression(filter_string)
    shown = sum(1 for _ in layer.getFeatures(request)) if filter_string else -1
    layer.setSubsetString("")
    return {
        "begin": begin.toUTC().toString(Qt.ISODate) if isinstance(begin, QDateTime) else None,
        "end": end.toUTC().toString(Qt.ISODate) if isinstance(end, QDateTime) else None,
        "shown_09_10_utc": shown,
    }


def probe(folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"layers": {}, "filters": {}, "temporal": {}}
    for fmt, names in LAYERS.items():
        path = folder / f"trip.{fmt}"
        for name in names:
            layer = open_layer(path, name)
            fields = {f.name(): f.typeName() for f in layer.fields()}
            out["layers"][f"{fmt}:{name or ''}"] = {
                "valid": layer.isValid(),
                "count": layer.featureCount(),
                "fields": fields,
            }
    for fmt, name in (("gpkg", "events"), ("fgb", None), ("csv", None), ("geojson", None)):
        layer = open_layer(folder / f"trip.{fmt}", name)
        event = "\"kind\" = 'event' AND "
        out["filters"][fmt] = {
            "seq > 3": count(layer, subset=event + '"seq" > 3'),
            "expression seq > 3": count(layer, expression=event + '"seq" > 3'),
            "day 2 by date": count(layer, expression=event + "\"date\" >= to_date('2025-04-09')"),
            "date + 1 day": count(
                layer,
                expression=event
                + "to_date(\"date\" + to_interval('1 day')) = to_date('2025-04-10')",
            ),
        }
        out["temporal"][fmt] = temporal(layer)
    events = open_layer(folder / "trip.gpkg", "events")
    join = "event_id IN (SELECT event_id FROM event_actors WHERE actor = 'Yoji Muto')"
    out["actor_join"] = (
        sorted(f["event_id"] for f in events.getFeatures())
        if events.setSubsetString(join)
        else None
    )
    out["kml_seq"] = count(open_layer(folder / "trip.kml", "Day 2"), expression='"seq" > 5')
    return out


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    print(json.dumps(probe(Path(sys.argv[1])), default=str), flush=True)
    # QGIS 3.22 can crash tearing down layers at exit; the answer is already out.
    os._exit(0)


if __name__ == "__main__":
    main()
