"""`mapapp validate`: every problem reported, with its feature and line; exit 0 or 2."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

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
