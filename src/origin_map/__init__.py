"""Origin Map: see and measure an innovation cluster on a map.

The package is a library first: loading and validating places (:mod:`origin_map.datasets`),
datum conversion (:mod:`origin_map.datums`), metric geometry (:mod:`origin_map.geometry`),
density statistics (:mod:`origin_map.stats`), safe export (:mod:`origin_map.export`) and folium
layers (:mod:`origin_map.mapping`). Only :mod:`origin_map.ui` imports Streamlit.

Submodules are imported on demand so that the command line starts quickly.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
