"""Checking filter values against the data, so a typo is an error, not an empty map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mapapp.errors import InputError, Problem
from mapapp.store.schema import KINDS


def available(collection: dict[str, Any]) -> dict[str, list[Any]]:
    """The days, actors and event types present in the events, sorted for display."""
    events = [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "event"]
    return {
        "days": sorted({p["day"] for p in events}),
        "actors": sorted({a for p in events for a in p["actors"]}, key=str.casefold),
        "types": sorted({p["event_type"] for p in events}),
    }


def check_filters(
    collection: dict[str, Any],
    name: str,
    *,
    days: Iterable[int] | None,
    actors: Iterable[str] | None,
    kinds: Iterable[str] | None,
    types: Iterable[str] | None,
) -> None:
    known = available(collection)
    known_actors = {a.casefold() for a in known["actors"]}
    problems = [
        Problem(name, "--day", f"no events on day {d}; days: {known['days']}")
        for d in days or []
        if d not in known["days"]
    ]
    problems += [
        Problem(name, "--actor", f"unknown actor {a!r}; actors: {', '.join(known['actors'])}")
        for a in actors or []
        if a.casefold() not in known_actors
    ]
    problems += [
        Problem(name, "--kind", f"unknown kind {k!r}; kinds: {', '.join(KINDS)}")
        for k in kinds or []
        if k not in KINDS
    ]
    problems += [
        Problem(name, "--type", f"unknown event type {t!r}; types: {', '.join(known['types'])}")
        for t in types or []
        if t not in known["types"]
    ]
    if problems:
        raise InputError(problems)
