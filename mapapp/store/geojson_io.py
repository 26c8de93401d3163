"""Reading and writing FeatureCollections byte-for-byte deterministically.

One feature per line keeps the file diff-friendly for reviewers and lets the
validator name a feature's line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mapapp.atomic import write_bytes_atomic
from mapapp.errors import InputError, Problem

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]


def dumps(collection: FeatureCollection) -> str:
    """Serialise with a fixed layout: same input, same bytes."""
    head = {k: v for k, v in collection.items() if k != "features"}
    parts = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    meta = "".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}," for k, v in head.items())
    body = ",\n".join(parts)
    return "{" + meta + '"features":[\n' + body + "\n]}\n"


def write(path: Path, collection: FeatureCollection) -> None:
    write_bytes_atomic(path, dumps(collection).encode("utf-8"))


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
    return data
