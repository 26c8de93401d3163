"""The build step end to end: itinerary file -> resolved places -> GeoJSON file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.geocode.cache import Candidate, GeocodeCache
from mapapp.geocode.provider import Provider, ProviderSettings
from mapapp.geocode.resolve import Progress, Resolver, Summary
from mapapp.itinerary.countries import has_outline
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
    itinerary: Path | LoadedItinerary,
    *,
    out: Path | None = None,
    offline: bool = False,
    verify_pins: bool = False,
    settings: ProviderSettings | None = None,
    progress: Progress | None = None,
    write: bool = True,
    cache: Path | None = None,
    root: Path | None = None,
) -> BuildResult:
    """Load, geocode and write; on any error nothing is written.

    The one build path (CLI, app, uploads, benchmark). itinerary is a file, or an
    already loaded itinerary (an upload); cache defaults to the one beside the file,
    root bounds the files the itinerary may name (see load_itinerary).
    `progress` is called after each place (the CLI draws a bar with it).
    """
    if isinstance(itinerary, LoadedItinerary):
        loaded, source = itinerary, itinerary.path
    else:
        loaded, source = load_itinerary(itinerary, root=root), itinerary
    settings = settings or ProviderSettings()
    geocode_cache = GeocodeCache.open(cache or cache_path(source))
    provider = None if offline else _LazyProvider(settings)
    resolver = Resolver(
        geocode_cache,
        provider,
        provider_name=settings.name,
        offline=offline,
        verify_pins=verify_pins,
    )
    places = resolver.resolve_all(loaded, progress=progress)
    resolver.summary.warnings.extend(outline_notices(loaded))
    resolver.summary.warnings.extend(review_notices(loaded))
    collection = build_collection(loaded, places)
    target = out or output_path(source)
    if write:
        geojson_io.write(target, collection)
    return BuildResult(loaded, collection, resolver.summary, target if write else None)


def outline_notices(loaded: LoadedItinerary) -> list[str]:
    """Countries the offline data has no outline for: drawn without one, checked by distance."""
    it = loaded.itinerary
    notices = [
        f"partner {p.country}: no offline outline for this country; it is shown without one"
        for p in it.partners
        if not has_outline(p.country)
    ]
    notices += [
        f"{p.id}: no offline outline for {p.country}; checked by distance to its locality only"
        for p in it.places
        if not has_outline(p.country)
    ]
    return notices


def review_notices(loaded: LoadedItinerary) -> list[str]:
    """A draft's review marks (`mapapp draft`): a map is no better than its unchecked values."""
    it = loaded.itinerary
    places = {place.id for place in it.places if place.review}
    marked = [e.id for e in it.events if e.place in places or e.review]
    if not marked:
        return []
    shown = ", ".join(marked[:5]) + (f" and {len(marked) - 5} more" if len(marked) > 5 else "")
    return [f"{len(marked)} draft events need review (their values were inferred): {shown}"]


class _LazyProvider:
    """Creates the geopy geocoder only if a place actually needs the network."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self._provider: Provider | None = None

    def search(self, query: str, country: str) -> list[Candidate]:
        if self._provider is None:
            self._provider = Provider(self.settings)
        return self._provider.search(query, country)
