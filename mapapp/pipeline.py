"""The build step end to end: itinerary file -> resolved places -> GeoJSON file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.geocode.cache import Candidate, GeocodeCache
from mapapp.geocode.provider import Provider, ProviderSettings
from mapapp.geocode.resolve import Progress, Resolver, Summary
from mapapp.itinerary.load import LoadedItinerary, load_itinerary
from mapapp.store import geojson_io
from mapapp.store.build import build_collection

DEFAULT_ITINERARY = Path("data/itinerary.yaml")


def output_path(itinerary: Path) -> Path:
    return itinerary.with_suffix(".geojson")


def cache_path(itinerary: Path) -> Path:
    return itinerary.parent / "geocode_cache.json"


@dataclass(frozen=True)
class BuildResult:
    loaded: LoadedItinerary
    collection: dict[str, Any]
    summary: Summary
    path: Path | None


def build(
    itinerary: Path,
    *,
    out: Path | None = None,
    offline: bool = False,
    verify_pins: bool = False,
    settings: ProviderSettings | None = None,
    progress: Progress | None = None,
    write: bool = True,
) -> BuildResult:
    """Load, geocode and write; on any error nothing is written.

    `progress` is called after each place (the CLI draws a bar with it).
    """
    loaded = load_itinerary(itinerary)
    settings = settings or ProviderSettings()
    cache = GeocodeCache.open(cache_path(itinerary))
    provider = None if offline else _LazyProvider(settings)
    resolver = Resolver(
        cache,
        provider,
        provider_name=settings.name,
        offline=offline,
        verify_pins=verify_pins,
    )
    places = resolver.resolve_all(loaded, progress=progress)
    collection = build_collection(loaded, places)
    target = out or output_path(itinerary)
    if write:
        geojson_io.write(target, collection)
    return BuildResult(loaded, collection, resolver.summary, target if write else None)


class _LazyProvider:
    """Creates the geopy geocoder only if a place actually needs the network."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self._provider: Provider | None = None

    def search(self, query: str, country: str) -> list[Candidate]:
        if self._provider is None:
            self._provider = Provider(self.settings)
        return self._provider.search(query, country)
