"""Every export format, read back by GDAL (pyogrio): a stable schema and the filtered set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyogrio
import pytest
from pyogrio.raw import read
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.export.filters import events_of, filter_collection
from mapapp.export.formats import export_bytes
from mapapp.export.kml import data_columns
from mapapp.store.schema import KINDS, columns

FILTERS: dict[str, list[str]] = {
    "all": [],
    "day-1": ["--day", "1"],
    "keio": ["--actor", "Keio University"],  # a single stop: no route is left
    "talks": ["--type", "TALKS", "--kind", "event", "--kind", "hq"],  # no partner, no route
}
FORMATS = ("geojson", "gpkg", "fgb", "kml", "gpx", "csv")


def export(workdir: Path, fmt: str, args: list[str], name: str = "out") -> Path:
    (workdir / name).mkdir(exist_ok=True)
    out = workdir / name / f"out.{fmt}"
    data = workdir / "data" / "itinerary.geojson"
    result = CliRunner().invoke(app, ["export", "--data", str(data), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def schema_of(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Layer name -> [(field, OGR type)], as GDAL reads the file."""
    out = {}
    for name, _ in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=name)
        out[str(name)] = list(zip(info["fields"].tolist(), info["ogr_types"], strict=True))
    return out


def expected(built: dict[str, Any], args: list[str]) -> dict[str, Any]:
    opts: dict[str, list[Any]] = {"days": [], "actors": [], "types": [], "kinds": []}
    names = {"--day": "days", "--actor": "actors", "--type": "types", "--kind": "kinds"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        opts[names[flag]].append(int(value) if flag == "--day" else value)
    return filter_collection(built, **{k: v or None for k, v in opts.items()})


def values(path: Path, columns: list[str], layer: str | None = None) -> dict[str, Any]:
    """Columns by name (pyogrio returns them in the file's order, not the order asked)."""
    meta, _, _, data = read(path, layer=layer, columns=columns)
    return dict(zip(meta["fields"].tolist(), data, strict=True))


def counts(collection: dict[str, Any]) -> dict[str, int]:
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    return {k: kinds.count(k) for k in KINDS}


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "geojson"])
def test_every_filter_gives_the_same_layers_fields_and_types(
    fmt: str, workdir: Path, built: dict[str, Any]
) -> None:
    schemas = {}
    for label, args in FILTERS.items():
        path = export(workdir, fmt, args, label)
        schemas[label] = schema_of(path)
        want = counts(expected(built, args))
        got = feature_counts(path, fmt)
        assert got == {k: want[k] for k in got}, (label, got, want)
    first = schemas["all"]
    if fmt == "kml":
        # GDAL gives a KML folder the fields of the placemarks it holds (an empty
        # day has none of the event's): the same layers, and the events' fields
        # wherever there are events.
        assert all(list(s) == list(first) for s in schemas.values()), schemas
        wanted = {c.name for c in data_columns("event")}
        for label, schema in schemas.items():
            for name, fields in schema.items():
                if name.startswith("Day ") and feature_counts_of(workdir / label, name):
                    assert wanted <= {f for f, _ in fields}, (label, name)
        return
    assert all(s == first for s in schemas.values()), schemas
    if fmt in ("gpkg", "fgb", "csv"):
        events = dict(first["events" if fmt != "csv" else "out"])
        names = [n for n in events if n != "WKT"]  # the CSV's geometry column
        assert names == [c.name for c in columns("event")]
        assert events["time"] == "OFTString"
        assert events["discrepancies"] == "OFTString"
        assert events["seq"] == "OFTInteger64"
        assert events["start_utc"] == "OFTDateTime"
        assert events["date"] == ("OFTDateTime" if fmt == "fgb" else "OFTDate")


def feature_counts_of(folder: Path, layer: str) -> int:
    return int(pyogrio.read_info(folder / "out.kml", layer=layer)["features"])


def feature_counts(path: Path, fmt: str) -> dict[str, int]:
    """Features per kind, as GDAL reads them back."""
    if fmt == "gpkg":
        layer = {"events": "event", "routes": "route", "partners": "partner", "hq": "hq"}
        return {kind: len(read(path, layer=name)[2]) for name, kind in layer.items()}
    if fmt in ("fgb", "csv"):
        return {"event": len(read(path)[3][0])}
    if fmt == "gpx":
        waypoints = len(read(path, layer="waypoints")[2])
        return {"event": waypoints, "route": len(read(path, layer="tracks")[2])}
    days = [str(n) for n, _ in pyogrio.list_layers(path) if str(n).startswith("Day ")]
    names = [str(v) for d in days for v in read(path, layer=d, columns=["Name"])[3][0]]
    return {
        "event": sum(1 for n in names if not n.startswith("Day ")),
        "route": sum(1 for n in names if n.startswith("Day ")),
        "partner": len(read(path, layer="Partners")[2]),
        "hq": len(read(path, layer="Headquarters")[2]),
    }


def test_geojson_properties_have_the_declared_names_and_json_types_whatever_the_filter(
    workdir: Path, built: dict[str, Any]
) -> None:
    json_types = {
        "string": {"str"},
        "string or null": {"str", "NoneType"},
        "integer": {"int"},
        "real": {"float", "int"},
        "list of strings": {"list"},
        "list of integers": {"list"},
    }
    for label, args in FILTERS.items():
        data = json.loads(export(workdir, "geojson", args, label).read_text("utf-8"))
        assert data["mapapp_schema"] == 3
        assert counts(data) == counts(expected(built, args))
        assert len(read(export(workdir, "geojson", args, label))[2]) == len(data["features"])
        for feature in data["features"]:
            props = feature["properties"]
            declared = columns(props["kind"])
            assert list(props) == [c.name for c in declared]
            for c in declared:
                assert type(props[c.name]).__name__ in json_types[c.type], (label, c)


def test_geopackage_relates_events_to_actors_one_row_per_pair(
    workdir: Path, built: dict[str, Any]
) -> None:
    path = export(workdir, "gpkg", [])
    pairs = read(path, layer="event_actors")[3]
    rows = list(zip(*[a.tolist() for a in pairs], strict=True))
    want = [(e["id"], actor) for e in events_of(built) for actor in e["properties"]["actors"]]
    assert sorted((event, actor) for event, actor, _ in rows) == sorted(want)
    assert ("meeting-with-yoji-muto", "Yoji Muto", "minister") in rows or any(
        r[:2] == ("meeting-with-yoji-muto", "Yoji Muto") and r[2] for r in rows
    )
    sql = (
        "SELECT e.event_id FROM events e JOIN event_actors a ON a.event_id = e.event_id"
        " WHERE a.actor = 'Yoji Muto' ORDER BY e.event_id"
    )
    joined = read(path, sql=sql)[3][0].tolist()
    only = export(workdir, "gpkg", ["--actor", "Yoji Muto"], "muto")
    assert joined == sorted(read(only, layer="events", columns=["event_id"])[3][0].tolist())
    assert len(joined) == 2
    actors = dict(zip(*[a.tolist() for a in read(path, layer="actors")[3]], strict=True))
    assert actors["Mark Rutte"] == 7
    meta = dict(zip(*[a.tolist() for a in read(path, layer="metadata")[3]], strict=True))
    assert meta["trip"] == "NATO Secretary General Mark Rutte in Japan"
    assert meta["article_url"].startswith("https://")
    assert meta["built_with"].startswith("mapapp ")
    sources = read(path, layer="sources")[3]
    assert all(t for t in sources[2].tolist()), "every source has its title"


def test_geopackage_layers_have_one_geometry_type_and_described_columns(workdir: Path) -> None:
    path = export(workdir, "gpkg", [])
    layers = {str(n): g for n, g in pyogrio.list_layers(path)}
    assert layers == {
        "events": "Point",
        "routes": "LineString",
        "partners": "MultiPolygon",
        "hq": "Point",
        "actors": None,
        "event_actors": None,
        "sources": None,
        "metadata": None,
    }
    info = pyogrio.read_info(path, layer="events")
    assert info["layer_metadata"]["DESCRIPTION"].startswith("Events of the trip")
    assert dict(zip(info["fields"], info["ogr_subtypes"], strict=True))["actors"] == "OFSTJSON"
    sql = (
        "SELECT description FROM gpkg_data_columns WHERE table_name='events' AND column_name='time'"
    )
    assert read(path, sql=sql)[3][0].tolist() == ["local start time HH:MM, or null when not known"]


def test_kml_placemarks_are_named_and_described(workdir: Path) -> None:
    path = export(workdir, "kml", ["--day", "2"])
    assert [str(n) for n, _ in pyogrio.list_layers(path)] == [
        "Day 1",
        "Day 2",
        "Partners",
        "Partner outlines",
        "Headquarters",
    ]
    assert len(read(path, layer="Day 1")[2]) == 0
    day2 = values(path, ["Name", "description"], layer="Day 2")
    names, descriptions = day2["Name"].tolist(), day2["description"].tolist()
    assert [n.split(".")[0] for n in names[:-1]] == ["4", "5", "6", "7"]
    assert names[-1].startswith("Day 2 route (")
    assert "Sources" in descriptions[0] and "Where" in descriptions[0]
    partners = read(path, layer="Partners", columns=["Name"])[3][0].tolist()
    assert "Australia" in partners
    text = path.read_text("utf-8")
    assert "<Polygon>" in text and "<LineString>" in text
    folders = ElementTree.fromstring(text).findall(".//{http://www.opengis.net/kml/2.2}Folder")
    assert len(folders) == 5  # well-formed XML, one Document holding every folder


def test_gpx_has_a_waypoint_per_event_with_times_and_a_track_per_day(
    workdir: Path, built: dict[str, Any]
) -> None:
    path = export(workdir, "gpx", [])
    waypoints = values(path, ["name", "time", "desc"], layer="waypoints")
    names, times, desc = waypoints["name"], waypoints["time"], waypoints["desc"]
    events = events_of(built)
    assert names.tolist() == [
        f"{e['properties']['seq']}. {e['properties']['title']}" for e in events
    ]
    timed = [e["properties"] for e in events if e["properties"]["time"]]
    assert timed, "the seed data has timed events"
    for props in timed:
        index = props["seq"] - 1
        hours, minutes = map(int, props["time"].split(":"))
        utc = times[index].astype("datetime64[m]").astype(object)
        assert ((utc.hour + 9) % 24, utc.minute) == (hours, minutes)  # Asia/Tokyo is UTC+9
    untimed = [e["properties"]["seq"] - 1 for e in events if not e["properties"]["time"]]
    assert all(str(times[i]) == "NaT" for i in untimed)
    assert all("Sources: https://" in d for d in desc.tolist())
    tracks = values(path, ["name"], layer="tracks")["name"].tolist()
    assert tracks == ["Day 1 route", "Day 2 route"]


def test_csv_has_lat_lon_and_lists_as_json(workdir: Path, built: dict[str, Any]) -> None:
    path = export(workdir, "csv", ["--actor", "Yoji Muto"])
    raw = path.read_bytes()
    assert raw.startswith(b"WKT,kind,event_id,")
    fields = pyogrio.read_info(path)["fields"].tolist()
    values = dict(zip(fields, read(path)[3], strict=True))
    assert values["event_id"].tolist() == ["meeting-with-yoji-muto", "meeting-with-tech-startups"]
    assert [json.loads(a) for a in values["actors"]] == [
        e["properties"]["actors"]
        for e in events_of(built)
        if "Yoji Muto" in e["properties"]["actors"]
    ]
    assert float(values["lat"][0]) == pytest.approx(35.67, abs=0.1)


def test_the_format_follows_the_extension_and_unknown_ones_are_refused(workdir: Path) -> None:
    data = workdir / "data" / "itinerary.geojson"
    out = workdir / "x.shp"
    result = CliRunner().invoke(app, ["export", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 2
    assert "use --format" in result.output
    assert not out.exists()
    forced = workdir / "x.dat"
    ok = CliRunner().invoke(app, ["export", "--data", str(data), "-f", "gpkg", "-o", str(forced)])
    assert ok.exit_code == 0, ok.output
    assert forced.read_bytes().startswith(b"SQLite format 3")


def test_hostile_text_survives_every_format(built: dict[str, Any], tmp_path: Path) -> None:
    evil = 'A ]]> <script>alert(1)</script> & "q" é, 日本'
    data = json.loads(json.dumps(built))
    for feature in events_of(data):
        props = feature["properties"]
        props["title"] = props["quote"] = evil
        props["actors"][0] = 'Doe, John "JJ"'
        props["actor_roles"][0] = 'Doe, John "JJ": visitor'
    paths = {}
    for fmt in ("kml", "gpx", "csv", "gpkg"):
        paths[fmt] = tmp_path / f"evil.{fmt}"
        paths[fmt].write_bytes(export_bytes(data, fmt))
    kml = values(paths["kml"], ["Name", "description"], layer="Day 1")
    assert kml["Name"][0] == f"1. {evil}"  # escaped by the XML writer, no CDATA to break
    assert "&lt;script&gt;" in kml["description"][0]
    assert values(paths["gpx"], ["name"], layer="waypoints")["name"][0] == f"1. {evil}"
    fields = pyogrio.read_info(paths["csv"])["fields"].tolist()
    row = dict(zip(fields, [c[0] for c in read(paths["csv"])[3]], strict=True))
    assert row["title"] == evil
    assert json.loads(row["actors"])[0] == 'Doe, John "JJ"'
    pairs = values(paths["gpkg"], ["actor", "role"], layer="event_actors")
    assert (pairs["actor"][0], pairs["role"][0]) == ('Doe, John "JJ"', "visitor")


def test_one_filter_gives_the_same_events_in_every_format(
    workdir: Path, built: dict[str, Any]
) -> None:
    args = ["--day", "2", "--actor", "yoji muto"]
    want = expected(built, args)
    ids = [e["id"] for e in events_of(want)]
    order = {e["id"]: e["properties"]["seq"] for e in events_of(want)}
    numbers = sorted(order.values())
    assert len(ids) == 2
    got = {}
    for fmt in FORMATS:
        path = export(workdir, fmt, args, fmt)
        if fmt == "geojson":
            got[fmt] = [e["id"] for e in events_of(json.loads(path.read_text("utf-8")))]
        elif fmt in ("gpkg", "fgb", "csv"):
            layer = "events" if fmt == "gpkg" else None
            got[fmt] = values(path, ["event_id"], layer=layer)["event_id"].tolist()
        else:
            layer, column = ("Day 2", "Name") if fmt == "kml" else ("waypoints", "name")
            names = values(path, [column], layer=layer)[column].tolist()
            got[fmt] = [int(n.split(".")[0]) for n in names if not n.startswith("Day ")]
    for fmt, found in got.items():
        assert found == (numbers if fmt in ("kml", "gpx") else ids), fmt


def test_placemarks_word_time_and_links_as_the_map_does() -> None:
    """KML/GPX descriptions use the map's one "when" rule and one URL rule: no
    "18:10 (18:10, ...)" and no link for a javascript: source."""
    from mapapp.export.placemark import event_html, event_text

    props = {
        "seq": 7, "title": "Meeting", "day": 2, "date": "2025-04-09", "time": "18:10",
        "time_label": "18:10, about 45 minutes", "quote": "q", "place_name": "Kantei",
        "sources": ["javascript:alert(1)", "https://example.org/a"],
    }  # fmt: skip
    assert "When: Day 2: 2025-04-09 18:10, about 45 minutes" in event_text(props)
    assert "18:10 (18:10" not in event_text(props)
    described = event_html(props)
    assert '<a href="https://example.org/a">' in described
    assert 'href="javascript' not in described and "javascript:alert(1)" in described
