"""KML for Google Earth, QGIS and gpsbabel: data, styles, times, 2D, partners kept."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyogrio
import pytest
from pyogrio.raw import read
from tools import require

from mapapp.export.filters import events_of, filter_collection
from mapapp.export.formats import export_bytes
from mapapp.export.kml import data_columns, kml_color
from mapapp.presentation.palette import day_color

NS = {"k": "http://www.opengis.net/kml/2.2"}


def kml_of(collection: dict[str, Any], path: Path) -> ElementTree.Element:
    path.write_bytes(export_bytes(collection, "kml"))
    return ElementTree.parse(path).getroot()


def placemarks(root: ElementTree.Element) -> list[ElementTree.Element]:
    return root.findall(".//k:Placemark", NS)


def simple_data(mark: ElementTree.Element) -> dict[str, str]:
    return {d.get("name", ""): d.text or "" for d in mark.findall(".//k:SimpleData", NS)}


def test_every_placemark_has_its_kinds_data_and_every_event_its_time(
    built: dict[str, Any], tmp_path: Path
) -> None:
    root = kml_of(built, tmp_path / "all.kml")
    marks = placemarks(root)
    assert len(marks) == len(built["features"]) + 4  # + the partners' outlines
    events = {e["properties"]["event_id"]: e["properties"] for e in events_of(built)}
    seen = set()
    for mark in marks:
        data = simple_data(mark)
        kind = data["kind"]
        wanted = {c.name for c in data_columns(kind)}
        assert wanted - {"time", "location_source"} <= set(data), (kind, wanted - set(data))
        if kind != "event":
            continue
        props = events[data["event_id"]]
        seen.add(data["event_id"])
        assert data["seq"] == str(props["seq"]) and data["date"] == props["date"]
        assert data["actors"].startswith("[")  # JSON text, as in the other formats
        stamp = mark.find("k:TimeStamp/k:when", NS)
        span = mark.find("k:TimeSpan", NS)
        if props["time_precision"] == "minute":
            assert stamp is not None and stamp.text == props["start_utc"]
            assert span is None
        else:
            assert stamp is None and span is not None
            assert span.findtext("k:begin", namespaces=NS) == props["start_utc"]
            assert span.findtext("k:end", namespaces=NS) == props["end_utc"]
    assert seen == set(events)
    # Every route spans its day too, so the time slider covers the trip.
    routes = [m for m in marks if simple_data(m)["kind"] == "route"]
    assert routes and all(m.find("k:TimeSpan", NS) is not None for m in routes)


def test_coordinates_are_2d_and_partners_are_one_multigeometry_each(
    built: dict[str, Any], tmp_path: Path
) -> None:
    root = kml_of(built, tmp_path / "all.kml")
    for coords in root.iter("{http://www.opengis.net/kml/2.2}coordinates"):
        for pair in (coords.text or "").split():
            assert pair.count(",") == 1, pair
    folders = {f.findtext("k:name", namespaces=NS): f for f in root.findall(".//k:Folder", NS)}
    partners = folders["Partners"].findall("k:Placemark", NS)
    assert len(partners) == 4
    for mark in partners:
        assert mark.find("k:Polygon", NS) is None
        assert len(mark.find("k:MultiGeometry", NS).findall("k:Polygon", NS)) >= 1  # type: ignore[union-attr]
    path = tmp_path / "all.kml"
    info = pyogrio.read_info(path, layer="Partners")
    assert info["features"] == 4 and info["geometry_type"] in ("MultiPolygon", "Unknown")
    wkb = read(path, layer="Partners")[2]
    assert all(g.startswith(b"\x01\x06") for g in wkb)  # little-endian WKB MultiPolygon


def test_each_day_has_the_maps_colour_and_events_are_numbered(
    built: dict[str, Any], tmp_path: Path
) -> None:
    root = kml_of(built, tmp_path / "all.kml")
    styles = {s.get("id"): s for s in root.findall("k:Document/k:Style", NS)}
    for day in (1, 2):
        style = styles[f"day-{day}"]
        assert style.findtext("k:IconStyle/k:color", namespaces=NS) == kml_color(day_color(day))
    for mark in placemarks(root):
        data = simple_data(mark)
        if data["kind"] == "event":
            assert mark.findtext("k:styleUrl", namespaces=NS) == f"#day-{data['day']}"
            assert (mark.findtext("k:name", namespaces=NS) or "").startswith(f"{data['seq']}. ")
    assert kml_color("#0072B2") == "ffb27200"  # KML is aabbggrr


def test_hostile_text_stays_text_and_the_file_stays_xml(
    built: dict[str, Any], tmp_path: Path
) -> None:
    """CDATA ends, entities, control characters and javascript: links: the XML
    writer escapes them, characters XML cannot hold become U+FFFD, and only
    http(s) sources become links."""
    evil = ']]><x/>&amp;&lt; <!ENTITY e SYSTEM "file:///etc/passwd">&e; \x01\x0b \ud800 end'
    data = copy.deepcopy(filter_collection(built, days=[1]))  # the fixture is shared
    for feature in events_of(data):
        feature["properties"]["title"] = evil
        feature["properties"]["sources"] = ["javascript:alert(1)", "https://example.org/a"]
    root = kml_of(data, tmp_path / "evil.kml")  # parses: the file is well-formed
    mark = placemarks(root)[0]
    name = mark.findtext("k:name", namespaces=NS) or ""
    assert name.startswith("1. ]]><x/>&amp;&lt; <!ENTITY") and "\ufffd\ufffd \ufffd end" in name
    text = (tmp_path / "evil.kml").read_text("utf-8")
    assert "<!ENTITY" not in text and "<x/>" not in text
    described = mark.findtext("k:description", namespaces=NS) or ""
    assert '<a href="https://example.org/a">' in described
    assert 'href="javascript' not in described and "javascript:alert(1)" in described
    assert read(tmp_path / "evil.kml", layer="Day 1", columns=["Name"])[3][0][0] == name


def test_gdal_reads_the_kml_fields_and_times(built: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "all.kml"
    path.write_bytes(export_bytes(built, "kml"))
    info = pyogrio.read_info(path, layer="Day 1")
    types = dict(zip(info["fields"].tolist(), info["ogr_types"], strict=True))
    assert types["seq"] == "OFTInteger" and types["lat"] == "OFTReal"
    assert types["begin"] == types["end"] == "OFTDateTime"
    ogrinfo = require("ogrinfo", "Debian: apt-get install gdal-bin")
    out = subprocess.run(
        [ogrinfo, "-ro", "-q", str(path), "Day 1", "-where", "seq = 2"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "seq (Integer) = 2" in out and "Mitsubishi" in out


@pytest.mark.parametrize("args", [{}, {"days": [2]}])
def test_gpsbabel_keeps_every_event_route_partner_and_the_hq(
    args: dict[str, Any], built: dict[str, Any], tmp_path: Path
) -> None:
    gpsbabel = require("gpsbabel", "Debian: apt-get install gpsbabel")
    data = filter_collection(built, **args)
    kml, gpx = tmp_path / "in.kml", tmp_path / "out.gpx"
    kml.write_bytes(export_bytes(data, "kml"))
    subprocess.run(
        [gpsbabel, "-i", "kml", "-f", str(kml), "-o", "gpx", "-F", str(gpx)],
        check=True, capture_output=True,
    )  # fmt: skip
    root = ElementTree.parse(gpx).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    waypoints = [w.findtext("g:name", namespaces=ns) for w in root.findall("g:wpt", ns)]
    tracks = {t.findtext("g:name", namespaces=ns) for t in root.findall("g:trk", ns)}
    events = [f"{e['properties']['seq']}. {e['properties']['title']}" for e in events_of(data)]
    assert waypoints == [*events, "NATO Headquarters"]
    props = [f["properties"] for f in data["features"]]
    partners = {p["name"] for p in props if p["kind"] == "partner"}
    assert partners == {"Japan", "South Korea", "Australia", "New Zealand"}
    assert partners <= tracks
    routes = {f"Day {p['day']} route" for p in props if p["kind"] == "route"}
    assert {t.split(" (")[0] for t in tracks if t.startswith("Day ")} == routes


@pytest.mark.parametrize("args", [{}, {"days": [1]}, {"kinds": ["partner"]}])
def test_the_kml_is_valid_against_the_ogc_kml_2_2_schema(
    args: dict[str, Any], built: dict[str, Any]
) -> None:
    """The OGC schema as fastkml ships it (with its atom and xAL imports, read from
    disk): element order, IDs, colours and times are all checked."""
    import fastkml
    from lxml import etree

    xsd = Path(fastkml.__file__).parent / "schema" / "ogckml22.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.fromstring(export_bytes(filter_collection(built, **args), "kml"))
    assert schema.validate(document), [e.message for e in schema.error_log][:5]
