"""Where a point is drawn: the one home of the display shift to GCJ-02 for Gaode tiles.

Data stay WGS-84 everywhere; only drawing on a GCJ-02 basemap (AMap/Gaode tiles) shifts
coordinates, here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from origin_map.geo.datums import wgs84_to_gcj02
from origin_map.render.basemaps import BASEMAPS

__all__ = ["display_coordinates"]


def display_coordinates(lat: Any, lon: Any, basemap: str) -> tuple[np.ndarray, np.ndarray]:
    """Return coordinates to draw on ``basemap``: GCJ-02 for Gaode tiles, else WGS-84."""
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    if BASEMAPS[basemap].gcj02:
        return wgs84_to_gcj02(la, lo)
    return la, lo
