"""Build the RFC 7946 FeatureCollection from a checked itinerary and its resolved places."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.geocode.resolve import Resolved
from mapapp.geodata import OUTLINE_SOURCE, country_outline
from mapapp.itinerary.load import LoadedItinerary
from mapapp.itinerary.models import Discrepancy, Event, Itinerary
from mapapp.itinerary.uncertainty import uncertainty_of
from mapapp.store.routes import route_features

Feature = dict[str, Any]
DECIMALS = 6


def build_collection(loaded: LoadedItinerary, places: dict[str, Resolved]) -> dict[str, Any]:
    it = loaded.itinerary
    events = [
        event_feature(it, event, places[event.place], order)
        for order, event in enumerate(ordered_events(it.events), start=1)
    ]
    features = events + route_features(events) + partner_features(it)
    if it.hq is not None:
        features.append(hq_feature(it))
    return {"type": "FeatureCollection", "features": features}


def ordered_events(events: list[Event]) -> list[Event]:
    """Visit order: by day, then as listed in the file (the curator's order)."""
    indexed = sorted(enumerate(events), key=lambda pair: (pair[1].day, pair[0]))
    return [event for _, event in indexed]


def event_feature(it: Itinerary, event: Event, where: Resolved, order: int) -> Feature:
    place = it.place(event.place)
    actors = [it.actor(part.actor) for part in event.actors]
    lon, lat = round(where.lon, DECIMALS), round(where.lat, DECIMALS)
    radius_m, radius_note = uncertainty_of(place, where.precision)
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "kind": "event",
            "event_id": event.id,
            "order": order,
            "day": event.day,
            "date": event.date.isoformat(),
            "time": event.time,
            "time_precision": event.time_precision,
            "time_label": event.time_label,
            "title": event.title,
            "event_type": event.type,
            "actors": [a.name for a in actors],
            "actor_roles": [
                f"{a.name}: {p.role}" for a, p in zip(actors, event.actors, strict=True)
            ],
            "place_id": place.id,
            "place_name": place.name,
            "place_type": place.type,
            "lat": lat,
            "lon": lon,
            "geo_precision": where.precision,
            "uncertainty_m": radius_m,
            "uncertainty_note": radius_note,
            "geocoder": where.geocoder,
            "location_source": where.source_url,
            "quote": event.quote.text,
            "quote_start": event.quote.start,
            "quote_end": event.quote.end,
            "sources": _unique([str(s.url) for s in event.sources]),
            "discrepancies": [describe(d) for d in event.discrepancies],
        },
    }


def describe(d: Discrepancy) -> str:
    urls = ", ".join(str(u) for u in d.source_urls)
    return f"{d.field}: the article says {d.article}; sources say {d.sources} ({urls})"


def partner_features(it: Itinerary) -> list[Feature]:
    out = []
    for partner in it.partners:
        geometry = clean_geometry(country_outline(partner.country))
        out.append(
            {
                "type": "Feature",
                "id": f"partner-{partner.country.lower()}",
                "geometry": mapping(geometry),
                "properties": {
                    "kind": "partner",
                    "country": partner.country,
                    "name": partner.name,
                    "capital": partner.capital.name,
                    "capital_lat": round(partner.capital.lat, DECIMALS),
                    "capital_lon": round(partner.capital.lon, DECIMALS),
                    "quotes": [q.text for q in partner.quotes],
                    "quote_starts": [q.start for q in partner.quotes],
                    "quote_ends": [q.end for q in partner.quotes],
                    "sources": [str(partner.capital.source.url), OUTLINE_SOURCE],
                },
            }
        )
    return _lists_to_json(out)


def hq_feature(it: Itinerary) -> Feature:
    hq = it.hq
    assert hq is not None
    lon, lat = round(hq.lon, DECIMALS), round(hq.lat, DECIMALS)
    return {
        "type": "Feature",
        "id": "nato-hq",
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
    }


def clean_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """RFC 7946: counter-clockwise exterior rings, and at most six decimals."""
    return shapely.orient_polygons(geometry, exterior_cw=False)


def _lists_to_json(features: list[Feature]) -> list[Feature]:
    """shapely's mapping() yields tuples; JSON wants lists (and equality in tests)."""
    for feature in features:
        feature["geometry"] = _listify(feature["geometry"])
    return features


def _listify(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_listify(v) for v in value]
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
