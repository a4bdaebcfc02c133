"""Read one layer of a GeoPackage into a raw table, with ``lat``/``lon`` in WGS-84.

Internal: called by :func:`origin_map.io.readers.read_raw`.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, Any

from origin_map import limits
from origin_map.errors import Problem
from origin_map.io.rawtable import RawTable, frame_from_geo, too_many_rows
from origin_map.io.sniff import refuse

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["gpkg_layers", "read_gpkg_bytes", "read_gpkg_layer"]


def gpkg_layers(data: bytes) -> list[str]:
    """Return the names of a GeoPackage's layers; raise pyogrio's (GDAL's) error if unreadable."""
    import pyogrio

    with warnings.catch_warnings():  # GDAL warns that in-memory bytes have no .gpkg suffix
        warnings.simplefilter("ignore", RuntimeWarning)
        return [str(row[0]) for row in pyogrio.list_layers(io.BytesIO(data))]


def read_gpkg_layer(data: bytes, layer: str, **kwargs: Any) -> gpd.GeoDataFrame:
    """Return one layer of a GeoPackage in memory (``kwargs`` go to ``geopandas.read_file``)."""
    import geopandas as gpd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return gpd.read_file(io.BytesIO(data), layer=layer, driver="GPKG", **kwargs)


def read_gpkg_bytes(data: bytes, name: str, layer: str | None = None) -> RawTable:
    """Read one layer of a GeoPackage (the first, or ``layer``)."""
    try:
        layers = gpkg_layers(data)
    except Exception as exc:
        raise refuse(name, "validate.problem.gpkg_unreadable", "validate.fix.export_gpkg_again",
                     detail=str(exc)) from exc
    if not layers:
        raise refuse(name, "validate.problem.no_layers", "validate.fix.export_point_layer")
    notes = []
    chosen = layer or layers[0]
    if chosen not in layers:
        raise refuse(name, "validate.problem.layer_not_found", "validate.fix.choose_layer",
                     "layer", layer=repr(chosen), layers=str(layers))
    if layer is None and len(layers) > 1:
        notes.append(Problem.of(None, "layer", "validate.problem.many_layers",
                                "validate.fix.other_layer", severity="warning", n=len(layers),
                                layers=", ".join(layers), layer=repr(chosen)))
    try:
        gdf = read_gpkg_layer(data, chosen, max_features=limits.MAX_ROWS + 1)
    except Exception as exc:
        raise refuse(name, "validate.problem.layer_unreadable", "validate.fix.export_gpkg_again",
                     "layer", layer=repr(chosen), detail=str(exc)) from exc
    if len(gdf) > limits.MAX_ROWS:
        raise too_many_rows(name, layer=chosen)
    return frame_from_geo(gdf, name, notes, "gpkg")
