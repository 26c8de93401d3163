"""When an event happened, as a span of real instants: the one rule behind the
stored `start_local`, `end_local`, `start_utc` and `end_utc`.

The build writes them, the schema upgrade derives them for older files, and
every export reads them, so QGIS's temporal controller, Google Earth's time
slider and the app's timeline agree. The span follows the time's precision:

- a time to the minute is an instant (start = end);
- a time to the hour spans that hour;
- no time: a part-of-day label ("morning") spans its hours, anything else
  spans the whole local day.

Ends are exclusive (a whole day ends at the next midnight), as in ISO 8601
intervals and KML's TimeSpan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Hours a part-of-day label covers; any other inexact time spans the whole day.
PART_OF_DAY_HOURS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
    "night": (20, 24),
}


class Span(NamedTuple):
    """An event's time span, local (with the trip's UTC offset) and in UTC.

    A named tuple, immutable as the frozen dataclass it was, and five times cheaper to
    make (a 100,000-event build makes 74,000).
    """

    start_local: str  # 2025-04-08T18:10:00+09:00
    end_local: str
    start_utc: str  # 2025-04-08T09:10:00Z
    end_utc: str

    @property
    def is_instant(self) -> bool:
        return self.start_utc == self.end_utc


@lru_cache(maxsize=64)
def zone(name: str) -> dt.tzinfo:
    """The trip's IANA time zone; UTC for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_bounds(
    date: str, time: str | None, precision: str, label: str
) -> tuple[dt.datetime, dt.datetime]:
    """Naive local start and end of the span (end exclusive; equal for an instant)."""
    midnight = _midnight(date)
    if time:
        start = midnight + _since_midnight(time)
        return start, start + _HOUR if precision == "hour" else start
    first, last = _PART_OF_DAY.get(label.strip().lower(), _WHOLE_DAY)
    return midnight + first, midnight + last


_HOUR = dt.timedelta(hours=1)
_PART_OF_DAY = {
    label: (dt.timedelta(hours=first), dt.timedelta(hours=last))
    for label, (first, last) in PART_OF_DAY_HOURS.items()
}
_WHOLE_DAY = (dt.timedelta(0), dt.timedelta(hours=24))


@lru_cache(maxsize=4096)
def _midnight(date: str) -> dt.datetime:
    """The start of a local day (a trip has several events a day: read once)."""
    day = dt.date.fromisoformat(date)  # ValueError for anything but a date
    return dt.datetime(day.year, day.month, day.day)


@lru_cache(maxsize=4096)
def _since_midnight(time: str) -> dt.timedelta:
    """HH:MM as the hours and minutes since midnight (seconds are not kept)."""
    clock = dt.time.fromisoformat(time)  # ValueError for anything but a time
    return dt.timedelta(hours=clock.hour, minutes=clock.minute)


def wall_clock_bounds(props: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """Naive local start and end of one event's span: the map's playback clock."""
    return local_bounds(
        str(props["date"]),
        props.get("time"),
        str(props.get("time_precision") or "day"),
        str(props.get("time_label") or ""),
    )


def event_span(props: dict[str, Any], timezone: str) -> Span:
    """The span of one event's properties (date, time, time_precision, time_label)."""
    return local_span(
        str(props["date"]),
        props.get("time"),
        str(props.get("time_precision") or "day"),
        str(props.get("time_label") or ""),
        timezone,
    )


@lru_cache(maxsize=1024)  # events come day by day; a day's events often share a span
def local_span(date: str, time: str | None, precision: str, label: str, timezone: str) -> Span:
    """The span of a local date and time in the trip's time zone (one immutable Span per
    distinct span, so the features that share it share its text too)."""
    start, end = local_bounds(date, time, precision, label)
    tz = zone(timezone)
    start_local, start_utc = _instant(start, tz)
    end_local, end_utc = (start_local, start_utc) if end == start else _instant(end, tz)
    return Span(start_local, end_local, start_utc, end_utc)


def _instant(wall: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    """A naive local wall time as ISO 8601 text, local (with its offset) and in UTC
    (YYYY-MM-DDTHH:MM:SSZ): what an aware datetime's isoformat() and astimezone(UTC)
    give, with no aware datetime made (a build writes four instants per event)."""
    offset = tz.utcoffset(wall) or _NO_OFFSET  # the wall time read in tz, fold 0
    return _iso(wall) + _offset_text(offset), _iso(wall - offset) + "Z"


_NO_OFFSET = dt.timedelta(0)


def _iso(wall: dt.datetime) -> str:
    """wall.isoformat() for a naive wall time, from a day's text and a table of clock
    times (isoformat itself is most of an instant's cost)."""
    if wall.microsecond:
        return wall.isoformat()
    return (
        _day_text(wall.toordinal()) + _CLOCK[wall.hour * 60 + wall.minute] + _SECONDS[wall.second]
    )


@lru_cache(maxsize=4096)
def _day_text(ordinal: int) -> str:
    """YYYY-MM-DDT of a proleptic Gregorian ordinal (a day's instants share it)."""
    return dt.date.fromordinal(ordinal).isoformat() + "T"


_CLOCK = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}" for s in range(60)]


@lru_cache(maxsize=256)
def _offset_text(offset: dt.timedelta) -> str:
    """+09:00 (or +05:53:20): an offset as datetime.isoformat() writes it."""
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone(offset)).isoformat()[19:]
