"""Geodata that ships offline: country outlines from the countryinfo package."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

OUTLINE_SOURCE = "https://pypi.org/project/countryinfo/"


@lru_cache(maxsize=64)
def country_outline(iso2: str) -> BaseGeometry:
    """The country's (coarse) outline; KeyError for an unknown code."""
    from countryinfo import CountryInfo

    try:
        collection: dict[str, Any] = CountryInfo(iso2).geo_json()
    except (KeyError, ValueError) as exc:
        raise KeyError(f"no outline for country {iso2!r}") from exc
    geometry = shape(collection["features"][0]["geometry"])
    shapely.prepare(geometry)
    return geometry
