"""Safe exports: CSV that Excel opens with Chinese intact and never runs as formulas; GeoJSON.

The CLI and the app both call :func:`to_csv_bytes`, so they produce the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from origin_map.io.csvrows import FORMULA_PREFIXES, neutralise

__all__ = ["FORMULA_PREFIXES", "neutralise_formulas", "places_to_geojson_bytes", "to_csv_bytes"]

def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where every text cell that could run as a formula starts with ``'``.

    Only text (object/string) columns are touched, and a text cell that is a plain number
    (``-3.5``, ``+1``) is left alone: numbers stay numbers. The text ``=HYPERLINK(...)`` becomes
    ``'=HYPERLINK(...)``, which spreadsheets show as text (the OWASP "CSV injection" advice).
    """
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as CSV bytes: UTF-8 with BOM, LF line ends, formulas neutralised.

    Geometry columns are dropped (coordinates are in ``lat``/``lon``).
    """
    data = pd.DataFrame(frame).copy()
    geom_cols = [c for c in data.columns if str(data[c].dtype) == "geometry"]
    data = data.drop(columns=geom_cols)
    text = neutralise_formulas(data).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text).encode("utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if value is pd.NA or value is None:
        return None
    return value


def places_to_geojson_bytes(places: pd.DataFrame) -> bytes:
    """Return places as a GeoJSON FeatureCollection of points (WGS-84, RFC 7946), UTF-8."""
    props = [c for c in places.columns if c != "geometry" and str(places[c].dtype) != "geometry"]
    features = []
    for rec in places[props].to_dict(orient="records"):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(rec["lon"]), float(rec["lat"])]},
            "properties": {k: _jsonable(v) for k, v in rec.items()},
        })
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
