"""The served data indexed once by day, actor and event type.

A filter of a large data set used to pass over every feature on every new
filter (100,000 events: about half a second), and the sidebar's options were
gathered again on every rerun. `DataIndex` holds, once per data set, where each
day's, actor's and type's events are, so a filter costs what it shows. Its
`filtered` gives exactly what `export.filters.filter_collection` gives (the one
rule stays there; a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mapapp.export.filters import key, options
from mapapp.mapview.features import region_of
from mapapp.store.routes import route_features
from mapapp.store.schema import METADATA_MEMBER

Feature = dict[str, Any]
Positions = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class DataIndex:
    """Where each day's, actor's and type's events are in a collection's features."""

    features: list[Feature]
    events: list[Feature]  # every event, in the collection's order
    context: list[Feature]  # partners and HQ, kept by every filter
    head: dict[str, Any]  # the collection without its features
    by_day: dict[int, Positions]
    by_actor: dict[str, Positions]  # by filters.key(name)
    by_type: dict[str, Positions]
    options: dict[str, list[Any]]  # the sidebar's days, actors and types
    region: str
    titles: _Titles | None  # the metadata's source titles, for a filter's provenance

    @property
    def event_count(self) -> int:
        return len(self.events)


@dataclass(frozen=True)
class _Titles:
    order: dict[str, int]  # url -> its place among the metadata's titles
    uncited: list[str]  # titles no event cites (the trip's own): always kept
    context_cited: frozenset[str]  # urls the partners and HQ cite: always kept


def index_of(collection: dict[str, Any]) -> DataIndex:
    """Index a built collection (one pass over its features)."""
    features: list[Feature] = collection["features"]
    events: list[Feature] = []
    positions: list[int] = []
    context: list[Feature] = []
    for i, f in enumerate(features):
        kind = f["properties"]["kind"]
        if kind == "event":
            events.append(f)
            positions.append(i)
        elif kind in ("partner", "hq"):
            context.append(f)
    days: dict[int, list[int]] = {}
    actors: dict[str, list[int]] = {}
    types: dict[str, list[int]] = {}
    # The sidebar's options (export.filters.options) from the same pass.
    names: set[str] = set()
    type_names: set[str] = set()
    for i, f in zip(positions, events, strict=True):
        p = f["properties"]
        days.setdefault(p["day"], []).append(i)
        types.setdefault(key(p["event_type"]), []).append(i)
        type_names.add(p["event_type"])
        names.update(p["actors"])
        for a in {key(a) for a in p["actors"]}:
            actors.setdefault(a, []).append(i)
    head = {k: v for k, v in collection.items() if k != "features"}
    return DataIndex(
        features,
        events,
        context,
        head,
        {d: np.array(v, dtype=np.int64) for d, v in days.items()},
        {a: np.array(v, dtype=np.int64) for a, v in actors.items()},
        {t: np.array(v, dtype=np.int64) for t, v in types.items()},
        options(days, names, type_names),
        region_of(_of_kind(context, "partner"), _of_kind(context, "hq")),
        _titles(head.get(METADATA_MEMBER), events, context),
    )


def _of_kind(features: list[Feature], kind: str) -> list[Feature]:
    return [f for f in features if f["properties"]["kind"] == kind]


def _titles(meta: Any, events: list[Feature], context: list[Feature]) -> _Titles | None:
    if not isinstance(meta, dict) or not isinstance(meta.get("source_titles"), dict):
        return None
    by_events = {url for f in events for url in f["properties"]["sources"]}
    titles: dict[str, Any] = meta["source_titles"]
    return _Titles(
        {url: i for i, url in enumerate(titles)},
        [url for url in titles if url not in by_events],
        frozenset(url for f in context for url in f["properties"].get("sources") or ()),
    )


def _union(table: Mapping[Any, Positions], values: Iterable[Any]) -> Positions:
    found = [table[v] for v in values if v in table]
    if not found:
        return np.empty(0, dtype=np.int64)
    return found[0] if len(found) == 1 else np.unique(np.concatenate(found))


def filtered(
    index: DataIndex,
    *,
    days: Iterable[int] | None = None,
    actors: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What filter_collection(collection, days=..., actors=..., types=...) returns."""
    chosen: Positions | None = None
    for table, values in (
        (index.by_day, list(days or ())),
        (index.by_actor, [key(a) for a in actors or ()]),
        (index.by_type, [key(t) for t in types or ()]),
    ):
        if not values:
            continue
        found = _union(table, values)
        chosen = found if chosen is None else np.intersect1d(chosen, found, assume_unique=True)
    if chosen is None:
        events = index.events
    else:
        features = index.features
        events = [features[i] for i in chosen.tolist()]
    kept = events + route_features(events) + index.context
    head = dict(index.head)
    if len(events) < index.event_count and index.titles is not None:
        head[METADATA_MEMBER] = _cited_titles(head[METADATA_MEMBER], index.titles, events)
    return {**head, "features": kept}


def _cited_titles(meta: dict[str, Any], titles: _Titles, events: list[Feature]) -> dict[str, Any]:
    """The metadata with the titles of the sources these events (or the context, or
    no event at all) cite, in the metadata's order: filters._cited_titles's rule,
    in time proportional to what is shown."""
    source_titles: dict[str, Any] = meta["source_titles"]
    cited = {url for f in events for url in f["properties"]["sources"]}
    keep = cited.union(titles.uncited, titles.context_cited)
    urls = sorted((u for u in keep if u in titles.order), key=titles.order.__getitem__)
    return {**meta, "source_titles": {u: source_titles[u] for u in urls}}
