"""Turning files a user uploads into data the app can show, or into clear problems.

An upload never names a file on the server. An itinerary brings its article with
it: embedded as trip.article.text, or uploaded alongside as a .txt file (matched
by the file name in trip.article.path, or the only .txt uploaded). The one
exception is the article the app already shows: an edited copy of the served
itinerary that names that same article file gets the text already on screen.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mapapp.errors import InputError, Problem
from mapapp.itinerary.load import parse_itinerary
from mapapp.itinerary.models import Article
from mapapp.pipeline import build, cache_path
from mapapp.safe_files import MAX_UPLOAD_BYTES, check_size, decode_utf8
from mapapp.store import geojson_io
from mapapp.store.overlay import Overlay, classify, overlay_from
from mapapp.store.validate import validate_collection

_GEOJSON_HEAD = re.compile(rb'"type"\s*:\s*"Feature(Collection)?"|"features"\s*:')
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".geojson")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class Dataset:
    """What the app shows: a collection, and the article text when there is one."""

    name: str
    collection: dict[str, Any]
    article_text: str | None
    trip: dict[str, Any]
    key: str  # identifies the content (path and mtime, or a hash): caches key on it
    notices: tuple[str, ...] = ()  # said once, above the map (a country with no outline)
    draft_yaml: str | None = None  # a bare article's draft itinerary, offered for download


def dataset_from_upload(raw: bytes, name: str, default_itinerary: Path) -> Dataset | Overlay:
    """One uploaded file (see dataset_from_uploads)."""
    return dataset_from_uploads([(name, raw)], default_itinerary)


def dataset_from_uploads(
    files: Sequence[tuple[str, bytes]],
    default_itinerary: Path,
    shown_articles: Mapping[str, str] | None = None,
) -> Dataset | Overlay:
    """An uploaded itinerary (YAML/JSON, with its article) or GeoJSON FeatureCollection.

    A valid FeatureCollection that is not in mapapp's schema becomes an Overlay.

    shown_articles maps an article's file name to the text the app already shows.
    Itineraries resolve offline (pins and the local geocode cache only): an
    upload never makes the app reach the network.
    """
    for name, raw in files:
        check_size(raw, name, MAX_UPLOAD_BYTES)
    data = [(n, r) for n, r in files if n.lower().endswith(DATA_SUFFIXES)]
    texts = {n: r for n, r in files if n.lower().endswith(TEXT_SUFFIXES)}
    others = [n for n, _ in files if not n.lower().endswith(DATA_SUFFIXES + TEXT_SUFFIXES)]
    if not data and not others and len(texts) == 1:
        return _bare_article(files, default_itinerary)
    if len(data) != 1 or others:
        names = ", ".join(n for n, _ in files) or "nothing"
        msg = (
            "upload one itinerary (.yaml, .json) with its article (.txt), "
            f"one GeoJSON file (.geojson), or one article (.txt) alone to draft; got {names}"
        )
        raise InputError([Problem("upload", "", msg)])
    name, raw = data[0]
    if is_geojson(name, raw):
        return _geojson(raw, name, _key(files))
    find = _article_finder(texts, shown_articles or {})
    # base_dir is never read: find_article answers, or the upload is refused.
    loaded = parse_itinerary(raw, name, base_dir=Path(name).parent, find_article=find)
    result = build(loaded, cache=cache_path(default_itinerary), offline=True, write=False)
    trip = trip_summary(loaded.itinerary)
    notices = tuple(result.summary.warnings)
    return Dataset(name, result.collection, loaded.article_text, trip, _key(files), notices)


def _bare_article(files: Sequence[tuple[str, bytes]], default_itinerary: Path) -> Dataset:
    """An article alone: drafted (mapapp draft) and shown with its review marks."""
    from mapapp.app.draft_upload import draft_dataset

    [(name, raw)] = files
    return draft_dataset(name, raw, default_itinerary, _key(files))


def is_geojson(name: str, raw: bytes) -> bool:
    """By its name (.geojson), or a .json whose start has a GeoJSON type or features member.

    Decided before parsing, so a broken GeoJSON file is reported as GeoJSON, not YAML.
    """
    lowered = name.lower()
    if lowered.endswith(".geojson"):
        return True
    return lowered.endswith(".json") and _GEOJSON_HEAD.search(raw[:4096]) is not None


def _article_finder(
    texts: Mapping[str, bytes], shown: Mapping[str, str]
) -> Callable[[Article], str | None]:
    def find(article: Article) -> str | None:
        wanted = PurePosixPath(article.path or "").name
        raw = texts.get(wanted)
        if raw is None and len(texts) == 1:
            [(wanted, raw)] = texts.items()
        if raw is not None:
            return decode_utf8(raw, wanted, keep_bom=True)
        return shown.get(wanted)

    return find


def _geojson(raw: bytes, name: str, key: str) -> Dataset | Overlay:
    text = decode_utf8(raw, name)
    data = geojson_io.parse(text, name)
    if classify(data) == "overlay":
        return overlay_from(data, name, key)
    problems = validate_collection(data, name, text)
    if problems:
        raise InputError(problems)
    return Dataset(name, data, None, {"title": name, "discrepancies": []}, key)


def _key(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, raw in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(raw).digest())
    return "upload:" + digest.hexdigest()


def trip_summary(itinerary: Any) -> dict[str, Any]:
    """The trip-level facts the app's header shows."""
    trip = itinerary.trip
    return {
        "title": trip.title,
        "article_title": trip.article.title,
        "article_url": str(trip.article.url) if trip.article.url else "",
        "article_file": PurePosixPath(trip.article.path or "").name,
        "outlet": trip.article.outlet,
        "discrepancies": [
            {"field": d.field, "article": d.article, "sources": d.sources,
             "urls": [str(u) for u in d.source_urls]}
            for d in trip.discrepancies
        ],
    }  # fmt: skip
