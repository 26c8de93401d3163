"""The `mapapp draft` command's work, kept out of mapapp/cli.py (a thin shell)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mapapp.errors import InputError, Problem
from mapapp.geocode.provider import ProviderSettings
from mapapp.pipeline import cache_path


def run_draft(
    article: Path,
    out: Path,
    published: str | None,
    geocode: bool,
    domain: str | None,
    scheme: str,
) -> str:
    """Draft, write, and say what was written and what to review."""
    from mapapp.draft.run import Geocoding, draft_file

    date = parse_published(published)
    geocoding = None
    if geocode:
        settings = ProviderSettings(name="nominatim", domain=domain, scheme=scheme)
        geocoding = Geocoding(settings, cache_path(out))
    result = draft_file(article, out, published=date, geocoding=geocoding)
    marks = sum(len(e.get("review", [])) for e in result.data["events"])
    lines = [f"warning: {w}" for w in result.warnings]
    lines.append(f"wrote {out} ({result.counts}; {marks} review marks: check them, then build)")
    return "\n".join(lines)


def parse_published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        date = None
    if date is None or not 1900 <= date.year <= 2100:
        msg = f"--published must be a date YYYY-MM-DD between 1900 and 2100; got {value!r}"
        raise InputError([Problem("--published", "", msg)])
    return date
