import math

import numpy as np
import pandas as pd
import pytest

from origin_map.errors import SettingsError
from origin_map.measure.stats import (
    DENSITY_COLUMNS,
    H3_COLUMNS,
    PlaceFilter,
    density_table,
    h3_table,
    headline,
    with_distances,
)
from tests.conftest import DONGSHENG, places_at


def cell(table, outer, sector):
    row = table[(table["ring_outer_m"] == outer) & (table["sector"] == sector)]
    assert len(row) == 1
    return row.iloc[0]


def test_density_table_known_counts(known_places):
    t = density_table(known_places, DONGSHENG, [500, 1000, 2000])
    assert list(t.columns) == list(DENSITY_COLUMNS)
    assert t["sector"].tolist()[:4] == ["large_models", "chips", "research", "all"]
    assert len(t) == 3 * 4
    expected = {  # (outer, sector): count
        (500, "large_models"): 2, (500, "chips"): 0, (500, "research"): 1, (500, "all"): 3,
        (1000, "large_models"): 1, (1000, "chips"): 2, (1000, "research"): 1, (1000, "all"): 4,
        (2000, "large_models"): 0, (2000, "chips"): 1, (2000, "research"): 1, (2000, "all"): 2,
    }
    for (outer, sector), count in expected.items():
        assert cell(t, outer, sector)["count"] == count, (outer, sector)
    assert cell(t, 1000, "all")["cumulative_count"] == 7
    assert cell(t, 2000, "chips")["cumulative_count"] == 3
    assert cell(t, 1000, "chips")["share"] == 0.5
    assert cell(t, 500, "all")["area_km2"] == pytest.approx(math.pi * 0.25, abs=1e-6)
    assert cell(t, 1000, "all")["area_km2"] == pytest.approx(math.pi * 0.75, abs=1e-6)
    assert cell(t, 1000, "all")["density_per_km2"] == pytest.approx(4 / (math.pi * .75),
                                                                    abs=1e-3)
    assert (cell(t, 500, "all")["ring_inner_m"], cell(t, 1000, "all")["ring_inner_m"]) == (0, 500)


def test_counts_per_ring_add_up_to_total(known_places):
    t = density_table(known_places, DONGSHENG, [250, 500, 1000, 2000, 10_000])
    per_sector = t[t["sector"] != "all"].groupby("ring_outer_m")["count"].sum()
    totals = t[t["sector"] == "all"].set_index("ring_outer_m")["count"]
    assert (per_sector == totals).all()
    assert totals.sum() == len(known_places)
    assert t[t["sector"] == "all"]["cumulative_count"].iloc[-1] == len(known_places)


def test_filter_sectors_and_kinds(known_places):
    flt = PlaceFilter(sectors=["chips"])
    t = density_table(known_places, DONGSHENG, [1000], place_filter=flt)
    assert t["sector"].tolist() == ["chips", "all"]
    assert cell(t, 1000, "all")["count"] == 2
    flt = PlaceFilter(kinds=["university"])
    assert cell(density_table(known_places, DONGSHENG, [2000], place_filter=flt),
                2000, "all")["count"] == 2


def test_filter_with_no_match_gives_zero_rows_not_errors(known_places):
    flt = PlaceFilter(sectors=["embodied_ai"])
    t = density_table(known_places, DONGSHENG, [1000], place_filter=flt)
    assert t["count"].tolist() == [0, 0]
    assert t["share"].tolist() == [0.0, 0.0]


def test_historic_places_excluded_unless_asked(known_places):
    places = known_places.copy()
    places.loc[places["id"] == "lm-100", "status"] = "historic"
    assert cell(density_table(places, DONGSHENG, [500]), 500, "all")["count"] == 2
    flt = PlaceFilter(include_historic=True)
    assert cell(density_table(places, DONGSHENG, [500], place_filter=flt), 500,
                "all")["count"] == 3


def test_search_matches_names_in_both_languages():
    places = places_at([("a", 10, 0, "chips", "firm"), ("b", 10, 0, "chips", "firm")])
    places.loc[0, "name_zh"] = "智谱AI"
    assert PlaceFilter(search="智谱").apply(places)["id"].tolist() == ["a"]
    assert PlaceFilter(search="B").apply(places)["id"].tolist() == ["b"]


def test_unknown_filter_values_are_rejected():
    with pytest.raises(SettingsError, match="Unknown sector 'robots'"):
        PlaceFilter(sectors=["robots"])


def test_with_distances(known_places):
    out = with_distances(known_places, DONGSHENG, [1000])
    row = out.set_index("id").loc["lm-999"]
    assert row["distance_m"] == pytest.approx(999.5, abs=0.05) and row["ring_outer_m"] == 1000
    assert np.isnan(out.set_index("id").loc["chip-1000", "ring_outer_m"])


def test_headline(known_places):
    h = headline(known_places, DONGSHENG, 1000)
    assert h["inside"] == 7
    assert h["firms"] == 5 and h["ai_firms"] == 5 and h["ai_share_of_firms"] == 1.0
    assert h["institutions"] == 2
    assert h["by_sector"] == {"large_models": 3, "chips": 2, "research": 2}


def test_h3_table_counts(known_places):
    t = h3_table(known_places, DONGSHENG, resolution=9)
    assert list(t.columns) == list(H3_COLUMNS)
    assert t["count"].sum() == len(known_places)
    assert t["count"].is_monotonic_decreasing
    assert (t["area_km2"] > 0.07).all() and (t["area_km2"] < 0.08).all()  # res 9 in Beijing
    near = h3_table(known_places, DONGSHENG, resolution=9, max_distance_m=1000)
    assert near["count"].sum() == 7
    assert near["ai_count"].sum() == 5
    two = pd.concat([known_places.iloc[:1]] * 2)
    one_cell = h3_table(two, DONGSHENG, resolution=9)
    assert one_cell["count"].tolist() == [2]
    assert one_cell["density_per_km2"].iloc[0] == pytest.approx(2 / one_cell["area_km2"].iloc[0],
                                                                 rel=1e-4)


def test_h3_bad_resolution():
    with pytest.raises(SettingsError):
        h3_table(pd.DataFrame(columns=["lat", "lon", "sector"]), DONGSHENG, resolution=16)
