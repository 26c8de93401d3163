"""The pack document: its layout, deterministic JSON, and reading it back.

A pack is one JSON object:
  format, version, name, extent [w, s, e, n], credits [{text, url}],
  layers [{id, kind, levels: [{minzoom, maxzoom, scale, parts: [{bbox, geometry}]}]}],
  labels [{text, alt, kind, lon, lat, minzoom, maxzoom}].
`geometry` is `codec.encode`'s output; a level is cut into parts (grid cells) so
the map only draws the parts in view. The same input gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapapp.basemap.codec import Encoded
from mapapp.errors import InputError, Problem

FORMAT = "mapapp-basemap"
VERSION = 1
MAX_ZOOM = 22


@dataclass(frozen=True)
class Part:
    bbox: list[float]
    geometry: Encoded


@dataclass
class Level:
    minzoom: int
    maxzoom: int
    scale: int
    parts: list[Part]

    def as_json(self) -> dict[str, Any]:
        return {
            "minzoom": self.minzoom,
            "maxzoom": self.maxzoom,
            "scale": self.scale,
            "parts": [{"bbox": p.bbox, "geometry": p.geometry} for p in self.parts],
        }


@dataclass
class Layer:
    id: str
    kind: str
    levels: list[Level] = field(default_factory=list)


@dataclass(frozen=True)
class Label:
    text: str
    alt: str
    kind: str
    lon: float
    lat: float
    minzoom: int
    maxzoom: int = MAX_ZOOM


@dataclass(frozen=True)
class Credit:
    text: str
    url: str


@dataclass
class Pack:
    name: str
    extent: list[float]
    credits: list[Credit]
    layers: list[Layer]
    labels: list[Label]


def dumps(pack: Pack) -> str:
    """Compact JSON, one layer per line (readable diffs), keys in a fixed order."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {
        "format": FORMAT,
        "version": VERSION,
        "name": pack.name,
        "extent": [round(v, 5) for v in pack.extent],
        "credits": [{"text": c.text, "url": c.url} for c in pack.credits],
    }
    layers = [
        one({"id": layer.id, "kind": layer.kind, "levels": [lv.as_json() for lv in layer.levels]})
        for layer in pack.layers
    ]
    labels = [one(vars(label)) for label in sorted(pack.labels, key=_label_key)]
    return (
        one(head)[:-1]
        + ',\n"layers":[\n'
        + ",\n".join(layers)
        + '\n],\n"labels":[\n'
        + ",\n".join(labels)
        + "\n]}\n"
    )


def _label_key(label: Label) -> tuple[int, str, float, float]:
    return (label.minzoom, label.text, label.lon, label.lat)


def load(path: Path) -> dict[str, Any]:
    """A pack file as a dict, checked for its format; InputError if it is not one."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(path), "", f"not a readable JSON pack: {exc}")]) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError([Problem(str(path), "format", f"not a {FORMAT} file")])
    if doc.get("version") != VERSION:
        raise InputError(
            [Problem(str(path), "version", f"version {doc.get('version')!r}, expected {VERSION}")]
        )
    return doc
