"""The served data's index: a filter through it gives exactly what the one filter
rule (export.filters.filter_collection) gives, provenance included."""

from __future__ import annotations

import random
from typing import Any

import pytest
from synthetic_events import synthetic_collection

from mapapp.app.index import filtered, index_of
from mapapp.export.filters import available, filter_collection
from mapapp.mapview.features import map_words, region_label, split_features
from mapapp.store.schema import METADATA_MEMBER


def _varied(built: dict[str, Any], n_events: int) -> dict[str, Any]:
    """The seed's features and metadata, its events copied `n_events` times with
    actors, types and sources drawn anew (names in two casings, some sources cited
    by one event only, some titles by none)."""
    rng = random.Random(3)
    base = synthetic_collection(built, n_events, seed=3)
    names = available(built)["actors"]
    titles = dict(built[METADATA_MEMBER]["source_titles"])
    urls = [f"https://example.org/source/{i}" for i in range(60)]
    titles.update({u: f"Source {i}" for i, u in enumerate(urls)})
    titles["https://example.org/cited-by-no-event"] = "Nobody's"
    for f in base["features"]:
        p = f["properties"]
        if p["kind"] != "event":
            continue
        actors = rng.sample(names, rng.randint(1, min(3, len(names))))
        p["actors"] = [a.upper() if rng.random() < 0.2 else a for a in actors]
        p["event_type"] = rng.choice(["meeting", "Meeting", "visit", "speech"])
        p["sources"] = rng.sample(urls, rng.randint(0, 3))
    meta = {**built[METADATA_MEMBER], "source_titles": titles}
    return {**base, METADATA_MEMBER: meta}


@pytest.fixture(scope="module")
def varied(built: dict[str, Any]) -> dict[str, Any]:
    return _varied(built, 400)


def _filters(collection: dict[str, Any]) -> list[dict[str, Any]]:
    known = available(collection)
    days, actors, types = known["days"], known["actors"], known["types"]
    found: list[dict[str, Any]] = [{}]
    found += [{"days": [d]} for d in days]
    found += [{"actors": [a]} for a in actors]
    found += [{"types": [t]} for t in types]
    found += [
        {"days": days[:3], "actors": [actors[0].swapcase(), actors[-1]]},
        {"days": [days[-1], days[0]], "types": [types[0]]},
        {"actors": actors[:2], "types": [t.upper() for t in types[:2]]},
        {"days": [days[0]], "actors": [actors[0]], "types": [types[-1]]},
        {"days": [9999]},
        {"actors": ["nobody at all"]},
        {"days": [], "actors": [], "types": []},
    ]
    return found


@pytest.mark.parametrize("name", ["seed", "varied"])
def test_a_filter_through_the_index_is_the_filter_rule(
    name: str, built: dict[str, Any], varied: dict[str, Any]
) -> None:
    collection = built if name == "seed" else varied
    index = index_of(collection)
    for kwargs in _filters(collection):
        assert filtered(index, **kwargs) == filter_collection(collection, **kwargs), kwargs


def test_a_filter_keeps_the_titles_its_events_or_no_event_cite(varied: dict[str, Any]) -> None:
    day = available(varied)["days"][0]
    shown = filtered(index_of(varied), days=[day])
    titles = shown[METADATA_MEMBER]["source_titles"]
    all_titles = varied[METADATA_MEMBER]["source_titles"]
    assert "https://example.org/cited-by-no-event" in titles
    assert len(titles) < len(all_titles)
    assert list(titles) == [u for u in all_titles if u in titles]  # the metadata's order


@pytest.mark.parametrize("name", ["seed", "varied"])
def test_the_index_offers_what_the_sidebar_offered(
    name: str, built: dict[str, Any], varied: dict[str, Any]
) -> None:
    """The options and the region's name, gathered in the index's one pass, are the
    ones `available` and `region_label` give (names in two casings, sorted alike)."""
    collection = built if name == "seed" else varied
    index = index_of(collection)
    assert index.options == available(collection)
    assert index.region == region_label(collection) != "Region"
    assert index.region == map_words(split_features(collection)).region
    if name == "varied":
        assert any(a.isupper() for a in index.options["actors"])
        assert index.event_count == 400
        assert sum(len(v) for v in index.by_day.values()) == 400
