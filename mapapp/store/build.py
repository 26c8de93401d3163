"""Build the RFC 7946 FeatureCollection from a checked itinerary and its resolved places.

Features are built as plain JSON data in the schema's field order, then checked
against the declared schema in one call per kind (mapapp.store.fast_schema), so
a wrong type still fails here, at build time. A geojson-pydantic model per
feature cost most of a large build (construction, dump, and the garbage
collector rescanning them); the few partner outlines still go through theirs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from operator import le
from typing import Any

import msgspec
import shapely
from msgspec import UNSET
from pydantic import BaseModel
from shapely.geometry.base import BaseGeometry

from mapapp import __version__
from mapapp.gc_pause import gc_paused
from mapapp.geocode.resolve import Resolved
from mapapp.geodata import OUTLINE_SOURCE, country_outline
from mapapp.itinerary.load import LoadedItinerary
from mapapp.itinerary.models import Itinerary, Place, Review
from mapapp.itinerary.records import (
    DiscrepancyRecord,
    EventRecord,
    ParticipationRecord,
    ReviewRecord,
)
from mapapp.itinerary.uncertainty import uncertainty_of
from mapapp.store.fast_schema import check_all
from mapapp.store.routes import ROW_OF, Row, route_features
from mapapp.store.schema import (
    METADATA_MEMBER,
    SCHEMA_MEMBER,
    SCHEMA_VERSION,
    PartnerFeature,
    PartnerProps,
)
from mapapp.store.times import local_span

#: A feature as plain JSON data (what the file, filters and views exchange).
Feature = dict[str, Any]
FeatureCollection = dict[str, Any]
DECIMALS = 6
CHECK_SLICE = 10_000  # features checked against the schema in one call
WARM_SLICE = 512  # events made, then checked, at a time


def build_collection(loaded: LoadedItinerary, places: dict[str, Resolved]) -> FeatureCollection:
    """The store: events, their day routes, partners and HQ, with the schema version.

    Features share what is the same (a place's geometry and review marks, an actor
    line-up, an empty list of discrepancies): to change one feature, give it new
    values; never change a shared one in place.
    """
    it = loaded.itinerary
    with gc_paused(freeze=True):  # see mapapp.gc_pause: no cycles, millions of objects
        stops = {p.id: _Stop.of(p, places[p.id]) for p in it.places if p.id in places}
        cast = _Cast({a.id: a.name for a in it.actors})
        timezone = it.trip.timezone
        ordered = ordered_events(it.events)
        events: list[Feature] = []
        rows: list[Row] = []
        # Checked a slice at a time as they are made, and what the routes need read, while
        # they are in the CPU's cache (a later pass is a cache miss per feature).
        for start in range(0, len(ordered), WARM_SLICE):
            batch = [
                _event_feature(event, stops[event.place], cast, seq, timezone)
                for seq, event in enumerate(ordered[start : start + WARM_SLICE], start=start + 1)
            ]
            events += batch
            check_built("event", batch, events)
            rows += [ROW_OF(feature["properties"]) for feature in batch]
        routes = route_features(events, rows)
        features = events + routes + [_dump(p) for p in partner_features(it)]
        if it.hq is not None:
            hq = hq_feature(it)
            check_built("hq", [hq])
            features.append(hq)
    return {
        "type": "FeatureCollection",
        SCHEMA_MEMBER: SCHEMA_VERSION,
        METADATA_MEMBER: metadata(loaded),
        "features": features,
    }


def metadata(loaded: LoadedItinerary) -> dict[str, Any]:
    """Trip, article reference, source titles and build provenance, for the exports."""
    it = loaded.itinerary
    article = it.trip.article
    titles = {str(s.url): s.title for s in it.trip.sources}
    titles.update(
        (source.url, source.title)
        for event in it.events
        if event.sources_ is not UNSET
        for source in event.sources_
    )
    host = next((p.name for p in it.partners if p.country == it.trip.host_country), None)
    return {
        "trip": it.trip.title,
        "trip_slug": f"{it.trip.visitor.split('-')[-1]}-{host or it.trip.host_country}".lower(),
        "timezone": it.trip.timezone,
        "start_date": it.trip.start_date.isoformat(),
        "days": sorted({e.day for e in it.events}),
        "article_title": article.title,
        "article_outlet": article.outlet,
        "article_url": str(article.url) if article.url else "",
        "built_with": f"mapapp {__version__}",
        "itinerary": loaded.path.name,
        "source_titles": titles,
    }


def _dump(feature: BaseModel) -> Feature:
    return feature.model_dump(mode="json")


def ordered_events(events: list[EventRecord]) -> list[EventRecord]:
    """Visit order: by day, then as listed in the file (the curator's order).

    sorted is stable, so ordering by day alone keeps the file's order within a day;
    a file listed day by day (the usual case) is already in that order."""
    days = [event.day for event in events]
    if all(map(le, days, islice(days, 1, None))):
        return list(events)
    return [events[i] for i in sorted(range(len(events)), key=days.__getitem__)]


@dataclass(frozen=True)
class _Stop:
    """What every event at one resolved place shares: worked out once per place, not
    once per event (a 100,000-event trip has a few hundred places).

    The events at a place share its geometry object, as they share its text: built
    features are read, never changed in place (filters and views make new ones).
    """

    place_id: str
    name: str
    type: str
    lon: float
    lat: float
    precision: int
    radius_m: int
    note: str
    geocoder: str
    source_url: str | None
    review: list[str]
    geometry: dict[str, Any]

    @classmethod
    def of(cls, place: Place, where: Resolved) -> _Stop:
        radius, note = uncertainty_of(place, where.precision)
        lon, lat = round(where.lon, DECIMALS), round(where.lat, DECIMALS)
        return cls(
            place.id,
            place.name,
            place.type,
            lon,
            lat,
            where.precision,
            radius,
            note,
            where.geocoder,
            where.source_url,
            _marks(place.review),
            {"type": "Point", "coordinates": [lon, lat]},
        )


class _Cast:
    """Actor names and "Name: role" lines, once per distinct line-up of actors and roles
    (34,000 among 100,000 synthetic events), shared by the features that have it, and
    each "Name: role" once per actor and role.

    The events' own line-ups are shared too: an event's list then holds the first
    equal line-up's records (the same values; their copies are freed, 46 MB at
    100,000 events, as the features that need the room are made).
    """

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.lineups: dict[Lineup, tuple[Lineup, list[str], list[str]]] = {}
        self.roles: dict[ParticipationRecord, str] = {}

    def of(self, parts: list[ParticipationRecord]) -> tuple[list[str], list[str]]:
        """The names and roles of an event's line-up (parts: the event's list)."""
        lineup = tuple(parts)
        found = self.lineups.get(lineup)
        if found is None:
            actors = [self.names[part.actor] for part in parts]
            roles = [self.roles.get(part) or self._role(part) for part in parts]
            found = self.lineups[lineup] = (lineup, actors, roles)
        else:
            parts[:] = found[0]
        return found[1], found[2]

    def _role(self, part: ParticipationRecord) -> str:
        """One "Name: role" text per actor and role, however many line-ups hold it (a
        synthetic 100,000 events have 34,000 line-ups of 100 parts)."""
        role = self.roles[part] = f"{self.names[part.actor]}: {part.role}"
        return role


Lineup = tuple[ParticipationRecord, ...]


def _event_feature(
    event: EventRecord, stop: _Stop, cast: _Cast, seq: int, timezone: str
) -> Feature:
    date = _iso_date(event.date)
    time = None if event.time_ is UNSET else event.time_
    precision = "day" if event.time_precision_ is UNSET else event.time_precision_
    label = "" if event.time_label_ is UNSET else event.time_label_
    span = local_span(date, time, precision, label, timezone)
    actors, roles = cast.of(event.actors)
    sources = () if event.sources_ is UNSET else event.sources_
    discrepancies = event.discrepancies_
    review = event.review_
    return {
        "type": "Feature",
        "geometry": stop.geometry,
        "properties": {
            "kind": "event",
            "event_id": event.id,
            "seq": seq,
            "day": event.day,
            "date": date,
            "time": time,
            "time_precision": precision,
            "time_label": label,
            "start_local": span.start_local,
            "end_local": span.end_local,
            "start_utc": span.start_utc,
            "end_utc": span.end_utc,
            "title": event.title,
            "event_type": event.type,
            "actors": actors,
            "actor_roles": roles,
            "place_id": stop.place_id,
            "place_name": stop.name,
            "place_type": stop.type,
            "lat": stop.lat,
            "lon": stop.lon,
            "geo_precision": stop.precision,
            "uncertainty_m": stop.radius_m,
            "uncertainty_note": stop.note,
            "geocoder": stop.geocoder,
            "location_source": stop.source_url,
            "quote": event.quote.text,
            "quote_start": event.quote.start,
            "quote_end": event.quote.end,
            "sources": [sources[0].url] if len(sources) == 1 else _unique([s.url for s in sources]),
            "discrepancies": [describe(d) for d in discrepancies] if discrepancies else _NONE,
            "review": stop.review + _marks(review) if review else stop.review,
        },
        "id": event.id,
    }


#: The empty list of every event with no discrepancy (features are read, never changed
#: in place: a shared empty list, not 100,000 of them).
_NONE: list[str] = []


@lru_cache(maxsize=1024)
def _iso_date(day: dt.date) -> str:
    """A day's YYYY-MM-DD, one string for all its events."""
    return day.isoformat()


def _marks(review: Sequence[Review | ReviewRecord]) -> list[str]:
    return [f"{r.field} ({r.confidence:.1f}): {r.reason}" for r in review]


def check_built(kind: str, features: list[Feature], built: list[Feature] | None = None) -> None:
    """Built features of a kind against the declared schema, in one call: a mistake in
    the build is a bug, reported with the schema's own words. built: every feature of
    the kind made so far, features the last of them (the message names its index)."""
    try:
        # A slice at a time: the Structs a check makes are freed before the next slice.
        for start in range(0, len(features), CHECK_SLICE):
            check_all(kind, features[start : start + CHECK_SLICE])
    except msgspec.ValidationError:
        try:
            check_all(kind, features if built is None else built)  # the index, whole
        except msgspec.ValidationError as exc:
            raise ValueError(f"the build made an invalid {kind} feature: {exc}") from exc
        raise


def describe(d: DiscrepancyRecord) -> str:
    urls = ", ".join(str(u) for u in d.source_urls)
    return f"{d.field}: the article says {d.article}; sources say {d.sources} ({urls})"


def partner_features(it: Itinerary) -> list[PartnerFeature]:
    out = []
    for partner in it.partners:
        try:
            outline = country_outline(partner.country)
        except KeyError:  # no offline outline: the pipeline reports it as a notice
            continue
        geometry = clean_geometry(outline)
        out.append(
            PartnerFeature.model_validate(
                {
                    "type": "Feature",
                    "id": f"partner-{partner.country.lower()}",
                    "geometry": json.loads(shapely.to_geojson(geometry)),
                    "properties": PartnerProps(
                        kind="partner",
                        country=partner.country,
                        name=partner.name,
                        capital=partner.capital.name,
                        capital_lat=round(partner.capital.lat, DECIMALS),
                        capital_lon=round(partner.capital.lon, DECIMALS),
                        quotes=[q.text for q in partner.quotes],
                        quote_starts=[q.start for q in partner.quotes],
                        quote_ends=[q.end for q in partner.quotes],
                        sources=[str(partner.capital.source.url), OUTLINE_SOURCE],
                    ),
                }
            )
        )
    return out


def hq_feature(it: Itinerary) -> Feature:
    hq = it.hq
    assert hq is not None
    lon, lat = round(hq.lon, DECIMALS), round(hq.lat, DECIMALS)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "kind": "hq",
            "name": hq.name,
            "city": hq.city,
            "country": hq.country,
            "lat": lat,
            "lon": lon,
            "sources": [str(hq.source.url)],
        },
        "id": "nato-hq",
    }


def clean_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """RFC 7946: counter-clockwise exterior rings (clockwise holes), at six decimals.

    `shapely.set_precision` would snap to a grid and can make a coarse outline
    invalid, so coordinates are rounded instead (and exterior rings oriented).
    """
    rounded = shapely.transform(geometry, lambda xy: xy.round(DECIMALS))
    return shapely.orient_polygons(rounded, exterior_cw=False)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
