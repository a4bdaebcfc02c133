"""The H3 hexagon layer of the map: density per cell in a sequential palette, and its key."""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd

from origin_map import i18n
from origin_map.render.display import display_coordinates
from origin_map.render.leaflet import safe_text

__all__ = ["h3_layer"]

_H3_COLOURS = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
               "#b10026")


def _h3_bins(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 1.0
    return np.linspace(0.0, max(top, 1e-9), len(_H3_COLOURS) + 1)


def h3_layer(h3_cells: pd.DataFrame, basemap: str, lang: str
             ) -> tuple[folium.FeatureGroup, str]:
    """Return the hexagons of ``h3_cells`` (the H3 table) as a layer, and the legend's key."""
    import h3

    dens = h3_cells["density_per_km2"].to_numpy(dtype=float)
    bins = _h3_bins(dens)
    features = []
    for cell, count, d in zip(h3_cells["h3_cell"], h3_cells["count"], dens, strict=True):
        ring = np.array(h3.cell_to_boundary(cell))
        dlat, dlon = display_coordinates(ring[:, 0], ring[:, 1], basemap)
        idx = min(int(np.searchsorted(bins, d, side="right")) - 1, len(_H3_COLOURS) - 1)
        coords = [[float(x), float(y)] for x, y in zip(dlon, dlat, strict=True)]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[*coords, coords[0]]]},
            "properties": {"cell": str(cell), "count": int(count), "density": round(float(d), 1),
                           "colour": _H3_COLOURS[max(idx, 0)]},
        })
    group = folium.FeatureGroup(name=i18n.text("map.h3", lang), show=True)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#444",
                                  "weight": 0.5, "fillOpacity": 0.55, "pane": "om-areas"},
        tooltip=folium.GeoJsonTooltip(fields=["cell", "count", "density"],
                                      aliases=["H3", i18n.text("map.h3_count", lang),
                                               i18n.text("map.h3_density", lang)]),
    ).add_to(group)
    return group, _h3_key(bins, lang)


def _h3_key(bins: np.ndarray, lang: str) -> str:
    """Return the H3 key: one strip of the colours with its lowest, middle and top densities.

    Two lines, so that it fits below the sector list without being cut.
    """
    cells = "".join(f"<span style='flex:1;height:10px;background:{c}'></span>"
                    for c in _H3_COLOURS)
    mid = bins[len(bins) // 2]
    return (f"<details open style='margin-bottom:4px'><summary><b>"
            f"{safe_text(i18n.text('map.h3', lang))}</b></summary>"
            f"<div class='om-h3-key' style='display:flex;border:1px solid #999'>{cells}</div>"
            f"<div style='display:flex;justify-content:space-between'><span>{bins[0]:,.0f}"
            f"</span><span>{mid:,.0f}</span><span>{bins[-1]:,.0f}</span></div></details>")
