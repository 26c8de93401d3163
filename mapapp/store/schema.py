"""The GeoJSON schema of data/itinerary.geojson, as typed geojson-pydantic models.

One model per feature kind; `kind` tells them apart. The exports, the validator
and the app all read through these, so the schema is written down once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from geojson_pydantic import Feature, LineString, MultiPolygon, Point, Polygon
from pydantic import BaseModel, ConfigDict, Field

Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]


class _Props(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventProps(_Props):
    kind: Literal["event"]
    event_id: str
    order: int = Field(ge=1)
    day: int = Field(ge=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    time: str | None
    time_precision: str
    time_label: str
    title: str
    event_type: str
    actors: list[str]
    actor_roles: list[str]
    place_id: str
    place_name: str
    place_type: str
    lat: Lat
    lon: Lon
    geo_precision: int = Field(ge=1, le=3)
    # Optional so collections built before they existed still validate.
    uncertainty_m: int | None = Field(default=None, ge=1)
    uncertainty_note: str | None = None
    geocoder: str
    location_source: str | None
    quote: str
    quote_start: int = Field(ge=0)
    quote_end: int = Field(ge=0)
    sources: list[str]
    discrepancies: list[str]


class RouteProps(_Props):
    kind: Literal["route"]
    day: int = Field(ge=1)
    date: str
    event_ids: list[str]
    length_km: float = Field(ge=0)


class PartnerProps(_Props):
    kind: Literal["partner"]
    country: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    capital: str
    capital_lat: Lat
    capital_lon: Lon
    quotes: list[str]
    quote_starts: list[int]
    quote_ends: list[int]
    sources: list[str]


class HqProps(_Props):
    kind: Literal["hq"]
    name: str
    city: str
    country: str
    lat: Lat
    lon: Lon
    sources: list[str]


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
KINDS = tuple(MODEL_BY_KIND)
