"""Everything the app decides, as pure functions: tested without Streamlit.

app.py only lays out widgets and calls these.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mapapp.export.filters import available, events_of

Props = dict[str, Any]
QUERY_KEYS = ("day", "actor", "type")


@dataclass(frozen=True)
class Filters:
    days: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "days": list(self.days) or None,
            "actors": list(self.actors) or None,
            "types": list(self.types) or None,
        }


@dataclass(frozen=True)
class ParsedQuery:
    filters: Filters
    ignored: list[str] = field(default_factory=list)


def parse_query(params: Mapping[str, Sequence[str]], collection: dict[str, Any]) -> ParsedQuery:
    """Filters from the URL's repeatable day/actor/type parameters.

    Unknown values are dropped and reported, never raised: a stale link still opens.
    """
    known = available(collection)
    actors_by_key = {a.casefold(): a for a in known["actors"]}
    days: list[int] = []
    actors: list[str] = []
    types: list[str] = []
    ignored: list[str] = []
    for raw in params.get("day", []):
        value = raw.strip()
        # At most 4 digits: int() of a 5,000-digit link value would raise.
        if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) in known["days"]:
            _add(days, int(value))
        else:
            ignored.append(f"day={raw}")
    for raw in params.get("actor", []):
        name = actors_by_key.get(raw.strip().casefold())
        if name is None:
            ignored.append(f"actor={raw}")
        else:
            _add(actors, name)
    types_by_key = {t.casefold(): t for t in known["types"]}
    for raw in params.get("type", []):
        event_type = types_by_key.get(raw.strip().casefold())
        if event_type is None:
            ignored.append(f"type={raw}")
        else:
            _add(types, event_type)
    # A link is untrusted: show at most 10 ignored values, each cut to 80 characters.
    shown = [v if len(v) <= 80 else v[:79] + "…" for v in ignored[:10]]
    return ParsedQuery(Filters(tuple(days), tuple(actors), tuple(types)), shown)


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The URL parameters that reproduce these filters (empty ones left out)."""
    query = {
        "day": [str(d) for d in filters.days],
        "actor": list(filters.actors),
        "type": list(filters.types),
    }
    return {k: v for k, v in query.items() if v}


def _add(items: list[Any], value: Any) -> None:
    if value not in items:
        items.append(value)


def itinerary_rows(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """The itinerary table: exactly the events in the collection, in visit order."""
    rows = []
    for f in sorted(events_of(collection), key=lambda f: f["properties"]["order"]):
        p = f["properties"]
        rows.append(
            {
                "#": p["order"],
                "day": p["day"],
                "date": p["date"],
                "time": p["time"] or p["time_label"] or "",
                "place": p["place_name"],
                "event": p["title"],
                "actors": ", ".join(p["actors"]),
                "precision": p["geo_precision"],
                "discrepancies": len(p["discrepancies"]),
            }
        )
    return rows


def timeline_rows(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (event, actor): the timeline chart's data."""
    return [
        {
            "order": f["properties"]["order"],
            "day": f["properties"]["day"],
            "date": f["properties"]["date"],
            "event": f["properties"]["title"],
            "actor": actor,
        }
        for f in events_of(collection)
        for actor in f["properties"]["actors"]
    ]


def highlight_article(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """The article as escaped HTML, with each quoted span wrapped in <mark>.

    spans are (start, end, label); overlapping spans merge. The label shows as a
    tooltip. Every piece of text goes through html.escape.
    """
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, label in sorted(spans):
        if not (0 <= start < end <= len(text)):
            continue
        if merged and start <= merged[-1][1]:
            last_start, last_end, labels = merged[-1]
            merged[-1] = (last_start, max(last_end, end), [*labels, label])
        else:
            merged.append((start, end, [label]))
    out: list[str] = []
    cursor = 0
    for start, end, labels in merged:
        out.append(_paragraphs(text[cursor:start]))
        title = html.escape("; ".join(dict.fromkeys(labels)), quote=True)
        out.append(f'<mark title="{title}">{_paragraphs(text[start:end])}</mark>')
        cursor = end
    out.append(_paragraphs(text[cursor:]))
    return "".join(out)


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br><br>")


_ORDER = re.compile(r"^\s*(\d+)\.")


def event_for_click(
    tooltip: str | None, latlng: Mapping[str, float] | None, collection: dict[str, Any]
) -> Props | None:
    """Which event a map click meant: by the tooltip's order number, else the nearest point."""
    events: list[Props] = [f["properties"] for f in events_of(collection)]
    if tooltip:
        match = _ORDER.match(tooltip)
        if match:
            order = int(match.group(1))
            for props in events:
                if props["order"] == order:
                    return props
    if latlng and "lat" in latlng and "lng" in latlng:
        lat, lng = float(latlng["lat"]), float(latlng["lng"])
        near = [p for p in events if abs(p["lat"] - lat) < 1e-4 and abs(p["lon"] - lng) < 1e-4]
        return near[0] if near else None
    return None


def quote_spans(collection: dict[str, Any]) -> list[tuple[int, int, str]]:
    """The article spans behind the shown events and partners."""
    spans = []
    for f in collection["features"]:
        p = f["properties"]
        if p["kind"] == "event":
            spans.append((p["quote_start"], p["quote_end"], f"{p['order']}. {p['title']}"))
        elif p["kind"] == "partner":
            spans += [
                (s, e, p["name"]) for s, e in zip(p["quote_starts"], p["quote_ends"], strict=True)
            ]
    return spans


def details_html(props: Props) -> str:
    """The selected event's details panel; every value escaped, links http(s) only."""
    e = html.escape
    time, label = props["time"] or "", props["time_label"]
    if time and label.startswith(time):
        time = ""  # the label already gives it ("18:10, about 45 minutes")
    when = " ".join(x for x in (props["date"], time, label) if x)
    precision = {1: "exact site", 2: "neighbourhood or town", 3: "region"}[props["geo_precision"]]
    parts = [
        f"<h4>{e(str(props['order']))}. {e(props['title'])}</h4>",
        f"<p><b>Day {e(str(props['day']))}</b> · {e(when)}</p>",
        f"<p><b>Place:</b> {e(props['place_name'])} "
        f"<small>(precision {e(str(props['geo_precision']))}: {e(precision)}; "
        f"located by {e(props['geocoder'])})</small></p>",
        "<p><b>Actors:</b> " + e(", ".join(props["actor_roles"])) + "</p>",
        f"<blockquote>{e(props['quote'])}<br><small>article, characters "
        f"{e(str(props['quote_start']))}–{e(str(props['quote_end']))}</small></blockquote>",
    ]
    links = [_link(url) for url in props["sources"]]
    if props.get("location_source"):
        links.append(_link(props["location_source"]) + " <small>(location)</small>")
    if links:
        parts.append(
            "<p><b>Sources:</b></p><ul>" + "".join(f"<li>{x}</li>" for x in links) + "</ul>"
        )
    if props["discrepancies"]:
        items = "".join(f"<li>{e(d)}</li>" for d in props["discrepancies"])
        parts.append(f'<div class="discrepancy"><b>⚠ Discrepancies:</b><ul>{items}</ul></div>')
    return '<div style="overflow-wrap:anywhere">' + "".join(parts) + "</div>"


def _link(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return html.escape(url)
    href = html.escape(url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener">{html.escape(url)}</a>'
