"""Drawing.

The folium map and its Leaflet pieces, basemaps, self-served assets, charts and the A4 report.

May import the top-level modules, io, geo, places and measure; never app or cli.
"""
