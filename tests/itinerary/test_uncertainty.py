"""Uncertainty radii: measured where the itinerary gives one, derived from the 1-3
precision where it does not (so itineraries written before radii keep loading)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from mapapp.itinerary.models import Place, Uncertainty
from mapapp.itinerary.uncertainty import DERIVED_RADIUS_M, uncertainty_of
from mapapp.pipeline import build
from mapapp.store import geojson_io
from mapapp.store.schema import EventFeature

ROOT = Path(__file__).resolve().parents[2]
SOURCE = {"url": "https://example.org", "title": "t"}
PLACE = {
    "id": "x",
    "name": "X",
    "type": "site",
    "query": "X",
    "country": "JP",
    "precision": 2,
    "locality": {"name": "Y", "lat": 35.0, "lon": 139.0, "source": SOURCE},
}


def test_a_place_without_a_radius_derives_it_from_its_precision() -> None:
    radius, note = uncertainty_of(Place.model_validate(PLACE), 2)
    assert radius == DERIVED_RADIUS_M[2] == 2000
    assert "Derived from precision 2" in note


def test_a_measured_radius_wins_and_its_note_cites_the_source() -> None:
    measured = {"radius_m": 350, "reason": "The works' town block.",
                "source": {"url": "https://example.org/abr", "title": "ABR"}}  # fmt: skip
    place = Place.model_validate({**PLACE, "uncertainty": measured})
    assert uncertainty_of(place, 1) == (
        350,
        "The works' town block. Source: https://example.org/abr",
    )


@pytest.mark.parametrize("radius", [0, -5, 1.5])
def test_a_radius_must_be_a_positive_whole_number_of_metres(radius: float) -> None:
    with pytest.raises(ValidationError):
        Uncertainty.model_validate({"radius_m": radius, "reason": "r"})


def test_an_itinerary_written_before_radii_still_builds(tmp_path: Path) -> None:
    """The seed itinerary with every `uncertainty:` block removed."""
    text = (ROOT / "data" / "itinerary.yaml").read_text("utf-8")
    old = re.sub(r"\n    uncertainty:\n(      .*\n)+", "\n", text)
    assert "uncertainty" not in old
    (tmp_path / "data").mkdir()
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    path = tmp_path / "data" / "itinerary.yaml"
    path.write_text(old, "utf-8")
    events = [
        f["properties"]
        for f in build(path, offline=True).collection["features"]
        if f["properties"]["kind"] == "event"
    ]
    assert events
    for p in events:
        assert p["uncertainty_m"] == DERIVED_RADIUS_M[p["geo_precision"]]
        assert p["uncertainty_note"].startswith("Derived from precision")


def test_a_collection_built_before_radii_still_reads() -> None:
    """A version-1 file (no schema member, no radii) is upgraded on read, radii derived."""
    data = json.loads((ROOT / "data" / "itinerary.geojson").read_text("utf-8"))
    del data["mapapp_schema"]
    events = [f["properties"] for f in data["features"] if f["properties"]["kind"] == "event"]
    for props in events:
        del props["uncertainty_m"], props["uncertainty_note"]
    read = geojson_io.loads(json.dumps(data), "old.geojson")
    assert read["mapapp_schema"] == 3
    for feature in read["features"]:
        props = feature["properties"]
        if props["kind"] == "event":
            EventFeature.model_validate(feature)
            assert props["uncertainty_m"] == DERIVED_RADIUS_M[props["geo_precision"]]
            assert props["uncertainty_note"].startswith("Derived from precision")
