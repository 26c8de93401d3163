"""`event_columns` words many events exactly as `event_view` words each one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from mapapp.bench.synth import synthetic_json
from mapapp.presentation.wording import EventView, event_columns, event_view

SEED = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"


def _as_views(props: list[dict[str, Any]]) -> list[EventView]:
    c = event_columns(props)
    return [
        EventView(*row)
        for row in zip(
            c.heading,
            c.when,
            c.place,
            c.place_note,
            c.quote,
            c.actors,
            c.sources,
            c.discrepancies,
            strict=True,
        )
    ]


def _events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "event"]


def test_the_seed_reads_the_same_a_column_at_a_time() -> None:
    props = _events(json.loads(SEED.read_text(encoding="utf-8")))
    assert len(props) == 7
    assert _as_views(props) == [event_view(p) for p in props]


def test_odd_and_repeated_values_read_the_same() -> None:
    base = _events(json.loads(SEED.read_text(encoding="utf-8")))[0]
    variants: list[dict[str, Any]] = [
        base,
        dict(base),  # a repeat: memoised lines must not leak between events
        {**base, "review": ["time"], "title": "Drafted"},
        {**base, "time": None, "time_label": "morning"},
        {**base, "uncertainty_m": None, "geo_precision": 3},
        {**base, "sources": ["javascript:alert(1)", base["sources"][0]]},
        {**base, "sources": [], "location_source": ""},
        {**base, "actor_roles": [], "actors": ["A", "B"], "discrepancies": ["x"]},
        {**base, "place_name": ["not", "hashable"]},  # data that skipped the store
        {**base, "sources": [["nested"]], "location_source": base["sources"][0]},
    ]
    assert _as_views(variants) == [event_view(p) for p in variants]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_synthetic_trip_reads_the_same(seed: int) -> None:
    """Through the store's own form: the synthetic itinerary's events as the map gets them."""
    from mapapp.itinerary.load import parse_itinerary

    text, article = synthetic_json(300, seed)
    loaded = parse_itinerary(
        text.encode(), "s.json", base_dir=Path("."), article_text=article, max_bytes=None
    )
    props = [
        {**msgspec.to_builtins(e), "seq": k + 1, "day": e.day}
        for k, e in enumerate(loaded.itinerary.events)
    ]
    assert _as_views(props) == [event_view(p) for p in props]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mapapp.presentation.wording import safe_url, safe_urls  # noqa: E402

_URLISH = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "https://", "HTTPS://", " http://", "javascript:", "data:"]),
        st.text(max_size=30),
    ),
)


@settings(max_examples=300, deadline=None)
@given(urls=st.lists(st.one_of(_URLISH, st.integers()), max_size=8))
def test_safe_urls_is_safe_url_of_each(urls: list[object]) -> None:
    """The map's one-pass check of many sources is the one rule, item by item."""
    assert safe_urls(urls) == [safe_url(u) for u in urls]
