"""The export formats: one entry point that writes a filtered collection in any of them.

The CLI and the app both call `export_bytes`, so a filter gives the same file
from either. GeoPackage and FlatGeobuf are written by GDAL (pyogrio); KML, GPX
and CSV by the standard library's XML and text writers (see each module for
why); every format is read back by GDAL in the tests. A CSV comes with two
sidecars (`.csvt`, `.prj`), which the CLI writes beside it.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import InputError, Problem
from mapapp.export.csv_table import WGS84_PRJ, csv_text, csvt_text
from mapapp.export.filters import FeatureCollection
from mapapp.export.gdal import write_layer
from mapapp.export.gpkg import write_gpkg
from mapapp.export.gpx import write_gpx
from mapapp.export.kml import write_kml
from mapapp.export.parquet import write_geoparquet
from mapapp.export.tables import layers
from mapapp.store import geojson_io
from mapapp.store.schema import KINDS, METADATA_MEMBER


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mime: str
    label: str
    kinds: tuple[str, ...] = KINDS  # what a file of this format holds
    sidecars: tuple[str, ...] = ()  # extensions of the files that go beside it

    @property
    def short(self) -> str:
        """The format's name without the note, as on the download buttons."""
        return self.label.split(" (")[0]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("geojson", ".geojson", "application/geo+json", "GeoJSON (one file, every kind)"),
        Format("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage (QGIS)"),
        Format("fgb", ".fgb", "application/octet-stream", "FlatGeobuf (events only)", ("event",)),
        Format("kml", ".kml", "application/vnd.google-earth.kml+xml", "KML (Google Earth)"),
        Format(
            "gpx",
            ".gpx",
            "application/gpx+xml",
            "GPX (waypoints and day tracks)",
            ("event", "route"),
        ),
        Format(
            "csv", ".csv", "text/csv", "CSV (events, one row each)", ("event",), (".csvt", ".prj")
        ),
        Format(
            "parquet",
            ".parquet",
            "application/vnd.apache.parquet",
            "GeoParquet (events only)",
            ("event",),
        ),
    )
}
ALIASES = {".json": "geojson", ".gpx": "gpx", ".kml": "kml", ".csv": "csv", ".fgb": "fgb"}


def infer_format(output: str, explicit: str | None) -> str:
    """The format asked for, or the one the output's extension names (GeoJSON for stdout)."""
    if explicit is not None:
        if explicit not in FORMATS:
            choices = ", ".join(FORMATS)
            raise InputError(
                [Problem(output, "--format", f"unknown format {explicit!r}; formats: {choices}")]
            )
        return explicit
    if output == "-":
        return "geojson"
    suffix = Path(output).suffix.lower()
    by_extension = {f.extension: f.name for f in FORMATS.values()} | ALIASES
    if suffix not in by_extension:
        known = ", ".join(f.extension for f in FORMATS.values())
        raise InputError(
            [
                Problem(
                    output,
                    "--output",
                    f"cannot tell the format from {suffix or 'no extension'!r};"
                    f" use --format or one of {known}",
                )
            ]
        )
    return by_extension[suffix]


def export_bytes(collection: FeatureCollection, fmt: str, filter_note: str = "all") -> bytes:
    """The file's content (without its sidecars)."""
    return export_files(collection, fmt, filter_note)[FORMATS[fmt].extension]


def export_files(
    collection: FeatureCollection, fmt: str, filter_note: str = "all"
) -> dict[str, bytes]:
    """The file's content and its sidecars', by extension. GDAL writes the
    GeoPackage and the FlatGeobuf in a private temporary folder (they are read
    back); the text formats are made in memory."""
    if fmt == "geojson":
        return {".geojson": geojson_io.dumps(collection).encode("utf-8")}
    if fmt == "csv":
        events = layers(collection)["event"]
        return {
            ".csv": csv_text(events).encode("utf-8"),
            ".csvt": csvt_text(events).encode("utf-8"),
            ".prj": WGS84_PRJ.encode("utf-8"),
        }
    extension = FORMATS[fmt].extension
    with tempfile.TemporaryDirectory(prefix="mapapp-export-") as tmp:
        path = Path(tmp) / f"export{extension}"
        WRITERS[fmt](collection, path, filter_note)
        return {extension: path.read_bytes()}


def _fgb(collection: FeatureCollection, path: Path, _note: str) -> None:
    write_layer(path, layers(collection)["event"], "FlatGeobuf")


WRITERS: dict[str, Callable[[FeatureCollection, Path, str], None]] = {
    "gpkg": write_gpkg,
    "fgb": _fgb,
    "kml": lambda c, p, _note: write_kml(c, p),
    "gpx": lambda c, p, _note: write_gpx(c, p),
    "parquet": write_geoparquet,
}


def file_name(trip: str, parts: Iterable[str], fmt: str) -> str:
    """A file name that says what was filtered, e.g. rutte-japan_day-2_yoji-muto.gpkg."""
    return file_stem(trip, parts) + FORMATS[fmt].extension


def file_stem(trip: str, parts: Iterable[str]) -> str:
    slugs = [s for s in (slug(p) for p in [trip, *parts]) if s]
    return "_".join(slugs or ["mapapp"])


def trip_slug(collection: FeatureCollection, title: str) -> str:
    """The short name of the trip (rutte-japan) from the build, else from a title."""
    meta = collection.get(METADATA_MEMBER) or {}
    return str(meta.get("trip_slug") or slug(title) or "mapapp")


def filter_parts(
    days: Iterable[int], actors: Iterable[str], types: Iterable[str], kinds: Iterable[str] = ()
) -> list[str]:
    """The filter as name parts (day-2, yoji-muto, ...), in a fixed order."""
    return [f"day-{d}" for d in days] + list(actors) + list(types) + list(kinds)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]
