"""Offline basemap packs: real geography drawn as vector layers, no tile server.

`mapapp basemap` reads open source files (an OSM-derived land layer, MLIT
municipal boundaries, Natural Earth), clips them to a trip's extent, simplifies
them per zoom band and writes one compact JSON pack that the map draws.
"""
