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

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from mapapp import safe_json
from mapapp.atomic import write_text_atomic
from mapapp.errors import InputError, Problem
from mapapp.itinerary.yaml_lines import LineIndex, dotted
from mapapp.safe_files import decode_utf8, read_regular


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


def _cache_problem(problem: Problem) -> Problem:
    message = problem.message.replace("invalid JSON", "geocode cache is not valid JSON")
    return Problem(problem.file, problem.field, message, problem.line)


class _Result(BaseModel):
    """One cached answer, as written by put(); checked when the cache is read."""

    model_config = ConfigDict(extra="allow")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    display_name: str
    raw: dict[str, Any] = Field(default_factory=dict)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="allow")
    results: list[_Result]


_ENTRIES = TypeAdapter(dict[str, _Entry])


@dataclass
class GeocodeCache:
    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, path: Path) -> GeocodeCache:
        """Read and check every entry up front: a hand-edited cache fails here, by name."""
        if not path.exists() and not path.is_symlink():
            return cls(path)
        raw = read_regular(path)
        text = decode_utf8(raw, str(path))
        try:
            data = safe_json.loads(text, str(path))
        except InputError as exc:
            raise InputError([_cache_problem(p) for p in exc.problems]) from exc
        if not isinstance(data, dict):
            raise InputError([Problem(str(path), "", "geocode cache must be a JSON object", 1)])
        try:
            _ENTRIES.validate_python(data, strict=True)
        except ValidationError as exc:
            lines = LineIndex(text)
            raise InputError(
                [
                    Problem(str(path), dotted(tuple(e["loc"])), e["msg"], lines.line(e["loc"]))
                    for e in exc.errors()
                ]
            ) from exc
        return cls(path, data)

    def get(self, provider: str, query: str) -> list[Candidate] | None:
        entry = self.entries.get(cache_key(provider, query))
        if entry is None:
            return None
        return [
            Candidate(float(r["lat"]), float(r["lon"]), r["display_name"], r.get("raw", {}))
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
