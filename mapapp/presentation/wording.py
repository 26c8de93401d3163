"""How an event reads, computed once: every view (map popup, details panel,
table, standalone page) shows these strings instead of formatting its own.

Pure Python, no folium: the app's logic and the map payload both import it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from mapapp.itinerary.uncertainty import DERIVED_RADIUS_M, PRECISION_LABEL

#: time_precision -> how sure the time is, for the timeline's legend and tooltips.
TIME_PRECISION_LABEL: dict[str, str] = {
    "minute": "to the minute",
    "hour": "to the hour",
    "part-of-day": "part of the day",
    "day": "day only",
}


def precision_label(geo_precision: int) -> str:
    """The words for a precision level; ValueError for an unknown level."""
    try:
        return PRECISION_LABEL[int(geo_precision)]
    except KeyError:
        raise ValueError(f"geo_precision must be 1, 2 or 3, not {geo_precision!r}") from None


def uncertainty_m(props: Mapping[str, Any]) -> int:
    """Radius in metres within which the event took place: the place's own
    `uncertainty_m` when the data has it, else the precision level's default."""
    own = props.get("uncertainty_m")
    if own is not None:
        return max(0, int(own))
    try:
        return DERIVED_RADIUS_M[int(props.get("geo_precision") or 1)]
    except KeyError:
        raise ValueError(
            f"geo_precision must be 1, 2 or 3, not {props.get('geo_precision')!r}"
        ) from None


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no javascript:, data:...).

    The one rule for every view: only what passes becomes a link.
    """
    text = str(url).strip()
    return text if _HTTP_URL.fullmatch(text) else None


#: http(s), a host, then anything but white space or control characters. A regular
#: expression rather than urlsplit: the map words every event's sources, and at
#: 10,000 events urlsplit was a fifth of the map's build time.
_HTTP_URL = re.compile(r"https?://[^\s/?#\\]+[^\s\x00-\x1f\x7f]*", re.IGNORECASE)


class SourceLink(NamedTuple):
    """One source line: its text, the link target (None: show as text) and a note."""

    text: str
    href: str | None
    note: str


#: After the heading of an event whose values a drafter inferred (`mapapp draft`).
DRAFT_MARK = " (draft, needs review)"


def heading(props: Mapping[str, Any]) -> str:
    """ "N. title": the order number first, so a click's tooltip names its event."""
    return f"{props['seq']}. {props['title']}" + (DRAFT_MARK if props.get("review") else "")


def when_text(props: Mapping[str, Any]) -> str:
    """Day, date and time as one line. A time label that starts with the time
    ("18:10, about 45 minutes") replaces the time instead of repeating it."""
    date = str(props.get("date") or "")
    time = str(props.get("time") or "")
    label = str(props.get("time_label") or "")
    if label and time and not label.startswith(time):
        text = f"{date} {time} ({label})"
    elif label:
        text = f"{date} {label}" if time else f"{date}, {label}"
    else:
        text = f"{date} {time}"
    return f"Day {props.get('day', '')}: {text.strip(' ,')}"


def distance_text(metres: int) -> str:
    """A rounded distance for people: "300 m", "2 km", "25 km"."""
    if metres < 1_000:
        return f"{metres} m"
    km = metres / 1_000
    return f"{km:.0f} km" if km >= 10 or km.is_integer() else f"{km:.1f} km"


def place_line(props: Mapping[str, Any]) -> str:
    """The place, its precision and the radius it may be off by."""
    label = precision_label(int(props.get("geo_precision") or 1))
    radius = uncertainty_m(props)
    extent = f", within about {distance_text(radius)}" if radius else ""
    return f"{props.get('place_name', '')} ({label}{extent})"


def sources(props: Mapping[str, Any]) -> list[SourceLink]:
    """The event's sources, then the source of its location."""
    links = [_source_link(str(u), "") for u in props.get("sources") or ()]
    location = props.get("location_source")
    if location:
        links.append(_source_link(str(location), "location"))
    return links


def _source_link(url: str, role: str) -> SourceLink:
    return SourceLink(url, safe_url(url), role)


@dataclass(frozen=True)
class EventView:
    """Everything a view shows of one event, as plain text (each view escapes it)."""

    heading: str
    when: str
    place: str
    place_note: str
    quote: str
    actors: tuple[str, ...]
    sources: tuple[SourceLink, ...]
    discrepancies: tuple[str, ...]


def event_view(props: Mapping[str, Any]) -> EventView:
    """The presentation of one event's properties."""
    return EventView(
        heading=heading(props),
        when=when_text(props),
        place=place_line(props),
        place_note=str(props.get("uncertainty_note") or ""),
        quote=str(props.get("quote") or ""),
        actors=tuple(props.get("actor_roles") or props.get("actors") or ()),
        sources=tuple(sources(props)),
        discrepancies=tuple(props.get("discrepancies") or ()),
    )
