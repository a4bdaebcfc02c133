"""Measuring places around a centre.

Density tables, H3 hexagons, areas, outlines, clustering, hub comparison, coverage against
published figures and the history by year.

May import the top-level modules, io, geo and places; never render, geocode, app or cli.
"""
