"""GeoParquet 1.1 export: read back by geopandas and by DuckDB, with the declared columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import geopandas as gpd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.export.filters import filter_collection
from mapapp.store.schema import columns


def _export(workdir: Path, args: list[str]) -> Path:
    out = workdir / "out.parquet"  # the format is inferred from the extension
    data = workdir / "data" / "itinerary.geojson"
    result = CliRunner().invoke(app, ["export", "--data", str(data), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]


@pytest.mark.parametrize("args", [[], ["--day", "2", "--actor", "yoji muto"], ["--kind", "hq"]])
def test_geopandas_and_duckdb_read_the_filtered_events(
    args: list[str], workdir: Path, built: dict[str, Any]
) -> None:
    path = _export(workdir, args)
    pairs = list(zip(args[::2], args[1::2], strict=True))
    days = [int(v) for f, v in pairs if f == "--day"] or None
    actors = [v for f, v in pairs if f == "--actor"] or None
    kinds = [v for f, v in pairs if f == "--kind"] or None
    want = _events(filter_collection(built, days=days, actors=actors, kinds=kinds))

    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}
    assert "covering" in geo["columns"]["geometry"]  # the bbox column, GeoParquet 1.1

    frame = gpd.read_parquet(path)
    # geopandas hides the covering column it knows from the metadata
    assert list(frame.columns) == [c.name for c in columns("event")] + ["geometry"]
    assert frame["event_id"].tolist() == [f["id"] for f in want]
    assert [(p.x, p.y) for p in frame.geometry] == [
        tuple(f["geometry"]["coordinates"]) for f in want
    ]
    assert [list(a) for a in frame["actors"]] == [f["properties"]["actors"] for f in want]

    rows = duckdb.sql(
        f"SELECT event_id, day, actors, sources, location_source, bbox.xmin "
        f"FROM read_parquet('{path}') ORDER BY seq"
    ).fetchall()
    assert rows == [
        (
            f["id"],
            f["properties"]["day"],
            f["properties"]["actors"],
            f["properties"]["sources"],
            f["properties"]["location_source"],
            f["geometry"]["coordinates"][0],
        )
        for f in want
    ]


def test_column_types_come_from_the_schema_even_when_no_event_is_left(workdir: Path) -> None:
    types = {f.name: str(f.type) for f in pq.read_schema(_export(workdir, ["--kind", "hq"]))}
    expected = {
        "string": "string", "string or null": "string", "integer": "int64", "real": "double",
        "list of strings": "list<element: string>", "list of integers": "list<element: int64>",
    }  # fmt: skip
    for column in columns("event"):
        assert types[column.name] == expected[column.type], column.name
