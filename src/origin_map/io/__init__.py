"""Reading files: what a file is (sniffing), and one reader per format for places and shapes alike.

Owns CSV/Excel/GeoJSON/GeoPackage reading into a raw table (every cell as written), shape reading,
firm-list recognition and safe exports. May import only the top-level modules (errors, i18n,
limits, texts); never places, geo, measure, render, geocode, app or cli.
"""
