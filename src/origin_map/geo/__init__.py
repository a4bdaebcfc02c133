"""Geometry in metres: datums (WGS-84, GCJ-02, BD-09), a metric CRS centred on the place, rings.

May import the top-level modules and :mod:`origin_map.io`; never places, measure, render, geocode,
app or cli.
"""
