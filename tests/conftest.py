"""Shared fixtures: a centre and places at known distances, built in code."""

from __future__ import annotations

import functools
import sys
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod
from streamlit.components.v2 import manifest_scanner

from origin_map.geo.geometry import Centre

# Every AppTest scans the ~500 installed distributions' metadata for Streamlit components
# (``BidiComponentManager.discover_and_register_components``): 0.3-1.5 s per test, the same
# answer each time in one test process. Scanned once per process instead.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests)

GEOD = Geod(ellps="WGS84")
DONGSHENG = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)


def point_at(centre: Centre, distance_m: float, azimuth_deg: float) -> tuple[float, float]:
    """Return (lat, lon) of the point ``distance_m`` from ``centre`` along ``azimuth_deg``."""
    lon, lat, _ = GEOD.fwd(centre.lon, centre.lat, azimuth_deg, distance_m)
    return lat, lon


def places_at(specs: list[tuple[str, float, float, str, str]], centre: Centre = DONGSHENG
              ) -> pd.DataFrame:
    """Build a places table from (id, distance_m, azimuth_deg, sector, kind) specs."""
    rows = []
    for pid, dist, az, sector, kind in specs:
        lat, lon = point_at(centre, dist, az)
        rows.append({"id": pid, "name_zh": "", "name_en": pid, "kind": kind, "sector": sector,
                     "status": "current", "address": "", "lat": lat, "lon": lon,
                     "position_quality": "poi"})
    return pd.DataFrame(rows)


@pytest.fixture
def centre() -> Centre:
    return DONGSHENG


@pytest.fixture
def known_places() -> pd.DataFrame:
    """Ten places at known distances (metres) from Dongsheng Building.

    Within 500 m: 3 (2 large_models, 1 research); 500-1000 m: 4 (1 large_models at 999.5 m,
    2 chips, 1 research); 1000-2000 m: 2 (chips at 1000.5 m, research); beyond 2000 m: 1.
    """
    return places_at([
        ("lm-100", 100, 10, "large_models", "firm"),
        ("lm-499", 499.9, 200, "large_models", "firm"),
        ("res-300", 300, 90, "research", "university"),
        ("lm-999", 999.5, 0, "large_models", "firm"),
        ("chip-600", 600, 45, "chips", "firm"),
        ("chip-800", 800, 300, "chips", "firm"),
        ("res-700", 700, 180, "research", "institute"),
        ("chip-1000", 1000.5, 90, "chips", "firm"),
        ("res-1500", 1500, 270, "research", "university"),
        ("lm-5000", 5000, 135, "large_models", "firm"),
    ])


def write_csv(path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.fixture(autouse=True, scope="session")
def _private_dataset_store(tmp_path_factory: pytest.TempPathFactory):
    """Datasets the app saves during the tests go to a temporary folder, not the user's."""
    import os

    before = os.environ.get("ORIGIN_MAP_DATA_DIR")
    os.environ["ORIGIN_MAP_DATA_DIR"] = str(tmp_path_factory.mktemp("datasets"))
    yield
    if before is None:
        os.environ.pop("ORIGIN_MAP_DATA_DIR", None)
    else:
        os.environ["ORIGIN_MAP_DATA_DIR"] = before


def run_async(coro):  # type: ignore[no-untyped-def]
    """Run ``coro`` to its end with ``asyncio.run`` in a thread of its own, and return its value.

    A test worker that has driven Chromium keeps Playwright's event loop running in its main
    thread (the session's browser fixture), where ``asyncio.run`` refuses to start; which tests
    share a worker with it depends on how xdist hands them out.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def geodata_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of a shipped geodata CSV file (``places.csv``, ...) as read, all text."""
    import csv

    from origin_map.places.datasets import geodata_dir

    with open(geodata_dir() / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@contextmanager
def served(script, env=None):  # type: ignore[no-untyped-def]
    """Serve ``script`` with ``streamlit run`` (``app.py``: Origin Map) on a free port; yield
    its base URL and process id, and stop it afterwards (``scripts/serve.py``'s helpers)."""
    sys.path.append(str(Path(__file__).resolve().parents[1] / "scripts"))
    import serve

    port = serve.free_port()
    proc = serve.start_streamlit(script, port, env=env)
    try:
        serve.wait_healthy(f"http://127.0.0.1:{port}", [proc])
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        serve.stop(proc)
