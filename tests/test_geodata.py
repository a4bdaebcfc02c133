"""The shipped dataset: sourced, valid, WGS-84, and consistent with its raw source coordinates."""

import csv

import numpy as np
import pytest

from origin_map import vocab
from origin_map.datasets import COLUMNS, geodata_dir, load_centres, shipped_places
from origin_map.datums import convert
from origin_map.geometry import distances_m

FILE_COLUMNS = ["id", "name_zh", "name_en", "kind", "sector", "status", "address", "lat", "lon",
                "source_datum", "source_lat", "source_lon", "position_quality", "position_note",
                "source"]


@pytest.fixture(scope="module")
def rows():
    with open(geodata_dir() / "places.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def places():
    return shipped_places()


def test_columns_and_size(rows, places):
    assert list(rows[0].keys()) == FILE_COLUMNS
    assert set(COLUMNS) <= set(places.columns)
    assert len(places) == len(rows) >= 60
    assert (places["kind"] == "firm").sum() >= 20
    assert places["kind"].isin(["university", "institute"]).sum() >= 10


def test_every_place_is_sourced_and_estimates_explained(rows):
    for r in rows:
        assert r["source"].strip(), r["id"]
        assert r["position_quality"] in ("surveyed", "poi", "estimated"), r["id"]
        if r["position_quality"] == "estimated":
            assert r["position_note"].strip(), r["id"]
        assert r["source_datum"] in ("wgs84", "gcj02", "bd09"), r["id"]
        assert r["status"] in vocab.STATUSES and r["sector"] in vocab.SECTOR_IDS, r["id"]


def test_positions_equal_their_converted_source_coordinates(rows):
    for datum in ("wgs84", "gcj02", "bd09"):
        sel = [r for r in rows if r["source_datum"] == datum]
        if not sel:
            continue
        slat = np.array([float(r["source_lat"]) for r in sel])
        slon = np.array([float(r["source_lon"]) for r in sel])
        lat, lon = convert(slat, slon, src=datum)
        wlat = np.array([float(r["lat"]) for r in sel])
        wlon = np.array([float(r["lon"]) for r in sel])
        for r, a, b, c, d in zip(sel, lat, lon, wlat, wlon, strict=True):
            assert distances_m([a], [b], c, d)[0] < 1.0, r["id"]


def test_centres_default_is_dongsheng_and_in_places(places):
    centres = load_centres()
    assert centres[0].id == "dongsheng-building"
    assert (centres[0].lat, centres[0].lon) == (39.992446, 116.327708)
    ids = set(places["id"])
    assert {c.id for c in centres} <= ids


def test_known_places_sit_where_the_reference_says(places):
    by_id = places.set_index("id")
    d = distances_m(by_id["lat"], by_id["lon"], 39.992446, 116.327708)
    dist = dict(zip(by_id.index, d, strict=True))
    assert dist["dongsheng-building"] == 0
    assert 340 < dist["wudaokou-station"] < 375  # ~357 m
    assert 1250 < dist["tsinghua-university"] < 1320  # POI, ~1.28 km
    assert dist["cupb"] > 25_000
