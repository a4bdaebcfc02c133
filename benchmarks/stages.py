"""In-process stages at one size N: ours, the naive path a typical user writes, and the floor.

Run by ``run.py`` in a fresh process per N (``run.py --worker N``), so each size's peak memory
is its own. Every stage is timed as the median of ``repeat`` calls.

* naive: geopandas in EPSG:4326 with a circle "buffer" drawn in degrees and a ``within`` test per
  ring (what a quick notebook does; it is also wrong east-west by cos(latitude)); the H3 string
  API point by point; one ``folium.Marker`` with a popup per point.
* floor: a bare vectorised numpy haversine over the same lat/lon arrays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from measure import measure, row
from synth import DONGSHENG, RADII_M, synthetic_places, write_load_csv

C = DONGSHENG
H3_RES = 9


def haversine_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """The floor: great-circle distance on a sphere of radius 6371008.8 m, numpy only."""
    p0, l0 = np.radians(C.lat), np.radians(C.lon)
    p, lam = np.radians(lat), np.radians(lon)
    a = np.sin((p - p0) / 2) ** 2 + np.cos(p0) * np.cos(p) * np.sin((lam - l0) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def _degree_circles() -> list[Any]:
    from shapely.geometry import Point

    return [Point(C.lon, C.lat).buffer(r / 111_320.0, 64) for r in RADII_M]


def naive_rings(gdf: Any) -> np.ndarray:
    """Ring index per point by ``within`` tests against circles buffered in degrees."""
    ring = np.full(len(gdf), len(RADII_M))
    for i, circle in reversed(list(enumerate(_degree_circles()))):
        ring[gdf.geometry.within(circle).to_numpy()] = i
    return ring


def naive_density(gdf: Any) -> pd.DataFrame:
    """Counts per ring x sector the naive way: ``within`` per ring, then ``value_counts``."""
    rows, prev = [], None
    for r, circle in zip(RADII_M, _degree_circles(), strict=True):
        inside = gdf.geometry.within(circle).to_numpy()
        ring = inside & ~prev if prev is not None else inside
        prev = inside
        counts = gdf.loc[ring, "sector"].value_counts()
        rows += [{"ring_outer_m": r, "sector": s, "count": int(c)} for s, c in counts.items()]
        rows.append({"ring_outer_m": r, "sector": "all", "count": int(ring.sum())})
    return pd.DataFrame(rows)


def naive_h3(lat: np.ndarray, lon: np.ndarray) -> pd.Series:
    """H3 counts with the string API, one call per point, then ``value_counts``."""
    import h3

    return pd.Series([h3.latlng_to_cell(a, b, H3_RES) for a, b in zip(lat, lon,
                                                                       strict=True)]).value_counts()


def naive_map_html(places: pd.DataFrame) -> str:
    """The per-point map a typical folium user writes: one Marker with a popup per place."""
    import folium

    m = folium.Map(location=[C.lat, C.lon], zoom_start=15)
    for r in places.itertuples(index=False):
        folium.Marker([r.lat, r.lon], tooltip=r.name_en, popup=folium.Popup(
            f"<b>{r.name_en}</b><br>{r.sector}<br>{r.kind}<br>{r.distance_m:,.0f} m",
            max_width=300)).add_to(m)
    return m.get_root().render()


def our_map_html(shown: pd.DataFrame) -> str:
    """The map the app sends: :func:`origin_map.render.mapping.build_map`, rendered to HTML."""
    from origin_map.render.mapping import build_map

    return build_map(shown, C, RADII_M).get_root().render()


def run_size(n: int, repeat: int, tmp: Path, naive_map_max: int) -> list[dict[str, Any]]:
    """Measure every in-process stage at size ``n``; return the result rows."""
    import folium  # noqa: F401  (imports are not what the stages measure)
    import geopandas as gpd
    import h3  # noqa: F401

    import origin_map.render.mapping  # noqa: F401
    from origin_map.geo.geometry import assign_rings, distances_m
    from origin_map.measure.stats import PlaceFilter, density_table, h3_table, with_distances
    from origin_map.places.datasets import read_places

    rows = []
    csv = write_load_csv(synthetic_places(n), tmp / f"load_{n}.csv")

    def naive_load() -> Any:
        f = pd.read_csv(csv)
        return gpd.GeoDataFrame(f, geometry=gpd.points_from_xy(f["lon"], f["lat"]),
                                crs="EPSG:4326")

    naive = measure(naive_load, repeat)
    ours = measure(lambda: read_places(csv, datum="gcj02", centre=C), repeat)
    loaded = ours.result
    assert len(loaded.places) == n and loaded.n_errors == 0, loaded.summary()
    rows.append(row(n, "load_validate_datum", ours_s=ours.median_s, naive_s=naive.median_s,
                    peak_rss_mb=ours.peak_rss_mb, naive_peak_rss_mb=naive.peak_rss_mb,
                    note="read_places(csv, datum=gcj02) vs pd.read_csv + points_from_xy"))
    places = loaded.places
    del loaded, ours, naive
    gdf = places[["sector", "geometry"]]
    lat = places["lat"].to_numpy()
    lon = places["lon"].to_numpy()

    floor = measure(lambda: haversine_m(lat, lon), repeat)
    ours = measure(lambda: assign_rings(distances_m(lat, lon, C.lat, C.lon), RADII_M), repeat)
    naive = measure(lambda: naive_rings(gdf), repeat)
    rows.append(row(n, "distance_rings", ours_s=ours.median_s, naive_s=naive.median_s,
                    floor_s=floor.median_s, peak_rss_mb=ours.peak_rss_mb,
                    naive_peak_rss_mb=naive.peak_rss_mb,
                    note="distances_m + assign_rings vs degree-buffer within per ring"))

    floor = measure(lambda: haversine_m(lat, lon), repeat)
    ours = measure(lambda: density_table(places, C, RADII_M), repeat)
    naive = measure(lambda: naive_density(gdf), repeat)
    rows.append(row(n, "density_table", ours_s=ours.median_s, naive_s=naive.median_s,
                    floor_s=floor.median_s, peak_rss_mb=ours.peak_rss_mb,
                    naive_peak_rss_mb=naive.peak_rss_mb,
                    note="distance + rings + table (filter: current places) vs within + "
                         "value_counts; floor: haversine only"))

    ours = measure(lambda: h3_table(places, C, resolution=H3_RES,
                                    max_distance_m=max(RADII_M)), repeat)
    naive = measure(lambda: naive_h3(lat, lon), repeat)
    rows.append(row(n, "h3_table", ours_s=ours.median_s, naive_s=naive.median_s,
                    peak_rss_mb=ours.peak_rss_mb, naive_peak_rss_mb=naive.peak_rss_mb,
                    note=f"res {H3_RES}, places within {max(RADII_M):g} m vs string API on "
                         "every point"))

    shown = PlaceFilter().apply(with_distances(places, C, RADII_M))
    gdf = places = None  # free them before the map stage
    ours = measure(lambda: our_map_html(shown), repeat)
    naive_s = naive_bytes = naive_rss = None
    note = f"build_map + render, {len(shown):,} current places"
    if n <= naive_map_max:
        naive = measure(lambda: naive_map_html(shown), repeat)
        naive_s, naive_bytes, naive_rss = (naive.median_s, len(naive.result.encode()),
                                           naive.peak_rss_mb)
        note += " vs one folium.Marker+popup each"
    else:
        note += f"; naive map skipped above --naive-map-max {naive_map_max:,}"
    rows.append(row(n, "map_build", ours_s=ours.median_s, naive_s=naive_s,
                    ours_bytes=len(ours.result.encode()), naive_bytes=naive_bytes,
                    peak_rss_mb=ours.peak_rss_mb, naive_peak_rss_mb=naive_rss, note=note))
    return rows
