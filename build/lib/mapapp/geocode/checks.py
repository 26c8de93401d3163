"""Is a coordinate plausible for a place? Checked with shapely against offline outlines."""

from __future__ import annotations

from functools import lru_cache

import shapely
from geopy.distance import geodesic
from shapely.geometry.base import BaseGeometry

from mapapp.geodata import country_outline
from mapapp.itinerary.models import Place

# countryinfo's outlines are coarse (Japan has 65 vertices); coastal sites fall
# outside them, so a point may lie this far (in degrees, about 25 km) beyond.
COUNTRY_BUFFER_DEG = 0.25


@lru_cache(maxsize=64)
def _buffered(iso2: str) -> BaseGeometry:
    geometry = country_outline(iso2).buffer(COUNTRY_BUFFER_DEG)
    shapely.prepare(geometry)
    return geometry


def _has_outline(iso2: str) -> bool:
    """No outline (Monaco, Singapore): only the distance check applies (the build says so)."""
    try:
        _buffered(iso2)
    except KeyError:
        return False
    return True


def problem_with(lat: float, lon: float, place: Place) -> str | None:
    """Why (lat, lon) cannot be this place, or None when it is plausible."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"coordinates out of range ({lat}, {lon})"
    if _has_outline(place.country) and not _buffered(place.country).contains(
        shapely.Point(lon, lat)
    ):
        return f"({lat:.5f}, {lon:.5f}) is outside {place.country}"
    km = distance_km(lat, lon, place.locality.lat, place.locality.lon)
    if km > place.locality.max_km:
        return (
            f"({lat:.5f}, {lon:.5f}) is {km:.0f} km from {place.locality.name}; "
            f"at most {place.locality.max_km:g} km expected"
        )
    return None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(geodesic((lat1, lon1), (lat2, lon2)).km)
