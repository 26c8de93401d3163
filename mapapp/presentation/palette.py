"""The colours every view draws with: days, partners, HQ, links, land and water.

Okabe–Ito day colours (colour-blind friendly). Plain values, no drawing code.
"""

from __future__ import annotations

from typing import Any

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
#: Bluer than the page's sea colour: water must stand apart from land under
#: the partners' tinted outlines.
WATER_COLOR = "#BCD6EA"
#: The basemap's borders, as Leaflet path styles (the legend draws them too).
BORDER_STYLES: dict[str, dict[str, Any]] = {
    "border-country": {"color": "#8C8C8C", "weight": 1, "opacity": 0.9},
    "border-major": {"color": "#7A6F8E", "weight": 1.6, "opacity": 0.9, "dashArray": "6 3"},
    "border-minor": {"color": "#A39E96", "weight": 0.8, "opacity": 0.9},
}
LAND_EDGE_COLOR = "#9C9C9C"
SEA_COLOR = "#DCE9F2"


def day_color(day: int) -> str:
    """The colour of a day (1-based); cycles so any number of days gets one."""
    return DAY_PALETTE[(int(day) - 1) % len(DAY_PALETTE)]
