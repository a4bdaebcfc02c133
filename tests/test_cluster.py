"""Clustering statistics: known answers from CSR, clustered, regular and hand-made patterns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from origin_map.errors import SettingsError
from origin_map.measure import pointstats as ps
from origin_map.measure.cluster import (
    TooFewPlacesError,
    clark_evans,
    cluster_curves,
    cluster_report,
    cluster_table,
    csr_envelope,
    distance_decay,
    merge_colocated,
    ripley_l,
)
from origin_map.measure.stats import PlaceFilter
from tests.conftest import DONGSHENG, places_at

R = 1000.0
DIST = list(range(50, 501, 50))
GEOD = Geod(ellps="WGS84")


def csr(n: int, seed: int, radius: float = R) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r = radius * np.sqrt(rng.random(n))
    t = rng.random(n) * 2 * np.pi
    return np.column_stack([r * np.cos(t), r * np.sin(t)])


def thomas(seed: int, parents: int = 8, children: int = 30, sigma_m: float = 25.0
           ) -> np.ndarray:
    """A Thomas cluster process in the disc: Gaussian offspring around uniform parents."""
    rng = np.random.default_rng(seed)
    centres = csr(parents, seed + 1, R - 150)
    pts = np.concatenate([c + rng.normal(0, sigma_m, (children, 2)) for c in centres])
    return pts[np.hypot(*pts.T) <= R]


def grid(spacing_m: float = 100.0) -> np.ndarray:
    ticks = np.arange(-R, R + 1, spacing_m) + spacing_m / 2
    xx, yy = np.meshgrid(ticks, ticks)
    pts = np.column_stack([xx.ravel(), yy.ravel()])
    return pts[np.hypot(*pts.T) <= R]


def places_from_xy(xy: np.ndarray, sector: str = "large_models", kind: str = "firm"
                   ) -> pd.DataFrame:
    """Places at x/y metres east/north of Dongsheng Building (geodesic forward problem)."""
    specs = [(f"p{i}", float(math.hypot(x, y)), float(math.degrees(math.atan2(x, y))), sector,
              kind) for i, (x, y) in enumerate(xy)]
    return places_at(specs)


# --- Clark-Evans -------------------------------------------------------------------------------

def test_csr_gives_nni_near_one_and_no_significance():
    ce = clark_evans(csr(300, seed=11), radius_m=R)
    assert abs(ce.index - 1) < 0.1
    assert ce.p > 0.01


def test_thomas_process_is_clustered():
    pts = thomas(seed=3)
    ce = clark_evans(pts, radius_m=R)
    assert ce.index < 0.6 and ce.z < 0
    assert ce.p < 0.001


def test_regular_grid_is_dispersed():
    ce = clark_evans(grid(100.0), radius_m=R)
    assert ce.index > 1.5 and ce.z > 0
    assert ce.observed_m == pytest.approx(100.0)


def test_donnelly_expectation_matches_simulated_mean_in_a_disc():
    n, sims = 40, 600
    means = [ps.mean_nn_distance(csr(n, seed=1000 + k)) for k in range(sims)]
    ce = clark_evans(csr(n, seed=1), radius_m=R)
    plain = clark_evans(csr(n, seed=1), radius_m=R, edge_correction="none")
    assert np.mean(means) == pytest.approx(ce.expected_m, rel=0.01)
    assert abs(np.mean(means) / plain.expected_m - 1) > 0.05  # the edge matters at n = 40
    assert np.std(means) == pytest.approx(ce.se_m, rel=0.1)


# --- Ripley's L --------------------------------------------------------------------------------

def test_l_without_correction_by_hand():
    pts = np.array([[0.0, 0.0], [30.0, 0.0], [0.0, 40.0]])  # distances 30, 40, 50
    lvals = ripley_l(pts, radius_m=R, distances_m=[20, 35, 45, 50], edge_correction="none")
    assert lvals == pytest.approx([0.0, R / math.sqrt(3), R * math.sqrt(2 / 3), R])


def test_translation_weight_is_the_inverse_share_of_the_shifted_disc_overlap():
    disc = shapely.Point(0, 0).buffer(R, quad_segs=512)
    for d in (10.0, 250.0, 500.0, 1000.0):
        lens = disc.intersection(shapely.affinity.translate(disc, d, 0)).area
        assert ps.translation_weight(np.array([d]), R)[0] == pytest.approx(disc.area / lens,
                                                                          rel=1e-4)


@pytest.mark.parametrize("rho,d", [(0.0, 300.0), (500.0, 400.0), (900.0, 300.0),
                                   (990.0, 50.0), (700.0, 500.0)])
def test_isotropic_weight_is_the_inverse_share_of_the_circle_inside(rho, d):
    disc = shapely.Point(0, 0).buffer(R, quad_segs=2048)
    circle = shapely.Point(rho, 0).buffer(d, quad_segs=2048).exterior
    inside = circle.intersection(disc).length / circle.length
    assert ps.isotropic_weight(np.array([rho]), np.array([d]), R)[0] == pytest.approx(
        1 / inside, rel=1e-3)


def _exact_l(pts: np.ndarray, distances: list[float], weight) -> np.ndarray:
    n = len(pts)
    diff = pts[:, None, :] - pts[None, :, :]
    dij = np.hypot(diff[..., 0], diff[..., 1])
    w = weight(dij)
    np.fill_diagonal(w, 0.0)
    s = np.array([(w * (dij <= d)).sum() for d in distances])
    return np.sqrt(math.pi * R * R * s / (n * (n - 1)) / math.pi)


@pytest.mark.parametrize("pts", [thomas(seed=5), csr(250, seed=6)], ids=["thomas", "csr"])
def test_translation_l_equals_the_exact_pairwise_sum(pts):
    exact = _exact_l(pts, DIST, lambda d: ps.translation_weight(d, R))
    got = ripley_l(pts, radius_m=R, distances_m=DIST)
    assert got == pytest.approx(exact, rel=1e-3)


def test_isotropic_l_equals_the_exact_pairwise_sum():
    pts = thomas(seed=8)
    rho = np.hypot(*pts.T)
    exact = _exact_l(pts, DIST, lambda d: ps.isotropic_weight(rho[:, None] + 0 * d, d, R))
    got = ripley_l(pts, radius_m=R, distances_m=DIST, edge_correction="isotropic")
    assert got == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("correction", ["translation", "isotropic"])
def test_l_of_random_points_lies_inside_its_csr_envelope(correction):
    pts = csr(200, seed=21)
    obs = ripley_l(pts, radius_m=R, distances_m=DIST, edge_correction=correction) - DIST
    env = csr_envelope(200, radius_m=R, distances_m=DIST, seed=22, edge_correction=correction)
    assert env.l_minus_d_m.shape == (99, len(DIST))
    assert np.all(obs >= env.lo) and np.all(obs <= env.hi)
    assert np.abs(env.l_minus_d_m.mean(axis=0)).max() < 3.0  # corrected L(d) ≈ d under CSR


def test_uncorrected_l_is_biased_low_and_corrections_fix_it():
    means = {c: np.mean([ripley_l(csr(200, seed=s), radius_m=R, distances_m=[500],
                                  edge_correction=c)[0] - 500 for s in range(30)])
             for c in ("none", "translation", "isotropic")}
    assert means["none"] < -50
    assert abs(means["translation"]) < 5 and abs(means["isotropic"]) < 5


def test_clustered_and_regular_patterns_leave_the_envelope():
    env = csr_envelope(len(thomas(seed=3)), radius_m=R, distances_m=[100], seed=1)
    assert ripley_l(thomas(seed=3), radius_m=R, distances_m=[100])[0] - 100 > env.hi[0]
    g = grid(100.0)
    env = csr_envelope(len(g), radius_m=R, distances_m=[50], seed=1)
    assert ripley_l(g, radius_m=R, distances_m=[50])[0] - 50 < env.lo[0]


# --- merging and decay -------------------------------------------------------------------------

def test_merge_colocated_groups_by_single_linkage():
    pts = np.array([[0, 0], [0, 0], [3, 4], [100, 0], [100, 9], [100, 18]], dtype=float)
    merged, labels = merge_colocated(pts, tol_m=10)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert merged == pytest.approx(np.array([[1, 4 / 3], [100, 9]]))
    merged, labels = merge_colocated(pts, tol_m=4)
    assert labels.tolist() == [0, 0, 1, 2, 3, 4] and len(merged) == 5


def test_distance_decay_counts_rings_against_uniform_density():
    pts = np.array([[0, 0], [0, 100], [150, 0], [0, -150], [950, 0]], dtype=float)
    dec = distance_decay(pts, radius_m=R)
    assert dec["count"].tolist() == [2, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    expected = 5 / (math.pi * R * R / 1e6)
    assert dec["expected_per_km2"].iloc[0] == pytest.approx(expected)
    assert dec["density_per_km2"].iloc[0] == pytest.approx(2 / (math.pi * 0.01))
    assert dec["ratio"].iloc[1] == pytest.approx(2 / (math.pi * 0.03) / expected)


# --- from places -------------------------------------------------------------------------------

@pytest.fixture
def tower_places() -> pd.DataFrame:
    """Thomas-clustered firms, plus 4 tenants sharing one tower point, plus 2 far away."""
    pts = thomas(seed=3)
    tower = np.repeat([[200.0, 300.0]], 4, axis=0)
    far = np.array([[0.0, 1500.0], [2000.0, 0.0]])
    return places_from_xy(np.concatenate([pts, tower, far]))


def _independent_count(places: pd.DataFrame, radius_m: float) -> int:
    n = len(places)
    _, _, dist = GEOD.inv(np.full(n, DONGSHENG.lon), np.full(n, DONGSHENG.lat),
                          places["lon"].to_numpy(), places["lat"].to_numpy())
    return int((dist <= radius_m).sum())


def test_cluster_table_rows_and_merging(tower_places):
    table = cluster_table(tower_places, DONGSHENG).set_index("statistic")["value"]
    n_in = _independent_count(tower_places, R)
    assert table["n_before_merge"] == n_in == len(thomas(seed=3)) + 4
    assert table["merged"] == "true"
    assert table["n"] < n_in - 3  # the tower's 4 tenants count once (and close offspring merge)
    assert table["area_km2"] == pytest.approx(math.pi, rel=1e-6)
    assert table["nni"] < 0.6 and table["nni_p"] < 0.001 and table["nni_p_mc"] == 0.02
    for d in DIST:
        assert table[f"L_lo_{d}m"] <= table[f"L_hi_{d}m"]
    assert table["L_minus_d_100m"] > table["L_hi_100m"]
    assert table["L_mad_p"] == 0.01
    assert sum(table[f"decay_count_{a}_{a + 100}m"] for a in range(0, 1000, 100)) == table["n"]
    raw = cluster_table(tower_places, DONGSHENG, merge=False).set_index("statistic")["value"]
    assert raw["merged"] == "false" and raw["n"] == n_in


def test_cluster_table_is_seeded(tower_places):
    a = cluster_table(tower_places, DONGSHENG, seed=1)
    b = cluster_table(tower_places, DONGSHENG, seed=1)
    c = cluster_table(tower_places, DONGSHENG, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_cluster_filter_and_radius(tower_places):
    places = tower_places.copy()
    chips = places.index[::4]
    places.loc[chips, "sector"] = "chips"
    table = cluster_table(places, DONGSHENG, radius_m=600,
                          place_filter=PlaceFilter(sectors=["chips"]), merge=False)
    row = table.set_index("statistic")["value"]
    inside = _independent_count(places.loc[chips], 600)
    assert 3 <= inside < _independent_count(places, 600)
    assert row["n"] == inside and row["radius_m"] == 600
    assert "L_minus_d_300m" in row.index and "L_minus_d_350m" not in row.index  # up to R/2


def test_cluster_curves_frame(tower_places):
    curves = cluster_curves(tower_places, DONGSHENG)
    assert list(curves.columns) == ["curve", "distance_m", "ring_inner_m", "observed",
                                    "expected", "lo", "hi"]
    assert curves["curve"].value_counts().to_dict() == {"L_minus_d": 10, "density": 10}
    dens = curves[curves["curve"] == "density"]
    assert (dens["lo"] <= dens["hi"]).all()
    report = cluster_report(tower_places, DONGSHENG)
    pd.testing.assert_frame_equal(report.curves, curves)


def test_too_few_places_is_a_clear_bilingual_error():
    places = places_at([("a", 100, 0, "chips", "firm"), ("b", 100.5, 0, "chips", "firm"),
                        ("c", 300, 90, "chips", "firm"), ("far", 3000, 0, "chips", "firm")])
    with pytest.raises(TooFewPlacesError, match="Only 2 point") as info:
        cluster_table(places, DONGSHENG)
    assert info.value.n_before == 3 and "至少需要 3" in info.value.message("zh")
    assert isinstance(info.value, SettingsError)


@pytest.mark.parametrize("options,message", [
    ({"n_sim": 50}, "at least 99"),
    ({"edge_correction": "border"}, "Unknown edge correction"),
    ({"distances_m": [100, 1500]}, "at most the window radius"),
    ({"radius_m": -5}, "positive"),
    ({"merge_tol_m": -1}, "merge tolerance"),
])
def test_bad_options_are_settings_errors(tower_places, options, message):
    with pytest.raises(SettingsError, match=message):
        cluster_table(tower_places, DONGSHENG, **options)
