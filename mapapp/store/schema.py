"""The declared schema of mapapp's GeoJSON: one typed geojson-pydantic model per kind.

`kind` tells the models apart. Each property has one type whatever the data or
the filter, and a description: the build constructs features through these
models, the validator checks files against them, and every export derives its
columns (names, GDAL types, descriptions) and the documented table from them.

Version 2 adds the top-level member `"mapapp_schema": 2`, the event properties
`uncertainty_m` and `uncertainty_note`, and the `mapapp_metadata` member;
`upgrade` turns a version 1 file into version 2 on read.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from geojson_pydantic import Feature, LineString, MultiPolygon, Point, Polygon
from pydantic import BaseModel, ConfigDict, Field

from mapapp.itinerary.uncertainty import DERIVED_RADIUS_M, derived

SCHEMA_VERSION = 2
SCHEMA_MEMBER = "mapapp_schema"
METADATA_MEMBER = "mapapp_metadata"

Lat = Annotated[float, Field(ge=-90, le=90, description="latitude, WGS84 degrees")]
Lon = Annotated[float, Field(ge=-180, le=180, description="longitude, WGS84 degrees")]


class _Props(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventProps(_Props):
    kind: Literal["event"] = Field(description="always 'event'")
    event_id: str = Field(description="stable identifier of the event")
    order: int = Field(ge=1, description="visit order across the whole trip, from 1")
    day: int = Field(ge=1, description="day of the trip, from 1")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="local date, YYYY-MM-DD")
    time: str | None = Field(description="local start time HH:MM, or null when not known")
    time_precision: str = Field(description="minute, hour, part-of-day or day")
    time_label: str = Field(description="what a reader sees, e.g. 'afternoon' (may be empty)")
    title: str = Field(description="short title of the event")
    event_type: str = Field(description="visit, meeting, speech, ...")
    actors: list[str] = Field(description="names of the actors present")
    actor_roles: list[str] = Field(description="'Name: role' for each actor, in the same order")
    place_id: str = Field(description="identifier of the place")
    place_name: str = Field(description="name of the place")
    place_type: str = Field(description="kind of place (naval base, office, ...)")
    lat: Lat
    lon: Lon
    geo_precision: int = Field(ge=1, le=3, description="1 exact site, 2 town, 3 region")
    uncertainty_m: int = Field(ge=0, description="radius in metres the event lies within")
    uncertainty_note: str = Field(description="why that radius, and its source")
    geocoder: str = Field(description="'override' (a curator's pin) or the geocoder used")
    location_source: str | None = Field(description="URL the coordinates come from")
    quote: str = Field(description="the article's exact words about the event")
    quote_start: int = Field(ge=0, description="start offset of the quote (code points)")
    quote_end: int = Field(ge=0, description="end offset of the quote (code points)")
    sources: list[str] = Field(description="URLs of the sources for facts the article omits")
    discrepancies: list[str] = Field(description="where the article and the sources disagree")
    review: list[str] = Field(
        default_factory=list,
        description="draft marks to check, 'field (confidence): reason' (empty once curated)",
    )


class RouteProps(_Props):
    kind: Literal["route"] = Field(description="always 'route'")
    day: int = Field(ge=1, description="day of the trip")
    date: str = Field(description="local date, YYYY-MM-DD")
    event_ids: list[str] = Field(description="the stops, in visit order")
    length_km: float = Field(ge=0, description="geodesic length (WGS84) in kilometres")


class PartnerProps(_Props):
    kind: Literal["partner"] = Field(description="always 'partner'")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    name: str = Field(description="country name")
    capital: str = Field(description="capital city")
    capital_lat: Lat
    capital_lon: Lon
    quotes: list[str] = Field(description="the article's words about the partner")
    quote_starts: list[int] = Field(description="start offsets of the quotes")
    quote_ends: list[int] = Field(description="end offsets of the quotes")
    sources: list[str] = Field(description="URLs of the capital and outline sources")


class HqProps(_Props):
    kind: Literal["hq"] = Field(description="always 'hq'")
    name: str = Field(description="name of the headquarters")
    city: str = Field(description="city")
    country: str = Field(description="country")
    lat: Lat
    lon: Lon
    sources: list[str] = Field(description="URLs of the location source")


EventFeature = Feature[Point, EventProps]
RouteFeature = Feature[LineString, RouteProps]
PartnerFeature = Feature[Polygon | MultiPolygon, PartnerProps]
HqFeature = Feature[Point, HqProps]

MODEL_BY_KIND: dict[str, type[BaseModel]] = {
    "event": EventFeature,
    "route": RouteFeature,
    "partner": PartnerFeature,
    "hq": HqFeature,
}
PROPS_BY_KIND: dict[str, type[_Props]] = {
    "event": EventProps,
    "route": RouteProps,
    "partner": PartnerProps,
    "hq": HqProps,
}
KINDS = tuple(MODEL_BY_KIND)
GEOMETRY_BY_KIND = {
    "event": "Point",
    "route": "LineString",
    "partner": "MultiPolygon",
    "hq": "Point",
}

FieldType = Literal[
    "string", "string or null", "integer", "real", "list of strings", "list of integers"
]


@dataclass(frozen=True)
class Column:
    """One declared property: its name, JSON type and meaning."""

    name: str
    type: FieldType
    meaning: str

    @property
    def is_list(self) -> bool:
        return self.type.startswith("list")


def columns(kind: str) -> list[Column]:
    """The declared properties of a kind, in file order."""
    out = []
    for name, info in PROPS_BY_KIND[kind].model_fields.items():
        meaning = info.description or ""
        if not meaning:
            meaning = next((m.description for m in info.metadata if hasattr(m, "description")), "")
        out.append(Column(name, _field_type(info.annotation), meaning or ""))
    return out


def _field_type(annotation: Any) -> FieldType:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and args == [str]:
        return "string or null"
    if get_origin(annotation) is list:
        return "list of integers" if args == [int] else "list of strings"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "real"
    return "string"


def markdown_table(kind: str) -> str:
    """The documented table (field, type, meaning) of one kind."""
    rows = ["| field | type | meaning |", "|---|---|---|"]
    rows += [f"| `{c.name}` | {c.type} | {c.meaning} |" for c in columns(kind)]
    return "\n".join(rows)


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a parsed FeatureCollection to the current schema version, in place.

    Version 1 (no `mapapp_schema` member) lacks the events' uncertainty; it is
    derived from `geo_precision`, as the build does for itineraries without one.
    Files that are not mapapp's (features without a known `kind`) pass unchanged.
    """
    if data.get(SCHEMA_MEMBER) is not None:
        return data
    features = data.get("features")
    if not isinstance(features, list) or not features or not has_mapapp_kinds(features):
        return data
    for feature in features:
        props = feature.get("properties")
        if isinstance(props, dict) and props.get("kind") == "event":
            _add_uncertainty(props)
    data[SCHEMA_MEMBER] = SCHEMA_VERSION
    return data


def has_mapapp_kinds(features: list[Any]) -> bool:
    """Every feature has properties with a known `kind` (any shape of input is safe)."""

    def kind(feature: Any) -> Any:
        props = feature.get("properties") if isinstance(feature, dict) else None
        return props.get("kind") if isinstance(props, dict) else None

    return all(isinstance(k, str) and k in MODEL_BY_KIND for k in map(kind, features))


def _add_uncertainty(props: dict[str, Any]) -> None:
    precision = props.get("geo_precision")
    if isinstance(precision, int) and precision in DERIVED_RADIUS_M:
        radius, note = derived(precision)
        props.setdefault("uncertainty_m", radius)
        props.setdefault("uncertainty_note", note)
    # Keep the declared key order: insert the new keys after geo_precision.
    order = list(EventProps.model_fields)
    items = sorted(props.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    props.clear()
    props.update(items)


def is_mapapp_collection(data: dict[str, Any]) -> bool:
    """Whether a FeatureCollection is in mapapp's schema (vs a foreign one)."""
    return data.get(SCHEMA_MEMBER) == SCHEMA_VERSION and has_mapapp_kinds(
        data.get("features") or []
    )
