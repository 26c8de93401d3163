"""A filtered collection as typed tables: one layer per kind plus the relation tables.

Every format writes from these, so each holds the same features with the same
columns, typed by the declared schema (never guessed from the values): a filter
that leaves no route still yields a `routes` layer with its columns.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from mapapp.export.filters import FeatureCollection
from mapapp.store.schema import GEOMETRY_BY_KIND, KINDS, METADATA_MEMBER, Column, columns

LAYER_NAMES = {"event": "events", "route": "routes", "partner": "partners", "hq": "hq"}
LAYER_DESCRIPTIONS = {
    "event": "Events of the trip: where and when, who was there, the article's words, sources",
    "route": "Each day's route through its stops, in visit order",
    "partner": "Partner countries named in the article (country outlines)",
    "hq": "The visitor's organisation's headquarters",
}


@dataclass
class Layer:
    """One kind's features: geometries and one list of values per declared column."""

    kind: str
    geometries: list[BaseGeometry] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return LAYER_NAMES[self.kind]

    @property
    def description(self) -> str:
        return LAYER_DESCRIPTIONS[self.kind]

    @property
    def columns(self) -> list[Column]:
        return columns(self.kind)

    @property
    def geometry_type(self) -> str:
        return GEOMETRY_BY_KIND[self.kind]

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> list[dict[str, Any]]:
        names = [c.name for c in self.columns]
        return [
            dict(zip(names, row, strict=True)) for row in zip(*self.values.values(), strict=True)
        ]


@dataclass(frozen=True)
class Table:
    """A non-spatial table: column names with their types, and rows."""

    name: str
    description: str
    columns: list[tuple[str, str]]  # (name, "string" | "integer")
    rows: list[tuple[Any, ...]]


def layers(collection: FeatureCollection) -> dict[str, Layer]:
    """Every kind, in schema order, even when the filter left none of it."""
    out = {kind: Layer(kind, values={c.name: [] for c in columns(kind)}) for kind in KINDS}
    shapes = (
        shapely.from_geojson([json.dumps(f["geometry"]) for f in collection["features"]])
        if collection["features"]
        else []
    )
    for feature, geometry in zip(collection["features"], shapes, strict=True):
        props = feature["properties"]
        layer = out[props["kind"]]
        if layer.geometry_type == "MultiPolygon" and geometry.geom_type == "Polygon":
            geometry = shapely.MultiPolygon([geometry])
        layer.geometries.append(geometry)
        layer.ids.append(str(feature.get("id", "")))
        for name, column in layer.values.items():
            column.append(props[name])
    return out


def relation_tables(collection: FeatureCollection, events_layer: Layer) -> list[Table]:
    """actors, event_actors (one row per event-actor pair) and sources, from the events."""
    events = events_layer.rows()
    pairs: list[tuple[Any, ...]] = []
    for e in events:
        for name, named_role in zip(e["actors"], e["actor_roles"], strict=True):
            pairs.append((e["event_id"], name, named_role.removeprefix(f"{name}: ")))
    counts = Counter(actor for _, actor, _ in pairs)
    titles = (collection.get(METADATA_MEMBER) or {}).get("source_titles", {})
    sources = [(e["event_id"], url, titles.get(url, "")) for e in events for url in e["sources"]]
    return [
        Table(
            "actors",
            "Everyone present at an exported event",
            [("actor", "string"), ("event_count", "integer")],
            sorted(counts.items(), key=lambda item: item[0].casefold()),
        ),
        Table(
            "event_actors",
            "Who was at which event, in what role: join to events on event_id",
            [("event_id", "string"), ("actor", "string"), ("role", "string")],
            pairs,
        ),
        Table(
            "sources",
            "The sources cited for each event: join to events on event_id",
            [("event_id", "string"), ("url", "string"), ("title", "string")],
            sources,
        ),
    ]


def metadata_table(collection: FeatureCollection, filter_note: str) -> Table:
    """The trip, the article reference and the build provenance, as key/value rows."""
    meta = collection.get(METADATA_MEMBER) or {}
    rows = [(k, str(v)) for k, v in meta.items() if not isinstance(v, dict | list)]
    rows += [("filter", filter_note), ("mapapp_schema", str(collection.get("mapapp_schema", "")))]
    return Table(
        "metadata",
        "The trip, the article, the build and the filter of this export",
        [("name", "string"), ("value", "string")],
        rows,
    )


def as_json_text(value: list[Any]) -> str:
    """A list as a JSON array in one text cell: names may hold commas, JSON keeps them whole."""
    return json.dumps(value, ensure_ascii=False)
