"""Talking to a geocoding service through geopy, politely and persistently.

Nominatim's usage policy asks for an identifying user agent, at most one request
a second and cached results; this module enforces the first two and the cache
module the third. Retries back off on time-outs, 429 (honouring Retry-After)
and 5xx answers; other failures are not retried.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from geopy import exc as geopy_exc
from geopy.adapters import BaseAdapter, RequestsAdapter, URLLibAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from mapapp import __version__
from mapapp.errors import GeocoderUnreachable, GeocodingError
from mapapp.geocode.cache import Candidate

USER_AGENT = f"mapapp/{__version__} (itinerary mapping; https://pypi.org/project/geopy/)"
PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
RETRYABLE = (
    geopy_exc.GeocoderTimedOut,
    geopy_exc.GeocoderRateLimited,
    geopy_exc.GeocoderUnavailable,
    geopy_exc.GeocoderServiceError,
)
NOT_RETRYABLE = (
    geopy_exc.GeocoderParseError,
    geopy_exc.GeocoderQueryError,
    geopy_exc.GeocoderAuthenticationFailure,
    geopy_exc.GeocoderInsufficientPrivileges,
    geopy_exc.ConfigurationError,
)


@dataclass(frozen=True)
class ProviderSettings:
    name: str = "nominatim"
    domain: str | None = None
    scheme: str = "https"
    user_agent: str = USER_AGENT
    timeout_s: float = 10.0
    min_delay_s: float = 1.0
    max_retries: int = 3
    backoff_s: float = 2.0
    limit: int = 5
    options: tuple[tuple[str, Any], ...] = ()


class Provider:
    """One geopy geocoder behind a rate limiter, with bounded retries.

    `sleep` and `clock` are injectable so tests can check every wait (the rate
    limiter's and the backoff's) without waiting or reading the real clock.
    """

    def __init__(
        self,
        settings: ProviderSettings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if settings.name == "nominatim" and settings.domain in (None, PUBLIC_NOMINATIM):
            # The public service's policy: never faster than one request a second.
            settings = _at_least_one_second(settings)
        kwargs: dict[str, Any] = {
            "timeout": settings.timeout_s,
            "adapter_factory": _adapter_without_retries(),
            **dict(settings.options),
        }
        if settings.domain:
            kwargs["domain"] = settings.domain
        kwargs["scheme"] = settings.scheme
        cls = get_geocoder_for_service(settings.name)
        if "user_agent" in inspect.signature(cls).parameters:
            kwargs["user_agent"] = settings.user_agent
        self.settings = settings
        self.name = settings.name
        self.geocoder = cls(**kwargs)
        self._sleep = sleep
        self._limited = _RateLimiter(
            self.geocoder.geocode,
            min_delay_seconds=settings.min_delay_s,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._limited.use(sleep, clock)
        self.requests = 0

    def search(self, query: str, country: str) -> list[Candidate]:
        """All candidates for the query, best first; [] when there are none."""
        kwargs: dict[str, Any] = {"exactly_one": False}
        if self.name == "nominatim":
            kwargs.update(limit=self.settings.limit, country_codes=country.lower())
        last: Exception | None = None
        for attempt in range(self.settings.max_retries + 1):
            try:
                self.requests += 1
                found = self._limited(query, **kwargs)
            except NOT_RETRYABLE as exc:
                raise GeocodingError(f"{self.name} refused {query!r}: {exc}") from exc
            except RETRYABLE as exc:
                last = exc
                if attempt == self.settings.max_retries:
                    break
                self._sleep(self._wait(exc, attempt))
                continue
            return [_candidate(loc) for loc in (found or [])]
        raise GeocoderUnreachable(
            f"{self.name} failed {self.settings.max_retries + 1} times for {query!r}: {last}"
        )

    def _wait(self, exc: Exception, attempt: int) -> float:
        backoff: float = self.settings.backoff_s * (2**attempt)
        retry_after = getattr(exc, "retry_after", None)
        return max(float(retry_after), backoff) if retry_after else backoff


def _adapter_without_retries() -> Callable[..., BaseAdapter]:
    """geopy's requests adapter retries on its own (urllib3: twice, at once, sleeping
    through Retry-After), bypassing the rate limiter, the backoff and max_retries.
    This class owns retries, so the adapter must make exactly one request."""
    factory: Callable[..., BaseAdapter] = URLLibAdapter
    if RequestsAdapter.is_available:
        factory = partial(RequestsAdapter, max_retries=0)
    return factory


class _RateLimiter(RateLimiter):  # type: ignore[misc]  # geopy is untyped
    """geopy's RateLimiter, sleeping and reading the time through the Provider's functions."""

    def use(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        self._sleep_with, self._clock_with = sleep, clock

    def _sleep(self, seconds: float) -> None:
        self._sleep_with(seconds)

    def _clock(self) -> float:
        return self._clock_with()


def _at_least_one_second(settings: ProviderSettings) -> ProviderSettings:
    return replace(settings, min_delay_s=max(settings.min_delay_s, 1.0))


def _candidate(location: Any) -> Candidate:
    raw = location.raw if isinstance(location.raw, dict) else {}
    return Candidate(float(location.latitude), float(location.longitude), location.address, raw)
