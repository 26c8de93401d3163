"""When an event happened, as a span of the trip's wall-clock time: the one rule
behind the timeline chart and the map's playback.

An event with a time is an instant; "morning" and friends span their hours;
anything else spans its whole day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

#: Hours a part-of-day label covers; any other inexact time spans the whole day.
PART_OF_DAY_HOURS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
    "night": (20, 24),
}


def span(props: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """Start and end (naive, the trip's local time) of the event's period."""
    day = date.fromisoformat(str(props["date"]))
    if props.get("time"):
        instant = datetime.combine(day, time.fromisoformat(str(props["time"])))
        return instant, instant
    label = str(props.get("time_label") or "").strip().lower()
    start, end = PART_OF_DAY_HOURS.get(label, (0, 24))
    midnight = datetime.combine(day, time())
    return midnight + timedelta(hours=start), midnight + timedelta(hours=end)


def is_coarse(props: Mapping[str, Any]) -> bool:
    """True when only the day or a part of it is known (no clock time)."""
    return not props.get("time")
