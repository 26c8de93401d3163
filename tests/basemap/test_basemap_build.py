"""The basemap builder: encoding, clipping, simplifying per zoom, labels, determinism,
the committed packs, and the `mapapp basemap` command's handling of bad input."""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from mapapp.basemap import codec
from mapapp.basemap.build import (
    CREDIT_MLIT,
    REGION_BANDS,
    RegionSources,
    WorldSources,
    build_pack,
    read_labels,
)
from mapapp.basemap.geometry import (
    Extent,
    clip,
    extent_of,
    label_spot,
    shared_borders,
    simplified,
    tolerance_for,
    without_small_holes,
)
from mapapp.basemap.pack import dumps, load
from mapapp.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "data" / "basemap"
EXTENT = Extent(139.0, 35.0, 139.4, 35.4)


def wiggly_coast(n: int = 400) -> Polygon:
    """Land west of a coastline with many small wiggles (detail to simplify away)."""
    coast = [(139.2 + 0.003 * math.sin(i * 1.7), 34.9 + 0.6 * i / n) for i in range(n + 1)]
    return Polygon([(138.8, 34.9), *coast, (138.8, 35.5)])


def feature(geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geometry)}


def write_collection(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture()
def sources(tmp_path: Path) -> RegionSources:
    land = wiggly_coast().difference(Point(139.05, 35.2).buffer(0.001, 3))  # a speck of a hole
    west = box(138.9, 35.0, 139.1, 35.3)
    east = box(139.1, 35.0, 139.25, 35.3)
    n03 = {"N03_001": "神奈川県", "N03_003": None}
    munis = [
        feature(west, **n03, N03_004="鎌倉市", N03_007="14204"),
        feature(east, **n03, N03_004="架空町", N03_007="99999"),
    ]
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "labels:\n"
        "  - {text: Test Bay, kind: water, lon: 139.3, lat: 35.2, minzoom: 8,"
        ' source: "https://example.org/bay"}\n'
        "  - {text: Far Away, lon: 100, lat: 10, source: https://example.org/far}\n",
        "utf-8",
    )
    return RegionSources(
        land=write_collection(tmp_path / "land.geojson", [feature(land, A3="JPN")]),
        municipalities=(write_collection(tmp_path / "n03.geojson", munis),),
        labels=labels,
    )


def test_codec_round_trips_within_quantisation() -> None:
    polygon = Polygon([(139.123456, 35.1), (139.2, 35.1), (139.2, 35.2), (139.123456, 35.2)])
    encoded = codec.encode(polygon, 100_000)
    assert encoded is not None
    back = codec.decode(encoded, 100_000)
    assert back.hausdorff_distance(polygon) <= 0.5e-5 * math.sqrt(2) + 1e-12
    # Steps, not absolute values: all but the first pair are small numbers.
    path = encoded["P"][0][0]  # type: ignore[index]
    assert path[:2] == [13912346, 3510000]
    assert max(abs(v) for v in path[2:]) <= 10_000


def test_points_that_quantise_together_are_dropped() -> None:
    assert codec.encode_path([(1.0, 2.0), (1.000001, 2.000001), (1.1, 2.0)], 1000) == [
        1000, 2000, 100, 0,
    ]  # fmt: skip


def test_clip_keeps_only_the_extent() -> None:
    clipped = clip(wiggly_coast(), EXTENT)
    west, south, east, north = clipped.bounds
    assert west >= EXTENT.west and east <= EXTENT.east
    assert south >= EXTENT.south and north <= EXTENT.north
    assert clipped.is_valid and clipped.area > 0


def test_simplification_drops_detail_at_low_zoom_only() -> None:
    coast = wiggly_coast()
    counts = [
        shapely.get_num_coordinates(simplified(coast, tolerance_for(band.tol_zoom)))
        for band in REGION_BANDS
    ]
    assert counts[0] < counts[1] <= counts[2]
    # At each band's zoom the simplified line strays by under half a pixel.
    for band in REGION_BANDS:
        light = simplified(coast, tolerance_for(band.tol_zoom))
        assert coast.hausdorff_distance(light) <= tolerance_for(band.tol_zoom) + 1e-12


def test_small_holes_are_filled_and_large_ones_kept() -> None:
    outer = box(0, 0, 1, 1)
    holed = outer.difference(Point(0.2, 0.2).buffer(0.001)).difference(box(0.5, 0.5, 0.8, 0.8))
    kept = without_small_holes(holed, 1e-4)
    assert [len(p.interiors) for p in kept.geoms] == [1]


def test_shared_borders_leave_out_the_outer_edge() -> None:
    borders = shared_borders([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    assert borders.length == pytest.approx(1.0, rel=1e-4)  # less the snap at the ends
    assert borders.distance(Point(1, 0.5)) == 0


def test_a_smaller_area_gets_its_label_at_a_deeper_zoom() -> None:
    big = label_spot(box(0, 0, 0.2, 0.2), "Yokosuka")
    small = label_spot(box(0, 0, 0.02, 0.02), "Yokosuka")
    assert big is not None and small is not None
    assert small.minzoom > big.minzoom
    assert Point(small.lon, small.lat).within(box(0, 0, 0.02, 0.02))


def test_the_pack_is_deterministic_and_ignores_input_order(
    sources: RegionSources, tmp_path: Path
) -> None:
    first = dumps(build_pack("t", EXTENT, sources, None))
    assert dumps(build_pack("t", EXTENT, sources, None)) == first
    features = json.loads(sources.municipalities[0].read_text("utf-8"))["features"]
    random.Random(4).shuffle(features)
    shuffled = write_collection(tmp_path / "shuffled.geojson", features[::-1])
    other = RegionSources(sources.land, (shuffled,), None, sources.labels)
    assert dumps(build_pack("t", EXTENT, other, None)) == first


def test_the_pack_holds_clipped_layers_labels_and_credits(
    sources: RegionSources, tmp_path: Path
) -> None:
    path = tmp_path / "pack.json"
    path.write_text(dumps(build_pack("t", EXTENT, sources, None)), "utf-8")
    doc = load(path)
    layers = {layer["id"]: layer for layer in doc["layers"]}
    assert set(layers) == {"water", "land", "municipal-borders"}
    land = codec.decode(layers["land"]["levels"][-1]["parts"][0]["geometry"], 100_000)
    assert land.bounds[0] >= EXTENT.west and land.bounds[2] <= EXTENT.east
    assert sum(len(p.interiors) for p in land.geoms) == 0  # the speck is gone
    water = codec.decode(layers["water"]["levels"][-1]["parts"][0]["geometry"], 100_000)
    assert water.intersection(land).area < 1e-6
    assert water.area + land.area == pytest.approx(EXTENT.box().area, rel=1e-3)
    labels = {lb["text"]: lb for lb in doc["labels"]}
    assert labels["Kamakura"]["alt"] == "鎌倉市"  # English from the names table
    assert labels["架空町"]["alt"] == ""  # no English name known: Japanese only
    assert "Test Bay" in labels and "Far Away" not in labels  # outside the extent
    assert [c["text"] for c in doc["credits"]] == [
        "© OpenStreetMap contributors",
        CREDIT_MLIT.text,
    ]


def test_a_label_without_a_source_url_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "labels.yaml"
    bad.write_text("labels:\n  - {text: Bay, lon: 139.1, lat: 35.1, source: a book}\n", "utf-8")
    with pytest.raises(InputError) as caught:
        read_labels(bad, EXTENT)
    problem = caught.value.problems[0]
    assert problem.file == str(bad) and problem.field == "labels[0]"


def test_the_world_layer_has_bands_and_borders(tmp_path: Path) -> None:
    countries = [feature(box(0, 0, 10, 10), name="A"), feature(box(10, 0, 25, 10), name="B")]
    path = write_collection(tmp_path / "countries.geojson", countries)
    pack = build_pack("w", Extent(-180, -90, 180, 90), None, WorldSources(path, path))
    assert [layer.id for layer in pack.layers] == ["world-land", "world-borders"]
    low, mid, high = pack.layers[0].levels
    # Whole at low zoom; then in 30- and 10-degree cells, which add up to the whole.
    assert [p.bbox for p in low.parts] == [[0.0, 0.0, 25.0, 10.0]]
    assert [p.bbox for p in mid.parts] == [[0, 0, 30, 30]]
    assert [p.bbox for p in high.parts] == [[0, 0, 10, 10], [10, 0, 20, 10], [20, 0, 30, 10]]
    area = sum(codec.decode(p.geometry, high.scale).area for p in high.parts)
    assert area == pytest.approx(250.0)
    level = pack.layers[1].levels[0]
    borders = codec.decode(level.parts[0].geometry, level.scale)
    assert borders.length == pytest.approx(10.0, rel=1e-4)


def test_extent_of_the_trip_adds_the_margin() -> None:
    def point(kind: str, lon: float, lat: float) -> dict[str, Any]:
        return {
            "properties": {"kind": kind},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }

    collection = {
        "features": [point("event", 139.5, 35.3), point("event", 139.7, 35.7), point("hq", 4.4, 51)]
    }
    assert extent_of(collection, 0.1).as_list() == pytest.approx([139.4, 35.2, 139.8, 35.8])


def test_the_committed_packs_are_small_credited_and_cover_the_seed_trip() -> None:
    sizes = {p.name: p.stat().st_size for p in PACKS.glob("*.json")}
    assert set(sizes) == {"tokyo-bay.json", "world.json"}
    assert sum(sizes.values()) < 3_000_000
    region = load(PACKS / "tokyo-bay.json")
    credits = " ".join(c["text"] for c in region["credits"])
    assert "国土数値情報（行政区域データ）（国土交通省）" in credits
    assert "OpenStreetMap contributors" in credits
    assert "Natural Earth" in [c["text"] for c in load(PACKS / "world.json")["credits"]]
    events = json.loads((ROOT / "data" / "itinerary.geojson").read_text("utf-8"))
    trip = extent_of(events, 0.0)
    w, s, e, n = region["extent"]
    assert w <= trip.west and e >= trip.east and s <= trip.south and n >= trip.north
    texts = {lb["text"] for lb in region["labels"]}
    assert {"Yokosuka", "Kamakura", "Chiyoda", "Minato", "Tokyo Bay"} <= texts


def test_the_command_names_a_missing_source_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "pack.json"
    result = subprocess.run(
        [sys.executable, "-m", "mapapp.cli", "basemap", "-o", str(out),
         "--land", str(tmp_path / "nope.geojson"), "--extent", "139,35,139.4,35.4"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "nope.geojson" in result.stderr and "no such file" in result.stderr
    assert not out.exists()


def test_the_command_refuses_a_bad_extent(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mapapp.cli", "basemap", "-o", str(tmp_path / "p.json"),
         "--land", str(tmp_path / "x.geojson"), "--extent", "139,35,east,35.4"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--extent" in result.stderr


def test_a_broken_pack_is_skipped_and_the_map_still_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapapp.mapview.basemap_layer import available_packs
    from mapapp.mapview.render import render_html

    shutil.copy(PACKS / "tokyo-bay.json", tmp_path / "tokyo-bay.json")
    (tmp_path / "broken.json").write_text('{"format": "mapapp-basemap", "version": 1', "utf-8")
    (tmp_path / "other.json").write_text('{"type": "FeatureCollection"}', "utf-8")
    with pytest.warns(UserWarning) as caught:
        packs = available_packs(tmp_path)
    skipped = sorted(str(w.message).split(": ", 2)[1].rsplit("/", 1)[-1] for w in caught)
    assert [s.split(" ", 1)[0] for s in skipped] == ["broken.json", "other.json"]
    assert [p.name for p in packs] == ["tokyo-bay"]
    monkeypatch.setenv("MAPAPP_BASEMAP_DIR", str(tmp_path))
    seed = json.loads((ROOT / "data" / "itinerary.geojson").read_text("utf-8"))
    html = render_html(seed)
    assert 'id="mv-basemap-tokyo-bay"' in html and "mv-basemap-broken" not in html
