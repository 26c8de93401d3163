"""How an event reads, computed once: every view (map popup, details panel,
table, standalone page) shows these strings instead of formatting its own.

Pure Python, no folium: the app's logic and the map payload both import it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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


def safe_urls(urls: Sequence[object]) -> list[str | None]:
    """`safe_url` of each (the same rule, a C-level loop: the map checks every
    source of a large trip)."""
    texts = list(map(str.strip, map(str, urls)))
    return [t if ok else None for t, ok in zip(texts, map(_HTTP_URL.fullmatch, texts), strict=True)]


class SourceLink(NamedTuple):
    """One source line: its text, the link target (None: show as text) and a note."""

    text: str
    href: str | None
    note: str


#: The note after the source of an event's location, in its list of sources.
LOCATION_NOTE = "location"

#: After the heading of an event whose values a drafter inferred (`mapapp draft`).
DRAFT_MARK = " (draft, needs review)"


def heading(props: Mapping[str, Any]) -> str:
    """ "N. title": the order number first, so a click's tooltip names its event."""
    return heading_of(props["seq"], props["title"], props.get("review"))


def heading_of(seq: object, title: object, review: object) -> str:
    """`heading` from its three fields (the map words a column of them at once)."""
    return f"{seq}. {title}" + (DRAFT_MARK if review else "")


def when_text(props: Mapping[str, Any]) -> str:
    """Day, date and time as one line. A time label that starts with the time
    ("18:10, about 45 minutes") replaces the time instead of repeating it."""
    return when_of(
        props.get("day", ""), props.get("date"), props.get("time"), props.get("time_label")
    )


def when_of(day: object, date: object, time: object, label: object) -> str:
    """`when_text` from its four fields (the map words columns of them at once)."""
    date = str(date or "")
    time = str(time or "")
    label = str(label or "")
    if label and time and not label.startswith(time):
        text = f"{date} {time} ({label})"
    elif label:
        text = f"{date} {label}" if time else f"{date}, {label}"
    else:
        text = f"{date} {time}"
    return f"Day {day}: {text.strip(' ,')}"


def distance_text(metres: int) -> str:
    """A rounded distance for people: "300 m", "2 km", "25 km"."""
    if metres < 1_000:
        return f"{metres} m"
    km = metres / 1_000
    return f"{km:.0f} km" if km >= 10 or km.is_integer() else f"{km:.1f} km"


def place_line(props: Mapping[str, Any]) -> str:
    """The place, its precision and the radius it may be off by."""
    return place_of(
        props.get("place_name", ""), props.get("geo_precision"), props.get("uncertainty_m")
    )


def place_of(name: object, geo_precision: object, own_radius: object) -> str:
    """`place_line` from its three fields (the map words columns of them at once)."""
    label = precision_label(int(geo_precision or 1))  # type: ignore[call-overload]
    radius = uncertainty_m({"uncertainty_m": own_radius, "geo_precision": geo_precision})
    extent = f", within about {distance_text(radius)}" if radius else ""
    return f"{name} ({label}{extent})"


def sources(props: Mapping[str, Any]) -> list[SourceLink]:
    """The event's sources, then the source of its location."""
    links = [_source_link(str(u), "") for u in props.get("sources") or ()]
    location = props.get("location_source")
    if location:
        links.append(_source_link(str(location), LOCATION_NOTE))
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


@dataclass(frozen=True)
class EventColumns:
    """`event_view` for many events, field by field: column k is event k's view.

    The map words every event of a collection; at 100,000 events one
    `event_view` each was half the map's build time. The strings are the same
    (they come from the same functions): only repeats are computed once.
    """

    heading: list[str]
    when: list[str]
    place: list[str]
    place_note: list[str]
    quote: list[str]
    actors: list[tuple[str, ...]]
    sources: list[tuple[SourceLink, ...]]
    discrepancies: list[tuple[str, ...]]


def event_columns(props_seq: Sequence[Mapping[str, Any]]) -> EventColumns:
    """The presentation of many events' properties, as columns (see EventColumns).

    The same functions as `event_view`, a field at a time; what depends on few
    inputs is worded once per distinct input: a trip has thousands of events but
    far fewer places, and a source URL (a place's location source) recurs.
    """
    props = list(props_seq)
    places: dict[tuple[str, Any, Any], str] = {}
    plain: dict[object, SourceLink] = {}
    located: dict[object, SourceLink] = {}

    def place_of(p: Mapping[str, Any]) -> str:
        key = (str(p.get("place_name", "")), p.get("geo_precision"), p.get("uncertainty_m"))
        try:
            return places[key]
        except KeyError:
            text = places[key] = place_line(p)
            return text
        except TypeError:  # an unhashable value (data that skipped the store's checks)
            return place_line(p)

    def link(memo: dict[object, SourceLink], url: object, role: str) -> SourceLink:
        found = memo.get(url) if isinstance(url, str) else None
        if found is None:
            found = _source_link(str(url), role)
            if isinstance(url, str):
                memo[url] = found
        return found

    def sources_of(p: Mapping[str, Any]) -> tuple[SourceLink, ...]:
        found = [link(plain, u, "") for u in p.get("sources") or ()]
        location = p.get("location_source")
        if location:
            found.append(link(located, location, LOCATION_NOTE))
        return tuple(found)

    return EventColumns(
        heading=[heading(p) for p in props],
        when=[when_text(p) for p in props],
        place=[place_of(p) for p in props],
        place_note=[str(p.get("uncertainty_note") or "") for p in props],
        quote=[str(p.get("quote") or "") for p in props],
        actors=[tuple(p.get("actor_roles") or p.get("actors") or ()) for p in props],
        sources=[sources_of(p) for p in props],
        discrepancies=[tuple(p.get("discrepancies") or ()) for p in props],
    )
