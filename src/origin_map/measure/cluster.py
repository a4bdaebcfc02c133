"""Is the cluster really clustered? Point-pattern statistics of places in a disc around a centre.

The places within ``radius_m`` of the centre (geodesic distance, as in the density table) are
projected to the centre's azimuthal-equidistant plane
(:func:`origin_map.geo.geometry.project_local`)
and studied in metres inside the disc window W of radius R, area |W| = πR². Method note:
``docs/cluster.md``.

Rows of :func:`cluster_table` (columns ``statistic, value``):

* ``centre_id``, ``centre_lat``, ``centre_lon``, ``radius_m`` (R), ``area_km2`` (|W|).
* ``n_before_merge``: places inside the disc that pass the filter; ``merged``: ``true`` if
  places within ``merge_tol_m`` of each other were merged into one point first (default), else
  ``false``; ``merge_tol_m``; ``n``: points analysed (after merging);
  ``intensity_per_km2`` = n / |W|.
* ``nni_observed_m``: mean nearest-neighbour distance; ``nni_expected_m``: its expectation under
  complete spatial randomness (CSR) with Donnelly's (1978) edge correction for the window's
  perimeter (``nni_correction`` says which); ``nni`` (Clark–Evans R = observed / expected: 1
  random, < 1 clustered, > 1 regular), ``nni_z``, ``nni_p`` (two-sided, normal approximation),
  ``nni_p_mc`` (two-sided Monte-Carlo p from the same CSR simulations as the envelopes).
* ``edge_correction`` (of Ripley's K), ``n_sim``, ``seed``; for each distance d:
  ``L_minus_d_<d>m`` = L(d) − d in metres (> 0: more neighbours within d than CSR, i.e.
  clustering at that scale), ``L_lo_<d>m`` and ``L_hi_<d>m``: the pointwise envelope (min and
  max) of L(d) − d over ``n_sim`` CSR patterns of n points in the same disc (outside it:
  significant at 2 / (n_sim + 1) pointwise); ``L_mad_p``: the global maximum-absolute-deviation
  test of CSR over all the distances.
* ``decay_expected_per_km2`` = n / |W| (uniform density); per ring (a, b]:
  ``decay_count_<a>_<b>m``, ``decay_per_km2_<a>_<b>m`` (count / ring area) and
  ``decay_ratio_<a>_<b>m`` (observed / uniform: > 1 denser than uniform).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre
from origin_map.measure import cluster_report as rep
from origin_map.measure import pointstats as ps
from origin_map.measure.cluster_report import MIN_POINTS, TooFewPlacesError
from origin_map.measure.pointstats import EDGE_CORRECTIONS, ClarkEvans, CsrEnvelope
from origin_map.measure.stats import PlaceFilter

__all__ = [
    "DEFAULT_DISTANCES_M",
    "DEFAULT_MERGE_TOL_M",
    "EDGE_CORRECTIONS",
    "MIN_SIMULATIONS",
    "ClarkEvans",
    "ClusterReport",
    "CsrEnvelope",
    "TooFewPlacesError",
    "clark_evans",
    "cluster_curves",
    "cluster_report",
    "cluster_table",
    "csr_envelope",
    "distance_decay",
    "merge_colocated",
    "ripley_l",
]

DEFAULT_DISTANCES_M = tuple(range(50, 501, 50))
"""Distances of L(d) − d by default (those up to R / 2 are used)."""
DEFAULT_MERGE_TOL_M = 10.0
"""Places closer than this are one building or point and are merged (single linkage)."""
MIN_SIMULATIONS = 99
NNI_CORRECTIONS = ("donnelly", "none")


def merge_colocated(xy: ArrayLike, *, tol_m: float = DEFAULT_MERGE_TOL_M
                    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Merge points closer than ``tol_m`` (single linkage) into their centroid.

    Tenants of one tower share one point (or points metres apart); counted separately they
    would make any pattern look clustered. Chains of points each within ``tol_m`` of the next
    become one group.

    Returns
    -------
    merged : numpy.ndarray
        ``(m, 2)`` group centroids, in the order of each group's first point.
    labels : numpy.ndarray
        The group of each input point (index into ``merged``).
    """
    pts = ps.as_xy(xy)
    if not (math.isfinite(tol_m) and tol_m >= 0):
        raise SettingsError(f"The merge tolerance must be ≥ 0 metres, not {tol_m!r}.")
    n = len(pts)
    pairs = cKDTree(pts).query_pairs(float(tol_m), output_type="ndarray") if n else np.empty((0, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    n_groups, labels = connected_components(graph, directed=False)
    size = np.bincount(labels, minlength=n_groups)
    merged = np.column_stack([np.bincount(labels, weights=pts[:, k], minlength=n_groups) / size
                              for k in (0, 1)])
    return merged, labels.astype(np.intp)


def clark_evans(xy: ArrayLike, *, radius_m: float, edge_correction: str = "donnelly"
                ) -> ClarkEvans:
    """Return the Clark–Evans index of points in the disc of radius ``radius_m``.

    With n points in area A and perimeter P = 2πR, the expected mean nearest-neighbour distance
    under CSR is ``0.5 √(A/n) + (0.0514 + 0.041/√n) P/n`` and its standard error
    ``√(0.0703 A/n² + 0.037 P √(A/n⁵))`` (Donnelly 1978: points near the edge have farther
    neighbours); ``edge_correction="none"`` gives the plain ``0.5/√λ`` and ``0.26136/√(nλ)``.
    ``p`` is two-sided from the normal distribution.
    """
    pts = ps.as_xy(xy)
    r = ps.check_radius(radius_m)
    ps.check_choice(edge_correction, NNI_CORRECTIONS, "nearest-neighbour edge correction")
    n = len(pts)
    if n < 2:
        raise SettingsError("The Clark–Evans index needs at least 2 points.")
    area, perim = math.pi * r * r, 2.0 * math.pi * r
    observed = ps.mean_nn_distance(pts)
    if edge_correction == "donnelly":
        expected = 0.5 * math.sqrt(area / n) + (0.0514 + 0.041 / math.sqrt(n)) * perim / n
        se = math.sqrt(0.0703 * area / n**2 + 0.037 * perim * math.sqrt(area / n**5))
    else:
        expected, se = 0.5 * math.sqrt(area / n), 0.26136 * math.sqrt(area) / n
    z = (observed - expected) / se
    p = float(2.0 * sps.norm.sf(abs(z)))
    return ClarkEvans(observed, expected, se, observed / expected, z, p)


def ripley_l(xy: ArrayLike, *, radius_m: float, distances_m: Iterable[float],
             edge_correction: str = "translation") -> NDArray[np.float64]:
    """Return Besag's L(d) = √(K(d)/π) in metres for points in the disc (centre at 0, 0).

    ``K(d) = |W| / (n(n−1)) Σ_{i≠j} w_ij 1(d_ij ≤ d)``; ``w_ij`` is the translation weight
    ``|W| / |W ∩ (W + x_j − x_i)|`` (default), Ripley's isotropic weight (inverse share of the
    circle around x_i through x_j inside W; lists the pairs, so meant for up to a few thousand
    points), or 1 (``"none"``: biased low near the edge). Under CSR, L(d) ≈ d.
    """
    pts = ps.as_xy(xy)
    r = ps.check_radius(radius_m)
    d = ps.check_distances(distances_m, r)
    ps.check_choice(edge_correction, EDGE_CORRECTIONS, "edge correction")
    return ps.l_function(pts, r, d, edge_correction)


def csr_envelope(n: int, *, radius_m: float, distances_m: Iterable[float],
                 n_sim: int = MIN_SIMULATIONS, seed: int | None = 0,
                 edge_correction: str = "translation",
                 bins_m: Iterable[float] | None = None) -> CsrEnvelope:
    """Simulate ``n_sim`` patterns of ``n`` uniform points in the disc (seeded, reproducible).

    Each pattern gets the same L(d) (same edge correction), mean nearest-neighbour distance and
    ring counts (rings ending at ``bins_m``, default R/10 steps) as the observed one.
    """
    r = ps.check_radius(radius_m)
    d = ps.check_distances(distances_m, r)
    ps.check_choice(edge_correction, EDGE_CORRECTIONS, "edge correction")
    if int(n_sim) != n_sim or n_sim < MIN_SIMULATIONS:
        raise SettingsError(f"Use at least {MIN_SIMULATIONS} simulations, not {n_sim!r}.")
    if n < 2:
        raise SettingsError("A CSR envelope needs at least 2 points.")
    edges = np.concatenate([[0.0], _decay_bins(r, bins_m)])
    rng = np.random.default_rng(seed)
    lmd = np.empty((int(n_sim), len(d)))
    nn = np.empty(int(n_sim))
    rings = np.empty((int(n_sim), len(edges) - 1), dtype=np.int64)
    for k in range(int(n_sim)):
        pts = ps.uniform_disc(rng, int(n), r)
        tree = cKDTree(pts)
        lmd[k] = ps.l_function(pts, r, d, edge_correction, tree) - d
        nn[k] = ps.mean_nn_distance(pts, tree)
        rings[k] = ps.ring_counts(pts, edges)
    return CsrEnvelope(d, lmd, nn, edges, rings)


def _decay_bins(radius_m: float, bins_m: Iterable[float] | None) -> NDArray[np.float64]:
    if bins_m is None:
        return np.linspace(radius_m / 10.0, radius_m, 10)
    return ps.check_distances(bins_m, radius_m, "ring edge")


def distance_decay(xy: ArrayLike, *, radius_m: float, bins_m: Iterable[float] | None = None
                   ) -> pd.DataFrame:
    """Return observed density per ring around the window centre against the uniform density.

    Parameters
    ----------
    xy
        Points in metres, window centre at (0, 0); all of them are taken to be in the disc.
    bins_m
        Outer edges of the rings (metres, ≤ R); default ten rings of R/10.

    Returns
    -------
    pandas.DataFrame
        ``ring_inner_m, ring_outer_m, count, area_km2, density_per_km2, expected_per_km2``
        (n / πR², in km⁻²) and ``ratio`` (observed / expected).
    """
    pts = ps.as_xy(xy)
    r = ps.check_radius(radius_m)
    edges = np.concatenate([[0.0], _decay_bins(r, bins_m)])
    counts = ps.ring_counts(pts, edges)
    area = np.pi * (edges[1:] ** 2 - edges[:-1] ** 2) / 1e6
    expected = len(pts) / (math.pi * r * r / 1e6)
    density = counts / area
    return pd.DataFrame({
        "ring_inner_m": edges[:-1], "ring_outer_m": edges[1:], "count": counts,
        "area_km2": area, "density_per_km2": density, "expected_per_km2": expected,
        "ratio": density / expected if expected else np.nan,
    })


@dataclass(frozen=True)
class ClusterReport:
    """The result of :func:`cluster_report`.

    Attributes
    ----------
    table
        Tidy ``statistic, value`` rows (see the module docstring).
    curves
        Tidy chart data: ``curve`` (``L_minus_d``: L(d) − d in metres, expected 0;
        ``density``: places per km² per ring, expected n / |W|), ``distance_m`` (d, or the
        ring's outer edge), ``ring_inner_m`` (rings only), ``observed``, ``expected``, ``lo``
        and ``hi`` (pointwise min/max over the CSR simulations).
    """

    table: pd.DataFrame
    curves: pd.DataFrame


def cluster_report(places: pd.DataFrame, centre: Centre, *, radius_m: float = 1000.0,
                   place_filter: PlaceFilter | None = None, merge: bool = True,
                   merge_tol_m: float = DEFAULT_MERGE_TOL_M, n_sim: int = MIN_SIMULATIONS,
                   seed: int | None = 0, distances_m: Iterable[float] | None = None,
                   decay_bins_m: Iterable[float] | None = None,
                   edge_correction: str = "translation") -> ClusterReport:
    """Compute every clustering statistic of the places within ``radius_m`` of ``centre``.

    Parameters
    ----------
    places, centre, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    radius_m
        Radius R of the disc window (metres).
    merge, merge_tol_m
        Merge places within ``merge_tol_m`` of each other first (:func:`merge_colocated`).
    n_sim, seed
        CSR simulations (at least 99) and the seed of their random numbers (None: fresh).
    distances_m, decay_bins_m
        Distances of L(d) − d (default 50, 100, …, 500 m, those up to R/2); outer ring edges
        of the distance-decay curve (default ten rings of R/10).
    edge_correction
        Of Ripley's K: ``translation`` (default), ``isotropic`` or ``none``.

    Returns
    -------
    ClusterReport
        ``table`` (``statistic, value`` rows, listed in the module docstring) and ``curves``.

    Raises
    ------
    TooFewPlacesError
        Fewer than 3 points remain to analyse (a :class:`SettingsError` for bad settings).

    Examples
    --------
    >>> grid = pd.DataFrame({"lat": [39.9924 + i * 1e-3 for i in range(-2, 3)] * 5,
    ...                      "lon": [116.3277 + j * 1e-3 for j in range(-2, 3) for _ in range(5)]})
    >>> report = cluster_report(grid, Centre("c", "中心", "Centre", 39.9924, 116.3277), n_sim=99)
    >>> report.table.set_index("statistic").loc[["n", "merged"], "value"].tolist()
    [25, 'true']
    """
    r = ps.check_radius(radius_m)
    if distances_m is None:
        distances_m = [d for d in DEFAULT_DISTANCES_M if d <= r / 2] or [r / 2]
    dist = ps.check_distances(distances_m, r)
    xy, n_before = _merged_window(places, centre, r, place_filter,
                                  merge_tol_m if merge else None)
    env = csr_envelope(len(xy), radius_m=r, distances_m=dist, n_sim=n_sim, seed=seed,
                       edge_correction=edge_correction, bins_m=decay_bins_m)
    result = rep.Observed(
        clark_evans=clark_evans(xy, radius_m=r),
        l_minus_d_m=ripley_l(xy, radius_m=r, distances_m=dist,
                             edge_correction=edge_correction) - dist,
        decay=distance_decay(xy, radius_m=r, bins_m=env.ring_edges_m[1:]))
    meta = rep.meta(centre, r, n_before, len(xy), merge_tol_m if merge else None)
    settings = {"edge_correction": edge_correction, "n_sim": int(n_sim),
                "seed": "" if seed is None else int(seed)}
    return ClusterReport(rep.table(meta, settings, result, env),
                         rep.curves(result, env))


def cluster_table(places: pd.DataFrame, centre: Centre, **options: Any) -> pd.DataFrame:
    """Return the clustering statistics as a tidy ``statistic, value`` table.

    Options are those of :func:`cluster_report` (``radius_m=1000``, ``place_filter``,
    ``merge=True``, ``merge_tol_m``, ``n_sim=99``, ``seed=0``, ``distances_m``,
    ``decay_bins_m``, ``edge_correction``). The rows are listed in the module docstring.
    """
    return cluster_report(places, centre, **options).table


def cluster_curves(places: pd.DataFrame, centre: Centre, **options: Any) -> pd.DataFrame:
    """Return L(d) − d with its CSR envelope and the distance-decay curve, tidy, for charts.

    Same options as :func:`cluster_table`; columns as in :attr:`ClusterReport.curves`.
    """
    return cluster_report(places, centre, **options).curves


def _merged_window(places: pd.DataFrame, centre: Centre, radius_m: float,
                   place_filter: PlaceFilter | None, merge_tol_m: float | None
                   ) -> tuple[NDArray[np.float64], int]:
    """Return the points to analyse (merged unless ``merge_tol_m`` is None) and the count before.

    Raises TooFewPlacesError below :data:`MIN_POINTS` points.
    """
    xy = rep.window_xy(places, centre, radius_m, place_filter)
    n_before = len(xy)
    if merge_tol_m is not None:
        xy, _ = merge_colocated(xy, tol_m=merge_tol_m)
    if len(xy) < MIN_POINTS:
        raise TooFewPlacesError(len(xy), n_before, radius_m, centre.id)
    return xy, n_before
