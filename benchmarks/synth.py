"""SYNTHETIC places for the benchmark: clearly labelled, fixed seed, no real place.

Points are scattered around the centre (Dongsheng Building by default) with a half-normal
radial distance (sigma 2.5 km, so about 15/30/55 % fall within 500 m / 1 km / 2 km) and a uniform
direction. Ids are ``synthetic-0000001``..., names ``SYNTHETIC place 1``..., sectors, kinds and
qualities uniform over the vocabularies, 5 % ``historic``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from origin_map.geo.datums import wgs84_to_gcj02
from origin_map.geo.geometry import Centre
from origin_map.places import vocab

SEED = 20240605
DONGSHENG = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)
SIGMA_M = 2500.0
RADII_M = (500.0, 1000.0, 2000.0)


def synthetic_places(n: int, *, seed: int = SEED, centre: Centre = DONGSHENG,
                     first_id: int = 1) -> pd.DataFrame:
    """Return ``n`` SYNTHETIC places (WGS-84) with the columns the loader produces."""
    rng = np.random.default_rng(seed)
    r_m = np.abs(rng.normal(0.0, SIGMA_M, n))
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    lat = centre.lat + r_m * np.cos(theta) / 111_320.0
    lon = centre.lon + r_m * np.sin(theta) / (111_320.0 * np.cos(np.radians(centre.lat)))
    num = np.arange(first_id, first_id + n).astype(str)
    pick = rng.integers
    return pd.DataFrame({
        "id": np.char.add("synthetic-", np.char.zfill(num, 7)),
        "name_zh": "",
        "name_en": np.char.add("SYNTHETIC place ", num),
        "kind": np.array(list(vocab.KINDS))[pick(0, len(vocab.KINDS), n)],
        "sector": np.array(vocab.SECTOR_IDS)[pick(0, len(vocab.SECTOR_IDS), n)],
        "status": np.where(rng.random(n) < 0.05, "historic", "current"),
        "address": "",
        "lat": np.round(lat, 7),
        "lon": np.round(lon, 7),
        "position_quality": np.array(list(vocab.POSITION_QUALITIES))[
            pick(0, len(vocab.POSITION_QUALITIES), n)],
    })


def write_load_csv(places: pd.DataFrame, path: Path) -> Path:
    """Write the load-stage CSV: GCJ-02 coordinates (as copied from AMap), so loading converts."""
    glat, glon = wgs84_to_gcj02(places["lat"].to_numpy(), places["lon"].to_numpy())
    out = places[["id", "name_en", "kind", "sector", "status"]].rename(columns={"name_en": "name"})
    out = out.assign(lat=np.round(glat, 7), lon=np.round(glon, 7))
    out.to_csv(path, index=False)
    return path


def write_cli_csv(places: pd.DataFrame, path: Path) -> Path:
    """Write the whole-process CSV: ``id, name, kind, lat, lon`` (WGS-84), as the issue says."""
    out = places[["id", "name_en", "kind", "lat", "lon"]].rename(columns={"name_en": "name"})
    out.to_csv(path, index=False)
    return path


def write_partitioned_geoparquet(n: int, folder: Path, *, rows_per_part: int = 500_000,
                                 seed: int = SEED) -> Path:
    """Write ``n`` SYNTHETIC places as ``part.<i>.parquet`` GeoParquet files, one part at a time.

    Memory stays at one part's worth. Part ``i`` uses seed ``seed + i``.
    """
    import geopandas as gpd

    folder.mkdir(parents=True, exist_ok=True)
    done, i = 0, 0
    while done < n:
        k = min(rows_per_part, n - done)
        part = synthetic_places(k, seed=seed + i, first_id=done + 1)
        gdf = gpd.GeoDataFrame(part, geometry=gpd.points_from_xy(part["lon"], part["lat"]),
                               crs="EPSG:4326")
        gdf.to_parquet(folder / f"part.{i}.parquet", index=False)
        done, i = done + k, i + 1
    return folder
