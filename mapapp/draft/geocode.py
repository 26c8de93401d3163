"""--geocode: named sites through the existing geopy provider and its cache.

The answers go into the geocode cache beside the draft, so `mapapp build`
(offline or not) reads the same answers; a site the geocoder cannot place near
its city stays at the city, pinned, with its review mark.
"""

from __future__ import annotations

from pathlib import Path

from mapapp.draft.events import DraftEvent
from mapapp.draft.write import city_radius_m
from mapapp.errors import GeocodingError
from mapapp.geocode.cache import GeocodeCache
from mapapp.geocode.checks import distance_km
from mapapp.geocode.provider import Provider, ProviderSettings


def geocode_sites(
    events: list[DraftEvent], settings: ProviderSettings, cache_file: Path, warnings: list[str]
) -> set[str]:
    """Keys of the sites the geocoder found near their city (answers cached)."""
    cache = GeocodeCache.open(cache_file)
    provider: Provider | None = None
    found: set[str] = set()
    seen: set[str] = set()
    try:
        for event in events:
            stop = event.stop
            if not stop.site or stop.key in seen:
                continue
            seen.add(stop.key)
            query = f"{stop.name}, {stop.city.name}"
            candidates = cache.get(settings.name, query)
            if candidates is None:
                provider = provider or Provider(settings)
                try:
                    candidates = provider.search(query, stop.city.country)
                except GeocodingError as exc:
                    warnings.append(f"{stop.name}: the geocoder failed ({exc}); kept at the city")
                    continue
                cache.put(settings.name, query, candidates)
            limit_km = round(city_radius_m(stop.city) / 1000 + 10)
            near = [
                c for c in candidates
                if distance_km(c.lat, c.lon, stop.city.lat, stop.city.lon) <= limit_km
            ]  # fmt: skip
            if near:
                found.add(stop.key)
            else:
                warnings.append(f"{stop.name}: the geocoder found nothing near {stop.city.name}")
    finally:
        cache.save()
    return found
