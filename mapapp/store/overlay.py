"""Sorting an uploaded FeatureCollection: mapapp's own data, or a foreign overlay.

Only a collection in mapapp's schema (every feature has a known `kind`) may
replace the itinerary data. Any other valid RFC 7946 FeatureCollection is kept
as an overlay: drawn on top, its properties shown as text, never mixed into
the itinerary's events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import shapely
from geojson_pydantic import FeatureCollection
from pydantic import ValidationError

from mapapp.errors import InputError, Problem
from mapapp.store.schema import SCHEMA_MEMBER, has_mapapp_kinds

Role = Literal["itinerary", "overlay"]


@dataclass(frozen=True)
class Overlay:
    """A foreign FeatureCollection to draw over the itinerary map."""

    name: str
    collection: dict[str, Any]
    key: str  # identifies the content: caches key on it

    @property
    def count(self) -> int:
        return len(self.collection["features"])


def classify(data: dict[str, Any]) -> Role:
    """'itinerary' for mapapp's schema (its member, or only known kinds), else 'overlay'."""
    if SCHEMA_MEMBER in data:
        return "itinerary"
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return "overlay"
    return "itinerary" if has_mapapp_kinds(features) else "overlay"


def overlay_from(data: dict[str, Any], name: str, key: str) -> Overlay:
    """A checked overlay: a valid RFC 7946 FeatureCollection with WGS84 lon/lat positions."""
    try:
        FeatureCollection.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(name, ".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()
        ]
        raise InputError(problems[:20]) from exc
    problems = []
    for index, feature in enumerate(data["features"]):
        if feature.get("geometry") is None:
            continue
        west, south, east, north = shapely.from_geojson(json.dumps(feature["geometry"])).bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            problems.append(
                Problem(
                    name,
                    f"features[{index}].geometry",
                    "positions out of range; RFC 7946 wants WGS84 longitude, latitude",
                )
            )
    if problems:
        raise InputError(problems[:20])
    return Overlay(name, data, key)
