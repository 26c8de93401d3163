"""Colours, uncertainty radii and escaped popup/tooltip HTML for the map.

Every text value that reaches HTML goes through `esc`, which is `html.escape`
plus entities for the characters folium's own templates treat as code:
backticks and `${` (folium puts tooltip/popup HTML in JS template literals),
backslashes, and `{`/`}` (branca re-renders element output as Jinja).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

#: Okabe–Ito colours (colour-blind friendly), minus yellow, which is unreadable on
#: a light map; days past the end cycle from the start.
DAY_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
)

PARTNER_COLOR = "#6A51A3"
HQ_COLOR = "#1F3A93"
LINK_COLOR = "#555555"
LAND_COLOR = "#F4F1EA"
LAND_EDGE_COLOR = "#9C9C9C"
SEA_COLOR = "#DCE9F2"

#: Pixel radius of an exact-site (precision 1) event drawn as a point.
POINT_RADIUS_PX = 6

#: geo_precision -> radius of the uncertainty circle in metres (0 = exact site).
UNCERTAINTY_RADIUS_M: dict[int, float] = {1: 0.0, 2: 2_000.0, 3: 25_000.0}

PRECISION_LABEL: dict[int, str] = {
    1: "exact site",
    2: "neighbourhood or town (within about 2 km)",
    3: "region (within about 25 km)",
}


def day_color(day: int) -> str:
    """The colour of a day (1-based); cycles so any number of days gets one."""
    return DAY_PALETTE[(int(day) - 1) % len(DAY_PALETTE)]


def uncertainty_radius_m(geo_precision: int) -> float:
    """Radius in metres of the circle that shows where an event may have been."""
    try:
        return UNCERTAINTY_RADIUS_M[int(geo_precision)]
    except KeyError:
        raise ValueError(f"geo_precision must be 1, 2 or 3, not {geo_precision!r}") from None


_EXTRA_ENTITIES = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (see module docstring)."""
    return html.escape(str(value), quote=True).translate(_EXTRA_ENTITIES)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no javascript:, data:...)."""
    text = str(url).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return None


def link_html(url: object) -> str:
    """A link for an http(s) URL, the escaped text for anything else."""
    href = safe_url(url)
    if href is None:
        return esc(url)
    return f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(href)}</a>'


def _list_html(items: Iterable[str], *, links: bool = False) -> str:
    lis = "".join(f"<li>{link_html(i) if links else esc(i)}</li>" for i in items)
    return f"<ul>{lis}</ul>" if lis else ""


def event_tooltip_text(props: Mapping[str, Any]) -> str:
    """Plain tooltip text: order number first, so the app can tell which event was
    clicked from streamlit-folium's `last_object_clicked_tooltip`."""
    return f"{props['order']}. {props['title']}"


def event_tooltip_html(props: Mapping[str, Any]) -> str:
    """The tooltip as escaped HTML."""
    return esc(event_tooltip_text(props))


def event_when(props: Mapping[str, Any]) -> str:
    """Date, time and time label as one line of plain text."""
    parts = [str(props.get("date") or "")]
    if props.get("time"):
        parts.append(str(props["time"]))
    label = props.get("time_label")
    if label and label != props.get("time"):
        parts.append(f"({label})")
    return " ".join(p for p in parts if p)


def event_popup_html(props: Mapping[str, Any]) -> str:
    """Popup HTML for one event. The map draws the same content in JS from the
    payload; this one serves non-JS views and tests."""
    precision = int(props.get("geo_precision", 1))
    actors = props.get("actor_roles") or props.get("actors") or []
    rows = [
        f'<div class="mv-popup"><h4>{esc(event_tooltip_text(props))}</h4>',
        f'<div class="mv-when">Day {esc(props.get("day", ""))}: {esc(event_when(props))}</div>',
        f'<div class="mv-place">{esc(props.get("place_name", ""))}'
        f' <span class="mv-prec">({esc(PRECISION_LABEL.get(precision, ""))})</span></div>',
    ]
    if props.get("quote"):
        rows.append(f"<blockquote>{esc(props['quote'])}</blockquote>")
    if actors:
        rows.append(f'<div class="mv-sec">Actors</div>{_list_html(actors)}')
    if props.get("sources"):
        rows.append(f'<div class="mv-sec">Sources</div>{_list_html(props["sources"], links=True)}')
    if props.get("discrepancies"):
        rows.append(f'<div class="mv-sec">Discrepancies</div>{_list_html(props["discrepancies"])}')
    rows.append("</div>")
    return "".join(rows)


def partner_tooltip_html(props: Mapping[str, Any]) -> str:
    """Tooltip of a partner country's outline."""
    return esc(props.get("name", ""))


def partner_popup_html(props: Mapping[str, Any]) -> str:
    """Popup of a partner country: capital, the article's quotes and the sources."""
    rows = [
        f'<div class="mv-popup"><h4>{esc(props.get("name", ""))}</h4>',
        f'<div class="mv-place">Capital: {esc(props.get("capital", ""))}</div>',
    ]
    rows += [f"<blockquote>{esc(q)}</blockquote>" for q in props.get("quotes", [])]
    if props.get("sources"):
        rows.append(f'<div class="mv-sec">Sources</div>{_list_html(props["sources"], links=True)}')
    rows.append("</div>")
    return "".join(rows)


def capital_tooltip_html(props: Mapping[str, Any]) -> str:
    """Tooltip of a partner's capital marker."""
    return esc(f"{props.get('capital', '')} (capital of {props.get('name', '')})")


def hq_tooltip_html(props: Mapping[str, Any]) -> str:
    """Tooltip of the NATO HQ marker."""
    return esc(f"{props.get('name', '')}, {props.get('city', '')}")


def hq_popup_html(props: Mapping[str, Any]) -> str:
    """Popup of the NATO HQ marker."""
    rows = [
        f'<div class="mv-popup"><h4>{esc(props.get("name", ""))}</h4>',
        f'<div class="mv-place">{esc(props.get("city", ""))}, {esc(props.get("country", ""))}'
        "</div>",
    ]
    if props.get("sources"):
        rows.append(f'<div class="mv-sec">Sources</div>{_list_html(props["sources"], links=True)}')
    rows.append("</div>")
    return "".join(rows)


#: Up to this many days the legend lists each; beyond, one row per colour.
LEGEND_MAX_DAYS = 10


def legend_html(days: Mapping[int, str]) -> str:
    """A small fixed-position legend: day colours, then what the symbols mean.

    `days` maps day number to a label (usually the date). A long trip gets one
    row per palette colour ("Days 1, 8, 15, …") instead of one per day.
    """
    if len(days) <= LEGEND_MAX_DAYS:
        entries = [
            (day_color(d), f"Day {d}{': ' + label if label else ''}")
            for d, label in sorted(days.items())
        ]
    else:
        by_color: dict[str, list[int]] = {}
        for d in sorted(days):
            by_color.setdefault(day_color(d), []).append(d)
        entries = [
            (color, "Days " + ", ".join(map(str, ds[:3])) + (", …" if len(ds) > 3 else ""))
            for color, ds in by_color.items()
        ]
    rows = [
        f'<div class="mv-row"><span class="mv-swatch" style="background:{esc(color)}">'
        f"</span>{esc(text)}</div>"
        for color, text in entries
    ]
    return (
        '<div class="mv-legend" role="note" aria-label="Map legend">'
        '<div class="mv-legend-title">Itinerary</div>'
        + "".join(rows)
        + '<div class="mv-row"><span class="mv-swatch mv-num-demo">1</span>'
        "exact site, visit order</div>"
        '<div class="mv-row"><span class="mv-swatch mv-ring"></span>'
        "circle = location uncertain (town ≈2 km, region ≈25 km)</div>"
        '<div class="mv-row"><span class="mv-swatch mv-partner"></span>IP4 partner</div>'
        '<div class="mv-row"><span class="mv-swatch mv-hq">★</span>NATO HQ</div>'
        "</div>"
    )


#: CSS for the legend, numbered markers and popups; no external fonts or images.
MAP_CSS = f"""
.leaflet-container {{ background: {SEA_COLOR}; font: 13px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }}
.mv-legend {{ position: absolute; bottom: 18px; left: 10px; z-index: 1000;
  background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.4 system-ui, sans-serif;
  color: #222; max-width: 260px; }}
.mv-legend-title {{ font-weight: 600; margin-bottom: 4px; }}
.mv-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.mv-swatch {{ display: inline-block; flex: none; width: 14px; height: 14px;
  border-radius: 50%; border: 1px solid rgba(0,0,0,0.4); font-size: 9px;
  line-height: 14px; text-align: center; color: #fff; }}
.mv-num-demo {{ background: #666; font-weight: 700; }}
.mv-ring {{ background: rgba(0,0,0,0.08); border: 1.5px dashed #444; }}
.mv-partner {{ background: {PARTNER_COLOR}; opacity: 0.5; border-radius: 2px; }}
.mv-hq {{ background: none; border: none; color: {HQ_COLOR}; font-size: 14px; }}
.mv-num {{ background: none; border: none; }}
.mv-num span {{ display: block; width: 20px; height: 20px; border-radius: 50%;
  color: #fff; font: 700 11px/20px system-ui, sans-serif; text-align: center;
  border: 1.5px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,0.45);
  box-sizing: border-box; }}
.mv-hq-icon {{ background: none; border: none; color: {HQ_COLOR};
  font: 22px/22px system-ui, sans-serif; text-align: center;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }}
.mv-popup {{ max-width: 340px; }}
.mv-popup h4 {{ margin: 0 0 4px; font-size: 14px; }}
.mv-popup blockquote {{ margin: 6px 0; padding: 2px 0 2px 8px;
  border-left: 3px solid #bbb; color: #333; font-style: italic; }}
.mv-popup ul {{ margin: 2px 0 4px; padding-left: 18px; }}
.mv-popup a {{ word-break: break-all; }}
.mv-sec {{ font-weight: 600; margin-top: 4px; }}
.mv-when, .mv-place {{ color: #444; }}
.mv-prec {{ color: #777; font-size: 11px; }}
"""
