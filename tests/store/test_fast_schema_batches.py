"""Many features checked at once: each pattern once per distinct text, the same verdicts.

`check_all` checks a batch's dates and instants once per distinct text after the rest
of the schema; a bad one among many equal good ones must still fail, named by its index.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import pytest
from fake_nominatim import ITINERARY
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mapapp.store import fast_schema
from mapapp.store.schema import MODEL_BY_KIND

FEATURES = json.loads(ITINERARY.with_suffix(".geojson").read_text(encoding="utf-8"))["features"]
EVENT = next(f for f in FEATURES if f["properties"]["kind"] == "event")
PATTERNED = ["date", "time", "start_local", "end_local", "start_utc", "end_utc"]


def _batch(size: int) -> list[Any]:
    return [copy.deepcopy(EVENT) for _ in range(size)]


@pytest.mark.parametrize("name", PATTERNED)
def test_one_bad_text_among_many_good_ones_fails_named_by_its_index(name: str) -> None:
    features = _batch(40)
    fast_schema.check_all("event", features)
    good = features[17]["properties"][name] or "18:10"
    features[17]["properties"][name] = good + "\n"
    with pytest.raises(msgspec.ValidationError, match=rf"\$\[17\]\.properties\.{name}"):
        fast_schema.check_all("event", features)


def _pydantic_accepts(feature: Any) -> bool:
    """The declared schema's own verdict on one feature (the oracle)."""
    try:
        MODEL_BY_KIND["event"].model_validate(feature, strict=True)
    except ValidationError:
        return False
    return True


class _Text(str):
    """A str subclass: checked one by one (never deduplicated with plain texts)."""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PATTERNED), st.sampled_from(["ok", "2025-04-08T09:10:00Z", "x"])),
        max_size=6,
    ),
    st.booleans(),
)
def test_a_batch_passes_exactly_when_every_feature_passes_alone(
    changes: list[tuple[str, str]], subclass: bool
) -> None:
    features = _batch(6)
    for index, (name, value) in enumerate(changes):
        text = value if value != "ok" else EVENT["properties"][name]
        features[index]["properties"][name] = _Text(text) if subclass and text else text
    alone = all(_pydantic_accepts(f) for f in features)
    try:
        fast_schema.check_all("event", features)
    except msgspec.ValidationError:
        assert not alone
    else:
        assert alone
