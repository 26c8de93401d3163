"""The built GeoJSON: deterministic, RFC 7946, readable by GDAL, true to the article."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from conftest import ROOT, SEED

from mapapp.store import geojson_io
from mapapp.store.validate import validate_collection


def mapapp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapapp.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_offline_build_reproduces_the_committed_file_byte_for_byte(workdir: Path) -> None:
    committed = (ROOT / "data" / "itinerary.geojson").read_bytes()
    (workdir / "data" / "itinerary.geojson").unlink()
    result = mapapp("build", "--offline", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "data" / "itinerary.geojson").read_bytes() == committed
    again = mapapp("build", "--offline", cwd=workdir)
    assert again.returncode == 0
    assert (workdir / "data" / "itinerary.geojson").read_bytes() == committed


def test_every_quote_sits_at_its_offsets_in_the_seed(built: dict[str, Any]) -> None:
    article = SEED.read_text(encoding="utf-8")
    quotes = 0
    for feature in built["features"]:
        p = feature["properties"]
        if p["kind"] == "event":
            assert article[p["quote_start"] : p["quote_end"]] == p["quote"]
            quotes += 1
        if p["kind"] == "partner":
            for text, start, end in zip(
                p["quotes"], p["quote_starts"], p["quote_ends"], strict=True
            ):
                assert article[start:end] == text
    assert quotes == 7


def test_the_built_file_is_valid_rfc7946_and_schema(
    built: dict[str, Any], built_path: Path
) -> None:
    text = built_path.read_text(encoding="utf-8")
    assert validate_collection(built, "itinerary.geojson", text) == []
    assert "crs" not in built
    kinds = [f["properties"]["kind"] for f in built["features"]]
    assert kinds.count("event") == 7
    assert kinds.count("route") == 2
    assert kinds.count("partner") == 4
    assert kinds.count("hq") == 1


def test_required_events_are_present_with_dates_of_their_day(built: dict[str, Any]) -> None:
    events = {
        f["id"]: f["properties"] for f in built["features"] if f["properties"]["kind"] == "event"
    }
    assert events["yokosuka-naval-base-visit"]["date"] == "2025-04-08"
    assert events["meeting-with-shigeru-ishiba"]["time"] == "18:10"
    assert {p["day"] for p in events.values()} == {1, 2}
    for p in events.values():
        assert p["sources"], f"{p['event_id']} cites no source for its date"
        assert p["location_source"], f"{p['event_id']} cites no source for its coordinates"
    assert [p["event_id"] for p in sorted(events.values(), key=lambda p: p["seq"])][:3] == [
        "yokosuka-naval-base-visit",
        "mitsubishi-electric-kamakura-visit",
        "talks-with-gen-nakatani",
    ]


def test_uncertainty_is_measured_where_sites_are_not_exact(built: dict[str, Any]) -> None:
    by_place = {
        f["properties"]["place_id"]: f["properties"]
        for f in built["features"]
        if f["properties"]["kind"] == "event"
    }
    works = by_place["mitsubishi-electric-kamakura-works"]
    assert works["uncertainty_m"] == 500
    assert "上町屋" in works["uncertainty_note"] and "https://" in works["uncertainty_note"]
    assert by_place["meti-kasumigaseki"]["uncertainty_m"] == 300
    assert by_place["kantei"]["uncertainty_m"] == 100


def test_gdal_reads_the_built_file(built_path: Path) -> None:
    path = built_path
    info = pyogrio.read_info(path)
    assert info["features"] == 14
    assert info["crs"] == "EPSG:4326"
    for field in (
        "kind",
        "event_id",
        "day",
        "date",
        "title",
        "actors",
        "quote",
        "quote_start",
        "geo_precision",
        "sources",
    ):
        assert field in list(info["fields"]), field
    meta, geometry_types = _geometry_types(path)
    assert set(geometry_types) == {"Point", "LineString", "Polygon", "MultiPolygon"}
    assert meta["crs"] == "EPSG:4326"


def _geometry_types(path: Path) -> tuple[dict[str, Any], list[str]]:
    from shapely import from_wkb

    meta, _, geometry, _ = pyogrio.raw.read(path)
    return meta, sorted({g.geom_type for g in from_wkb(geometry)})


@pytest.mark.parametrize("day,expected", [(1, 3), (2, 4)])
def test_gdal_reads_a_filtered_export(
    workdir: Path, built_path: Path, day: int, expected: int
) -> None:
    out = workdir / f"day{day}.geojson"
    result = mapapp(
        "export",
        "--data",
        str(built_path),
        "--day",
        str(day),
        "--kind",
        "event",
        "--kind",
        "route",
        "-o",
        str(out),
        cwd=workdir,
    )
    assert result.returncode == 0, result.stderr
    info = pyogrio.read_info(out)
    assert info["features"] == expected + 1  # the events and their day's route
    _, _, _, fields = pyogrio.raw.read(out, columns=["kind", "day"])
    days = list(fields[1])
    assert set(days) == {day}


def haversine_km(a: list[float], b: list[float]) -> float:
    """Great-circle distance on the IUGG mean sphere (R = 6371.0088 km), written here,
    independent of the geodesic library the build uses. On the WGS84 ellipsoid the
    true (geodesic) distance differs from it by at most about 0.5 %."""
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_route_lengths_match_an_independent_great_circle_sum(built: dict[str, Any]) -> None:
    events = {f["id"]: f for f in built["features"] if f["properties"]["kind"] == "event"}
    routes = [f for f in built["features"] if f["properties"]["kind"] == "route"]
    assert [r["properties"]["day"] for r in routes] == [1, 2]
    for route in routes:
        coords = route["geometry"]["coordinates"]
        # The route runs through its events' own positions, in visit order.
        stops = [events[i]["geometry"]["coordinates"] for i in route["properties"]["event_ids"]]
        assert coords == [p for i, p in enumerate(stops) if i == 0 or stops[i - 1] != p]
        expected = sum(haversine_km(a, b) for a, b in pairwise(coords))
        assert expected > 1  # a real route, not a point
        assert route["properties"]["length_km"] == pytest.approx(expected, rel=0.005)


def test_a_large_metadata_member_is_written_in_pieces_as_json_would_whole(
    built: dict[str, Any],
) -> None:
    """The source titles of a large trip are written a slice at a time (never one 20 MB
    text); the bytes are those of writing each member whole, titles in their order."""
    meta = dict(built["mapapp_metadata"])
    meta["source_titles"] = {f"https://example.org/{i}": f"Tïtle “{i}”" for i in range(25_001)}
    collection = {**built, "mapapp_metadata": meta, "features": built["features"][:3]}
    head = "".join(
        f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))},"
        for k, v in collection.items()
        if k != "features"
    )
    expected = "{" + head + '"features":[\n'
    written = geojson_io.dumps(collection)
    assert written.startswith(expected)
    assert written.count('"https://example.org/') == 25_001  # every slice, none twice
    assert json.loads(written)["mapapp_metadata"] == meta


def test_a_build_leaves_its_itinerary_as_loaded_and_builds_it_again_the_same(
    tmp_path: Path,
) -> None:
    """Events share one record per actor and role (the load shares them, and the build
    keeps them shared): the itinerary's values are as loaded, and a second build of the
    same loaded itinerary writes the same bytes."""
    from mapapp.bench.synth import synthetic_json, write_warm_cache
    from mapapp.itinerary.load import parse_itinerary
    from mapapp.pipeline import build

    text, article = synthetic_json(300, seed=3)
    raw = text.encode("utf-8")
    loaded = parse_itinerary(raw, "trip.json", tmp_path, article_text=article, max_bytes=None)
    fresh = parse_itinerary(raw, "trip.json", tmp_path, article_text=article, max_bytes=None)
    cache = tmp_path / "geocode_cache.json"
    write_warm_cache(loaded.itinerary, cache)

    first = build(loaded, out=tmp_path / "one.geojson", cache=cache, offline=True)
    build(loaded, out=tmp_path / "two.geojson", cache=cache, offline=True)

    assert loaded.itinerary.events == fresh.itinerary.events
    assert (tmp_path / "one.geojson").read_bytes() == (tmp_path / "two.geojson").read_bytes()
    assert (
        first.collection["features"]
        == json.loads((tmp_path / "one.geojson").read_text())["features"]
    )
    events = loaded.itinerary.events
    parts = {part for e in events for part in e.actors}  # equal (actor, role) pairs: one
    records = {id(part) for e in events for part in e.actors}
    assert len(records) == len(parts) < sum(len(e.actors) for e in events)


def test_a_feature_orjson_refuses_is_written_by_json_on_its_own_line() -> None:
    """orjson has no integers past 64 bits; json writes them, on the feature's own line."""
    batch = [{"id": "a"}, {"id": 2**70}, {"id": "b"}]
    lines = geojson_io.dumps({"features": batch}).splitlines()
    assert lines[1:4] == ['{"id":"a"},', f'{{"id":{2**70}}},', '{"id":"b"}']


def test_a_file_read_with_a_byte_order_mark_is_the_same_collection(
    built_path: Path, tmp_path: Path
) -> None:
    """The reader parses the file's own bytes (not encoded again); a leading BOM is not
    JSON, so that file takes the text without it, to the same collection."""
    plain = geojson_io.read(built_path)
    marked = tmp_path / "marked.geojson"
    marked.write_bytes(b"\xef\xbb\xbf" + built_path.read_bytes())
    assert geojson_io.read(marked) == plain
    assert plain["features"] and plain["mapapp_metadata"]["trip"]
