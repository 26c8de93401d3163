"""Turning a file a user uploads into data the app can show, or into clear problems."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.errors import InputError, Problem
from mapapp.geocode.cache import GeocodeCache
from mapapp.geocode.resolve import Resolver
from mapapp.itinerary.load import MAX_BYTES, parse_itinerary
from mapapp.pipeline import cache_path
from mapapp.store.build import build_collection
from mapapp.store.overlay import Overlay, classify, overlay_from
from mapapp.store.schema import upgrade
from mapapp.store.validate import validate_collection


@dataclass(frozen=True)
class Dataset:
    """What the app shows: a collection, and the article text when there is one."""

    name: str
    collection: dict[str, Any]
    article_text: str | None
    trip: dict[str, Any]
    key: str  # identifies the content (path and mtime, or a hash): caches key on it


def dataset_from_upload(raw: bytes, name: str, default_itinerary: Path) -> Dataset | Overlay:
    """An uploaded itinerary (YAML/JSON) or GeoJSON FeatureCollection, validated.

    A FeatureCollection that is not in mapapp's schema becomes an Overlay.

    Itineraries resolve offline (pins and the local geocode cache only): an
    upload never makes the app reach the network.
    """
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(name, "", f"file is {len(raw)} bytes; the limit is 10 MB")])
    if _looks_like_geojson(raw):
        return _geojson(raw, name)
    loaded = parse_itinerary(raw, name, base_dir=default_itinerary.parent)
    resolver = Resolver(GeocodeCache.open(cache_path(default_itinerary)), None, offline=True)
    places = resolver.resolve_all(loaded)
    collection = build_collection(loaded, places)
    key = _content_key(raw)
    return Dataset(name, collection, loaded.article_text, trip_summary(loaded.itinerary), key)


def _looks_like_geojson(raw: bytes) -> bool:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.get("type") == "FeatureCollection"


def _geojson(raw: bytes, name: str) -> Dataset | Overlay:
    text = raw.decode("utf-8")
    data = upgrade(json.loads(text))
    if classify(data) == "overlay":
        return overlay_from(data, name, _content_key(raw))
    problems = validate_collection(data, name, text)
    if problems:
        raise InputError(problems)
    trip = {"title": name, "discrepancies": []}
    return Dataset(name, data, None, trip, _content_key(raw))


def _content_key(raw: bytes) -> str:
    return "upload:" + hashlib.sha256(raw).hexdigest()


def trip_summary(itinerary: Any) -> dict[str, Any]:
    """The trip-level facts the app's header shows."""
    trip = itinerary.trip
    return {
        "title": trip.title,
        "article_title": trip.article.title,
        "article_url": str(trip.article.url) if trip.article.url else "",
        "outlet": trip.article.outlet,
        "discrepancies": [
            {"field": d.field, "article": d.article, "sources": d.sources,
             "urls": [str(u) for u in d.source_urls]}
            for d in trip.discrepancies
        ],
    }  # fmt: skip
