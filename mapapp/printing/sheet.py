"""The printed page: the standalone map (render_html) with a print stylesheet,
the numbered itinerary table, the filter it shows and the generation date.

Every value from the data goes through the one escaper; the table is added to
the finished HTML, never to a template.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from mapapp import __version__
from mapapp.export.filters import events_of
from mapapp.mapview.basemap_layer import BASEMAP_BEGIN, BASEMAP_END
from mapapp.mapview.page import LEAFLET_CREDIT
from mapapp.mapview.render import render_html
from mapapp.presentation import escape
from mapapp.presentation.palette import day_color
from mapapp.presentation.wording import DRAFT_MARK

Paper = Literal["A4", "letter"]

#: Paper sizes in millimetres (width, height), portrait.
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN_MM = 10.0
#: CSS pixels per millimetre (96 per inch).
PX_PER_MM = 96 / 25.4
#: The table lists at most this many events; the rest are counted, not listed.
MAX_TABLE_ROWS = 1000
#: Share of the printable height the map takes (portrait, landscape).
MAP_SHARE = {False: 0.42, True: 0.55}


@dataclass(frozen=True)
class Layout:
    """One paper size and orientation, in the units each consumer needs."""

    paper: Paper
    landscape: bool

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.paper]
        return (h, w) if self.landscape else (w, h)

    @property
    def page_px(self) -> tuple[int, int]:
        """The whole sheet in CSS pixels (the PNG's size at 1x)."""
        w, h = self.size_mm
        return round(w * PX_PER_MM), round(h * PX_PER_MM)

    @property
    def content_px(self) -> tuple[int, int]:
        """The printable area in CSS pixels (the PDF's layout viewport)."""
        w, h = self.size_mm
        return round((w - 2 * MARGIN_MM) * PX_PER_MM), round((h - 2 * MARGIN_MM) * PX_PER_MM)

    @property
    def map_mm(self) -> float:
        return (self.size_mm[1] - 2 * MARGIN_MM) * MAP_SHARE[self.landscape]


def trip_of(collection: Mapping[str, Any]) -> dict[str, str]:
    """Title and article of the trip, from the built data's metadata."""
    meta = collection.get("mapapp_metadata") or {}
    return {
        "title": str(meta.get("trip") or "Itinerary map"),
        "article_title": str(meta.get("article_title") or ""),
        "article_url": str(meta.get("article_url") or ""),
        "outlet": str(meta.get("article_outlet") or ""),
    }


def time_text(props: Mapping[str, Any]) -> str:
    """The table's time: the time, else the article's words for it, else the day."""
    time = str(props.get("time") or "")
    label = str(props.get("time_label") or "")
    if time:
        return label if label.startswith(time) else " ".join(filter(None, [time, label]))
    return label or "some time that day"


def _print_css(layout: Layout, png: bool) -> str:
    w, h = layout.size_mm
    orientation = "landscape" if layout.landscape else "portrait"
    sheet = (
        f"body {{ padding: {MARGIN_MM}mm; min-height: {h}mm; box-sizing: border-box; }}"
        if png
        else ""
    )
    return f"""
@page {{ size: {layout.paper} {orientation}; margin: {MARGIN_MM}mm; }}
html, body {{ height: auto; background: #fff; }}
body {{ display: block; font: 10pt/1.3 system-ui, sans-serif; color: #111;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
{sheet}
.mv-page-head {{ padding: 0 0 4px; border: none; }}
.mv-page-head h1 {{ font-size: 15pt; }}
.mv-page-head .mv-credits {{ display: none; }}
.folium-map {{ height: {layout.map_mm:.1f}mm !important; width: 100% !important;
  flex: none; border: 1px solid #999; box-sizing: border-box; }}
.leaflet-control-zoom, .leaflet-control-layers, .mv-tile-notice, .mv-playback {{
  display: none !important; }}
.leaflet-control-attribution {{ font-size: 8px; }}
.mv-legend {{ position: static !important; max-width: none !important; box-shadow: none;
  border: 1px solid #ccc; margin: 4px 0 0; padding: 4px 6px; font-size: 8pt; }}
.mv-legend summary {{ list-style: none; }}
.mv-legend summary::-webkit-details-marker {{ display: none; }}
.mv-legend ul {{ columns: 3; column-gap: 12px; font-size: 7.5pt; line-height: 1.25; }}
.mv-legend .mv-row {{ break-inside: avoid; margin: 1px 0; }}
.mv-legend .mv-row:has(.mv-coarse-demo) {{ display: none; }}  /* playback only */
.mv-print-table {{ margin-top: 6px; }}
.mv-print-table h2 {{ font-size: 11pt; margin: 0 0 3px; }}
.mv-print-table table {{ width: 100%; border-collapse: collapse; font-size: 8pt; }}
.mv-print-table th, .mv-print-table td {{ border-bottom: 1px solid #ccc; padding: 2px 4px;
  text-align: left; vertical-align: top; }}
.mv-print-table thead {{ display: table-header-group; }}
.mv-print-table tr {{ break-inside: avoid; }}
.mv-print-table td:nth-child(2) {{ white-space: nowrap; }}
.mv-print-num {{ display: inline-block; min-width: 16px; height: 16px; border-radius: 8px;
  color: #fff; font-weight: 700; text-align: center; line-height: 16px; font-size: 8pt; }}
.mv-print-foot {{ margin-top: 4px; font-size: 7.5pt; color: #333; }}
.mv-print-foot p {{ margin: 1px 0; }}
/* {w} x {h} mm */
"""


def _table_html(collection: Mapping[str, Any]) -> str:
    events = sorted(events_of(dict(collection)), key=lambda f: f["properties"]["seq"])
    e = escape.html
    rows = []
    for feature in events[:MAX_TABLE_ROWS]:
        p = feature["properties"]
        number = (
            f'<span class="mv-print-num" style="background:{e(day_color(p["day"]))}">'
            f"{e(p['seq'])}</span>"
        )
        cells = [
            number,
            f"{e(p['date'])}<br><small>day {e(p['day'])}</small>",
            e(time_text(p)),
            e(p.get("place_name") or ""),
            e(p["title"] + (DRAFT_MARK if p.get("review") else "")),
            e(", ".join(p.get("actors") or ())),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = len(events) - MAX_TABLE_ROWS
    if more > 0:
        rows.append(
            f'<tr><td colspan="6">… and {more:,} more events (export them as CSV to list them'
            " all).</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("#", "Date", "Time", "Place", "Event", "Actors"))
    count = f"{len(events)} event" + ("" if len(events) == 1 else "s")
    return (
        f'<section class="mv-print-table"><h2>Itinerary ({count})</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def filter_text(days: Sequence[int], actors: Sequence[str], types: Sequence[str]) -> str:
    """The filter in words, for the page's footer."""
    parts = []
    if days:
        parts.append("day " + ", ".join(str(d) for d in days))
    if actors:
        parts.append("actor " + ", ".join(actors))
    if types:
        parts.append("type " + ", ".join(types))
    return "; ".join(parts) or "all events"


def page_credits(page: str) -> list[str]:
    """The credits the page's basemap shows in its attribution (from its payload)."""
    if BASEMAP_BEGIN not in page:
        return []
    start = page.index(BASEMAP_BEGIN) + len(BASEMAP_BEGIN)
    payload = json.loads(page[start : page.index(BASEMAP_END, start)])
    credits = [str(c["text"]) for c in payload.get("credits") or ()]
    if payload.get("tiles"):
        credits.insert(0, "© OpenStreetMap contributors (tiles)")
    return credits


def sheet_html(
    collection: Mapping[str, Any],
    *,
    layout: Layout,
    trip: Mapping[str, Any] | None = None,
    filters: str = "all events",
    offline: bool = True,
    png: bool = False,
    now: datetime | None = None,
) -> str:
    """The printable page of a (filtered) collection."""
    page = render_html(
        collection, basemap="offline" if offline else "osm", trip=trip or trip_of(collection)
    )
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    credit_text = "; ".join(dict.fromkeys([*page_credits(page), LEAFLET_CREDIT]))
    foot = (
        f'<footer class="mv-print-foot"><p>Showing: {escape.html(filters)}. '
        f"Generated {escape.html(stamp)} by mapapp {escape.html(__version__)}. "
        "Times are local to the trip, as the article and its sources give them.</p>"
        f'<p class="mv-print-credits">Map data: {escape.html(credit_text)}</p></footer>'
    )
    style = f"<style>{_print_css(layout, png)}</style>"
    head_end = page.rindex("</head>")
    page = page[:head_end] + style + page[head_end:]
    body_end = page.rindex("</body>")
    return page[:body_end] + _table_html(collection) + foot + page[body_end:]
