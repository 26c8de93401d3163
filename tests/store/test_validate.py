"""`mapapp validate`: every problem reported, with its feature and line; exit 0 or 2."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mapapp.errors import InputError
from mapapp.store import geojson_io
from mapapp.store.validate import validate_collection


def run_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapapp.cli", "validate", str(path)], capture_output=True, text=True
    )


def test_valid_file_passes(tmp_path: Path, built: dict[str, Any]) -> None:
    path = tmp_path / "ok.geojson"
    geojson_io.write(path, built)
    result = run_validate(path)
    assert result.returncode == 0, result.stderr
    assert "valid (14 features)" in result.stdout


def test_every_problem_is_reported_with_field_and_line(
    tmp_path: Path, built: dict[str, Any]
) -> None:
    broken = copy.deepcopy(built)
    broken["crs"] = {"type": "name"}
    broken["features"][0]["geometry"]["coordinates"] = [35.28, 139.65]  # lat, lon swapped
    broken["features"][1]["properties"]["day"] = "two"
    broken["features"][2]["geometry"]["coordinates"] = [139.1234567, 35.1]
    partner = next(
        i for i, f in enumerate(broken["features"]) if f["properties"]["kind"] == "partner"
    )
    ring = broken["features"][partner]["geometry"]["coordinates"][0]
    if broken["features"][partner]["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    ring.reverse()
    path = tmp_path / "bad.geojson"
    geojson_io.write(path, broken)
    result = run_validate(path)
    assert result.returncode == 2
    err = result.stderr
    assert "[crs]" in err
    assert "bad.geojson:2 [features[0].geometry]" in err and "out of range" in err
    assert "bad.geojson:3 [features[1].properties.day]" in err
    assert "more than 6 decimals" in err
    assert f"features[{partner}].geometry]: exterior ring is not counter-clockwise" in err


def test_unknown_kind_and_not_json(tmp_path: Path) -> None:
    data = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": None, "properties": {"kind": "ufo"}}],
    }
    problems = validate_collection(data, "x")
    assert [p.field for p in problems] == ["features[0].properties.kind"]
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [', encoding="utf-8")
    result = run_validate(path)
    assert result.returncode == 2
    assert "broken.geojson:2" in result.stderr


def _partner_polygon(collection: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """A partner feature and the first polygon (list of rings) of its outline."""
    feature = next(f for f in collection["features"] if f["properties"]["kind"] == "partner")
    geometry = feature["geometry"]
    polygon = (
        geometry["coordinates"] if geometry["type"] == "Polygon" else geometry["coordinates"][0]
    )
    return feature, polygon


def _square_hole(polygon: list[Any], clockwise: bool) -> list[list[float]]:
    import shapely

    centre = shapely.Polygon(polygon[0]).representative_point()
    x, y = round(centre.x, 3), round(centre.y, 3)
    ring = [[x - 0.1, y - 0.1], [x + 0.1, y - 0.1], [x + 0.1, y + 0.1], [x - 0.1, y + 0.1]]
    ring = [[round(a, 6), round(b, 6)] for a, b in ring]
    if clockwise:
        ring.reverse()
    return [*ring, ring[0]]


def test_a_hole_with_the_wrong_winding_is_rejected(built: dict[str, Any]) -> None:
    right, wrong = copy.deepcopy(built), copy.deepcopy(built)
    for collection, clockwise in ((right, True), (wrong, False)):
        _, polygon = _partner_polygon(collection)
        polygon.append(_square_hole(polygon, clockwise))

    assert validate_collection(right, "right") == []  # a clockwise hole is what RFC 7946 asks
    problems = validate_collection(wrong, "wrong")
    assert [p.message for p in problems] == [
        "interior ring is not clockwise (RFC 7946 section 3.1.6)"
    ]
    assert problems[0].field.endswith(".geometry")


def test_strict_property_types_and_geometry(built: dict[str, Any]) -> None:
    broken = copy.deepcopy(built)
    broken["features"][0]["properties"]["day"] = "1"  # looks like 1; export --day 1 misses it
    broken["features"][1]["geometry"] = None
    broken["features"][2]["geometry"]["coordinates"] = ["139.7", "35.6"]
    route = next(i for i, f in enumerate(broken["features"]) if f["properties"]["kind"] == "route")
    broken["features"][route]["geometry"]["coordinates"][-1] = [0, 0, 0]  # 2D mixed with 3D

    found = {(p.field, p.message) for p in validate_collection(broken, "x")}

    assert ("features[0].properties.day", "expected a whole number") in found
    assert any(f == "features[1].geometry" and "null" in m for f, m in found)
    assert ("features[2].geometry.coordinates.0", "expected a number (not text)") in found
    assert (f"features[{route}].geometry", "positions mix 2D and 3D coordinates") in found


def test_the_reader_reports_malformed_geojson_as_geojson(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [\n{"type": ', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        geojson_io.read(path)
    [problem] = caught.value.problems
    assert problem.message.startswith("GeoJSON: invalid JSON")
    assert problem.line == 2


def test_a_polygon_with_no_rings_is_a_problem_not_a_crash() -> None:
    """Found by Hypothesis: an empty member of a MultiPolygon crashed shapely's shape()."""
    from mapapp.store.validate import geometry_problems

    square = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]
    problems = geometry_problems({"type": "MultiPolygon", "coordinates": [square, []]})
    assert problems == ["a MultiPolygon holds a polygon with no rings"]
    assert geometry_problems({"type": "MultiPolygon", "coordinates": [square]}) == []
