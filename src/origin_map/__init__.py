"""Origin Map: see and measure an innovation cluster on a map.

The package is a library first: loading and validating places (:mod:`origin_map.places.datasets`),
datum conversion (:mod:`origin_map.geo.datums`), metric geometry (:mod:`origin_map.geo.geometry`),
density statistics (:mod:`origin_map.measure.stats`), safe export (:mod:`origin_map.io.export`) and
folium
layers (:mod:`origin_map.render.mapping`). Only :mod:`origin_map.app` imports Streamlit.

Submodules are imported on demand so that the command line starts quickly.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
