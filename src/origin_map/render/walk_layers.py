"""Map layers of walking time: isochrone polygons and the area the walking network covers.

The polygons come from :func:`origin_map.measure.walk.walk_analysis` (WGS-84); on a GCJ-02
basemap (Gaode) they are shifted for display like every other layer. The longest walk is drawn
first, so the shorter ones lie on top; the covered area is a dashed outline, so that what lies
outside it reads as "no map here", not as "far".
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np

from origin_map import i18n
from origin_map.render.assets import localize_element
from origin_map.render.mapping import display_coordinates

__all__ = ["ISOCHRONE_COLOURS", "walk_groups"]

ISOCHRONE_COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#d9ef8b", "#fee08b", "#fdae61")
"""Fill colours from the shortest walk to the longest (ColorBrewer RdYlGn, green first)."""


def _display(geom: Any, basemap: str) -> dict[str, Any]:
    """Return the GeoJSON mapping of ``geom`` in the basemap's display coordinates."""
    import shapely
    from shapely.geometry import mapping

    def _shift(coords: np.ndarray) -> np.ndarray:
        lat, lon = display_coordinates(coords[:, 1], coords[:, 0], basemap)
        return np.column_stack([np.round(lon, 7), np.round(lat, 7)])

    return dict(mapping(shapely.transform(geom, _shift)))


def walk_groups(isochrones: Any, covered: Any, *, basemap: str = "osm", lang: str = "en"
                ) -> list[folium.FeatureGroup]:
    """Return the walking layers: one per isochrone (longest first), then the covered area.

    Parameters
    ----------
    isochrones
        GeoDataFrame with ``minutes`` and WGS-84 polygons (``WalkResult.isochrones``).
    covered
        The covered area (``WalkResult.coverage.area``), WGS-84, or None.
    basemap, lang
        Display basemap (GCJ-02 shift on Gaode) and language of the layer names.
    """
    lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
    groups = []
    rows = sorted(isochrones.itertuples(), key=lambda r: -float(r.minutes))
    for k, row in enumerate(rows):
        name = i18n.text("walk.layer_isochrone", lang, minutes=float(row.minutes))
        colour = ISOCHRONE_COLOURS[min(len(rows) - 1 - k, len(ISOCHRONE_COLOURS) - 1)]
        group = folium.FeatureGroup(name=name)
        folium.GeoJson(_display(row.geometry, basemap), name=name, tooltip=name,
                       style_function=lambda _f, c=colour: {
                           "color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.25}
                       ).add_to(group)
        groups.append(group)
    if covered is not None and not covered.is_empty:
        name = i18n.text("walk.layer_covered", lang)
        group = folium.FeatureGroup(name=name)
        folium.GeoJson(_display(covered, basemap), name=name, tooltip=name,
                       style_function=lambda _f: {"color": "#555555", "weight": 1.5,
                                                  "dashArray": "6 4", "fill": False}
                       ).add_to(group)
        groups.append(group)
    for g in groups:
        localize_element(g)
    return groups
