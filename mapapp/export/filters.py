"""Filtering the built data: the one rule behind `mapapp export` and the app.

Events match every given filter (day, actor, event type). Actor names and event
types match case-insensitively, on the whole value, in the CLI, links and app
alike. Routes are rebuilt from the events that remain, so an export is exactly
the filtered view. Partner and HQ features carry no day or actor: they are
context, kept by the day, actor and type filters (a day's export still shows
the partners and the HQ), and left out only by `kinds`. The CLI's `--help`, the
README and the app's downloads follow this rule, which lives only here.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from mapapp.errors import InputError, Problem
from mapapp.store.routes import route_features
from mapapp.store.schema import KINDS, METADATA_MEMBER
from mapapp.store.validate import validate_collection

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]


def key(value: str) -> str:
    """The matching key of an actor name or event type."""
    return value.strip().casefold()


def filter_collection(
    collection: FeatureCollection,
    *,
    days: Iterable[int] | None = None,
    actors: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> FeatureCollection:
    """A new FeatureCollection with the selected features; the input is not changed."""
    day_set = set(days) if days else None
    actor_set = {key(a) for a in actors} if actors else None
    type_set = {key(t) for t in types} if types else None
    kind_set = set(kinds) if kinds else None

    events: list[Feature] = []
    context: list[Feature] = []
    left_out: list[Feature] = []
    for f in collection["features"]:  # one pass: a large trip has 100,000s of features
        kind = f["properties"]["kind"]
        if kind == "event":
            if _event_matches(f, day_set, actor_set, type_set):
                events.append(f)
            else:
                left_out.append(f)
        elif kind in ("partner", "hq"):
            context.append(f)
    features = events + route_features(events) + context
    if kind_set is not None:
        features = [f for f in features if f["properties"]["kind"] in kind_set]
    head = {k: v for k, v in collection.items() if k != "features"}
    if left_out:
        head[METADATA_MEMBER] = _cited_titles(head.get(METADATA_MEMBER), features, left_out)
    return {**head, "features": features}


def _cited_titles(meta: Any, kept: list[Feature], left_out: list[Feature]) -> Any:
    """The metadata without the titles of the sources only left-out events cite: an
    export carries its own provenance (what its features cite, and titles no event
    cites, such as the trip's), not every title of the trip (14 MB for one day of
    100,000 events)."""
    if not isinstance(meta, dict) or not isinstance(meta.get("source_titles"), dict):
        return meta
    cited = {url for f in kept for url in f["properties"].get("sources") or ()}
    dropped = {url for f in left_out for url in f["properties"]["sources"]} - cited
    titles = {url: t for url, t in meta["source_titles"].items() if url not in dropped}
    return {**meta, "source_titles": titles}


def _event_matches(
    feature: Feature,
    days: Collection[int] | None,
    actors: Collection[str] | None,
    types: Collection[str] | None,
) -> bool:
    props = feature["properties"]
    if days is not None and props["day"] not in days:
        return False
    if types is not None and key(props["event_type"]) not in types:
        return False
    return actors is None or any(key(a) in actors for a in props["actors"])


def events_of(collection: FeatureCollection) -> list[Feature]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]


def available(collection: FeatureCollection) -> dict[str, list[Any]]:
    """The days, actors and event types present in the events, sorted for display."""
    events = [f["properties"] for f in events_of(collection)]
    return options(
        (p["day"] for p in events),
        (a for p in events for a in p["actors"]),
        (p["event_type"] for p in events),
    )


def options(
    days: Iterable[int], actors: Iterable[str], types: Iterable[str]
) -> dict[str, list[Any]]:
    """The filters' options as the sidebar, a link and the command line know them: each
    value once, days in order, actors as written and sorted without regard to case (two
    names that differ only in case, in code-point order, whatever order they came in)."""
    return {
        "days": sorted(set(days)),
        "actors": sorted(set(actors), key=lambda name: (name.casefold(), name)),
        "types": sorted(set(types)),
    }


def check_data(collection: FeatureCollection, path: Path) -> None:
    """The data must be in mapapp's schema (a foreign file has no days, actors or kinds).

    Checked once per export; the file is read again, for line numbers, only on error.
    """
    if not validate_collection(collection, str(path)):
        return
    text = path.read_text(encoding="utf-8")
    problems = validate_collection(json.loads(text), str(path), text)
    note = Problem(str(path), "", "not mapapp data: build it with `mapapp build`")
    raise InputError([*problems[:20], note])


def check_filters(
    collection: FeatureCollection,
    name: str,
    *,
    days: Iterable[int] | None,
    actors: Iterable[str] | None,
    kinds: Iterable[str] | None,
    types: Iterable[str] | None,
) -> None:
    """Every filter value must occur in the data, so a typo is an error, not an empty map."""
    known = available(collection)
    known_actors = {key(a) for a in known["actors"]}
    known_types = {key(t) for t in known["types"]}
    problems = [
        Problem(name, "--day", f"no events on day {d}; days: {known['days']}")
        for d in days or []
        if d not in known["days"]
    ]
    problems += [
        Problem(name, "--actor", f"unknown actor {a!r}; actors: {', '.join(known['actors'])}")
        for a in actors or []
        if key(a) not in known_actors
    ]
    problems += [
        Problem(name, "--kind", f"unknown kind {k!r}; kinds: {', '.join(KINDS)}")
        for k in kinds or []
        if k not in KINDS
    ]
    problems += [
        Problem(name, "--type", f"unknown event type {t!r}; types: {', '.join(known['types'])}")
        for t in types or []
        if key(t) not in known_types
    ]
    if problems:
        raise InputError(problems)
