"""The curated itinerary: what a human edits in data/itinerary.yaml.

Every fact the article does not state carries a Source; every fact the article
does state carries a Quote with its character offsets into the seed text.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache, cached_property
from typing import Annotated, Any, Literal

import msgspec
from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    GetPydanticSchema,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from mapapp.itinerary.countries import known_codes
from mapapp.itinerary.records import (
    EVENT_TYPES,
    IDENTIFIER_PATTERN,
    MAX_DAY,
    MAX_IDENTIFIER,
    MAX_YEAR,
    MIN_YEAR,
    TIME_PATTERN,
    TIME_PRECISIONS,
    EventRecord,
)

# Values are checked here, at the boundary, so nothing deeper meets 2023-02-30,
# a day that overflows the calendar, an unknown zone or an unknown country.
# (MIN_YEAR, MAX_YEAR and MAX_DAY live in mapapp.itinerary.records, shared with the mirror.)


def _sane_year(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}-{MAX_YEAR}")
    return value


def _known_country(value: str) -> str:
    if value not in known_codes():
        raise ValueError(f"unknown country code {value!r}; use ISO 3166-1 alpha-2, e.g. JP")
    return value


@cache
def _zones() -> frozenset[str]:
    """Every IANA zone name (reading them walks the tz database: once per process)."""
    return frozenset(zoneinfo.available_timezones())


def _iana_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Tokyo")
    return value


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Precision = Annotated[int, Field(ge=1, le=3)]
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN, max_length=MAX_IDENTIFIER)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_known_country)]
Date = Annotated[dt.date, AfterValidator(_sane_year)]
TimeZone = Annotated[str, AfterValidator(_iana_zone)]

_TIME = re.compile(TIME_PATTERN)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """A public source for a fact the article does not state."""

    url: AnyHttpUrl
    title: str = Field(min_length=1)
    supports: str = Field(default="", description="Which fact this source backs.")


class Quote(Strict):
    """The article's own words, located by code-point offsets into the seed text."""

    text: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(gt=0)


class Pin(Strict):
    """A human override: coordinates a reviewer vouches for, with their source."""

    lat: Latitude
    lon: Longitude
    precision: Precision
    source: Source
    note: str = ""


class Locality(Strict):
    """Where a place is expected to be; geocoder answers far from it are rejected."""

    name: str
    lat: Latitude
    lon: Longitude
    max_km: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    source: Source


class Uncertainty(Strict):
    """How far the true spot may be from the point, in metres: a radius in the
    spirit of Darwin Core's coordinateUncertaintyInMeters, with why and whence."""

    radius_m: int = Field(ge=1, le=20_037_509)
    reason: str = Field(min_length=1)
    source: Source | None = None


class Review(Strict):
    """A value a drafter inferred and a person should check (written by `mapapp draft`)."""

    field: str = Field(min_length=1, description="Which value: place, date, time, actors, ...")
    confidence: float = Field(ge=0, le=1, allow_inf_nan=False)
    reason: str = Field(min_length=1)


class Place(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    type: str
    query: str = Field(min_length=1)
    country: CountryCode
    locality: Locality
    precision: Precision = Field(description="Precision of a geocoder hit for this query.")
    pin: Pin | None = None
    uncertainty: Uncertainty | None = Field(
        default=None, description="Measured radius; without it, derived from the precision."
    )
    review: list[Review] = Field(default_factory=list, description="Draft marks to check.")


class Actor(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    kind: Literal["person", "organisation", "group"]
    role: str
    affiliation: str = ""
    quote: Quote | None = None


class Participation(Strict):
    actor: Identifier
    role: str


class Discrepancy(Strict):
    """Where the article and another source disagree: both are kept and shown."""

    field: str
    article: str
    sources: str
    source_urls: list[AnyHttpUrl] = Field(min_length=1)


class Event(Strict):
    id: Identifier
    day: int = Field(ge=1, le=MAX_DAY)
    date: Date
    time: str | None = None
    time_precision: TIME_PRECISIONS = "day"
    time_label: str = Field(default="", description="What a reader sees, e.g. 'morning'.")
    type: EVENT_TYPES
    title: str = Field(min_length=1)
    place: Identifier
    actors: list[Participation] = Field(min_length=1)
    quote: Quote
    sources: list[Source] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    review: list[Review] = Field(default_factory=list, description="Draft marks to check.")

    @field_validator("time", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 18:10 as the base-60 integer 1090.
        if isinstance(value, int) and not isinstance(value, bool):
            hours, minutes = divmod(value, 60)
            raise ValueError(
                f'time must be quoted in YAML ("{hours:02d}:{minutes:02d}"); '
                f"unquoted, YAML reads it as the number {value}"
            )
        return value

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(value):
            raise ValueError("time must be HH:MM (24-hour), quoted in YAML")
        return value


def record_of(event: Event) -> EventRecord:
    """The in-memory form of an event the models checked (the careful path)."""
    return msgspec.convert(event.model_dump(mode="json", exclude_unset=True), EventRecord)


def _event_record(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> EventRecord:
    if type(value) is EventRecord:
        return value  # decoded and checked by the mirror (mapapp.itinerary.records)
    return record_of(handler(value))


#: An event, checked by the `Event` model (its rules and messages), held as an EventRecord.
EventEntry = Annotated[
    EventRecord,
    GetPydanticSchema(
        lambda _source, handler: core_schema.no_info_wrap_validator_function(
            _event_record, handler(Event)
        )
    ),
]
#: The model whose rules each record type follows (for tools that walk the schema).
RECORD_MODELS: dict[type, type[BaseModel]] = {EventRecord: Event}


class Capital(Strict):
    name: str
    lat: Latitude
    lon: Longitude
    source: Source


class Partner(Strict):
    """One of NATO's four Indo-Pacific partners (IP4)."""

    country: CountryCode
    name: str
    capital: Capital
    quotes: list[Quote] = Field(min_length=1)


class Headquarters(Strict):
    name: str
    city: str
    country: CountryCode
    lat: Latitude
    lon: Longitude
    source: Source


class Article(Strict):
    """The source text: a file beside the itinerary (path), or embedded (text)."""

    path: str | None = None
    text: str | None = Field(default=None, description="The article itself, for one-file uploads.")
    title: str = ""
    outlet: str = ""
    url: AnyHttpUrl | None = None
    published: Date | None = None
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_text(self) -> Article:
        if self.path is None and self.text is None:
            raise ValueError("give the article's path, or embed it as text")
        return self


class Trip(Strict):
    title: str
    visitor: Identifier
    host_country: CountryCode
    start_date: Date
    timezone: TimeZone = "UTC"
    article: Article
    sources: list[Source] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)


class Itinerary(Strict):
    trip: Trip
    places: list[Place] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    events: list[EventEntry] = Field(min_length=1)
    partners: list[Partner] = Field(default_factory=list)
    hq: Headquarters | None = None

    @cached_property
    def places_by_id(self) -> dict[str, Place]:
        return {p.id: p for p in self.places}

    @cached_property
    def actors_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    def place(self, place_id: str) -> Place:
        return self.places_by_id[place_id]

    def actor(self, actor_id: str) -> Actor:
        return self.actors_by_id[actor_id]
