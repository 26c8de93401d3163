"""The declared schema: documented as it is, and version 1 files upgraded on read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import ROOT

from mapapp.store import geojson_io
from mapapp.store.schema import KINDS, is_mapapp_collection, markdown_table
from mapapp.store.validate import validate_collection


def test_the_documented_tables_are_the_declared_schema() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert markdown_table(kind) in doc, kind
    assert "docs/schema.md" in (ROOT / "README.md").read_text(encoding="utf-8")


SPAN = ("start_local", "end_local", "start_utc", "end_utc")


def as_version_2(built: dict[str, Any]) -> dict[str, Any]:
    """The built store as version 2 wrote it: `order`, no time span."""
    old = json.loads(json.dumps(built))
    old["mapapp_schema"] = 2
    for feature in old["features"]:
        props = feature["properties"]
        if props["kind"] == "event":
            for name in SPAN:
                del props[name]
            props["order"] = props.pop("seq")
    return old


def test_a_version_2_file_is_upgraded_on_read(built: dict[str, Any], tmp_path: Path) -> None:
    """`order` becomes `seq` in its declared place; the span is derived in the trip's
    time zone: the upgraded file is exactly what the build writes today."""
    old = as_version_2(built)
    assert validate_collection(old, "v2") != []
    path = tmp_path / "v2.geojson"
    path.write_text(json.dumps(old), encoding="utf-8")
    upgraded = geojson_io.read(path)
    assert upgraded == built
    assert [list(f["properties"]) for f in upgraded["features"]] == [
        list(f["properties"]) for f in built["features"]
    ]


def test_a_version_1_file_is_upgraded_on_read(built: dict[str, Any], tmp_path: Path) -> None:
    old = as_version_2(built)
    del old["mapapp_schema"], old["mapapp_metadata"]
    for feature in old["features"]:
        feature["properties"].pop("uncertainty_m", None)
        feature["properties"].pop("uncertainty_note", None)
    assert validate_collection(old, "v1") != []
    path = tmp_path / "v1.geojson"
    path.write_text(json.dumps(old), encoding="utf-8")
    upgraded = geojson_io.read(path)
    assert upgraded["mapapp_schema"] == 3
    assert validate_collection(upgraded, "v1") == []
    radius = {1: 100, 2: 2_000, 3: 25_000}
    for feature in upgraded["features"]:
        props = feature["properties"]
        if props["kind"] == "event":
            assert props["uncertainty_m"] == radius[props["geo_precision"]]
            assert list(props).index("uncertainty_m") == list(props).index("geo_precision") + 1
            assert "order" not in props and props["seq"] >= 1
            # A version 1 file names no time zone: its span is read as UTC.
            assert props["start_local"].startswith(props["date"])
            assert props["start_local"].endswith("+00:00")
    assert is_mapapp_collection(upgraded)


def test_a_foreign_collection_is_read_unchanged(tmp_path: Path) -> None:
    foreign = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": None, "properties": {"kind": "ship", "x": 1}},
        ],
    }
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(foreign), encoding="utf-8")
    assert geojson_io.parse(path.read_text(encoding="utf-8"), str(path)) == foreign
    assert not is_mapapp_collection(foreign)


def test_odd_kinds_are_foreign_not_a_crash() -> None:
    """Found by Hypothesis: a list as a kind, or properties that are a list, crashed
    the version upgrade; such a collection is simply not mapapp's."""
    from mapapp.store.schema import upgrade

    for odd in ({"kind": ["event"]}, ["kind", "event"], {"kind": 7}):
        data = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": odd}]}
        assert not is_mapapp_collection(upgrade(data))
        assert "mapapp_schema" not in data
