"""GeoParquet 1.1: the events as one columnar file, for DuckDB, Sedona and dask-geopandas.

pyogrio's wheels have no Parquet driver, so geopandas writes it through pyarrow.
Every declared column keeps its schema type (lists of strings as real Parquet
lists, not JSON text), whatever the values: a filter that leaves no event, or no
discrepancy, still gives the same columns and types. A `bbox` covering column
lets readers skip row groups outside a query's extent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from mapapp.export.filters import FeatureCollection
from mapapp.export.tables import layers
from mapapp.store.schema import FieldType

#: schema type -> Arrow type of its column
ARROW_TYPES: dict[FieldType, pa.DataType] = {
    "string": pa.string(),
    "string or null": pa.string(),
    "integer": pa.int64(),
    "real": pa.float64(),
    "list of strings": pa.list_(pa.string()),
    "list of integers": pa.list_(pa.int64()),
}
GEOPARQUET_VERSION = "1.1.0"


def write_geoparquet(collection: FeatureCollection, path: Path, _note: str = "") -> None:
    """The collection's events as GeoParquet 1.1 (WKB points, WGS84, a bbox column)."""
    import geopandas as gpd
    import pandas as pd
    import pyarrow.parquet as pq
    from geopandas.io.arrow import _geopandas_to_arrow

    events = layers(collection)["event"]
    data: dict[str, Any] = {
        column.name: pd.Series(
            events.values[column.name], dtype=pd.ArrowDtype(ARROW_TYPES[column.type])
        )
        for column in events.columns
    }
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(events.geometries), crs="OGC:CRS84")
    # geopandas' own conversion (the one to_parquet uses) writes the "geo" metadata;
    # pandas' metadata is dropped: pandas cannot read back its name for a list type.
    table = _geopandas_to_arrow(
        frame,
        index=False,
        geometry_encoding="WKB",
        schema_version=GEOPARQUET_VERSION,
        write_covering_bbox=True,
    )
    geo = (table.schema.metadata or {})[b"geo"]
    pq.write_table(table.replace_schema_metadata({b"geo": geo}), path, compression="zstd")
