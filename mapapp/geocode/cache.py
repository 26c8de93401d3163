"""The geocode cache: a reviewable JSON file of every answer a provider gave.

Keyed by provider and normalised query, so a warm cache makes a build run with
zero network calls. Saved atomically: a crash never leaves half a file.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mapapp.atomic import write_text_atomic
from mapapp.errors import InputError, Problem


def normalise_query(query: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())


def cache_key(provider: str, query: str) -> str:
    return f"{provider}|{normalise_query(query)}"


@dataclass(frozen=True)
class Candidate:
    lat: float
    lon: float
    display_name: str
    raw: dict[str, Any]


@dataclass
class GeocodeCache:
    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, path: Path) -> GeocodeCache:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"geocode cache is not valid JSON: {exc}"
            raise InputError([Problem(str(path), "", msg)]) from exc
        if not isinstance(data, dict):
            raise InputError([Problem(str(path), "", "geocode cache must be a JSON object")])
        return cls(path, data)

    def get(self, provider: str, query: str) -> list[Candidate] | None:
        entry = self.entries.get(cache_key(provider, query))
        if entry is None:
            return None
        return [
            Candidate(r["lat"], r["lon"], r["display_name"], r.get("raw", {}))
            for r in entry["results"]
        ]

    def put(self, provider: str, query: str, results: list[Candidate]) -> None:
        self.entries[cache_key(provider, query)] = {
            "provider": provider,
            "query": query,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "results": [
                {"lat": c.lat, "lon": c.lon, "display_name": c.display_name, "raw": c.raw}
                for c in results
            ],
        }
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            text = json.dumps(self.entries, indent=2, sort_keys=True, ensure_ascii=False)
            write_text_atomic(self.path, text + "\n")
            self.dirty = False
