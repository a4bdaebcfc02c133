"""Read one layer of a GeoPackage into a raw table, with ``lat``/``lon`` in WGS-84.

Internal: called by :func:`origin_map._readers.read_raw`.
"""

from __future__ import annotations

import io
import warnings

from . import limits
from ._rawtable import RawTable, frame_from_geo, too_many_rows
from ._sniff import fail
from .errors import Problem

__all__ = ["read_gpkg_bytes"]


def read_gpkg_bytes(data: bytes, name: str, layer: str | None = None) -> RawTable:
    """Read one layer of a GeoPackage (the first, or ``layer``)."""
    import geopandas as gpd
    import pyogrio

    try:
        with warnings.catch_warnings():  # GDAL warns that in-memory bytes have no .gpkg suffix
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(row[0]) for row in pyogrio.list_layers(io.BytesIO(data))]
    except Exception as exc:
        raise fail(name, f"Not a readable GeoPackage ({exc}).",
                   "Export the layer again as GeoPackage or GeoJSON.") from exc
    if not layers:
        raise fail(name, "The GeoPackage has no layers.", "Export a point layer.")
    notes = []
    chosen = layer or layers[0]
    if chosen not in layers:
        raise fail(name, f"Layer {chosen!r} not found; the GeoPackage has {layers}.",
                   "Choose one of those layers.", "layer")
    if layer is None and len(layers) > 1:
        notes.append(Problem(None, "layer", f"The GeoPackage has {len(layers)} layers "
                             f"({', '.join(layers)}); the first, {chosen!r}, was read.",
                             "Choose another layer if needed.", "warning"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(io.BytesIO(data), layer=chosen, driver="GPKG",
                                max_features=limits.MAX_ROWS + 1)
    except Exception as exc:
        raise fail(name, f"Layer {chosen!r} could not be read ({exc}).",
                   "Export the layer again as GeoPackage or GeoJSON.", "layer") from exc
    if len(gdf) > limits.MAX_ROWS:
        raise too_many_rows(name, f"layer {chosen!r} has")
    return frame_from_geo(gdf, name, notes, "gpkg")
