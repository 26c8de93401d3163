"""GeoPackage: one layer per kind, the relation tables, a metadata table, descriptions.

GDAL writes the layers and tables (with their descriptions in gpkg_contents).
pyogrio cannot pass field comments, so the column descriptions are added to the
standard `gpkg_data_columns` table (the GeoPackage schema extension) afterwards;
GDAL and QGIS read them back as field comments, and list columns are marked
`application/json`, which GDAL reads as JSON strings.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyogrio import get_gdal_config_option, set_gdal_config_options

from mapapp.export.filters import FeatureCollection
from mapapp.export.gdal import write_layer, write_table
from mapapp.export.tables import Layer, layers, metadata_table, relation_tables

DATA_COLUMNS_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT,
  description TEXT, mime_type TEXT, constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
  min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
"""
SCHEMA_EXTENSION = "http://www.geopackage.org/spec121/#extension_schema"


def write_gpkg(collection: FeatureCollection, path: Path, filter_note: str) -> None:
    by_kind = layers(collection)
    with _fixed_change_date():
        first = True
        for layer in by_kind.values():
            options = {"DESCRIPTION": layer.description, "IDENTIFIER": layer.name}
            write_layer(
                path,
                layer,
                "GPKG",
                append=not first,
                layer_options=options,
                # 1.4 (GDAL 3.12's default) makes GDAL 3.6 and older QGIS warn.
                dataset_options={"VERSION": "1.3"},
            )
            first = False
        tables = relation_tables(collection, by_kind["event"])
        for table in [*tables, metadata_table(collection, filter_note)]:
            write_table(path, table, "GPKG", append=True, description=table.description)
    _describe_columns(path, list(by_kind.values()))


@contextmanager
def _fixed_change_date() -> Iterator[None]:
    """GDAL stamps each table's last_change with the clock; a fixed date makes the same
    filter give the same bytes (from the CLI or the app). SOURCE_DATE_EPOCH wins."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "946684800"))  # 2000-01-01
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    before = get_gdal_config_option("OGR_CURRENT_DATE")
    set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _describe_columns(path: Path, spatial: list[Layer]) -> None:
    rows = [
        (layer.name, c.name, c.meaning, "application/json" if c.is_list else None)
        for layer in spatial
        for c in layer.columns
    ]
    with sqlite3.connect(path) as db:
        db.executescript(DATA_COLUMNS_DDL)
        for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
            db.execute(
                "INSERT OR IGNORE INTO gpkg_extensions"
                " (table_name, column_name, extension_name, definition, scope)"
                " VALUES (?, NULL, 'gpkg_schema', ?, 'read-write')",
                (table, SCHEMA_EXTENSION),
            )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns"
            " (table_name, column_name, description, mime_type) VALUES (?, ?, ?, ?)",
            rows,
        )
    db.close()
