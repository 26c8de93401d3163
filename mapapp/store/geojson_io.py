"""Reading and writing FeatureCollections byte-for-byte deterministically.

One feature per line keeps the file diff-friendly for reviewers and lets the
validator name a feature's line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapapp.atomic import write_chunks_atomic
from mapapp.errors import InputError, Problem
from mapapp.store.schema import upgrade

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]


def chunks(collection: FeatureCollection) -> Iterator[str]:
    """The serialised file piece by piece, in a fixed layout: same input, same bytes."""
    head = {k: v for k, v in collection.items() if k != "features"}
    meta = "".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}," for k, v in head.items())
    yield "{" + meta + '"features":[\n'
    separator = ""
    for feature in collection["features"]:
        yield separator + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        separator = ",\n"
    yield "\n]}\n"


def dumps(collection: FeatureCollection) -> str:
    return "".join(chunks(collection))


def write(path: Path, collection: FeatureCollection) -> None:
    """Stream to a temporary file, then rename: a large collection never sits in memory twice."""
    write_chunks_atomic(path, (c.encode("utf-8") for c in chunks(collection)))


def read(path: Path) -> FeatureCollection:
    """Load a FeatureCollection; a missing or broken file is an InputError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot read file: {exc.strerror}")]) from exc
    return loads(raw, str(path))


def loads(raw: bytes, name: str) -> FeatureCollection:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", f"not UTF-8 text (byte {exc.start})")]) from exc
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, "", f"invalid JSON: {exc.msg}", exc.lineno)]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError([Problem(name, "type", "expected a GeoJSON FeatureCollection", 1)])
    if not isinstance(data.get("features"), list):
        raise InputError([Problem(name, "features", "expected a list of features", 1)])
    return upgrade(data)
