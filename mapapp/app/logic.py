"""Everything the app decides, as pure functions: tested without Streamlit.

page.py only lays out widgets and calls these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import altair as alt
import pandas as pd

from mapapp.export.filters import events_of, key
from mapapp.presentation import escape, wording
from mapapp.presentation.palette import day_color
from mapapp.store.times import PART_OF_DAY_HOURS

Props = dict[str, Any]
QUERY_KEYS = ("day", "actor", "type")


@dataclass(frozen=True)
class Filters:
    days: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def key(self) -> Filters:
        """The filter as a set (its values sorted): what it shows does not depend on
        the order they were picked in, so it is one key in the caches every viewer
        shares. The filter itself keeps the viewer's order (the link shows it)."""
        days, actors, types = sorted(self.days), sorted(self.actors), sorted(self.types)
        return Filters(tuple(days), tuple(actors), tuple(types))

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


def parse_query(
    params: Mapping[str, Sequence[str]], known: Mapping[str, Sequence[Any]]
) -> ParsedQuery:
    """Filters from the URL's repeatable day/actor/type parameters; known: the data's
    days, actors and types (`export.filters.available`, which the page holds).

    Unknown values are dropped and reported, never raised: a stale link still opens.
    """
    days: list[int] = []
    ignored: list[str] = []
    for raw in params.get("day", []):
        value = raw.strip()
        # At most 4 digits: int() of a 5,000-digit link value would raise.
        if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) in known["days"]:
            _add(days, int(value))
        else:
            ignored.append(f"day={raw}")
    actors = _known_names(params.get("actor", []), known["actors"], "actor", ignored)
    types = _known_names(params.get("type", []), known["types"], "type", ignored)
    # A link is untrusted: show at most 10 ignored values, each cut to 80 characters.
    shown = [v if len(v) <= 80 else v[:79] + "…" for v in ignored[:10]]
    return ParsedQuery(Filters(tuple(days), tuple(actors), tuple(types)), shown)


def _known_names(
    raws: Sequence[str], names: Sequence[str], param: str, ignored: list[str]
) -> list[str]:
    """The data's spelling of each value that matches a name by the filters' one rule
    (filters.key); the others go to `ignored` as `param=value`."""
    by_key = {key(n): n for n in names}
    found: list[str] = []
    for raw in raws:
        name = by_key.get(key(raw))
        if name is None:
            ignored.append(f"{param}={raw}")
        else:
            _add(found, name)
    return found


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The URL parameters that reproduce these filters (empty ones left out)."""
    query = {
        "day": [str(d) for d in filters.days],
        "actor": list(filters.actors),
        "type": list(filters.types),
    }
    return {k: v for k, v in query.items() if v}


#: Link parameters the map's playback reads itself (js/playback.js): kept in the URL.
PLAYBACK_KEYS = ("t", "play")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def playback_query(params: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The playback's link parameters worth keeping: a well-formed `t`, `play=1`."""
    t = [v for v in params.get("t", [])[:1] if _MOMENT.fullmatch(v)]
    play = [v for v in params.get("play", [])[:1] if v == "1"]
    return {k: v for k, v in (("t", t), ("play", play)) if v}


def _add(items: list[Any], value: Any) -> None:
    if value not in items:
        items.append(value)


def itinerary_rows(collection: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
    """The itinerary table: exactly the events in the collection, in visit order
    (the first `limit` of them, when given)."""
    rows = []
    events = sorted(events_of(collection), key=lambda f: f["properties"]["seq"])
    for f in events if limit is None else events[:limit]:
        p = f["properties"]
        view = wording.event_view(p)
        rows.append(
            {
                "#": p["seq"],
                "event_id": p["event_id"],
                "day": p["day"],
                "when": view.when,
                "event": p["title"],
                "place": view.place,
                "actors": ", ".join(p["actors"]),
                "sources": [s.href for s in view.sources if s.href],
                "discrepancies": len(p["discrepancies"]),
                "review": f"draft, needs review ({len(p['review'])})" if p.get("review") else "",
            }
        )
    return rows


def time_span(props: Props) -> tuple[str, str]:
    """When an event happened, as ISO start and end (local time of the trip).

    An event with a time is an instant; "morning" and friends span their hours;
    anything else spans its whole day, so the chart shows how sure the time is.
    """
    date = str(props["date"])
    if props.get("time"):
        instant = f"{date}T{props['time']}:00"
        return instant, instant
    start, end = PART_OF_DAY_HOURS.get(str(props.get("time_label") or "").strip().lower(), (0, 24))
    day_end = f"{date}T{end:02d}:00:00" if end < 24 else f"{date}T23:59:59"
    return f"{date}T{start:02d}:00:00", day_end


def timeline_rows(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (event, actor): the timeline chart's data, on a real time axis."""
    rows = []
    for f in events_of(collection):
        p = f["properties"]
        start, end = time_span(p)
        precision = wording.TIME_PRECISION_LABEL.get(p["time_precision"], p["time_precision"])
        for actor in p["actors"]:
            rows.append(
                {
                    "order": p["seq"],
                    "day": p["day"],
                    "date": p["date"],
                    "start": start,
                    "end": end,
                    "when": wording.when_text(p),
                    "time precision": precision,
                    "exact": start == end,
                    "event": wording.heading(p),
                    "actor": actor,
                }
            )
    return rows


def day_scale(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The timeline's colour scale: each day in the map's colour for it."""
    days = sorted({r["day"] for r in rows})
    return {"domain": days, "range": [day_color(d) for d in days]}


def timeline_chart(
    rows: Sequence[Mapping[str, Any]],
    timezone: str | None = None,
    data: Any = None,
    *,
    colours: bool = True,
) -> alt.LayerChart:
    """The timeline: actors down, date and time across (in the trip's time zone, as
    the article and sources give it), in the map's day colours; a dot for a time to
    the minute, a bar for a part of the day or a whole day. `data`: where the rows
    come from (by default, the rows themselves inline). Without `colours`, the
    colour channel has no scale yet (timeline_spec adds it to the dict)."""
    colour = alt.Color("day:O", title="day")
    if colours:
        scale = day_scale(rows)
        colour = alt.Color(
            "day:O", title="day", scale=alt.Scale(domain=scale["domain"], range=scale["range"])
        )
    marks = alt.Chart(pd.DataFrame(list(rows)) if data is None else data).encode(
        y=alt.Y("actor:N", title=None),
        color=colour,
        tooltip=["when:N", "time precision:N", "event:N", "actor:N"],
    )
    title = f"date and time ({timezone or 'local'})"
    axis = alt.X("start:T", title=title, axis=alt.Axis(format="%d %b %H:%M"))
    spans = marks.transform_filter("!datum.exact").mark_bar(height=10, opacity=0.45)
    instants = marks.transform_filter("datum.exact").mark_point(size=160, filled=True)
    # The playback's cursor: a rule at the moment a hidden text input bound to
    # NOW_PARAM holds (set by the app's follow component; empty: no cursor).
    now = alt.param(name=NOW_PARAM, value="", bind=alt.binding(input="text", name=NOW_PARAM))
    cursor = (
        alt.Chart(pd.DataFrame([{"cursor": 1}]))
        .transform_filter(f"{NOW_PARAM} != ''")
        .transform_calculate(now=f"toDate({NOW_PARAM})")
        # Decorative for assistive technology (aria=False): the "Now: ..." note
        # under the map says the same in words, and a nameless SVG image fails axe.
        .mark_rule(color="#111111", strokeWidth=2, strokeDash=[4, 2], aria=False)
        .encode(x=alt.X("now:T"))
    )
    return alt.LayerChart(
        layer=[spans.encode(x=axis, x2="end:T"), instants.encode(x=axis), cursor]
    ).add_params(now)


#: The timeline's cursor parameter: its bound input is named so (follow.mjs sets it).
NOW_PARAM = "mapapp_now"


def timeline_spec(rows: Sequence[Mapping[str, Any]], timezone: str | None = None) -> dict[str, Any]:
    """The timeline as a Vega-Lite spec with its data as Arrow bytes: made once per
    data and filter, then sent as is. Not validated against the Vega-Lite schema
    here (a third of a rerun): the chart is this module's own, and its tests
    validate it (timeline_chart(...).to_dict())."""
    from streamlit import dataframe_util

    # The rows go by name, straight to Arrow: Altair would first turn them into a
    # list of dicts (and refuse more than 5,000: an upload of 4,000 events failed).
    named = alt.NamedData(name=TIMELINE_DATA)
    # The day scale goes into the dict: as an Altair object its thousands of days
    # (an actor of 100,000 events) were copied and checked over and over (1.5 s).
    spec: dict[str, Any] = timeline_chart(rows, timezone, named, colours=False).to_dict(
        validate=False
    )
    scale = day_scale(rows)
    for layer in spec["layer"]:
        if "color" in layer.get("encoding", {}):
            layer["encoding"]["color"]["scale"] = scale
    values = {**spec.get("datasets", {}), TIMELINE_DATA: pd.DataFrame(list(rows))}
    spec["datasets"] = {
        name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(data))
        for name, data in values.items()
    }
    return spec


TIMELINE_DATA = "mapapp_timeline"


#: Past this many characters the app shows only the article's marked paragraphs:
#: a whole 27 MB article (100,000 events) was escaped and sent on every rerun.
ARTICLE_FULL_MAX_CHARS = 1_000_000
#: Between two excerpts: the paragraphs left out.
EXCERPT_GAP = '<p class="mapapp-gap">[…]</p>'


def highlight_article(
    text: str,
    spans: Sequence[tuple[int, int, str]],
    seqs: Mapping[str, int] | None = None,
    *,
    excerpt: bool = False,
) -> str:
    """The article as escaped HTML, with each quoted span wrapped in <mark>.

    spans are (start, end, label); overlapping spans merge. The label shows as a
    tooltip. A mark whose labels name events (`seqs`: label -> event seq) lists
    their numbers in `data-seqs`, so the playback can mark the current event's
    sentence. Every piece of text goes through escape.html. With `excerpt`, only
    the paragraphs holding a mark, EXCERPT_GAP between them (nothing: no mark).
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
    if not excerpt:
        return _marked(text, merged, 0, len(text), seqs or {})
    pieces: list[tuple[int, int, list[tuple[int, int, list[str]]]]] = []
    for start, end, labels in merged:  # each mark's paragraphs, merged when they touch
        first = text.rfind("\n", 0, start) + 1
        last = text.find("\n", end)
        last = len(text) if last < 0 else last
        if pieces and first <= pieces[-1][1]:
            pieces[-1] = (
                pieces[-1][0],
                max(pieces[-1][1], last),
                [*pieces[-1][2], (start, end, labels)],
            )
        else:
            pieces.append((first, last, [(start, end, labels)]))
    return EXCERPT_GAP.join(_marked(text, marks, a, b, seqs or {}) for a, b, marks in pieces)


def _marked(
    text: str,
    merged: Sequence[tuple[int, int, list[str]]],
    begin: int,
    stop: int,
    seqs: Mapping[str, int],
) -> str:
    """text[begin:stop] as escaped HTML, its merged spans (all within it) marked."""
    out: list[str] = []
    cursor = begin
    for start, end, labels in merged:
        out.append(_paragraphs(text[cursor:start]))
        title = escape.html("; ".join(dict.fromkeys(labels)))
        numbers = sorted({seqs[x] for x in labels if x in seqs})
        data = f' data-seqs="{escape.html(" ".join(map(str, numbers)))}"' if numbers else ""
        out.append(f'<mark title="{title}"{data}>{_paragraphs(text[start:end])}</mark>')
        cursor = end
    out.append(_paragraphs(text[cursor:stop]))
    return "".join(out)


def _paragraphs(text: str) -> str:
    return escape.html(text).replace("\n", "<br><br>")


_ORDER = re.compile(r"^\s*(\d+)\.")


def event_for_click(
    tooltip: str | None,
    latlng: Mapping[str, float] | None,
    collection: dict[str, Any],
    by_seq: Mapping[int, Props] | None = None,
) -> Props | None:
    """Which event a map click meant: by the tooltip's order number, else the nearest point.

    by_seq: the collection's events by seq (`events_by`), when the caller keeps
    them (a view does): a click among a million events is then one look-up, not a
    pass over them all."""
    if tooltip:
        match = _ORDER.match(tooltip)
        if match:
            found = (by_seq if by_seq is not None else events_by(collection, "seq")).get(
                int(match.group(1))
            )
            if found is not None:
                return found
    if latlng and "lat" in latlng and "lng" in latlng:
        lat, lng = float(latlng["lat"]), float(latlng["lng"])
        events = (f["properties"] for f in events_of(collection))
        near = [p for p in events if abs(p["lat"] - lat) < 1e-4 and abs(p["lon"] - lng) < 1e-4]
        return near[0] if near else None
    return None


def events_by(collection: dict[str, Any], field: str) -> dict[Any, Props]:
    """The collection's events by one property (seq, event_id), the first of each
    (as a pass in order finds it): a later equal key is written first, then replaced."""
    props = [f["properties"] for f in events_of(collection)][::-1]
    return dict(zip(map(itemgetter(field), props), props, strict=True))


def quote_marks(
    collection: dict[str, Any],
) -> tuple[list[tuple[int, int, str]], dict[str, int]]:
    """The article spans behind the shown events and partners (start, end, label), and
    each event span's label -> its seq, in one pass (each label worded once)."""
    spans = []
    seqs: dict[str, int] = {}
    for f in collection["features"]:
        p = f["properties"]
        if p["kind"] == "event":
            label = f"{p['seq']}. {p['title']}"
            spans.append((p["quote_start"], p["quote_end"], label))
            seqs[label] = int(p["seq"])
        elif p["kind"] == "partner":
            spans += [
                (s, e, p["name"]) for s, e in zip(p["quote_starts"], p["quote_ends"], strict=True)
            ]
    return spans, seqs


def details_html(props: Props) -> str:
    """The selected event's details panel, from the one event spec (mapapp/presentation/wording.py):
    the same strings as the map's popup, every value escaped, links http(s) only."""
    e = escape.html
    view = wording.event_view(props)
    parts = [
        f"<h4>{e(view.heading)}</h4>",
        f"<p>{e(view.when)}</p>",
        f"<p><b>Place:</b> {e(view.place)} <small>(located by {e(props['geocoder'])})</small></p>",
    ]
    if view.place_note:
        parts.append(f"<p><small>{e(view.place_note)}</small></p>")
    parts += [
        "<p><b>Actors:</b> " + e(", ".join(view.actors)) + "</p>",
        f"<blockquote>{e(view.quote)}<br><small>article, characters "
        f"{e(str(props['quote_start']))}–{e(str(props['quote_end']))}</small></blockquote>",
    ]
    if view.sources:
        items = "".join(f"<li>{_source_html(s)}</li>" for s in view.sources)
        parts.append(f"<p><b>Sources:</b></p><ul>{items}</ul>")
    if view.discrepancies:
        items = "".join(f"<li>{e(d)}</li>" for d in view.discrepancies)
        parts.append(f'<div class="discrepancy"><b>⚠ Discrepancies:</b><ul>{items}</ul></div>')
    return '<div style="overflow-wrap:anywhere">' + "".join(parts) + "</div>"


def _source_html(source: wording.SourceLink) -> str:
    e = escape.html
    text = e(source.text)
    if source.href is not None:
        text = f'<a href="{e(source.href)}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text + (f" <small>({e(source.note)})</small>" if source.note else "")
