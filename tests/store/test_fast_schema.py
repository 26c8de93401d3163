"""The msgspec mirror of the declared schema judges features exactly as the pydantic models do."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fake_nominatim import ITINERARY
from pydantic import ValidationError

from mapapp.store import fast_schema
from mapapp.store.schema import MODEL_BY_KIND, PROPS_BY_KIND

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
        assert not fast_schema.passes(kind, missing) and not _pydantic_accepts(kind, missing)


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
