"""The standalone page around the map: language, title, a heading that names the
trip and its article, and the credits of everything drawn.

folium's own page (branca's Figure) has no `lang`, and a title only as given; a
downloaded map must say what it shows and where it comes from without the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import unescape
from typing import Any

from branca.element import Element, Figure
from folium.template import Template

from mapapp.presentation import escape
from mapapp.presentation.wording import safe_url

#: Always part of the credits: the map library (BSD-2-Clause, asks for attribution).
LEAFLET_CREDIT = "Map drawn with Leaflet (leafletjs.com)"

_PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 14px/1.4 system-ui, sans-serif; }
.mv-page-head { flex: none; padding: 6px 12px; border-bottom: 1px solid #ccc; color: #222; }
.mv-page-head h1 { font-size: 18px; margin: 0 0 2px; }
.mv-page-head p { margin: 0; }
.mv-page-head a { color: #0b5394; }
.folium-map { flex: 1 1 auto; min-height: 0; height: auto !important; }
"""


class PageFigure(Figure):  # type: ignore[misc]
    """branca's Figure with `lang`, an escaped title and a heading before the map."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n'
        "<head>\n"
        "<title>{{ this.title_html }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "<style>{{ this.css }}</style>\n"
        "</head>\n"
        "<body>\n"
        "{{ this.heading_html }}\n"
        "{{ this.html.render(**kwargs) }}\n"
        "</body>\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</html>\n"
    )

    def __init__(self, title: str, heading_html: str, lang: str = "en") -> None:
        super().__init__(title=title)
        self.lang = escape.html(lang)
        self.title_html = escape.html(title)
        self.heading_html = heading_html
        self.css = _PAGE_CSS


def heading_html(trip: Mapping[str, Any] | None, credits: Iterable[str]) -> str:
    """The page's header: the trip's title, the article it comes from, the credits."""
    trip = trip or {}
    parts = [f"<h1>{escape.html(trip.get('title') or 'Itinerary map')}</h1>"]
    if trip.get("article_title") or trip.get("article_url"):
        article = escape.html(f"“{trip.get('article_title') or trip.get('article_url')}”")
        href = safe_url(trip.get("article_url") or "")
        if href:
            article = f'<a href="{escape.html(href)}">{article}</a>'
        outlet = f" ({escape.html(trip['outlet'])})" if trip.get("outlet") else ""
        parts.append(f"<p>From the article {article}{outlet}; every event cites its sources.</p>")
    credit_text = "; ".join(dict.fromkeys([*credits, LEAFLET_CREDIT]))
    parts.append(f'<p class="mv-credits"><small>Credits: {escape.html(credit_text)}</small></p>')
    return '<header class="mv-page-head">' + "".join(parts) + "</header>"


def map_credits(root: Element) -> list[str]:
    """Credits named by the map's elements: a basemap element's `credits` text,
    or a tile layer's attribution (as plain text)."""
    found: list[str] = []

    def walk(element: Element) -> None:
        text = getattr(element, "credits", None)
        if isinstance(text, str) and text:
            found.append(text)
        options = getattr(element, "options", None)
        if isinstance(options, dict) and isinstance(options.get("attribution"), str):
            found.append(_plain(options["attribution"]))
        for child in element._children.values():
            walk(child)

    walk(root)
    return found


def _plain(attribution: str) -> str:
    """Leaflet attributions are HTML; the credits line is text."""
    return unescape(re.sub(r"<[^>]+>", "", attribution)).strip()
