"""GPX (GDAL's GPX driver): a waypoint per event and a track per day's route.

GDAL writes one layer per GPX file, so the waypoints and the tracks are written
to two files by GDAL and the `<trk>` elements of the second are placed after
the waypoints of the first (GPX 1.1 wants wpt, then rte, then trk).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from mapapp.export.filters import FeatureCollection
from mapapp.export.gdal import write_raw
from mapapp.export.placemark import event_instant, event_name, event_text
from mapapp.export.tables import layers
from mapapp.store.schema import METADATA_MEMBER

UTC_FLAG = 100  # GDAL's time zone flag for UTC


def write_gpx(collection: FeatureCollection, path: Path) -> None:
    by_kind = layers(collection)
    timezone = str((collection.get(METADATA_MEMBER) or {}).get("timezone", "UTC"))
    events = by_kind["event"].rows()
    times = [event_instant(p, timezone) for p in events]
    write_raw(
        path,
        shapely.to_wkb(np.array(by_kind["event"].geometries, dtype=object)),
        [
            np.array([event_name(p) for p in events], dtype=object),
            np.array([event_text(p) for p in events], dtype=object),
            np.array([t if t is not None else "NaT" for t in times], dtype="datetime64[ms]"),
        ],
        ["name", "desc", "time"],
        layer="waypoints",
        driver="GPX",
        geometry_type="Point",
        crs="EPSG:4326",
        gdal_tz_offsets={"time": np.full(len(events), UTC_FLAG)},
    )
    routes = by_kind["route"]
    if not len(routes):
        return
    tracks = path.with_name(path.name + ".tracks.gpx")
    rows = routes.rows()
    write_raw(
        tracks,
        shapely.to_wkb(
            np.array([shapely.MultiLineString([g]) for g in routes.geometries], dtype=object)
        ),
        [
            np.array([f"Day {p['day']} route" for p in rows], dtype=object),
            np.array(
                [
                    f"{p['date']}: {len(p['event_ids'])} stops, {p['length_km']:.1f} km"
                    for p in rows
                ],
                dtype=object,
            ),
        ],
        ["name", "desc"],
        layer="tracks",
        driver="GPX",
        geometry_type="MultiLineString",
        crs="EPSG:4326",
    )
    track_xml = tracks.read_text(encoding="utf-8")
    tracks.unlink()
    body = track_xml[track_xml.index("<trk>") : track_xml.rindex("</gpx>")]
    waypoints = path.read_text(encoding="utf-8")
    end = waypoints.rindex("</gpx>")
    path.write_text(waypoints[:end] + body + waypoints[end:], encoding="utf-8")
