"""Synthetic itineraries of any size, realistic enough to benchmark the pipeline.

`synthetic_itinerary(n, seed)` returns (yaml_text, article_text): a tour of the
four IP4 partners (JP, KR, AU, NZ) with about five events a day, two to four
actors an event out of a pool of about fifty, a few hundred places near real
cities (half pinned, half left to the geocode cache), and an article text from
which every event quote is taken at its real code-point offsets. The same seed
gives the same bytes; the output passes mapapp's own loader untouched.

`write_warm_cache(itinerary, path)` fills a geocode cache, through
GeocodeCache, for every unpinned place, so an offline build needs no network.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.geocode.cache import Candidate, GeocodeCache
from mapapp.itinerary.models import Itinerary

START_DATE = dt.date(2025, 4, 8)
PROVIDER = "nominatim"
MAX_PLACES = 300
N_ACTORS = 50
JITTER_KM = 5.0
LOCALITY_MAX_KM = 50

# Real cities, (name, lat, lon); all lie inside mapapp's coarse country outlines.
CITIES: dict[str, list[tuple[str, float, float]]] = {
    "JP": [
        ("Tokyo", 35.6895, 139.6917), ("Osaka", 34.6937, 135.5023),
        ("Yokohama", 35.4437, 139.638), ("Nagoya", 35.1815, 136.9066),
        ("Sapporo", 43.0618, 141.3545), ("Fukuoka", 33.5904, 130.4017),
        ("Kobe", 34.6901, 135.1955), ("Kyoto", 35.0116, 135.7681),
        ("Hiroshima", 34.3853, 132.4553), ("Sendai", 38.2682, 140.8694),
        ("Yokosuka", 35.2814, 139.6722), ("Kamakura", 35.3192, 139.5467),
        ("Niigata", 37.9162, 139.0364), ("Kagoshima", 31.5966, 130.5571),
    ],
    "KR": [
        ("Seoul", 37.5665, 126.978), ("Busan", 35.1796, 129.0756),
        ("Incheon", 37.4563, 126.7052), ("Daegu", 35.8714, 128.6014),
        ("Daejeon", 36.3504, 127.3845), ("Gwangju", 35.1595, 126.8526),
        ("Ulsan", 35.5384, 129.3114), ("Suwon", 37.2636, 127.0286),
        ("Pyeongtaek", 36.9921, 127.1129), ("Changwon", 35.2281, 128.6811),
        ("Pohang", 36.019, 129.3435),
    ],
    "AU": [
        ("Canberra", -35.2809, 149.13), ("Sydney", -33.8688, 151.2093),
        ("Melbourne", -37.8136, 144.9631), ("Brisbane", -27.4698, 153.0251),
        ("Perth", -31.9505, 115.8605), ("Adelaide", -34.9285, 138.6007),
        ("Darwin", -12.4634, 130.8456), ("Hobart", -42.8821, 147.3272),
        ("Townsville", -19.259, 146.8169), ("Cairns", -16.9186, 145.7781),
        ("Newcastle", -32.9283, 151.7817), ("Geelong", -38.1499, 144.3617),
    ],
    "NZ": [
        ("Wellington", -41.2865, 174.7762), ("Auckland", -36.8485, 174.7633),
        ("Christchurch", -43.532, 172.6306), ("Hamilton", -37.787, 175.2793),
        ("Dunedin", -45.8788, 170.5028), ("Tauranga", -37.6878, 176.1651),
        ("Napier", -39.4928, 176.912), ("Nelson", -41.2706, 173.284),
        ("Palmerston North", -40.3523, 175.6082), ("Invercargill", -46.4132, 168.3538),
    ],
}  # fmt: skip

PARTNERS: list[tuple[str, str, tuple[str, float, float]]] = [
    ("JP", "Japan", ("Tokyo", 35.689506, 139.6917)),
    ("KR", "South Korea", ("Seoul", 37.56, 126.99)),
    ("AU", "Australia", ("Canberra", -35.293056, 149.126944)),
    ("NZ", "New Zealand", ("Wellington", -41.288889, 174.777222)),
]

PLACE_TYPES: list[tuple[str, str]] = [
    ("ministry", "Ministry of Defence Annex"), ("naval base", "Naval Base"),
    ("air base", "Air Base"), ("university", "University"), ("factory", "Works"),
    ("embassy", "Embassy of the Netherlands"), ("conference centre", "Convention Centre"),
    ("parliament", "Parliament House"), ("research institute", "Institute of Technology"),
    ("port", "International Port"), ("hotel", "Grand Hotel"), ("museum", "War Memorial"),
]  # fmt: skip
PLACE_PREFIXES = [
    "Central",
    "North",
    "South",
    "East",
    "West",
    "Harbour",
    "Riverside",
    "Hillside",
    "Old Town",
    "Bayside",
    "Park",
    "Station",
]

GIVEN = {
    "JP": ["Hiroshi", "Yoko", "Takeshi", "Akiko", "Kenji", "Mariko", "Shō", "Yūko"],
    "KR": ["Min-jun", "Seo-yeon", "Ji-ho", "Hye-jin", "Dong-hyun", "Eun-ji"],
    "AU": ["James", "Olivia", "Liam", "Charlotte", "Noah", "Matilda"],
    "NZ": ["Aroha", "Tama", "Grace", "Nikau", "Hana", "Oliver"],
}
FAMILY = {
    "JP": ["Tanaka", "Suzuki", "Sato", "Watanabe", "Itō", "Nakamura", "Kobayashi"],
    "KR": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon"],
    "AU": ["Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor"],
    "NZ": ["Ngata", "Walker", "Te Rangi", "Harris", "Parata", "Clarke"],
}
ROLES = [
    "Minister of Defence",
    "Foreign Minister",
    "Chief of Defence Staff",
    "Trade Minister",
    "Ambassador to NATO",
    "Governor",
    "Mayor",
    "National Security Adviser",
    "Chair of the Defence Committee",
    "Vice Minister",
    "Navy Chief",
    "Air Force Chief",
]
ORGS = [
    ("organisation", "Defence Industry Association"),
    ("organisation", "Maritime Self-Defence Staff"),
    ("organisation", "Institute for Strategic Studies"), ("group", "tech start-ups"),
    ("group", "veterans' associations"), ("organisation", "Chamber of Commerce"),
    ("group", "students"), ("organisation", "Shipbuilding Corporation"),
]  # fmt: skip
EVENT_TYPES = ["visit", "meeting", "talks", "speech", "briefing", "travel", "other"]
EVENT_WEIGHTS = [25, 25, 15, 10, 10, 10, 5]
TOPICS = [
    "defence-industrial cooperation",
    "maritime security in the Indo-Pacific",
    "cyber defence",
    "support for Ukraine",
    "space situational awareness",
    "interoperability of naval forces",
    "disinformation and hybrid threats",
    "supply chains for critical minerals",
    "joint exercises",
    "arms control",
    "climate and security",
    "the protection of undersea cables",
]
VERBS = ["met", "held talks with", "was welcomed by", "sat down with", "was briefed by"]
CLAIMS = [
    "security in Europe and in the Indo-Pacific cannot be separated",
    "partners must invest more, and faster, in their defence",
    "no country can face today’s threats alone",
    "the alliance values its partnership with the region",
    "cooperation on new technologies is now a priority",
    "deterrence works only when it is credible",
]
CONTEXT = [
    "Officials described the atmosphere as constructive and forward-looking.",
    "The programme was kept deliberately short, with little time for the press.",
    "Security around the venue was tight, and several roads were closed.",
    "Analysts said the visit reflected a broader shift in the alliance’s priorities.",
    "Local media covered the day live, with crowds gathering outside.",
]
PART_OF_DAY = ["morning", "afternoon", "evening"]
SOURCE_OUTLETS = [
    ("https://www.nato.int/cps/en/natohq/news_{n}.htm", "NATO news release"),
    ("https://www.japantimes.co.jp/news/2025/{n}/", "The Japan Times"),
    ("https://www.koreaherald.com/view.php?ud={n}", "The Korea Herald"),
    ("https://www.abc.net.au/news/{n}", "ABC News"),
    ("https://www.rnz.co.nz/news/world/{n}", "RNZ"),
]


@dataclass(frozen=True)
class _Place:
    id: str
    name: str
    type: str
    country: str
    city: tuple[str, float, float]
    precision: int
    pinned: bool


@dataclass(frozen=True)
class _Actor:
    id: str
    name: str
    kind: str
    role: str
    affiliation: str


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower().encode("ascii", "ignore").decode()).strip("-")
    return out or "x"


def q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def jitter(
    rng: random.Random, lat: float, lon: float, km: float = JITTER_KM
) -> tuple[float, float]:
    """A point within about `km` of (lat, lon), rounded to six decimals."""
    distance = km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def wiki(name: str) -> str:
    return "https://en.wikipedia.org/wiki/" + name.replace(" ", "_")


class _Article:
    """An article text built piece by piece, tracking code-point offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def _places(rng: random.Random, count: int) -> list[_Place]:
    countries = list(CITIES)
    out: list[_Place] = []
    for index in range(count):
        country = countries[index % len(countries)]
        city = rng.choice(CITIES[country])
        type_id, type_name = rng.choice(PLACE_TYPES)
        name = f"{rng.choice(PLACE_PREFIXES)} {type_name}, {city[0]}"
        pid = f"p{index:03d}-{slug(city[0])}-{slug(type_id)}"
        out.append(_Place(pid, name, type_id, country, city, rng.randint(1, 3), index % 2 == 0))
    return out


def _actors(rng: random.Random) -> list[_Actor]:
    out = [_Actor("visitor", "Mark Rutte", "person", "Secretary General", "NATO")]
    countries = list(CITIES)
    partner_names = {code: name for code, name, _ in PARTNERS}
    while len(out) < N_ACTORS:
        index = len(out)
        country = countries[index % len(countries)]
        if rng.random() < 0.25:
            kind, what = rng.choice(ORGS)
            name = f"{partner_names[country]} {what}"
            role = "host" if kind == "organisation" else "participants"
        else:
            kind = "person"
            name = f"{rng.choice(GIVEN[country])} {rng.choice(FAMILY[country])}"
            role = rng.choice(ROLES)
        aid = f"a{index:02d}-{slug(name)}"
        out.append(_Actor(aid, name, kind, role, f"Government of {partner_names[country]}"))
    return out


def _passage(rng: random.Random, actors: list[_Actor], place: _Place, kind: str) -> str:
    """One event's passage: 120-250 code points, ending with a full stop."""
    lead, *others = actors
    who = " and ".join(a.name for a in others) if others else "officials"
    city = place.city[0]
    if kind == "speech":
        claim = rng.choice(CLAIMS)
        head = f"{lead.name} spoke at the {place.name}, telling the audience that {claim}"
    elif kind == "travel":
        head = f"{lead.name} then travelled on to {city}, where {who} waited at the {place.name}"
    else:
        head = f"In {city}, {lead.name} {rng.choice(VERBS)} {who} at the {place.name}"
    first, second = rng.sample(TOPICS, 2)
    clauses = [
        f", to discuss {first} and {second}" if rng.random() < 0.5 else f", to discuss {first}",
        f", stressing that {rng.choice(CLAIMS)}",
        f" — “{rng.choice(CLAIMS).capitalize()},” {lead.name.split()[-1]} said",
    ]
    rng.shuffle(clauses)
    text = head
    for clause in clauses:
        if len(text) >= 120 and (len(text) + len(clause) > 249 or rng.random() < 0.3):
            break
        if len(text) + len(clause) <= 249:
            text += clause
    while len(text) < 119:
        text += f", as well as {rng.choice(TOPICS)}"
    if len(text) > 249:
        text = text[:249].rstrip()
    return text + "."


@dataclass(frozen=True)
class _Event:
    id: str
    day: int
    type: str
    title: str
    place: _Place
    actors: list[tuple[_Actor, str]]
    quote: tuple[str, int, int]
    time: str | None
    time_precision: str
    time_label: str
    sources: list[tuple[str, str, str]]
    discrepancy: bool


@dataclass(frozen=True)
class _Trip:
    events: list[_Event]
    places: list[_Place]
    actors: list[_Actor]
    visitor_quote: str
    ip4: str
    ip4_start: int
    article: str


def synthetic_itinerary(n_events: int, seed: int = 0) -> tuple[str, str]:
    """(yaml_text, article_text) of a synthetic trip with n_events events."""
    trip = _generate(n_events, seed)
    return _yaml(trip), trip.article


def synthetic_json(n_events: int, seed: int = 0) -> tuple[str, str]:
    """The same itinerary as synthetic_itinerary, as JSON text (mapapp reads *.json too)."""
    trip = _generate(n_events, seed)
    return json.dumps(_data(trip), ensure_ascii=False, separators=(",", ":")), trip.article


def _generate(n_events: int, seed: int) -> _Trip:
    if n_events < 1:
        raise ValueError("n_events must be at least 1")
    rng = random.Random(seed)
    places = _places(rng, min(MAX_PLACES, max(8, n_events // 3)))
    actors = _actors(rng)
    visitor, pool = actors[0], actors[1:]
    by_city: dict[str, list[_Place]] = {}
    for place in places:
        by_city.setdefault(place.city[0], []).append(place)
    cities = list(by_city)

    article = _Article()
    header = (
        f"{visitor.role} {visitor.name} began a long tour of the four NATO Indo-Pacific "
        "partners (IP4), Japan, South Korea, Australia, and New Zealand, on Tuesday. "
    )
    article.add(header)
    ip4 = (
        "the four NATO Indo-Pacific partners (IP4), Japan, South Korea, Australia, and New Zealand"
    )
    ip4_start = header.index(ip4)
    visitor_quote = f"{visitor.role} {visitor.name}"
    article.add("The programme, published by the alliance, runs for many weeks.\n\n")

    events: list[_Event] = []
    day = 0
    while len(events) < n_events:
        day += 1
        city = rng.choice(cities)
        todays = min(rng.randint(3, 7), n_events - len(events))
        for slot in range(todays):
            index = len(events) + 1
            kind = rng.choices(EVENT_TYPES, EVENT_WEIGHTS)[0]
            place = rng.choice(by_city[city]) if rng.random() < 0.85 else rng.choice(places)
            chosen = rng.sample(pool, rng.randint(1, 3))
            parts = [(visitor, "speaker" if kind == "speech" else "visitor")]
            parts += [(a, "host" if i == 0 else "attended") for i, a in enumerate(chosen)]
            text = _passage(rng, [visitor, *chosen], place, kind)
            start, end = article.add(text)
            article.add(" " + rng.choice(CONTEXT) + ("\n\n" if slot == todays - 1 else " "))
            roll = rng.random()
            if roll < 0.3:
                hour = 8 + slot * 2 + rng.randint(0, 1)
                minute = rng.choice((0, 15, 30, 45))
                time, precision, label = f"{hour:02d}:{minute:02d}", "minute", ""
            elif roll < 0.6:
                time, precision = None, "part-of-day"
                label = PART_OF_DAY[min(slot * 3 // todays, 2)]
            else:
                time, precision, label = None, "day", ""
            title = {
                "visit": f"Visit to {place.name}",
                "speech": f"Speech at {place.name}",
                "travel": f"Travel to {place.city[0]}",
            }.get(kind, f"{kind.capitalize()} with {chosen[0].name}")
            sources = []
            for _ in range(rng.randint(1, 2)):
                url, outlet = rng.choice(SOURCE_OUTLETS)
                number = rng.randint(100000, 999999)
                sources.append((url.format(n=number), f"{outlet}: {title}", f"day {day}; venue"))
            events.append(
                _Event(
                    f"e{index:06d}-{kind}", day, kind, title, place, parts, (text, start, end),
                    time, precision, label, sources, rng.random() < 0.05,
                )
            )  # fmt: skip
    return _Trip(events, places, actors, visitor_quote, ip4, ip4_start, article.text())


def _yaml(trip: _Trip) -> str:
    events, places, actors = trip.events, trip.places, trip.actors
    visitor_quote, ip4, ip4_start = trip.visitor_quote, trip.ip4, trip.ip4_start
    out: list[str] = [
        "# A synthetic itinerary generated by mapapp.bench.synth for benchmarks.",
        "trip:",
        f"  title: {q('Synthetic tour of the IP4 partners')}",
        "  visitor: visitor",
        "  host_country: JP",
        f"  start_date: {START_DATE.isoformat()}",
        "  timezone: Asia/Tokyo",
        "  article:",
        "    path: synthetic-article.txt",
        f"    title: {q('A long tour of the Indo-Pacific')}",
        "    outlet: Synthetic Times",
        "    url: https://example.org/synthetic-article",
        "  sources:",
        "    - url: https://www.nato.int/cps/en/natohq/news.htm",
        f"      title: {q('NATO newsroom')}",
        "actors:",
    ]
    for i, actor in enumerate(actors):
        out += [
            f"  - id: {actor.id}",
            f"    name: {q(actor.name)}",
            f"    kind: {actor.kind}",
            f"    role: {q(actor.role)}",
            f"    affiliation: {q(actor.affiliation)}",
        ]
        if i == 0:
            end = len(visitor_quote)
            out.append(f"    quote: {{text: {q(visitor_quote)}, start: 0, end: {end}}}")
    out.append("places:")
    for place in places:
        city, lat, lon = place.city
        out += [
            f"  - id: {place.id}",
            f"    name: {q(place.name)}",
            f"    type: {place.type}",
            f"    query: {q(place.name)}",
            f"    country: {place.country}",
            f"    precision: {place.precision}",
            "    locality:",
            f"      name: {q(city)}",
            f"      lat: {lat}",
            f"      lon: {lon}",
            f"      max_km: {LOCALITY_MAX_KM}",
            f"      source: {{url: {q(wiki(city))}, title: {q(city + ' - Wikipedia')}}}",
        ]
        if place.pinned:
            plat, plon = jitter(random.Random(place.id), lat, lon)
            out += [
                "    pin:",
                f"      lat: {plat}",
                f"      lon: {plon}",
                f"      precision: {place.precision}",
                f"      source: {{url: {q(wiki(place.name))}, title: {q(place.name)}, "
                "supports: coordinates}",
            ]
    out.append("events:")
    for event in events:
        date = START_DATE + dt.timedelta(days=event.day - 1)
        text, start, end = event.quote
        out += [
            f"  - id: {event.id}",
            f"    day: {event.day}",
            f"    date: {date.isoformat()}",
        ]
        if event.time is not None:
            out.append(f"    time: {q(event.time)}")
        out.append(f"    time_precision: {event.time_precision}")
        if event.time_label:
            out.append(f"    time_label: {q(event.time_label)}")
        out += [
            f"    type: {event.type}",
            f"    title: {q(event.title)}",
            f"    place: {event.place.id}",
            "    actors:",
        ]
        out += [f"      - {{actor: {a.id}, role: {q(role)}}}" for a, role in event.actors]
        out.append(f"    quote: {{text: {q(text)}, start: {start}, end: {end}}}")
        out.append("    sources:")
        out += [
            f"      - {{url: {q(url)}, title: {q(title)}, supports: {q(supports)}}}"
            for url, title, supports in event.sources
        ]
        if event.discrepancy:
            out += [
                "    discrepancies:",
                "      - field: time",
                f"        article: {q('the ' + (event.time_label or 'day'))}",
                f"        sources: {q('an hour later, according to ' + event.sources[0][1])}",
                f"        source_urls: [{q(event.sources[0][0])}]",
            ]
    out.append("partners:")
    for code, name, (capital, lat, lon) in PARTNERS:
        out += [
            f"  - country: {code}",
            f"    name: {q(name)}",
            f"    capital: {{name: {q(capital)}, lat: {lat}, lon: {lon}, "
            f"source: {{url: {q(wiki(capital))}, title: {q(capital + ' - Wikipedia')}}}}}",
            "    quotes:",
            f"      - {{text: {q(ip4)}, start: {ip4_start}, end: {ip4_start + len(ip4)}}}",
        ]
    out += [
        "hq:",
        "  name: NATO Headquarters",
        "  city: Brussels",
        "  country: BE",
        "  lat: 50.879167",
        "  lon: 4.425",
        f"  source: {{url: {q(wiki('NATO headquarters'))}, title: NATO headquarters}}",
    ]
    return "\n".join(out) + "\n"


def _data(trip: _Trip) -> dict[str, Any]:
    """The same document as _yaml(trip), as plain JSON-ready data."""

    def src(url: str, title: str, supports: str = "") -> dict[str, str]:
        return {"url": url, "title": title, **({"supports": supports} if supports else {})}

    actors: list[dict[str, Any]] = []
    for i, a in enumerate(trip.actors):
        actor: dict[str, Any] = {
            "id": a.id, "name": a.name, "kind": a.kind, "role": a.role,
            "affiliation": a.affiliation,
        }  # fmt: skip
        if i == 0:
            end = len(trip.visitor_quote)
            actor["quote"] = {"text": trip.visitor_quote, "start": 0, "end": end}
        actors.append(actor)
    places: list[dict[str, Any]] = []
    for p in trip.places:
        city, lat, lon = p.city
        place: dict[str, Any] = {
            "id": p.id, "name": p.name, "type": p.type, "query": p.name, "country": p.country,
            "precision": p.precision,
            "locality": {
                "name": city, "lat": lat, "lon": lon, "max_km": LOCALITY_MAX_KM,
                "source": src(wiki(city), city + " - Wikipedia"),
            },
        }  # fmt: skip
        if p.pinned:
            plat, plon = jitter(random.Random(p.id), lat, lon)
            place["pin"] = {
                "lat": plat, "lon": plon, "precision": p.precision,
                "source": src(wiki(p.name), p.name, "coordinates"),
            }  # fmt: skip
        places.append(place)
    events: list[dict[str, Any]] = []
    for e in trip.events:
        text, start, end = e.quote
        event: dict[str, Any] = {
            "id": e.id, "day": e.day,
            "date": (START_DATE + dt.timedelta(days=e.day - 1)).isoformat(),
        }  # fmt: skip
        if e.time is not None:
            event["time"] = e.time
        event["time_precision"] = e.time_precision
        if e.time_label:
            event["time_label"] = e.time_label
        event.update(
            type=e.type, title=e.title, place=e.place.id,
            actors=[{"actor": a.id, "role": role} for a, role in e.actors],
            quote={"text": text, "start": start, "end": end},
            sources=[src(*s) for s in e.sources],
        )  # fmt: skip
        if e.discrepancy:
            event["discrepancies"] = [
                {
                    "field": "time",
                    "article": "the " + (e.time_label or "day"),
                    "sources": "an hour later, according to " + e.sources[0][1],
                    "source_urls": [e.sources[0][0]],
                }
            ]
        events.append(event)
    ip4 = {"text": trip.ip4, "start": trip.ip4_start, "end": trip.ip4_start + len(trip.ip4)}
    return {
        "trip": {
            "title": "Synthetic tour of the IP4 partners", "visitor": "visitor",
            "host_country": "JP", "start_date": START_DATE.isoformat(), "timezone": "Asia/Tokyo",
            "article": {
                "path": "synthetic-article.txt", "title": "A long tour of the Indo-Pacific",
                "outlet": "Synthetic Times", "url": "https://example.org/synthetic-article",
            },
            "sources": [src("https://www.nato.int/cps/en/natohq/news.htm", "NATO newsroom")],
        },
        "actors": actors,
        "places": places,
        "events": events,
        "partners": [
            {
                "country": code, "name": name,
                "capital": {
                    "name": capital, "lat": lat, "lon": lon,
                    "source": src(wiki(capital), capital + " - Wikipedia"),
                },
                "quotes": [ip4],
            }
            for code, name, (capital, lat, lon) in PARTNERS
        ],
        "hq": {
            "name": "NATO Headquarters", "city": "Brussels", "country": "BE",
            "lat": 50.879167, "lon": 4.425,
            "source": src(wiki("NATO headquarters"), "NATO headquarters"),
        },
    }  # fmt: skip


def write_warm_cache(itinerary: Itinerary, path: Path, provider: str = PROVIDER) -> GeocodeCache:
    """Cache a plausible geocoder answer for every unpinned place, and save it."""
    cache = GeocodeCache.open(path)
    for place in itinerary.places:
        if place.pin is None:
            rng = random.Random("cache:" + place.id)
            lat, lon = jitter(rng, place.locality.lat, place.locality.lon)
            raw: dict[str, Any] = {"class": "amenity", "type": place.type, "synthetic": True}
            display = f"{place.name}, {place.country}"
            cache.put(provider, place.query, [Candidate(lat, lon, display, raw)])
    cache.save()
    return cache
