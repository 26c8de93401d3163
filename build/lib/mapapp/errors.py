"""The project's exceptions.

Like geopy's, each also inherits the builtin that best describes it, so callers
that only know Python's builtins can still catch them sensibly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class MapappError(Exception):
    """Base of every error mapapp raises on purpose."""

    exit_code = 1


class InputError(MapappError, ValueError):
    """Bad user input; the CLI exits with status 2 and writes nothing."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OutputError(MapappError, OSError):
    """A file could not be written where the user asked (a directory, no permission)."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class GeocodingError(MapappError, LookupError):
    """A place could not be resolved to coordinates we trust."""

    exit_code = 2


class OfflineCacheMiss(GeocodingError):
    """Offline mode, and neither the cache nor an override knows the place."""


class GeocoderUnreachable(GeocodingError, ConnectionError):
    """The geocoding service failed after all retries."""
