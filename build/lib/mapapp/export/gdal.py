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

#: schema type -> numpy dtype given to GDAL (lists travel as JSON text).
DTYPES = {"integer": "int64", "real": "float64"}


def column_array(values: list[Any], type_name: str) -> NDArray[Any]:
    """One column with its declared type, so GDAL's field type never depends on the values."""
    if type_name.startswith("list"):
        return np.array([as_json_text(v) for v in values], dtype=object)
    return np.array(values, dtype=DTYPES.get(type_name, object))


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
    data = [column_array(layer.values[c.name], c.type) for c in layer.columns]
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
