"""Filtering the built data and writing it out: the step between the store and the map.

`filters` selects what a view or an export holds (one matching rule for the CLI
and the app); `tables` turns a filtered collection into typed columns per kind;
`formats` writes them as GeoJSON, GeoPackage, FlatGeobuf, KML, GPX or CSV.
"""
