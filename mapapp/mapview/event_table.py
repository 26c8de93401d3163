"""The events' fields as columns, read from their features in one pass.

A large trip's events are 100,000 dicts scattered over the heap: reading one
field from each costs a cache miss per event, and the map reads twenty. One
`itemgetter` pass reads them all while each dict is at hand (about a quarter
of the time of a pass per field); the event layer, the playback and the
legend then work on the columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

#: The properties the map reads.
FIELDS = (
    "seq",
    "day",
    "date",
    "time",
    "time_label",
    "title",
    "review",
    "place_name",
    "geo_precision",
    "uncertainty_m",
    "uncertainty_note",
    "quote",
    "location_source",
    "actor_roles",
    "actors",
    "sources",
    "discrepancies",
    "event_id",
    "start_local",
    "end_local",
)

#: A field an event does not have (data that skipped the store's checks).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


@dataclass(frozen=True)
class EventTable:
    """Event features as columns: `col[name][i]` is event i's property (MISSING if
    absent), `xy[i]` its (lon, lat), `props[i]` its properties."""

    props: list[Mapping[str, Any]]
    col: dict[str, Sequence[Any]]
    xy: np.ndarray[Any, Any]

    def __len__(self) -> int:
        return len(self.props)


def event_table(events: Sequence[Mapping[str, Any]]) -> EventTable:
    """The columns of these event features (see the module's note)."""
    props = [f["properties"] for f in events]
    try:
        rows: list[tuple[Any, ...]] = list(map(itemgetter(*FIELDS), props))
    except KeyError:
        rows = [tuple(p.get(k, MISSING) for k in FIELDS) for p in props]
    col: dict[str, Sequence[Any]] = (
        dict(zip(FIELDS, zip(*rows, strict=True), strict=True)) if rows else {k: () for k in FIELDS}
    )
    return EventTable(props, col, coordinates(events))


def coordinates(events: Sequence[Mapping[str, Any]]) -> np.ndarray[Any, Any]:
    """The events' (lon, lat) as an (n, 2) float64 array."""
    return positions([f["geometry"]["coordinates"] for f in events])


def positions(coords: Sequence[Sequence[float]]) -> np.ndarray[Any, Any]:
    """GeoJSON positions' (lon, lat) as an (n, 2) float64 array (altitudes dropped)."""
    if not coords:
        return np.zeros((0, 2))
    if all(len(c) == 2 for c in coords):
        flat = chain.from_iterable(coords)  # one pass, no list per position
        return np.fromiter(flat, dtype=np.float64, count=2 * len(coords)).reshape(-1, 2)
    return np.array([c[:2] for c in coords], dtype=np.float64).reshape(len(coords), 2)


def texts(column: Sequence[Any]) -> list[str]:
    """`str(value or "")` of each value, "" where it is missing."""
    return [v if type(v) is str else ("" if v is MISSING or not v else str(v)) for v in column]
