"""What a placemark or waypoint says about an event: its name, time and description."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def event_name(props: dict[str, Any]) -> str:
    """The visit number and title, as shown on the map's markers."""
    return f"{props['order']}. {props['title']}"


def event_lines(props: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs: the quote, when, where and the sources."""
    when = props["date"] + (f" {props['time']}" if props["time"] else "")
    if props["time_label"] and props["time_label"] != props["time"]:
        when += f" ({props['time_label']})"
    return [
        ("Quote", props["quote"]),
        ("When", when),
        ("Where", props["place_name"]),
        ("Sources", " ".join(props["sources"])),
    ]


def event_text(props: dict[str, Any]) -> str:
    """Plain-text description (GPX)."""
    return "\n".join(f"{label}: {text}" for label, text in event_lines(props))


def event_html(props: dict[str, Any]) -> str:
    """HTML description (KML balloons), every value escaped; sources as links."""
    parts = []
    for label, text in event_lines(props):
        if label == "Sources":
            links = ", ".join(
                f'<a href="{html.escape(u)}">{html.escape(u)}</a>' for u in props["sources"]
            )
            parts.append(f"<p><b>Sources</b>: {links}</p>")
        else:
            parts.append(f"<p><b>{label}</b>: {html.escape(text)}</p>")
    return "".join(parts)


def event_instant(props: dict[str, Any], timezone: str) -> dt.datetime | None:
    """The event's start in UTC, when its time is known; None for a day-only event."""
    if not props["time"]:
        return None
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = dt.datetime.fromisoformat(f"{props['date']}T{props['time']}").replace(tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)
