"""The msgspec mirror of the declared schema judges features exactly as the pydantic models do."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from fake_nominatim import ITINERARY
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mapapp.errors import Problem
from mapapp.store import fast_schema
from mapapp.store.schema import MODEL_BY_KIND, PROPS_BY_KIND
from mapapp.store.validate import feature_problems, validate_collection

FEATURES = json.loads(ITINERARY.with_suffix(".geojson").read_text(encoding="utf-8"))["features"]
FIRST = {
    kind: next(f for f in FEATURES if f["properties"]["kind"] == kind)
    for kind in ("event", "route", "hq")
}
BAD_VALUES: list[Any] = [True, 1.0, "1", 0, -1, 91, 1.5, None, "2025-04-08\n", [], ["a", 1], {}]


def _pydantic_accepts(kind: str, feature: Any) -> bool:
    try:
        MODEL_BY_KIND[kind].model_validate(feature, strict=True)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("kind", sorted(FIRST))
def test_every_property_and_value_gets_the_same_verdict(kind: str) -> None:
    assert fast_schema.passes(kind, FIRST[kind])
    for name in PROPS_BY_KIND[kind].model_fields:
        for value in BAD_VALUES:
            feature = copy.deepcopy(FIRST[kind])
            feature["properties"][name] = value
            verdict = _pydantic_accepts(kind, feature)
            # The mirror may send a feature on to pydantic, never accept what it refuses.
            assert not fast_schema.passes(kind, feature) or verdict, (name, value)
            if not verdict:
                assert not fast_schema.passes(kind, feature), (name, value)
        missing = copy.deepcopy(FIRST[kind])
        del missing["properties"][name]
        required = PROPS_BY_KIND[kind].model_fields[name].is_required()
        assert fast_schema.passes(kind, missing) is _pydantic_accepts(kind, missing), name
        assert fast_schema.passes(kind, missing) is not required, name


@pytest.mark.parametrize("kind", sorted(fast_schema.GEOMETRY_STRUCT))
def test_every_point_and_line_kind_is_mirrored(kind: str) -> None:
    """A new annotation on a field must not quietly send a whole kind to pydantic
    (correct, but the slow path: 2-3x the build and the read at scale)."""
    assert fast_schema.feature_struct(kind) is not None


@pytest.mark.parametrize("kind", sorted(fast_schema.GEOMETRY_STRUCT))
def test_a_null_geometry_never_passes(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = copy.deepcopy(FIRST[kind])
    feature["geometry"] = None
    assert not fast_schema.passes(kind, feature)
    # nor on the pydantic path, taken by a kind the mirror cannot express
    monkeypatch.setattr(fast_schema, "_list_of", lambda _kind: None)
    assert not fast_schema.passes(kind, feature)


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},
        {"type": "feature"},
        {"id": 1.5},
        {"bbox": [0, 0, 1, 1]},
        {"geometry": {"type": "Point", "coordinates": [1, 2, 3, 4]}},
        {"geometry": {"type": "Point", "coordinates": [True, 2]}},
        {"geometry": {"type": "Point", "coordinates": ["1", 2]}},
        {"geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}},
    ],
)
def test_feature_members_get_no_laxer_verdict(change: dict[str, Any]) -> None:
    feature = {**copy.deepcopy(FIRST["event"]), **change}
    assert not fast_schema.passes("event", feature) or _pydantic_accepts("event", feature)


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-200, 200))
def test_rounding_finds_exactly_the_values_with_more_than_six_decimals(value: float) -> None:
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int)
    assert (round(value, 6) != value) == (-exponent > 6)


@pytest.mark.parametrize(
    "coordinates", [[139.1234567, 35.1], [200.0, 35.0], [139.5, 35.5, 3.0], [139.0, 1e-07]]
)
def test_bulk_checked_features_get_the_same_problems(coordinates: list[float]) -> None:
    event, route = copy.deepcopy(FIRST["event"]), copy.deepcopy(FIRST["route"])
    event["geometry"]["coordinates"] = coordinates
    route["geometry"]["coordinates"][1] = coordinates
    collection = {"type": "FeatureCollection", "features": [event, route]}
    bulk = validate_collection(collection, "x.geojson")
    one_by_one = [
        Problem("x.geojson", f"features[{i}]{field}", msg, None)
        for i, feature in enumerate(collection["features"])
        for field, msg in feature_problems(feature)
    ]
    assert bulk == one_by_one and bulk


def test_a_field_the_mirror_cannot_express_leaves_its_kind_to_pydantic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(fast_schema.Unmirrorable):
        fast_schema._mirror_type(dict[str, int])
    monkeypatch.setattr(fast_schema, "_list_of", lambda kind: None)
    bad = copy.deepcopy(FIRST["event"])
    bad["properties"]["day"] = "1"
    assert fast_schema.passes("event", FIRST["event"]) and not fast_schema.passes("event", bad)
