"""Typed dates and times, filterable field names and whole relation tables, read back by GDAL."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from pyogrio.raw import read
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.export.filters import events_of
from mapapp.store.schema import KINDS, columns

FORMATS = ("gpkg", "fgb", "csv", "kml", "gpx")


def export(workdir: Path, fmt: str, *args: str) -> Path:
    out = workdir / f"typed.{fmt}"
    data = workdir / "data" / "itinerary.geojson"
    result = CliRunner().invoke(app, ["export", "--data", str(data), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def types_of(path: Path, layer: str | None = None) -> dict[str, str]:
    info = pyogrio.read_info(path, layer=layer)
    return dict(zip(info["fields"].tolist(), info["ogr_types"], strict=True))


def by_event(path: Path, layer: str | None, fields: list[str]) -> dict[str, dict[str, Any]]:
    meta, _, _, data = read(path, layer=layer, columns=["event_id", *fields])
    cols = dict(zip(meta["fields"].tolist(), data, strict=True))
    ids = cols.pop("event_id").tolist()
    return {i: {k: v[n] for k, v in cols.items()} for n, i in enumerate(ids)}


def test_dates_and_instants_are_typed_in_the_geopackage_flatgeobuf_and_csv(
    workdir: Path, built: dict[str, Any]
) -> None:
    expected = {
        "gpkg": ("OFTDate", "OFTString"),  # GeoPackage's DATETIME is UTC only: local as text
        "fgb": ("OFTDateTime", "OFTDateTime"),  # FlatGeobuf has no Date type
        "csv": ("OFTDate", "OFTDateTime"),
    }
    for fmt, (date_type, local_type) in expected.items():
        layer = "events" if fmt == "gpkg" else None
        types = types_of(export(workdir, fmt), layer)
        assert types["date"] == date_type, fmt
        assert types["start_utc"] == types["end_utc"] == "OFTDateTime", fmt
        assert types["start_local"] == types["end_local"] == local_type, fmt
        assert types["seq"] == "OFTInteger64", fmt
    assert types_of(export(workdir, "gpkg"), "routes")["date"] == "OFTDate"


def test_tokyo_18_10_is_09_10_utc_in_every_format(workdir: Path, built: dict[str, Any]) -> None:
    """The seed's 18:10 meeting in Tokyo (UTC+9) is 09:10 UTC wherever a time is written:
    writing local time as UTC (18:10Z) is caught in each format."""
    timed = [e["properties"] for e in events_of(built) if e["properties"]["time"] == "18:10"]
    assert len(timed) == 1
    event_id, want = timed[0]["event_id"], dt.datetime(2025, 4, 9, 9, 10)
    for fmt in ("gpkg", "fgb", "csv"):
        layer = "events" if fmt == "gpkg" else None
        path = export(workdir, fmt)
        row = by_event(path, layer, ["start_utc", "start_local"])[event_id]
        got = row["start_utc"].astype("datetime64[s]").astype(dt.datetime)
        assert got == want, fmt
    name = f"{timed[0]['seq']}. {timed[0]['title']}"
    kml = export(workdir, "kml")
    for path, layer, fields in (
        (kml, "Day 2", ["Name", "timestamp"]),
        (export(workdir, "gpx"), "waypoints", ["name", "time"]),
    ):
        meta, _, _, data = read(path, layer=layer, columns=fields)
        cols = dict(zip(meta["fields"].tolist(), data, strict=True))
        times = dict(zip(cols[fields[0]].tolist(), cols[fields[1]], strict=True))
        assert times[name].astype("datetime64[s]").astype(dt.datetime) == want, path
    assert "<when>2025-04-09T09:10:00Z</when>" in kml.read_text("utf-8")


def test_a_gis_filters_by_seq_and_by_date_with_plain_expressions(workdir: Path) -> None:
    """What QGIS sends as a subset string: `seq > 3` (with `order`, a syntax error)
    and date arithmetic on a Date field."""
    path = export(workdir, "gpkg")
    late = read(path, layer="events", columns=["seq"], where="seq > 3")[3][0].tolist()
    assert sorted(late) == [4, 5, 6, 7]
    day2 = read(path, layer="events", columns=["seq"], where="date >= '2025-04-09'")[3][0]
    assert sorted(day2.tolist()) == [4, 5, 6, 7]
    sql = "SELECT seq FROM events WHERE start_utc >= '2025-04-09T00:00:00Z' ORDER BY seq"
    assert read(path, sql=sql)[3][0].tolist() == [7]  # only the 18:10 meeting starts after


def sqlite_keywords() -> set[str]:
    """SQLite's own keyword list, the one documented at
    https://www.sqlite.org/lang_keywords.html, from the library itself
    (sqlite3_keyword_count/sqlite3_keyword_name, SQLite >= 3.24): Python's sqlite3
    module does not expose it."""
    name = ctypes.util.find_library("sqlite3")
    assert name is not None, "libsqlite3 not found"
    lib = ctypes.CDLL(name)
    count = lib.sqlite3_keyword_count()
    words = set()
    for i in range(count):
        text, size = ctypes.c_char_p(), ctypes.c_int()
        assert lib.sqlite3_keyword_name(i, ctypes.byref(text), ctypes.byref(size)) == 0
        assert text.value is not None
        words.add(text.value[: size.value].decode().upper())
    return words


def test_no_field_is_named_after_an_sql_keyword(workdir: Path) -> None:
    keywords = sqlite_keywords()
    assert {"ORDER", "SELECT", "WHERE", "GROUP"} <= keywords
    assert len(keywords) > 100, sqlite3.sqlite_version
    declared = {c.name for kind in KINDS for c in columns(kind)}
    assert not {n for n in declared if n.upper() in keywords}
    path = export(workdir, "gpkg")
    for layer, _ in pyogrio.list_layers(path):
        fields = pyogrio.read_info(path, layer=layer)["fields"].tolist()
        assert not [f for f in fields if f.upper() in keywords], layer


def test_the_sources_table_has_a_row_per_event_and_source(
    workdir: Path, built: dict[str, Any]
) -> None:
    path = export(workdir, "gpkg")
    rows = read(path, layer="sources")[3]
    got = sorted(zip(rows[0].tolist(), rows[1].tolist(), strict=True))
    want = sorted((e["id"], url) for e in events_of(built) for url in e["properties"]["sources"])
    assert got == want
    first = events_of(built)[0]
    assert sum(1 for event, _ in got if event == first["id"]) == len(first["properties"]["sources"])


@pytest.mark.parametrize("fmt", ["gpkg", "fgb", "csv"])
def test_every_event_field_reads_back_as_written(
    fmt: str, workdir: Path, built: dict[str, Any]
) -> None:
    """Each value, typed or not, comes back equal to the store's (dates as dates)."""
    path = export(workdir, fmt)
    layer = "events" if fmt == "gpkg" else None
    meta, _, _, data = read(path, layer=layer, datetime_as_string=True)
    cols = dict(zip(meta["fields"].tolist(), data, strict=True))
    ids = cols["event_id"].tolist()
    for feature in events_of(built):
        props, row = feature["properties"], ids.index(feature["id"])
        assert str(cols["date"][row])[:10] == props["date"], fmt
        assert str(cols["start_utc"][row]).replace(".000", "") in (
            props["start_utc"],
            props["start_utc"].replace("Z", "+00:00"),
        ), fmt
        assert cols["seq"][row] == props["seq"]
        assert cols["title"][row] == props["title"]
