"""Metric geometry around a centre: distances, rings and ring polygons, all in metres.

Two tools, each for its job:

* **Distances** from the centre are geodesic distances on the WGS-84 ellipsoid, which is exactly the
  radial distance of a local azimuthal-equidistant (AEQD) projection centred on the place. They are
  computed vectorised as the straight chord between the two points in Earth-centred (ECEF)
  coordinates, corrected to arc length on the local sphere of curvature: within 10 km this agrees
  with the geodesic (``pyproj.Geod.inv``) and the AEQD radius to better than 1 mm, and it runs about
  fifteen times faster than projecting with pyproj (two sines a point, in place: a little faster
  than a bare numpy haversine, which is up to 0.3 % off). Points farther than
  :data:`EXACT_BEYOND_M` are recomputed with the exact geodesic, so far-away points are right too.
* **Shapes** (ring polygons for drawing, projected x/y) use the AEQD projection via pyproj.

Counting always uses distances; polygons are only for drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from origin_map.errors import SettingsError
from origin_map.limits import MAX_RADIUS_M

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "EXACT_BEYOND_M",
    "MAX_RADIUS_M",
    "Centre",
    "Rings",
    "assign_rings",
    "distances_m",
    "local_crs",
    "normalise_radii",
    "parse_radii_text",
    "project_local",
    "ring_polygons",
    "ring_radii",
    "sorted_numbers",
]

_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_WGS84_E2 = _WGS84_F * (2 - _WGS84_F)
_DEG_TO_RAD = math.pi / 180.0
EXACT_BEYOND_M = 50_000.0
"""Distances beyond this are recomputed with the exact ellipsoidal geodesic."""
_COMPARE_UP_TO = 8  # rings assigned by comparisons up to this many radii, else binary search


@dataclass(frozen=True)
class Centre:
    """A centre of measurement (WGS-84).

    Parameters
    ----------
    id
        Stable identifier (``"custom"`` for a point typed in).
    name_zh, name_en
        Names in Chinese and English.
    lat, lon
        WGS-84 latitude and longitude in degrees.

    Raises
    ------
    SettingsError
        If the latitude or longitude is not a number within range.

    Examples
    --------
    >>> c = Centre("wudaokou", "五道口", "Wudaokou", 39.991478, 116.331702)
    >>> c.name("zh"), c.lat
    ('五道口', 39.991478)
    """

    id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float

    def __post_init__(self) -> None:
        lat, lon = float(self.lat), float(self.lon)
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise SettingsError(f"Centre latitude {self.lat!r} is not in -90..90 degrees.")
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise SettingsError(f"Centre longitude {self.lon!r} is not in -180..180 degrees.")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)

    def name(self, lang: str = "en") -> str:
        """Return the name in ``lang`` (``"en"`` or ``"zh"``), falling back to the other."""
        from origin_map.i18n import names

        pair = names(self.name_zh, self.name_en, lang)
        return pair[0] or pair[1] or self.id


def _mean_radius_m(lat: float) -> float:
    """Gaussian mean radius of curvature sqrt(M N) at latitude ``lat``."""
    s2 = math.sin(math.radians(lat)) ** 2
    w = math.sqrt(1.0 - _WGS84_E2 * s2)
    return _WGS84_A * math.sqrt(1.0 - _WGS84_E2) / (w * w)


def _chord_squared_m2(
    lat: NDArray[np.float64], lon: NDArray[np.float64], centre_lat: float, centre_lon: float
) -> NDArray[np.float64]:
    """Return the squared ECEF chord (m²) from the centre to each point, with two sines a point.

    In ECEF axes turned so that the centre's meridian is at longitude 0, with ``P = N cos(phi)``,
    ``h = sin²(dlam / 2)`` and ``cos(phi) = sqrt((1 - s)(1 + s))`` (latitudes are within ±90°):
    ``chord² = (P - P0 - 2 P h)² + 4 P² h (1 - h) + ((1 - e²)(N s - N0 s0))²``. This is the same
    chord as differencing full ECEF vectors, in 2 transcendental calls instead of 4, computed in
    place (the result agrees with the four-call form to a few nanometres).
    """
    s0 = math.sin(math.radians(centre_lat))
    n0 = _WGS84_A / math.sqrt(1.0 - _WGS84_E2 * s0 * s0)
    p0 = n0 * math.sqrt((1.0 - s0) * (1.0 + s0))
    q0 = n0 * s0
    s = np.multiply(lat, _DEG_TO_RAD)
    np.sin(s, out=s)  # s = sin(phi)
    n = s * s
    n *= -_WGS84_E2
    n += 1.0
    np.sqrt(n, out=n)
    np.divide(_WGS84_A, n, out=n)  # N, the prime-vertical radius
    p = 1.0 - s
    p *= 1.0 + s
    np.sqrt(p, out=p)
    p *= n  # P = N cos(phi)
    s *= n
    s -= q0
    s *= 1.0 - _WGS84_E2
    s *= s  # dz²
    h = np.subtract(lon, centre_lon)
    h *= _DEG_TO_RAD / 2.0
    np.sin(h, out=h)
    h *= h  # h = sin²(dlam / 2)
    y2 = h * h
    np.subtract(h, y2, out=y2)
    y2 *= 4.0
    y2 *= p
    y2 *= p  # dy² = 4 P² h (1 - h)
    h *= p
    h *= -2.0
    h += p
    h -= p0
    h *= h  # dx²
    h += y2
    h += s
    return h


def distances_m(
    lat: ArrayLike, lon: ArrayLike, centre_lat: float, centre_lon: float
) -> NDArray[np.float64]:
    """Return geodesic distances in metres from a centre to each point.

    Parameters
    ----------
    lat, lon
        WGS-84 latitudes and longitudes in degrees (arrays of equal length).
    centre_lat, centre_lon
        WGS-84 position of the centre.

    Returns
    -------
    numpy.ndarray
        Distances in metres (NaN where a coordinate is NaN).
    """
    la, lo = np.broadcast_arrays(np.asarray(lat, dtype=np.float64),
                                 np.asarray(lon, dtype=np.float64))
    if la.ndim == 0:
        return distances_m(la.reshape(1), lo.reshape(1), centre_lat, centre_lon)[0]
    centre_lat, centre_lon = float(centre_lat), float(centre_lon)
    chord2 = _chord_squared_m2(la, lo, centre_lat, centre_lon)
    dist = np.sqrt(chord2)
    r = _mean_radius_m(centre_lat)
    # arc = 2 r asin(c / 2r) ~= c + c^3 / (24 r^2): exact to < 1e-9 relative below 50 km.
    chord2 *= dist
    chord2 *= 1.0 / (24.0 * r * r)
    dist += chord2
    far = dist > EXACT_BEYOND_M
    if far.any():
        from pyproj import Geod

        geod = Geod(ellps="WGS84")
        n_far = int(far.sum())
        _, _, exact = geod.inv(
            np.full(n_far, centre_lon), np.full(n_far, centre_lat), lo[far], la[far]
        )
        dist[far] = exact
    return dist


def normalise_radii(
    radii_m: Iterable[float | str], *, max_m: float = MAX_RADIUS_M
) -> tuple[float, ...]:
    """Validate ring radii and return them sorted, without duplicates.

    A :class:`Rings` was validated when it was made: its radii are returned as they are.

    Raises
    ------
    SettingsError
        If a radius is not a finite number in (0, ``max_m``] metres, or none is given.
    """
    if isinstance(radii_m, Rings):
        return radii_m.radii_m

    def problem(value: object, r: float) -> str | None:
        if not math.isfinite(r) or r <= 0:
            return f"Ring radius {value!r} m must be a positive number of metres."
        if r > max_m:
            return f"Ring radius {r:,.0f} m is larger than the maximum of {max_m:,.0f} m."
        return None

    return sorted_numbers(radii_m, problem,
                          not_number="Ring radius {value!r} is not a number of metres.",
                          empty="Give at least one ring radius in metres, e.g. 1000.")


def sorted_numbers(values: Iterable[Any], problem: Callable[[Any, float], str | None], *,
                   not_number: str, empty: str) -> tuple[float, ...]:
    """Return ``values`` as numbers, sorted and without duplicates, or raise SettingsError.

    ``problem(value, number)`` returns the message for a number out of range (None: it is
    fine); ``not_number`` is the message for a value that is no number (``{value!r}`` in it is
    the value), ``empty`` the message when there is none.
    """
    out: set[float] = set()
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise SettingsError(not_number.format(value=value)) from None
        message = problem(value, number)
        if message is not None:
            raise SettingsError(message)
        out.add(number)
    if not out:
        raise SettingsError(empty)
    return tuple(sorted(out))


def assign_rings(distance_m: ArrayLike, radii_m: Iterable[float]) -> NDArray[np.intp]:
    """Return the ring index of each distance.

    Ring ``i`` holds distances in ``(radii[i-1], radii[i]]`` (ring 0 starts at 0 and includes the
    centre; a point exactly on a radius belongs to the inner ring). Index ``len(radii)`` means
    outside the outermost ring; NaN distances are outside too.
    """
    radii = normalise_radii(radii_m)
    d = np.asarray(distance_m, dtype=np.float64)
    if len(radii) > _COMPARE_UP_TO:
        idx = np.searchsorted(np.asarray(radii), d, side="left")
    else:  # a few comparisons beat a binary search: idx = number of radii strictly below d
        idx = np.zeros(d.shape, dtype=np.intp)
        for r in radii:
            idx += d > r
    idx[np.isnan(d)] = len(radii)
    return idx


@lru_cache(maxsize=64)
def local_crs(centre_lat: float, centre_lon: float) -> object:
    """Return the azimuthal-equidistant :class:`pyproj.CRS` centred on a point (metres)."""
    from pyproj import CRS

    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre_lat!r} +lon_0={centre_lon!r} +datum=WGS84 +units=m +no_defs"
    )


@lru_cache(maxsize=64)
def _transformer(centre_lat: float, centre_lon: float, inverse: bool) -> object:
    from pyproj import Transformer

    crs = local_crs(centre_lat, centre_lon)
    src, dst = (crs, "EPSG:4326") if inverse else ("EPSG:4326", crs)
    return Transformer.from_crs(src, dst, always_xy=True)


def project_local(
    lat: ArrayLike, lon: ArrayLike, centre_lat: float, centre_lon: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project WGS-84 points to x/y metres east/north in the AEQD projection of the centre."""
    tr = _transformer(float(centre_lat), float(centre_lon), False)
    x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))  # type: ignore[attr-defined]
    return np.asarray(x), np.asarray(y)


def _circle_lonlat(
    centre_lat: float, centre_lon: float, radius_m: float, n_vertices: int
) -> NDArray[np.float64]:
    theta = np.linspace(0.0, 2.0 * np.pi, n_vertices, endpoint=False)
    x = radius_m * np.cos(theta)
    y = radius_m * np.sin(theta)
    tr = _transformer(float(centre_lat), float(centre_lon), True)
    lon, lat = tr.transform(x, y)  # type: ignore[attr-defined]
    return np.column_stack([lon, lat])


def ring_polygons(
    centre_lat: float,
    centre_lon: float,
    radii_m: Iterable[float],
    *,
    n_vertices: int = 256,
) -> gpd.GeoDataFrame:
    """Return ring polygons (annuli) around a centre as a GeoDataFrame in EPSG:4326.

    The circles are built in the centre's AEQD projection with ``n_vertices`` vertices and
    transformed to WGS-84, so a 1 km circle is a 1 km circle on the ground. With the default 256
    vertices the polygon area is within 0.01% of pi r^2. For drawing only: count with
    :func:`distances_m`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``ring_inner_m``, ``ring_outer_m``, ``geometry``; one row per ring, inner first.
    """
    import geopandas as gpd
    from shapely import Polygon

    if n_vertices < 16:
        raise SettingsError("Ring polygons need at least 16 vertices.")
    radii = normalise_radii(radii_m)
    rows = []
    inner = 0.0
    for outer in radii:
        shell = _circle_lonlat(centre_lat, centre_lon, outer, n_vertices)
        holes = [_circle_lonlat(centre_lat, centre_lon, inner, n_vertices)[::-1]] if inner else []
        rows.append(
            {"ring_inner_m": inner, "ring_outer_m": outer, "geometry": Polygon(shell, holes)}
        )
        inner = outer
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@dataclass(frozen=True)
class Rings(Sequence[float]):
    """Ring radii in metres, validated once: sorted, unique, the main radius among them.

    Make one with :meth:`build` or :meth:`parse`; every function that takes radii accepts a
    ``Rings`` and uses its radii as they are. Iterating gives the radii.

    Parameters
    ----------
    radii_m
        The radii, sorted ascending, without duplicates.
    main_m
        The main radius (the 1 km "origin community" by default): drawn solid, counted on the
        Overview, and always one of ``radii_m``.

    Raises
    ------
    SettingsError
        From :meth:`build` and :meth:`parse`, when a radius is not a positive number of metres
        within the limit.

    Examples
    --------
    >>> rings = Rings.parse(1000, "2000, 500")
    >>> rings.radii_m, rings.main_m, rings.extra_m
    ((500.0, 1000.0, 2000.0), 1000.0, (500.0, 2000.0))
    """

    radii_m: tuple[float, ...]
    main_m: float

    @classmethod
    def build(cls, main_m: float = 1000.0, extra_m: Iterable[float | str] = (), *,
              max_m: float = MAX_RADIUS_M) -> Rings:
        """Validate the main radius and the extra radii (``SettingsError`` if one is bad)."""
        (main,) = normalise_radii([main_m], max_m=max_m)
        return cls(normalise_radii([main, *extra_m], max_m=max_m), main)

    @classmethod
    def parse(cls, main_m: float, text: str, *, max_m: float = MAX_RADIUS_M) -> Rings:
        """Build from a main radius and a text such as ``"500, 2000"`` (commas, ; or spaces)."""
        parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",")
                 if p.strip()]
        return cls.build(main_m, parts, max_m=max_m)

    @property
    def extra_m(self) -> tuple[float, ...]:
        """The radii other than the main one."""
        return tuple(r for r in self.radii_m if r != self.main_m)

    def __iter__(self) -> Iterator[float]:
        return iter(self.radii_m)

    def __getitem__(self, index: int) -> float:  # type: ignore[override]
        return self.radii_m[index]

    def __len__(self) -> int:
        return len(self.radii_m)

    @property
    def outer_m(self) -> float:
        """The largest radius."""
        return self.radii_m[-1]


def ring_radii(
    radius_m: float = 1000.0, rings_m: Iterable[float] | None = None
) -> tuple[float, ...]:
    """Return the ring radii to measure: ``rings_m`` plus the main ``radius_m``, sorted, unique.

    The main radius (the 1 km "origin community" by default) is always one of the rings.
    """
    return Rings.build(radius_m, rings_m or ()).radii_m


def parse_radii_text(text: str) -> tuple[float, ...]:
    """Parse ``"500,1000,2000"`` (commas, semicolons or spaces) into validated radii in metres."""
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    return normalise_radii(parts)
