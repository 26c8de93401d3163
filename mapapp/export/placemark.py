"""What a placemark or waypoint says about an event: its name, time and description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mapapp.mapview import escape
from mapapp.mapview.present import safe_url, when_text


def event_name(props: dict[str, Any]) -> str:
    """The visit number and title, as shown on the map's markers."""
    return f"{props['seq']}. {props['title']}"


def event_lines(props: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs: the quote, when (the map's own wording), where and the sources."""
    return [
        ("Quote", props["quote"]),
        ("When", when_text(props)),
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
            parts.append(sources_html(props["sources"]))
        else:
            parts.append(f"<p><b>{label}</b>: {escape.html(text)}</p>")
    return "".join(parts)


def sources_html(urls: Iterable[str]) -> str:
    """The sources as links, by the map's one URL rule: what fails it stays text."""
    items = []
    for url in urls:
        href = safe_url(url)
        text = escape.html(url)
        items.append(f'<a href="{escape.html(href)}">{text}</a>' if href else text)
    return f"<p><b>Sources</b>: {', '.join(items)}</p>"


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
