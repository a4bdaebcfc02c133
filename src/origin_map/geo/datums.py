"""Vectorised conversion between WGS-84, GCJ-02 and BD-09 coordinates.

GCJ-02 (used by AMap/Gaode, Tencent and WeChat) is WGS-84 plus an obfuscating offset of a few
hundred metres inside China; BD-09 (Baidu) is a further distortion of GCJ-02. The forward formulas
(WGS-84 → GCJ-02 → BD-09) are the published closed forms; the inverses have no closed form and are
computed by fixed-point iteration of the forward formula to better than 1e-9 degree (0.1 mm).

Outside mainland China's rough bounding box the GCJ-02 offset is not applied, as AMap does.
All functions take and return numpy arrays (or scalars) of latitude and longitude in degrees.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from origin_map.errors import SettingsError

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "convert",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "normalise_datum",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

Float = NDArray[np.float64]
_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs 84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
    "gps": "wgs84", "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "amap": "gcj02",
    "gaode": "gcj02", "mars": "gcj02", "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09",
    "baidu": "bd09",
}

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_TOL_DEG = 1e-10
_MAX_ITER = 40


def normalise_datum(name: str) -> str:
    """Return the canonical datum id (one of :data:`~origin_map.places.vocab.DATUMS`) of a name.

    Raises
    ------
    SettingsError
        If the name is not a known datum.
    """
    key = str(name).strip().lower()
    if key not in _ALIASES:
        raise SettingsError(
            f"Unknown datum {name!r}. Use one of: wgs84 (GPS/OpenStreetMap), "
            "gcj02 (AMap/Gaode, Tencent, WeChat) or bd09 (Baidu)."
        )
    return _ALIASES[key]


def in_china(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.bool_]:
    """Return whether each point lies in the rough box where GCJ-02 offsets apply."""
    la = np.asarray(lat, dtype=float)
    lo = np.asarray(lon, dtype=float)
    return (lo >= 72.004) & (lo <= 137.8347) & (la >= 0.8293) & (la <= 55.8271)


def _delta(lat: Float, lon: Float) -> tuple[Float, Float]:
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(rad) * np.pi)
    inside = in_china(lat, lon)
    return np.where(inside, dlat, 0.0), np.where(inside, dlon, 0.0)


def _arrays(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)


def wgs84_to_gcj02(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert WGS-84 latitude/longitude to GCJ-02 (closed form)."""
    la, lo = _arrays(lat, lon)
    dlat, dlon = _delta(la, lo)
    return la + dlat, lo + dlon


def gcj02_to_bd09(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert GCJ-02 latitude/longitude to BD-09 (closed form)."""
    y, x = _arrays(lat, lon)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065


def _invert(
    forward: Callable[[Float, Float], tuple[Float, Float]],
    lat: Float,
    lon: Float,
    first: tuple[Float, Float],
) -> tuple[Float, Float]:
    """Solve ``forward(x) == (lat, lon)`` by fixed-point iteration from ``first``."""
    glat, glon = first
    for _ in range(_MAX_ITER):
        flat, flon = forward(glat, glon)
        elat, elon = lat - flat, lon - flon
        glat, glon = glat + elat, glon + elon
        finite = np.isfinite(elat) & np.isfinite(elon)
        if not finite.any() or max(np.abs(elat[finite]).max(initial=0.0),
                                   np.abs(elon[finite]).max(initial=0.0)) < _TOL_DEG:
            break
    return glat, glon


def gcj02_to_wgs84(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert GCJ-02 latitude/longitude to WGS-84 (iterative, error < 1e-9 degree)."""
    la, lo = _arrays(lat, lon)
    la1, lo1 = np.atleast_1d(la), np.atleast_1d(lo)
    dlat, dlon = _delta(la1, lo1)
    rlat, rlon = _invert(wgs84_to_gcj02, la1, lo1, (la1 - dlat, lo1 - dlon))
    return rlat.reshape(la.shape), rlon.reshape(lo.shape)


def bd09_to_gcj02(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert BD-09 latitude/longitude to GCJ-02 (iterative, error < 1e-9 degree)."""
    la, lo = _arrays(lat, lon)
    la1, lo1 = np.atleast_1d(la), np.atleast_1d(lo)
    x, y = lo1 - 0.0065, la1 - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    rlat, rlon = _invert(gcj02_to_bd09, la1, lo1, (z * np.sin(theta), z * np.cos(theta)))
    return rlat.reshape(la.shape), rlon.reshape(lo.shape)


def wgs84_to_bd09(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert WGS-84 latitude/longitude to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat: ArrayLike, lon: ArrayLike) -> tuple[Float, Float]:
    """Convert BD-09 latitude/longitude to WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


_CONVERTERS = {
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("bd09", "wgs84"): bd09_to_wgs84,
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
}


def convert(lat: ArrayLike, lon: ArrayLike, *, src: str, dst: str = "wgs84") -> tuple[Float, Float]:
    """Convert coordinates between any two of ``wgs84``, ``gcj02`` and ``bd09``.

    Parameters
    ----------
    lat, lon
        Latitude and longitude in degrees, in datum ``src``.
    src, dst
        Datum names (aliases such as ``"amap"`` or ``"baidu"`` are accepted).

    Returns
    -------
    tuple of numpy.ndarray
        Latitude and longitude in datum ``dst``. NaN stays NaN.
    """
    s, d = normalise_datum(src), normalise_datum(dst)
    if s == d:
        return _arrays(lat, lon)
    return _CONVERTERS[(s, d)](lat, lon)
