"""Uploaded FeatureCollections: mapapp's own replace the data, foreign ones become overlays."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from mapapp.app.uploads import Dataset, dataset_from_upload
from mapapp.errors import InputError
from mapapp.export.filters import filter_collection
from mapapp.mapview.overlay_layer import popup_rows
from mapapp.mapview.render import build_map
from mapapp.store import geojson_io
from mapapp.store.overlay import Overlay, classify, overlay_from

POINT = {"type": "Point", "coordinates": [139.7, 35.6]}


def foreign(**props: Any) -> dict[str, Any]:
    feature = {"type": "Feature", "geometry": POINT, "properties": props}
    return {"type": "FeatureCollection", "features": [feature]}


def upload(data: dict[str, Any], name: str = "x.geojson") -> Dataset | Overlay:
    raw = json.dumps(data).encode("utf-8")
    return dataset_from_upload(raw, name, ROOT / "data" / "itinerary.yaml")


def test_a_foreign_collection_becomes_an_overlay(built: dict[str, Any]) -> None:
    result = upload(foreign(name="a", kind="ship"))
    assert isinstance(result, Overlay)
    assert result.count == 1
    assert classify(foreign(name="a")) == "overlay"


def test_a_mapapp_collection_replaces_the_data_even_without_its_version(
    built: dict[str, Any],
) -> None:
    day2 = filter_collection(built, days=[2])
    assert isinstance(upload(day2), Dataset)
    v1 = json.loads(geojson_io.dumps(day2))
    del v1["mapapp_schema"]
    for f in v1["features"]:
        f["properties"].pop("uncertainty_m", None)
        f["properties"].pop("uncertainty_note", None)
    assert classify(v1) == "itinerary"
    assert isinstance(upload(v1), Dataset)


def test_a_broken_mapapp_file_is_refused_not_overlaid(built: dict[str, Any]) -> None:
    data = json.loads(geojson_io.dumps(built))
    data["features"][0]["properties"]["day"] = "two"
    with pytest.raises(InputError):
        upload(data)


def test_an_invalid_foreign_collection_is_refused_with_its_field() -> None:
    bad = foreign(name="a")
    bad["features"][0]["geometry"] = {"type": "Point", "coordinates": [500, 35]}
    with pytest.raises(InputError) as caught:
        upload(bad)
    assert caught.value.problems[0].field == "features[0].geometry"
    with pytest.raises(InputError):
        overlay_from({"type": "FeatureCollection", "features": [1]}, "b.geojson", "k")


def test_overlay_popups_and_layer_names_travel_as_text(
    built: dict[str, Any], tmp_path: Path
) -> None:
    evil = '<img src=x onerror=alert(1)>"\\{{ 7*191 }}'
    assert popup_rows({evil: evil, "n": [1, "<b>"]}) == [[evil, evil], ["n", '[1, "<b>"]']]
    overlay = overlay_from(foreign(name=evil), f"{evil}.geojson", "k")
    m = build_map(built, assets="inline", basemap="offline", view="selection", overlays=[overlay])
    page = m.get_root().render()
    assert "<img src=x" not in page  # (1337: see tests/mapview/test_map_poison.py)
    # The file name reaches the layer control as JSON text (js/control.js sets it as text).
    names = [e["name"] for p in page_payloads(page) if "entries" in p for e in p["entries"]]
    assert f"Upload: {evil}.geojson (1 features)" in names


def page_payloads(page: str) -> list[Any]:
    """Every layer payload in a page (between its /*MV_..._BEGIN*/ marks)."""
    out = []
    for match in re.finditer(r"/\*MV_(\w+)_BEGIN\*/(.*?)/\*MV_\1_END\*/", page, re.S):
        out.append(json.loads(match.group(2)))
    return out
