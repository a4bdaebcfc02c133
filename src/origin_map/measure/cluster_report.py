"""Parts of :func:`origin_map.measure.cluster.cluster_report`: window points, tidy table, curves."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, distances_m, project_local
from origin_map.i18n import text
from origin_map.measure.pointstats import ClarkEvans, CsrEnvelope
from origin_map.measure.stats import PlaceFilter

MIN_POINTS = 3


class TooFewPlacesError(SettingsError):
    """Fewer than :data:`MIN_POINTS` points to analyse; :meth:`message` gives en/zh text."""

    def __init__(self, n: int, n_before: int, radius_m: float, centre_id: str) -> None:
        self.n, self.n_before, self.radius_m, self.centre_id = n, n_before, radius_m, centre_id
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """Return the message (``cluster.error.too_few``) in ``lang`` (``"en"`` or ``"zh"``)."""
        return text("cluster.error.too_few", lang, n=self.n, n_before=self.n_before,
                    radius_m=self.radius_m, centre_id=self.centre_id, min_points=MIN_POINTS)


def window_xy(places: pd.DataFrame, centre: Centre, radius_m: float,
               place_filter: PlaceFilter | None) -> NDArray[np.float64]:
    """Return AEQD x/y metres of the filtered places within ``radius_m`` (geodesic) of centre."""
    keep = (place_filter or PlaceFilter()).mask(places)
    lat = places["lat"].to_numpy(dtype=np.float64)[keep]
    lon = places["lon"].to_numpy(dtype=np.float64)[keep]
    inside = distances_m(lat, lon, centre.lat, centre.lon) <= radius_m
    x, y = project_local(lat[inside], lon[inside], centre.lat, centre.lon)
    return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]).reshape(-1, 2)


@dataclass(frozen=True)
class Observed:
    """The statistics of the observed pattern."""

    clark_evans: ClarkEvans
    l_minus_d_m: NDArray[np.float64]
    decay: pd.DataFrame


def meta(centre: Any, radius_m: float, n_before: int, n: int, merge_tol_m: float | None
         ) -> dict[str, Any]:
    """Return the first rows: centre, window, merging and point counts."""
    area_km2 = math.pi * radius_m**2 / 1e6
    return {"centre_id": centre.id, "centre_lat": centre.lat, "centre_lon": centre.lon,
            "radius_m": radius_m, "area_km2": area_km2, "n_before_merge": n_before,
            "merged": "false" if merge_tol_m is None else "true",
            "merge_tol_m": "" if merge_tol_m is None else float(merge_tol_m), "n": n,
            "intensity_per_km2": n / area_km2}


def _m(value: float) -> str:
    """Return a distance for a row name: ``50`` or ``12.5``."""
    return f"{value:g}"


def _sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def mc_p_two_sided(observed: float, simulated: NDArray[np.float64]) -> float:
    """Return the two-sided Monte-Carlo p-value of ``observed`` among ``simulated`` values."""
    n = len(simulated)
    below = (1 + np.count_nonzero(simulated <= observed)) / (n + 1)
    above = (1 + np.count_nonzero(simulated >= observed)) / (n + 1)
    return min(1.0, 2.0 * min(below, above))


def mad_p(l_minus_d_m: NDArray[np.float64], sims: NDArray[np.float64]) -> float:
    """Return the p-value of the maximum-absolute-deviation test: max_d |L(d) − d| vs the sims."""
    t_obs = float(np.max(np.abs(l_minus_d_m)))
    t_sim = np.max(np.abs(sims), axis=1)
    return (1 + int(np.count_nonzero(t_sim >= t_obs))) / (len(t_sim) + 1)


def table(meta: dict[str, Any], settings: dict[str, Any], obs: Observed, env: CsrEnvelope
          ) -> pd.DataFrame:
    """Return the ``statistic, value`` table (rows as in :mod:`origin_map.measure.cluster`)."""
    ce = obs.clark_evans
    rows: list[tuple[str, Any]] = [
        ("centre_id", meta["centre_id"]), ("centre_lat", meta["centre_lat"]),
        ("centre_lon", meta["centre_lon"]), ("radius_m", _sig(meta["radius_m"], 8)),
        ("area_km2", round(meta["area_km2"], 6)), ("n_before_merge", meta["n_before_merge"]),
        ("merged", meta["merged"]), ("merge_tol_m", meta["merge_tol_m"]), ("n", meta["n"]),
        ("intensity_per_km2", round(meta["intensity_per_km2"], 3)),
        ("nni_correction", "donnelly"),
        ("nni_observed_m", round(ce.observed_m, 2)), ("nni_expected_m", round(ce.expected_m, 2)),
        ("nni", round(ce.index, 4)), ("nni_z", round(ce.z, 3)), ("nni_p", _sig(ce.p)),
        ("nni_p_mc", _sig(mc_p_two_sided(ce.observed_m, env.mean_nn_m))),
        *settings.items(),
    ]
    for d, value, lo, hi in zip(env.distances_m, obs.l_minus_d_m, env.lo, env.hi, strict=True):
        rows += [(f"L_minus_d_{_m(d)}m", round(float(value), 2)),
                 (f"L_lo_{_m(d)}m", round(float(lo), 2)), (f"L_hi_{_m(d)}m", round(float(hi), 2))]
    rows.append(("L_mad_p", _sig(mad_p(obs.l_minus_d_m, env.l_minus_d_m))))
    dec = obs.decay
    rows.append(("decay_expected_per_km2", round(float(dec["expected_per_km2"].iloc[0]), 3)))
    for r in dec.itertuples(index=False):
        ring = f"{_m(r.ring_inner_m)}_{_m(r.ring_outer_m)}m"
        rows += [(f"decay_count_{ring}", int(r.count)),
                 (f"decay_per_km2_{ring}", round(float(r.density_per_km2), 3)),
                 (f"decay_ratio_{ring}", round(float(r.ratio), 4))]
    return pd.DataFrame(rows, columns=["statistic", "value"])


def curves(obs: Observed, env: CsrEnvelope) -> pd.DataFrame:
    """Return the chart frame: L(d) − d with envelope, density per ring with envelope."""
    l_frame = pd.DataFrame({
        "curve": "L_minus_d", "distance_m": env.distances_m, "ring_inner_m": np.nan,
        "observed": np.round(obs.l_minus_d_m, 3), "expected": 0.0,
        "lo": np.round(env.lo, 3), "hi": np.round(env.hi, 3)})
    dec = obs.decay
    sim_density = env.ring_counts / dec["area_km2"].to_numpy()
    d_frame = pd.DataFrame({
        "curve": "density", "distance_m": dec["ring_outer_m"], "ring_inner_m": dec["ring_inner_m"],
        "observed": dec["density_per_km2"].round(3), "expected": dec["expected_per_km2"].round(3),
        "lo": np.round(sim_density.min(axis=0), 3), "hi": np.round(sim_density.max(axis=0), 3)})
    return pd.concat([l_frame, d_frame], ignore_index=True)
