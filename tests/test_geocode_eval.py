"""The shipped gazetteer on the evaluation set tests/data/geocode_eval.csv (see its README).

Targets: at least 80 % of the local addresses with a known building placed within 200 m of it,
and no address from elsewhere placed at all (so never at building or compound level).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from origin_map.geo.geometry import distances_m
from origin_map.geocode import shipped_gazetteer

EVAL = Path(__file__).parent / "data" / "geocode_eval.csv"


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    from origin_map.geocode.evaluate import score_rows

    ev = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    ev = ev[ev["leave_out"] == ""]  # rows needing their own gazetteer: test_geocode_round2 (slow)
    shipped = shipped_gazetteer()
    ev = score_rows(ev, lambda _: shipped)  # type: ignore[arg-type,return-value]
    ev["elsewhere"] = ev["elsewhere"].astype(int)
    return ev


def test_the_set_is_big_enough(scored: pd.DataFrame) -> None:
    assert (scored["elsewhere"] == 1).sum() >= 20
    assert (scored["expected_lat"] != "").sum() >= 50
    assert scored["source"].str.len().min() > 0


def test_local_addresses_within_200_m(scored: pd.DataFrame) -> None:
    local = scored[(scored["elsewhere"] == 0) & (scored["expected_lat"] != "")]
    within = (local["error_m"] <= 200).mean()
    assert within >= 0.80, local.loc[~(local["error_m"] <= 200), ["address", "level"]]


def test_nothing_from_elsewhere_is_placed(scored: pd.DataFrame) -> None:
    away = scored[scored["elsewhere"] == 1]
    assert not away["level"].isin(["building", "compound"]).any()
    assert (away["level"] == "none").all(), away.loc[away["level"] != "none", "address"]


def test_local_addresses_without_a_sourced_building_stay_near_the_centre(
        scored: pd.DataFrame) -> None:
    # Their building may be in a later buildings.csv: if placed, it must be in the area.
    unknown = scored[(scored["elsewhere"] == 0) & (scored["expected_lat"] == "")]
    placed = unknown[unknown["level"] != "none"]
    assert len(unknown) >= 5
    lat = np.array([m.lat for m in placed["match"]])
    lon = np.array([m.lon for m in placed["match"]])
    assert (distances_m(lat, lon, 39.992446, 116.327708) < 2000).all()


def test_a_tower_letter_picks_that_tower_of_a_numbered_building():
    from origin_map.geocode import Gazetteer

    gaz = Gazetteer.from_geodata()
    m = gaz.match("海淀区中关村东路1号院8号楼D座2301")
    assert m.level == "building" and "[qidi-tower-d]" in m.matched and " | " not in m.matched
