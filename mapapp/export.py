"""Filtering the built data: the one function behind `mapapp export` and the app.

Events match every given filter (day, actor, event type). Routes are rebuilt
from the events that remain, so an export is exactly the filtered view. Partner
and HQ features carry no day or actor: they are context, kept unless `kinds`
leaves them out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from mapapp.store.routes import route_features

Feature = dict[str, Any]


def filter_collection(
    collection: dict[str, Any],
    *,
    days: Iterable[int] | None = None,
    actors: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """A new FeatureCollection with the selected features; the input is not changed."""
    day_set = set(days) if days else None
    actor_set = {a.casefold() for a in actors} if actors else None
    type_set = set(types) if types else None
    kind_set = set(kinds) if kinds else None

    events = [
        f
        for f in collection["features"]
        if f["properties"]["kind"] == "event" and _event_matches(f, day_set, actor_set, type_set)
    ]
    context = [f for f in collection["features"] if f["properties"]["kind"] in ("partner", "hq")]
    features = events + route_features(events) + context
    if kind_set is not None:
        features = [f for f in features if f["properties"]["kind"] in kind_set]
    head = {k: v for k, v in collection.items() if k != "features"}
    return {**head, "features": features}


def _event_matches(
    feature: Feature,
    days: Collection[int] | None,
    actors: Collection[str] | None,
    types: Collection[str] | None,
) -> bool:
    props = feature["properties"]
    if days is not None and props["day"] not in days:
        return False
    if types is not None and props["event_type"] not in types:
        return False
    return actors is None or any(a.casefold() in actors for a in props["actors"])


def events_of(collection: dict[str, Any]) -> list[Feature]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]
