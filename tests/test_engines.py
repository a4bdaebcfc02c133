"""The dask engine gives the memory engine's tables exactly (1e5 synthetic places)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.errors import SettingsError
from origin_map.io.export import to_csv_bytes
from origin_map.measure.stats import PlaceFilter, density_table, h3_table
from origin_map.places import vocab
from tests.conftest import DONGSHENG

pytest.importorskip("dask_geopandas")
pytest.importorskip("distributed")

from origin_map.measure import engines

N = 100_000
RADII = (250, 500, 1000, 2000, 5000)
FILTERS = [
    PlaceFilter(),
    PlaceFilter(sectors=["chips", "large_models", "embodied_ai"], kinds=["firm"]),
    PlaceFilter(include_historic=True, qualities=["poi", "estimated"]),
    PlaceFilter(search="place 12"),
]


def synthetic_places(n: int, seed: int = 5) -> pd.DataFrame:
    """SYNTHETIC places scattered around Dongsheng Building (fixed seed); no real place."""
    rng = np.random.default_rng(seed)
    r_m = np.abs(rng.normal(0, 2500, n))
    theta = rng.uniform(0, 2 * np.pi, n)
    lat = DONGSHENG.lat + r_m * np.cos(theta) / 111_320
    lon = DONGSHENG.lon + r_m * np.sin(theta) / (111_320 * np.cos(np.radians(DONGSHENG.lat)))
    pick = rng.integers
    return pd.DataFrame({
        "id": [f"synthetic-{i:06d}" for i in range(1, n + 1)],
        "name_zh": "", "name_en": [f"SYNTHETIC place {i}" for i in range(1, n + 1)],
        "kind": np.array(list(vocab.KINDS))[pick(0, len(vocab.KINDS), n)],
        "sector": np.array(vocab.SECTOR_IDS)[pick(0, len(vocab.SECTOR_IDS), n)],
        "status": np.where(rng.random(n) < 0.05, "historic", "current"),
        "address": "", "lat": np.round(lat, 7), "lon": np.round(lon, 7),
        "position_quality": np.array(list(vocab.POSITION_QUALITIES))[pick(0, 4, n)],
    })


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return synthetic_places(N)


@pytest.fixture(scope="module")
def parquet_dir(places, tmp_path_factory):
    return engines.write_geoparquet(places, tmp_path_factory.mktemp("gp") / "places",
                                    npartitions=7)


@pytest.fixture(scope="module")
def client():
    with engines.dask_client(n_workers=2, processes=False) as c:
        yield c


@pytest.mark.slow
@pytest.mark.parametrize("flt", FILTERS, ids=["default", "firms", "historic", "search"])
def test_dask_density_equals_memory_exactly(places, parquet_dir, client, flt):
    expected = to_csv_bytes(density_table(places, DONGSHENG, RADII, place_filter=flt))
    from_parquet = engines.density_table(parquet_dir, DONGSHENG, RADII, place_filter=flt,
                                         engine="dask", scheduler=client)
    from_frame = engines.density_table(places, DONGSHENG, RADII, place_filter=flt,
                                       engine="dask", scheduler=client, npartitions=5)
    assert to_csv_bytes(from_parquet) == expected
    assert to_csv_bytes(from_frame) == expected
    assert from_parquet["count"].sum() > 0


@pytest.mark.slow
@pytest.mark.parametrize("resolution,max_m", [(9, 2000.0), (8, None)])
@pytest.mark.parametrize("flt", FILTERS[:2], ids=["default", "firms"])
def test_dask_h3_equals_memory_exactly(places, parquet_dir, client, flt, resolution, max_m):
    expected = h3_table(places, DONGSHENG, resolution=resolution, place_filter=flt,
                        max_distance_m=max_m)
    got = engines.h3_table(parquet_dir, DONGSHENG, resolution=resolution, place_filter=flt,
                           max_distance_m=max_m, engine="dask", scheduler=client)
    assert to_csv_bytes(got) == to_csv_bytes(expected)
    assert len(got) > 10


@pytest.mark.slow
def test_memory_engine_reads_parquet(places, parquet_dir):
    got = engines.density_table(parquet_dir, DONGSHENG, RADII)
    assert to_csv_bytes(got) == to_csv_bytes(density_table(places, DONGSHENG, RADII))


@pytest.mark.slow
def test_cli_dask_engine_with_local_cluster(places, parquet_dir, tmp_path, capsysbinary):
    out = tmp_path / "d.csv"
    code = main(["stats", "--data", str(parquet_dir), "--rings", "500,2000", "--engine",
                 "dask", "-o", str(out)])
    assert code == 0, capsysbinary.readouterr().err
    assert out.read_bytes() == to_csv_bytes(density_table(places, DONGSHENG, (500, 1000, 2000)))


def test_scheduler_needs_dask_engine(capsys):
    with pytest.raises(SystemExit) as info:
        main(["stats", "--scheduler", "tcp://127.0.0.1:8786"])
    assert info.value.code == 2
    assert "--engine dask" in capsys.readouterr().err


def test_unknown_engine_is_rejected(places):
    with pytest.raises(SettingsError, match="Unknown engine"):
        engines.density_table(places, DONGSHENG, engine="spark")


def test_empty_selection_gives_zero_rows_like_memory(places, client):
    flt = PlaceFilter(search="no such place at all")
    got = engines.density_table(places.head(1000), DONGSHENG, [1000], place_filter=flt,
                                engine="dask", scheduler=client)
    assert to_csv_bytes(got) == to_csv_bytes(density_table(places.head(1000), DONGSHENG,
                                                           [1000], place_filter=flt))
    h3 = engines.h3_table(places.head(1000), DONGSHENG, place_filter=flt, engine="dask",
                          scheduler=client)
    assert list(h3.columns) == list(h3_table(places.head(0), DONGSHENG).columns)
    assert h3.empty
