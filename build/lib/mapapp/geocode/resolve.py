"""Turn every place of an itinerary into trusted coordinates.

Order of trust: a human pin (override) wins; otherwise the first geocoder
candidate that passes the shapely checks. Cached answers are used before the
network, and offline mode never touches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from mapapp.errors import GeocodingError, InputError, OfflineCacheMiss, Problem
from mapapp.geocode.cache import Candidate, GeocodeCache
from mapapp.geocode.checks import distance_km, problem_with
from mapapp.itinerary.load import LoadedItinerary
from mapapp.itinerary.models import Place
from mapapp.itinerary.yaml_lines import dotted

DISAGREEMENT_KM = 1.0

#: Called after each place: (places done, places in all, the place's id).
Progress = Callable[[int, int, str], None]


class Searcher(Protocol):
    """What the resolver needs from a geocoder (a Provider, or anything alike)."""

    def search(self, query: str, country: str) -> list[Candidate]: ...


@dataclass(frozen=True)
class Resolved:
    lat: float
    lon: float
    precision: int
    geocoder: str
    display_name: str
    source_url: str | None


@dataclass
class Summary:
    from_cache: int = 0
    from_provider: int = 0
    from_override: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.from_override} from overrides, {self.from_cache} from cache, "
            f"{self.from_provider} from the provider, {self.rejected} candidates rejected"
        )


@dataclass
class Resolver:
    """Resolves places with a cache, an optional provider and the itinerary's pins."""

    cache: GeocodeCache
    provider: Searcher | None
    provider_name: str = "nominatim"
    offline: bool = False
    verify_pins: bool = False
    threshold_km: float = DISAGREEMENT_KM
    summary: Summary = field(default_factory=Summary)

    def resolve_all(
        self, loaded: LoadedItinerary, progress: Progress | None = None
    ) -> dict[str, Resolved]:
        """Every place's coordinates; the cache is saved even when a place fails.

        Silent: a caller that shows progress (the CLI's bar) passes `progress`.
        """
        places = loaded.itinerary.places
        out: dict[str, Resolved] = {}
        try:
            for index, place in enumerate(places):
                out[place.id] = self._resolve(loaded, index, place)
                if progress:
                    progress(index + 1, len(places), place.id)
        finally:
            self.cache.save()
        return out

    def _resolve(self, loaded: LoadedItinerary, index: int, place: Place) -> Resolved:
        if place.pin is not None:
            reason = problem_with(place.pin.lat, place.pin.lon, place)
            if reason is not None:
                loc = ("places", index, "pin")
                msg = f"pinned coordinates rejected: {reason}"
                raise InputError([Problem(str(loaded.path), dotted(loc), msg, loaded.line(loc))])
            self.summary.from_override += 1
            self._compare_with_geocoder(place)
            return Resolved(
                place.pin.lat,
                place.pin.lon,
                place.pin.precision,
                "override",
                place.name,
                str(place.pin.source.url),
            )
        candidates = self._candidates(place, may_query=True)
        if candidates is None:
            raise OfflineCacheMiss(
                f"place {place.id!r} ({place.query!r}) is neither cached nor pinned; "
                "run without --offline, or add a pin with its source"
            )
        reasons = []
        for candidate in candidates:
            reason = problem_with(candidate.lat, candidate.lon, place)
            if reason is None:
                return Resolved(
                    round(candidate.lat, 6),
                    round(candidate.lon, 6),
                    place.precision,
                    self.provider_name,
                    candidate.display_name,
                    None,
                )
            self.summary.rejected += 1
            self.summary.warnings.append(
                f"{place.id}: rejected {candidate.display_name!r}: {reason}"
            )
            reasons.append(reason)
        loc = ("places", index, "query")
        why = "; ".join(reasons) if reasons else "the geocoder found nothing"
        raise InputError(
            [
                Problem(
                    str(loaded.path), dotted(loc), f"no acceptable result: {why}", loaded.line(loc)
                )
            ]
        )

    def _candidates(self, place: Place, may_query: bool) -> list[Candidate] | None:
        cached = self.cache.get(self.provider_name, place.query)
        if cached is not None:
            self.summary.from_cache += 1
            return cached
        if self.offline or self.provider is None or not may_query:
            return None
        found = self.provider.search(place.query, place.country)
        self.cache.put(self.provider_name, place.query, found)
        self.summary.from_provider += 1
        return found

    def _compare_with_geocoder(self, place: Place) -> None:
        assert place.pin is not None
        try:
            candidates = self._candidates(place, may_query=self.verify_pins)
        except GeocodingError as exc:
            self.summary.warnings.append(f"{place.id}: could not verify the pin: {exc}")
            return
        if not candidates:
            return
        best = candidates[0]
        km = distance_km(best.lat, best.lon, place.pin.lat, place.pin.lon)
        if km > self.threshold_km:
            self.summary.warnings.append(
                f"{place.id}: the override is {km:.1f} km from {self.provider_name}'s "
                f"{best.display_name!r}; the override wins"
            )
