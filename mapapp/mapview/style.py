"""The map's CSS: legend, numbered markers, popups, notices. No data here: every
layer's text is set by its JS (see elements.JsLayer)."""

from __future__ import annotations

from mapapp.presentation.palette import (
    BORDER_STYLES,
    HQ_COLOR,
    LINK_COLOR,
    PARTNER_COLOR,
    SEA_COLOR,
    WATER_COLOR,
)

#: Pixel radius of an exact-site (precision 1) event drawn as a point.
POINT_RADIUS_PX = 6


#: CSS for the legend, numbered markers and popups; no external fonts or images.
MAP_CSS = f"""
.leaflet-container {{ background: {SEA_COLOR}; font: 13px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }}
/* Above markers (pane 600), below popups (700), which must stay readable; above
   the scale bar (bottom left). */
.mv-legend {{ position: absolute; bottom: 44px; left: 10px; z-index: 690;
  background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.4 system-ui, sans-serif;
  color: #222; max-width: 260px; }}
.mv-legend-title {{ font-weight: 600; margin: 0 0 4px; font-size: 12px; cursor: pointer; }}
.mv-legend details:not([open]) .mv-legend-title {{ margin: 0; }}
.mv-legend ul {{ list-style: none; margin: 0; padding: 0; }}
.mv-day {{ width: 12px; height: 12px; }}
.mv-line {{ display: inline-block; flex: none; width: 14px; height: 4px; opacity: 0.75; }}
.mv-swatch.mv-line-demo {{ height: 4px; border-radius: 0; background: #666; border: none; }}
.mv-swatch.mv-leader {{ height: 0; border-radius: 0; border: none; border-top: 1.5px solid #333; }}
.mv-swatch.mv-label-demo {{ background: none; border: none; color: #222; font-weight: 600;
  width: auto; }}
.mv-swatch.mv-capital {{ background: {PARTNER_COLOR}; border: 1.5px solid #fff;
  box-shadow: 0 0 0 1px {PARTNER_COLOR}; width: 10px; height: 10px; }}
.mv-swatch.mv-link {{ height: 0; border-radius: 0; border: none;
  border-top: 2px dashed {LINK_COLOR}; }}
.mv-swatch.mv-water {{ background: {WATER_COLOR}; border-radius: 2px; }}
.mv-swatch.mv-border-major {{ height: 0; border-radius: 0; border: none;
  border-top: 2px dashed {BORDER_STYLES["border-major"]["color"]}; }}
.mv-swatch.mv-border-minor {{ height: 0; border-radius: 0; border: none;
  border-top: 1px solid {BORDER_STYLES["border-minor"]["color"]}; }}
.mv-link-label-icon {{ background: none; border: none; }}
.mv-link-label {{ pointer-events: auto; display: block; margin: 0; white-space: nowrap;
  padding: 1px 7px; font: 600 11px/1.35 system-ui, sans-serif; color: #1a1a1a;
  background: rgba(255,255,255,0.94); border: 1px dashed {LINK_COLOR}; border-radius: 10px;
  box-shadow: 0 1px 2px rgba(0,0,0,0.25); cursor: pointer; }}
.mv-link-label:hover {{ background: #fff; text-decoration: underline; }}
.mv-link-label:focus-visible {{ outline: 3px solid #000; outline-offset: 1px; }}
.mv-link-arrow {{ margin-right: 4px; }}
.mv-label {{ background: none; border: none; white-space: nowrap; }}
.mv-label span {{ display: block; font: 600 11px/1.2 system-ui, sans-serif; color: #1a1a1a;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }}
.mv-num:focus {{ outline: none; }}
.mv-num:focus-visible span, .mv-num:focus span {{ outline: 3px solid #000;
  outline-offset: 2px; }}
.mv-num.mv-selected span {{ transform: scale(1.35);
  box-shadow: 0 0 0 3px #000, 0 0 0 5px #fff; }}
.mv-note {{ color: #444; font-size: 12px; }}
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
.mv-when, .mv-place {{ color: #333; }}
.mv-notice {{ background: #fff8e1; color: #4a3b00; border: 1px solid #c9a227;
  padding: 4px 8px; border-radius: 4px; font-size: 12px; max-width: 260px; }}
.mv-search {{ background: #fff; padding: 6px 8px; width: 240px; color: #1a1a1a;
  font: 12px/1.3 system-ui, sans-serif; }}
.mv-search label {{ display: block; font-weight: 600; margin-bottom: 3px; }}
.mv-search input {{ width: 100%; box-sizing: border-box; font: inherit; padding: 3px 5px;
  border: 1px solid #767676; border-radius: 3px; }}
.mv-search :focus-visible {{ outline: 3px solid #0b5394; outline-offset: 1px; }}
.mv-search-status:not(:empty) {{ margin-top: 3px; color: #333; }}
.mv-search-results {{ list-style: none; margin: 3px 0 0; padding: 0; max-height: 220px;
  overflow-y: auto; }}
.mv-filter {{ background: #fff; padding: 6px 8px; width: 240px; color: #1a1a1a;
  font: 12px/1.3 system-ui, sans-serif; }}
.mv-filter-title {{ font-weight: 600; margin-bottom: 3px; }}
.mv-filter label {{ display: block; margin: 3px 0 2px; }}
.mv-filter input, .mv-filter select {{ width: 100%; box-sizing: border-box; font: inherit;
  padding: 3px 5px; border: 1px solid #767676; border-radius: 3px; background: #fff;
  color: #111; }}
.mv-filter :focus-visible {{ outline: 3px solid #0b5394; outline-offset: 1px; }}
.mv-filter-status:not(:empty) {{ margin-top: 3px; color: #333; }}
@media print {{ .mv-filter, .mv-search {{ display: none; }} }}
.mv-search-results button {{ display: block; width: 100%; text-align: left; font: inherit;
  color: #111; background: #f5f5f5; border: 1px solid #ccc; border-radius: 3px;
  margin: 2px 0; padding: 3px 5px; cursor: pointer; }}
"""
