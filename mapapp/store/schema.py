"""The declared schema of mapapp's GeoJSON: one typed geojson-pydantic model per kind.

`kind` tells the models apart. Each property has one type whatever the data or
the filter, and a description: the build constructs features through these
models, the validator checks files against them, and every export derives its
columns (names, GDAL types, descriptions) and the documented table from them.

Version 2 adds the top-level member `"mapapp_schema": 2`, the event properties
`uncertainty_m` and `uncertainty_note`, and the `mapapp_metadata` member.
Version 3 renames the event's `order` to `seq` (ORDER is an SQL keyword, so
`order > 3` failed as a QGIS filter) and adds its time span (`start_local`,
`end_local`, `start_utc`, `end_utc`). `upgrade` brings version 1 and 2 files
to version 3 on read.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from geojson_pydantic import Feature, LineString, MultiPolygon, Point, Polygon
from pydantic import BaseModel, ConfigDict, Field

from mapapp.itinerary.uncertainty import DERIVED_RADIUS_M, derived
from mapapp.store.times import event_span

SCHEMA_VERSION = 3
SCHEMA_MEMBER = "mapapp_schema"
METADATA_MEMBER = "mapapp_metadata"


@dataclass(frozen=True)
class Typed:
    """How the typed exports (GeoPackage, FlatGeobuf, CSV) type a text property."""

    gis: Literal["Date", "DateTime", "LocalDateTime"]


#: GeoJSON has no date type: these are ISO 8601 text, typed in the other formats.
IsoDate = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="local date, YYYY-MM-DD"),
    Typed("Date"),
]
_OFFSET = r"(Z|[+-]\d{2}:\d{2})$"
LocalDateTime = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}" + _OFFSET),
    Typed("LocalDateTime"),
]
UtcDateTime = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"), Typed("DateTime")
]

Lat = Annotated[float, Field(ge=-90, le=90, description="latitude, WGS84 degrees")]
Lon = Annotated[float, Field(ge=-180, le=180, description="longitude, WGS84 degrees")]


class _Props(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventProps(_Props):
    kind: Literal["event"] = Field(description="always 'event'")
    event_id: str = Field(description="stable identifier of the event")
    seq: int = Field(ge=1, description="visit order across the whole trip, from 1")
    day: int = Field(ge=1, description="day of the trip, from 1")
    date: IsoDate
    time: str | None = Field(
        pattern=r"^\d{2}:\d{2}$", description="local start time HH:MM, or null when not known"
    )
    time_precision: str = Field(description="minute, hour, part-of-day or day")
    time_label: str = Field(description="what a reader sees, e.g. 'afternoon' (may be empty)")
    start_local: LocalDateTime = Field(
        description="start of the time span, local time with its UTC offset"
    )
    end_local: LocalDateTime = Field(
        description="end of the span (exclusive; equals the start for a time to the minute)"
    )
    start_utc: UtcDateTime = Field(
        description="start of the span in UTC: the instant when the time is known"
    )
    end_utc: UtcDateTime = Field(description="end of the span in UTC")
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
    location_source: str | None = Field(
        min_length=1, description="URL the coordinates come from, or null"
    )
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
    date: IsoDate
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


#: The type the typed exports give a column, by its JSON type when not `Typed`.
GIS_BY_JSON_TYPE = {"integer": "Integer64", "real": "Real"}
GIS_WORDS = {
    "Date": "Date",
    "DateTime": "DateTime (UTC)",
    "LocalDateTime": "DateTime with offset (GeoPackage: text)",
    "Integer64": "Integer64",
    "Real": "Real",
    "String": "String",
    "JSON": "String (JSON)",
}


@dataclass(frozen=True)
class Column:
    """One declared property: its name, JSON type, type in the typed exports, meaning."""

    name: str
    type: FieldType
    meaning: str
    gis: str = "String"  # a key of GIS_WORDS

    @property
    def is_list(self) -> bool:
        return self.type.startswith("list")


@cache
def _columns(kind: str) -> tuple[Column, ...]:
    out = []
    for name, info in PROPS_BY_KIND[kind].model_fields.items():
        meaning = info.description or ""
        if not meaning:
            meaning = next((m.description for m in info.metadata if hasattr(m, "description")), "")
        json_type = _field_type(info.annotation)
        typed: str | None = next((m.gis for m in info.metadata if isinstance(m, Typed)), None)
        if typed is None:
            typed = "JSON" if json_type.startswith("list") else GIS_BY_JSON_TYPE.get(json_type)
        out.append(Column(name, json_type, meaning or "", typed or "String"))
    return tuple(out)


def columns(kind: str) -> list[Column]:
    """The declared properties of a kind, in file order."""
    return list(_columns(kind))


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
    rows = ["| field | type | typed exports | meaning |", "|---|---|---|---|"]
    rows += [f"| `{c.name}` | {c.type} | {GIS_WORDS[c.gis]} | {c.meaning} |" for c in columns(kind)]
    return "\n".join(rows)


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a parsed FeatureCollection to the current schema version, in place.

    Version 1 (no `mapapp_schema` member) lacks the events' uncertainty; it is
    derived from `geo_precision`, as the build does for itineraries without one.
    Versions 1 and 2 name the visit order `order` (now `seq`) and lack the time
    span, derived from the date, time and precision in the trip's time zone
    (`mapapp_metadata.timezone`; UTC in a version 1 file, which has none).
    Files that are not mapapp's (features without a known `kind`) pass unchanged.
    """
    version = data.get(SCHEMA_MEMBER)
    if version not in (None, 1, 2):
        return data
    features = data.get("features")
    if not isinstance(features, list) or not features or not has_mapapp_kinds(features):
        return data
    meta = data.get(METADATA_MEMBER)
    timezone = meta.get("timezone") if isinstance(meta, dict) else None
    for feature in features:
        props = feature.get("properties")
        if isinstance(props, dict) and props.get("kind") == "event":
            if version is None:
                _add_uncertainty(props)
            _add_seq_and_span(props, timezone if isinstance(timezone, str) else "UTC")
            _declared_order(props)
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


def _add_seq_and_span(props: dict[str, Any], timezone: str) -> None:
    if "order" in props and "seq" not in props:
        props["seq"] = props.pop("order")
    try:
        span = event_span(props, timezone)
    except (KeyError, TypeError, ValueError):
        return  # a malformed date or time: the validator names the field
    for name in ("start_local", "end_local", "start_utc", "end_utc"):
        props.setdefault(name, getattr(span, name))


def _declared_order(props: dict[str, Any]) -> None:
    """Keep the declared key order: added keys go where the schema declares them."""
    order = {name: i for i, name in enumerate(EventProps.model_fields)}
    items = sorted(props.items(), key=lambda kv: order.get(kv[0], len(order)))
    props.clear()
    props.update(items)


def is_mapapp_collection(data: dict[str, Any]) -> bool:
    """Whether a FeatureCollection is in mapapp's schema (vs a foreign one)."""
    return data.get(SCHEMA_MEMBER) == SCHEMA_VERSION and has_mapapp_kinds(
        data.get("features") or []
    )
