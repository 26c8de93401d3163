"""Writing layers and tables through GDAL (pyogrio), with column types from the schema."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyogrio.raw import write

from mapapp.export.tables import Layer, Table, as_json_text
from mapapp.store.schema import Column

#: schema type -> numpy dtype given to GDAL (lists travel as JSON text).
DTYPES = {"integer": "int64", "real": "float64"}
#: GDAL's time zone flag: 100 is UTC, each step a quarter of an hour east.
UTC_FLAG = 100


def column_array(values: list[Any], type_name: str) -> NDArray[Any]:
    """One column with its declared type, so GDAL's field type never depends on the values."""
    if type_name.startswith("list"):
        return np.array([as_json_text(v) for v in values], dtype=object)
    return np.array(values, dtype=DTYPES.get(type_name, object))


def typed_column(
    column: Column, values: list[Any], *, local_as_text: bool
) -> tuple[NDArray[Any], NDArray[Any] | None]:
    """A column as GDAL should type it, and its time zone flags for a date-time.

    `date` becomes a Date, the UTC span a DateTime in UTC, the local span a
    DateTime with its offset, or ISO 8601 text where the format keeps no offset
    (GeoPackage's DATETIME is UTC by its specification).
    """
    if column.gis == "Date":
        return np.array(values, dtype="datetime64[D]"), None
    if column.gis == "DateTime" or (column.gis == "LocalDateTime" and not local_as_text):
        local = np.array([v[:19] for v in values], dtype="datetime64[s]")
        return local, np.array([UTC_FLAG + offset_quarters(v[19:]) for v in values], dtype=int)
    return column_array(values, column.type), None


def offset_quarters(offset: str) -> int:
    """'Z', '+09:00' or '-03:30' as quarters of an hour east of UTC."""
    if offset in ("", "Z"):
        return 0
    sign = -1 if offset[0] == "-" else 1
    return sign * (int(offset[1:3]) * 4 + int(offset[4:6]) // 15)


def write_layer(
    path: Path,
    layer: Layer,
    driver: str,
    *,
    append: bool = False,
    layer_options: dict[str, str] | None = None,
    dataset_options: dict[str, str] | None = None,
) -> None:
    """One kind's layer, every declared column, a single geometry type."""
    fields = [c.name for c in layer.columns]
    data, zones = [], {}
    for c in layer.columns:
        array, flags = typed_column(c, layer.values[c.name], local_as_text=driver == "GPKG")
        data.append(array)
        if flags is not None:
            zones[c.name] = flags
    write_raw(
        path,
        shapely.to_wkb(np.array(layer.geometries, dtype=object)),
        data,
        fields,
        layer=layer.name,
        driver=driver,
        geometry_type=layer.geometry_type,
        crs="EPSG:4326",
        append=append,
        layer_options=layer_options,
        dataset_options=dataset_options,
        gdal_tz_offsets=zones or None,
    )


def write_table(
    path: Path, table: Table, driver: str, *, append: bool = False, description: str = ""
) -> None:
    """A table without geometry (GeoPackage attributes table, or CSV)."""
    fields = [name for name, _ in table.columns]
    data = [
        column_array([row[i] for row in table.rows], type_name)
        for i, (_, type_name) in enumerate(table.columns)
    ]
    options = {"DESCRIPTION": description} if description else None
    write_raw(
        path,
        None,
        data,
        fields,
        layer=table.name,
        driver=driver,
        append=append,
        layer_options=options,
    )


def write_raw(
    path: Path, geometry: Any, data: list[NDArray[Any]], fields: list[str], **kw: Any
) -> None:
    with warnings.catch_warnings():
        # GDAL's notes about layer names adjusted for a format are not errors.
        warnings.simplefilter("ignore", RuntimeWarning)
        write(str(path), geometry, data, fields, **kw)
