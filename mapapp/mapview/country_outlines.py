"""The offline basemap: vector packs (see mapapp/basemap) drawn by js/basemap.js.

Tiles need a network; the packs in data/basemap/ do not. The world pack is
always drawn; a regional pack is drawn when it meets the map's opening view.
In the app the packs are served once as static files and fetched by the page
(every rerun would otherwise resend them); a standalone page embeds them.
Online, OpenStreetMap tiles go on top and the packs stay underneath as a
fallback. Without any pack, country outlines from `countryinfo` are drawn.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.geodata import country_outline
from mapapp.mapview.elements import RawMacro
from mapapp.presentation.palette import LAND_COLOR, LAND_EDGE_COLOR

#: Europe, Africa, Asia and Oceania: every country between NATO HQ and the IP4
#: partners (JP, KR, AU, NZ). Codes countryinfo does not know are skipped.
BASEMAP_COUNTRIES: tuple[str, ...] = (
    # IP4 partners and their neighbours
    "JP", "KR", "AU", "NZ", "CN", "KP", "RU", "TW", "PH", "ID", "PG", "MN", "TL",
    "SB", "VU", "NC", "FJ",
    # South-east and south Asia
    "VN", "LA", "KH", "TH", "MM", "MY", "BN", "BD", "BT", "NP", "IN", "LK", "PK", "AF",
    # Central Asia, Caucasus, Middle East
    "KZ", "KG", "TJ", "TM", "UZ", "IR", "IQ", "SY", "LB", "IL", "PS", "JO", "SA", "YE",
    "OM", "AE", "QA", "KW", "TR", "GE", "AM", "AZ", "CY",
    # Europe
    "BE", "NL", "FR", "DE", "LU", "GB", "IE", "ES", "PT", "IT", "CH", "AT", "DK", "NO",
    "SE", "FI", "IS", "PL", "CZ", "SK", "HU", "SI", "HR", "BA", "RS", "ME", "AL", "MK",
    "GR", "BG", "RO", "MD", "UA", "BY", "LT", "LV", "EE",
    # Africa
    "MA", "DZ", "TN", "LY", "EG", "EH", "MR", "ML", "NE", "TD", "SD", "SS", "ER", "ET",
    "DJ", "SO", "KE", "UG", "TZ", "RW", "BI", "CD", "CG", "CF", "CM", "GA", "GQ", "NG",
    "BJ", "TG", "GH", "CI", "LR", "SL", "GN", "GW", "SN", "GM", "BF", "AO", "ZM", "MW",
    "MZ", "ZW", "BW", "NA", "ZA", "LS", "SZ", "MG",
)  # fmt: skip

#: Degrees; the source is already coarse, this trims near-collinear points.
SIMPLIFY_TOLERANCE = 0.05
COORD_DECIMALS = 3


def simplified(geometry: BaseGeometry, tolerance: float = SIMPLIFY_TOLERANCE) -> BaseGeometry:
    """A lighter geometry for the page, coordinates rounded to ~100 m."""
    light = geometry.simplify(tolerance, preserve_topology=True)
    # Rounding, not set_precision: a snapped coarse outline can become invalid.
    return shapely.transform(light, lambda xy: np.round(xy, COORD_DECIMALS))


def geometry_json(geometry: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON geometry dict."""
    result: dict[str, Any] = mapping(geometry)
    as_lists: dict[str, Any] = json.loads(json.dumps(result))  # tuples -> lists
    return as_lists


@lru_cache(maxsize=8)
def outlines_json(codes: tuple[str, ...] = BASEMAP_COUNTRIES) -> str:
    """A GeoJSON FeatureCollection of the countries' outlines, serialised once.

    Only geometry and the ISO code: nothing that needs escaping.
    """
    features = []
    for code in dict.fromkeys(codes):
        try:
            geometry = country_outline(code)
        except KeyError:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"iso": code},
                "geometry": geometry_json(simplified(geometry)),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


class CountryOutlines(RawMacro):
    """Non-interactive country outlines (clicks fall through to the map)."""

    def __init__(self, codes: tuple[str, ...] = BASEMAP_COUNTRIES) -> None:
        super().__init__()
        self._name = "CountryOutlines"
        self.codes = codes

    def script_js(self) -> str:
        style = json.dumps(
            {
                "color": LAND_EDGE_COLOR,
                "weight": 0.8,
                "fillColor": LAND_COLOR,
                "fillOpacity": 1,
                "interactive": False,
            }
        )
        return (
            f"L.geoJSON({outlines_json(self.codes)}, "
            f"{{interactive: false, style: function () {{ return {style}; }}}})"
            f".addTo({self.parent_name()});\n"
        )
