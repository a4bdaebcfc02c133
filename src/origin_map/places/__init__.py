"""Places tables.

The column names and their aliases, vocabularies, row checks, coordinates, datasets (places and
centres as validated GeoDataFrames), filters and sector rules.

May import the top-level modules, :mod:`origin_map.io` and :mod:`origin_map.geo`.
"""
