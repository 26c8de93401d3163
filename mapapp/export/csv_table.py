"""CSV: the events, one row each, safe to open in a spreadsheet and typed for GDAL.

Written with the standard library rather than GDAL's CSV driver, which cannot
tell a null from an empty text, writes dates as 2025/04/08 and would pass a
formula through. The rules (documented in docs/schema.md):

- **Geometry**: a first column `WKT` (`POINT (lon lat)`), which GDAL's CSV
  driver reads as the geometry without any option; `lat` and `lon` stay too.
- **Types**: the `.csvt` sidecar names each column's GDAL type, the `.prj`
  sidecar the coordinate system (WGS84), as GDAL's own CSV writer does.
- **Null and empty**: text is always quoted, so an empty text is `""`; a null is
  an empty cell with no quotes. Numbers are never quoted.
- **Formulas** (OWASP CSV injection): a text cell starting with `=`, `+`, `-`,
  `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet shows it
  as text instead of running it; so does one that starts with `'`, so removing
  one leading `'` from any text cell that has one gives the original back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely

from mapapp.export.tables import Layer, as_json_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
#: schema GIS type -> the type GDAL's .csvt file names.
CSVT_TYPES = {
    "Date": "Date",
    "DateTime": "DateTime",
    "LocalDateTime": "DateTime",
    "Integer64": "Integer64",
    "Real": "Real",
    "String": "String",
    "JSON": "String",
}
WGS84_PRJ = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]\n'
)
NEWLINE = "\r\n"  # RFC 4180
_SURROGATE = re.compile("[\ud800-\udfff]")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str:
    """One CSV cell: numbers bare, null empty, text quoted and neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = as_json_text(value) if isinstance(value, list) else str(value)
    return '"' + neutralise(text).replace('"', '""') + '"'


def csv_lines(events: Layer) -> Iterator[str]:
    """The header and one line per event."""
    names = [c.name for c in events.columns]
    yield ",".join(["WKT", *names]) + NEWLINE
    wkt = shapely.to_wkt(np.array(events.geometries, dtype=object), rounding_precision=-1)
    columns = [events.values[name] for name in names]
    for index, row in enumerate(zip(*columns, strict=True)):
        yield ",".join([f'"{wkt[index]}"', *map(cell, row)]) + NEWLINE


def csv_text(events: Layer) -> str:
    """The file's text; a lone surrogate (JSON allows one, UTF-8 cannot hold it)
    becomes U+FFFD instead of failing the export."""
    return _SURROGATE.sub("\ufffd", "".join(csv_lines(events)))


def csvt_text(events: Layer) -> str:
    """The .csvt sidecar: GDAL's CSV driver types each column from it."""
    types = ["WKT", *(CSVT_TYPES[c.gis] for c in events.columns)]
    return ",".join(f'"{t}"' for t in types) + NEWLINE
