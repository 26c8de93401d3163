"""Places: names the gazetteer knows (cities, countries) and named sites ("Keio University").

Ambiguous city names are resolved by context: the host country, the other
countries the article names, a US state written next to the city ("Alexandria,
Virginia") and nearness to the article's other places; population only breaks ties.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from mapapp.draft.dates import MONTH_WORDS, WEEKDAY_WORDS
from mapapp.draft.gazetteer import City, Gazetteer
from mapapp.geocode.checks import distance_km

#: Words that make a capitalised phrase a site; a city inside the phrase locates it.
SITE_HEADS = frozenset(
    [
        "Palace",
        "Gate",
        "University",
        "College",
        "Base",
        "Works",
        "Hall",
        "Chancellery",
        "Airport",
        "Station",
        "Church",
        "Cathedral",
        "Memorial",
        "Headquarters",
        "Ministry",
        "Museum",
        "Theatre",
        "Theater",
        "Pass",
        "Embassy",
        "Street",
        "Square",
        "Park",
        "Stadium",
        "Temple",
        "Shrine",
        "Castle",
        "Abbey",
        "Bridge",
        "Tower",
        "Centre",
        "Center",
        "Foundation",
        "Institute",
        "Office",
        "Residence",
        "House",
        "Parliament",
        "Campus",
        "Port",
        "Harbour",
        "Harbor",
        "Shipyard",
        "Factory",
        "Plant",
        "Laboratory",
        "School",
        "Hospital",
        "Monument",
        "Cemetery",
        "Mosque",
        "Synagogue",
        "Library",
        "Opera",
        "Arena",
        "Zoo",
        "Garden",
        "Gardens",
        "Market",
        "Hotel",
        "Guesthouse",
        "Villa",
        "Mansion",
        "Barracks",
        "Academy",
        "Auditorium",
    ]
)
LOWER_HEADS = frozenset(
    [
        "airport",
        "station",
        "memorial",
        "headquarters",
        "embassy",
        "campus",
        "base",
        "palace",
        "cathedral",
        "museum",
        "factory",
        "plant",
        "shipyard",
        "port",
    ]
)
#: One-word institutions that are sites in a capital.
INSTITUTIONS = frozenset(
    [
        "Bundestag",
        "Reichstag",
        "Capitol",
        "Congress",
        "Kremlin",
        "Elysee",
        "Élysée",
        "Invalides",
        "Knesset",
        "Vatican",
        "Pentagon",
        "Kantei",
        "Bundesrat",
        "Storting",
        "Riksdag",
        "Folketing",
        "Sejm",
        "Duma",
    ]
)
#: Sites that are the business of a national government: in the capital unless a city is named.
GOVERNMENT_WORDS = frozenset(
    [
        "Palace",
        "Chancellery",
        "Ministry",
        "Parliament",
        "Embassy",
        "Office",
        "Residence",
        "Bundestag",
        "Reichstag",
        "Capitol",
        "Congress",
        "Kremlin",
        "Elysee",
        "Élysée",
        "Invalides",
        "Knesset",
        "Pentagon",
        "Kantei",
        "Bundesrat",
        "Downing",
        "House",
        "Senate",
        "Assembly",
    ]
)
_WORD = r"(?:St\.[ ])?[A-Z][\w'’-]*"
_LINK = r"(?:of|the|de|du|des|la|le|am|an|der|upon|on)[ ]"  # "Great Hall of the People"
_CAP_PHRASE = re.compile(rf"U\.S\.|U\.K\.|{_WORD}(?:[ ](?:{_LINK}){{0,2}}{_WORD})*")
#: Capitalised words that are never a place on their own (GeoNames has a town "March").
NOT_PLACES = (
    frozenset(
        [
            *MONTH_WORDS,
            *WEEKDAY_WORDS,
            "The",
            "A",
            "An",
            "He",
            "She",
            "It",
            "They",
            "We",
            "I",
            "President",
            "King",
            "Queen",
            "Prime",
            "Minister",
            "Chancellor",
            "Mayor",
            "Premier",
            "Secretary",
            "General",
        ]
    )
    | SITE_HEADS
)
_POSSESSIVE = re.compile(r"['’]s$")
_LOWER_HEAD_AFTER = re.compile(r"^[ ](" + "|".join(sorted(LOWER_HEADS)) + r")\b")


@dataclass
class Mention:
    """A name in the text: a city (with its candidates), a country, or a site."""

    kind: str  # "city", "country", "site"
    name: str
    start: int
    end: int
    candidates: tuple[City, ...] = ()
    country: str | None = None
    inner_city: Mention | None = None  # a site's city named inside it
    via_alias: bool = False
    city: City | None = None  # the chosen candidate

    @property
    def government(self) -> bool:
        return any(word in GOVERNMENT_WORDS for word in self.name.split())


def find_mentions(text: str, gaz: Gazetteer, blocked: list[tuple[int, int]]) -> list[Mention]:
    """Every place name outside the blocked spans (people's names), in text order."""
    spans = sorted(blocked)
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))  # the furthest end so far

    def is_blocked(m: Mention) -> bool:
        i = bisect_left(starts, m.end)  # spans starting before the mention ends
        return i > 0 and reach[i - 1] > m.start

    out: list[Mention] = []
    for match in _CAP_PHRASE.finditer(text):
        out += [m for m in _phrase_mentions(text, match.group(), match.start(), gaz)
                if not is_blocked(m)]  # fmt: skip
    return out


def _phrase_mentions(text: str, phrase: str, start: int, gaz: Gazetteer) -> list[Mention]:
    words = phrase.split(" ")
    lower = _LOWER_HEAD_AFTER.match(text[start + len(phrase) : start + len(phrase) + 20])
    last = _POSSESSIVE.sub("", words[-1]).rstrip(".")
    heads = [_POSSESSIVE.sub("", w).rstrip(".") in SITE_HEADS for w in words[1:]]
    site = (any(heads) or (words[0] in SITE_HEADS and len(words) > 2)) and len(words) > 1
    site = site or lower is not None or last in INSTITUTIONS
    if phrase.rstrip(".") in INSTITUTIONS:
        site = True
    mentions = _gazetteer_mentions(words, start, gaz)
    if not site:
        return mentions
    name = _POSSESSIVE.sub("", phrase).rstrip(".")
    if name.startswith("The "):
        name, start = name[4:], start + 4
    end = start + len(name)
    if lower is not None:
        name, end = f"{name} {lower.group(1)}", end + len(lower.group())
    if name.split()[0] in gaz.country_names and len(name.split()) <= 2 and lower is None:
        return mentions
    inner = next((m for m in mentions if m.kind == "city" and not m.via_alias), None)
    country = next((m.country for m in mentions if m.kind == "country"), None)
    return [Mention("site", name, start, end, inner_city=inner, country=country)]


def _gazetteer_mentions(words: list[str], start: int, gaz: Gazetteer) -> list[Mention]:
    """Longest runs of words that name a city or a country."""
    out: list[Mention] = []
    offsets, pos = [], start
    for word in words:
        offsets.append(pos)
        pos += len(word) + 1
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 4), i, -1):
            name = _POSSESSIVE.sub("", " ".join(words[i:j])).rstrip(".,")
            mention = _lookup(name, offsets[i], gaz)
            if mention is not None:
                out.append(mention)
                i = j
                break
        else:
            i += 1
    return out


def _lookup(name: str, start: int, gaz: Gazetteer) -> Mention | None:
    end = start + len(name)
    if name in NOT_PLACES:
        return None
    code = gaz.country_of(name)
    if code is not None:
        return Mention("country", name, start, end, country=code)
    if name in gaz.us_states and not _big_city(gaz, name):
        return Mention("state", name, start, end, country="US")
    if name in gaz.cities:
        return Mention("city", name, start, end, candidates=gaz.cities[name])
    if name in gaz.aliases:
        return Mention("city", name, start, end, candidates=gaz.aliases[name], via_alias=True)
    return None


def _big_city(gaz: Gazetteer, name: str) -> bool:
    found = gaz.cities.get(name, ()) + gaz.aliases.get(name, ())
    return any(c.population >= 500_000 for c in found)


def country_votes(
    mentions: list[Mention], dateline: Mention | None, demonyms: set[str]
) -> dict[str, float]:
    """How strongly the article points at each country (a demonym counts half)."""
    votes: dict[str, float] = defaultdict(float)
    for m in mentions:
        if m.kind == "country" and m.country:
            votes[m.country] += 0.5 if m.name in demonyms else 1.0
        elif m.kind == "city" and m.candidates:
            best = max(m.candidates, key=lambda c: c.population)
            votes[best.country] += 1.0 if not m.via_alias else 0.5
    if dateline is not None and dateline.candidates:
        votes[max(dateline.candidates, key=lambda c: c.population).country] += 2
    return votes


def resolve(
    mentions: list[Mention], text: str, host: str, countries: set[str], gaz: Gazetteer
) -> None:
    """Choose each city mention's candidate, in two passes (the second uses the first's places)."""
    anchors: list[City] = []
    for m in mentions:
        if m.kind == "city" and len({(c.lat, c.lon) for c in m.candidates}) == 1:
            m.city = m.candidates[0]
            anchors.append(m.city)
    for _ in range(2):
        anchors = list({a.geonameid: a for a in anchors}.values())
        chosen: dict[tuple[str, str], City] = {}  # a name and the words after it decide
        for m in mentions:
            if m.kind != "city" or len(m.candidates) < 2:
                continue
            key = (m.name, text[m.end : m.end + 30])
            if key not in chosen:
                chosen[key] = max(
                    m.candidates, key=lambda c: _score(c, m, text, host, countries, anchors)
                )
            m.city = chosen[key]
        anchors = [m.city for m in mentions if m.city is not None]
    for m in mentions:
        if m.inner_city is not None and m.inner_city.city is None and m.inner_city.candidates:
            inner = m.inner_city
            inner.city = max(
                inner.candidates, key=lambda c: _score(c, inner, text, host, countries, anchors)
            )


def _score(
    city: City, m: Mention, text: str, host: str, countries: set[str], anchors: list[City]
) -> float:
    score = city.weight
    if city.country == host:
        score += 3
    elif city.country in countries:
        score += 1.5
    after = text[m.end : m.end + 40]
    state = re.match(r",\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)", after)
    if state and city.country == "US" and _state_code(state.group(1)) == city.admin1:
        score += 5
    near = [a for a in anchors if a is not city and a.name != city.name]
    if any(distance_km(city.lat, city.lon, a.lat, a.lon) < 150 for a in near):
        score += 1.5
    return score


def _state_code(name: str) -> str | None:
    from mapapp.draft.gazetteer import load

    return load().us_states.get(name)
