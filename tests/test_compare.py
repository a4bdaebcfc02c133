"""Hub comparison: hubs.csv validation, stacked density, published vs dataset, sectors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from origin_map.errors import DataValidationError, SettingsError
from origin_map.geo.geometry import Centre
from origin_map.measure.compare import (
    FIGURE_COLUMNS,
    HUB_COLUMNS,
    compare_density,
    compare_figures,
    load_hubs,
    sector_composition,
)
from origin_map.measure.stats import DENSITY_COLUMNS, PlaceFilter, density_table
from origin_map.places import vocab
from origin_map.places.datasets import load_centres
from tests.conftest import DONGSHENG, places_at

GEOD = Geod(ellps="WGS84")
LONGYAO = Centre("longyao", "龙耀路站", "Longyao Road station", 31.161719, 121.455188)
HEADER = ",".join(HUB_COLUMNS)


def hub_line(hub_id: str, centre_id: str, radius: str = "1000", firms: str = "",
             ai: str = "", share: str = "", area: str = "", inst: str = "", year: str = "2025",
             source: str = "test source") -> str:
    return (f"{hub_id},中文,{hub_id} hub,City,District,{centre_id},{radius},{firms},{ai},{share},"
            f"{area},{inst},{year},{source},note")


@pytest.fixture
def hubs_csv(tmp_path):
    path = tmp_path / "hubs.csv"
    path.write_text("\n".join([
        HEADER,
        hub_line("beijing", DONGSHENG.id, firms="10", ai="8", share="0.8", area="3", inst="2"),
        hub_line("shanghai", LONGYAO.id, radius="500", firms="3", area="30"),
        hub_line("shenzhen", "not-a-centre", firms="100"),
        hub_line("nowhere-figures", LONGYAO.id, year=""),
    ]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_city_places() -> pd.DataFrame:
    beijing = places_at([
        ("lm-100", 100, 10, "large_models", "firm"),
        ("lm-999", 999.5, 0, "large_models", "firm"),
        ("chip-600", 600, 45, "chips", "firm"),
        ("plat-700", 700, 200, "platforms", "firm"),
        ("uni-300", 300, 90, "research", "university"),
        ("chip-1000", 1000.5, 90, "chips", "firm"),
        ("old-200", 200, 0, "large_models", "firm"),
    ])
    beijing.loc[beijing["id"] == "old-200", "status"] = "historic"
    shanghai = places_at([
        ("sh-lm-50", 50, 0, "large_models", "firm"),
        ("sh-app-450", 450, 120, "ai_applications", "firm"),
        ("sh-app-800", 800, 300, "ai_applications", "firm"),
        ("sh-inst-200", 200, 180, "ai_research", "institute"),
    ], centre=LONGYAO)
    return pd.concat([beijing, shanghai], ignore_index=True)


def geodesic_count(places: pd.DataFrame, centre: Centre, radius_m: float) -> int:
    n = len(places)
    _, _, dist = GEOD.inv(np.full(n, centre.lon), np.full(n, centre.lat),
                          places["lon"].to_numpy(), places["lat"].to_numpy())
    return int((dist <= radius_m).sum())


# --- hubs.csv ----------------------------------------------------------------------------------

def test_load_hubs_types_and_blanks(hubs_csv):
    hubs = load_hubs(hubs_csv)
    assert hubs["id"].tolist() == ["beijing", "shanghai", "shenzhen", "nowhere-figures"]
    assert hubs["radius_m"].tolist() == [1000, 500, 1000, 1000]
    assert hubs["published_firms"].iloc[0] == 10 and math.isnan(hubs["published_ai_firms"][1])
    assert hubs["published_year"].tolist()[:1] == ["2025"]


def test_shipped_hubs_file_loads_and_names_the_beijing_centre():
    hubs = load_hubs()
    bj = hubs.set_index("id").loc["beijing-ai-origin"]
    assert bj["centre_id"] == "dongsheng-building"
    assert (bj["published_firms"], bj["published_ai_firms"]) == (439, 325)
    assert {"zhangjiang-ai-island", "xuhui-modelspeed", "nanshan-hi-tech-park"} <= set(hubs["id"])
    from origin_map.places.datasets import load_centres

    assert set(hubs["centre_id"]) <= {c.id for c in load_centres()}  # every hub has a centre


@pytest.mark.parametrize("line,field,message", [
    (hub_line("a", "c", share="74"), "published_ai_share", "0.74, not 74"),
    (hub_line("a", "c", firms="400+"), "published_firms", "400, not '400+'"),
    (hub_line("a", "c", radius=""), "radius_m", "missing"),
    (hub_line("a", "c", radius="-3"), "radius_m", "not a number ≥ 0"),
    (hub_line("a", "c", firms="10", ai="20"), "published_ai_firms", "More AI firms"),
    (hub_line("a", "c", year="last year"), "published_year", "2025/2026"),
    (hub_line("A B", "c"), "id", "slug"),
    (hub_line("a", ""), "centre_id", "Empty centre"),
    (hub_line("a", "c", firms="5", source=""), "source", "without a source"),
])
def test_bad_hub_rows_name_row_field_and_fix(tmp_path, line, field, message):
    path = tmp_path / "hubs.csv"
    path.write_text(f"{HEADER}\n{hub_line('ok', 'c')}\n{line}\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_hubs(path)
    (problem,) = info.value.problems
    assert problem.row == 2 and problem.field == field
    assert message in f"{problem.message} {problem.fix}"


def test_hubs_missing_columns_and_missing_file(tmp_path):
    path = tmp_path / "hubs.csv"
    path.write_text("id,centre_id\na,b\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="radius_m"):
        load_hubs(path)
    with pytest.raises(DataValidationError, match="not found"):
        load_hubs(tmp_path / "none.csv")


# --- density, figures, sectors -----------------------------------------------------------------

def test_compare_density_stacks_tables_with_geodesic_counts(two_city_places):
    table = compare_density(two_city_places, [DONGSHENG, LONGYAO], [500, 1000])
    assert list(table.columns) == list(DENSITY_COLUMNS)
    for centre in (DONGSHENG, LONGYAO):
        own = table[table["centre_id"] == centre.id].reset_index(drop=True)
        pd.testing.assert_frame_equal(own, density_table(two_city_places, centre, [500, 1000]))
        current = two_city_places[two_city_places["status"] == "current"]
        alls = own[own["sector"] == "all"]
        assert alls["cumulative_count"].tolist() == [geodesic_count(current, centre, 500),
                                                     geodesic_count(current, centre, 1000)]
    with pytest.raises(SettingsError):
        compare_density(two_city_places, [], [1000])


def test_compare_figures_coverage_and_notes(two_city_places, hubs_csv):
    hubs = load_hubs(hubs_csv)
    fig = compare_figures(two_city_places, hubs, [DONGSHENG, LONGYAO]).set_index("hub_id")
    assert list(fig.reset_index().columns) == list(FIGURE_COLUMNS)
    bj = fig.loc["beijing"]  # 4 current firms within 1 km (3 AI), 1 university
    assert (bj["dataset_firms"], bj["dataset_ai_firms"], bj["dataset_institutions"]) == (4, 3, 1)
    assert bj["coverage_firms_pct"] == 40.0 and bj["coverage_institutions_pct"] == 50.0
    assert bj["dataset_ai_share"] == 0.75 and bj["coverage_ai_firms_pct"] == 37.5
    assert bj["coverage_status"] == "thin"
    assert bj["coverage_note"].startswith("thin: the dataset holds 40% of the published firms")
    sh = fig.loc["shanghai"]  # within 500 m: 2 firms of published 3; area 30 km² vs 0.79 km²
    assert sh["dataset_firms"] == 2 and sh["coverage_status"] == "partial"
    assert "published figures cover 30 km², the disc 0.79 km²" in sh["coverage_note"]
    assert fig.loc["shenzhen", "coverage_status"] == "no_centre"
    assert "not-a-centre not in centres.csv" in fig.loc["shenzhen", "coverage_note"]
    assert math.isnan(fig.loc["shenzhen", "dataset_firms"])
    assert fig.loc["nowhere-figures", "coverage_status"] == "no_published"
    zh = compare_figures(two_city_places, hubs, [DONGSHENG, LONGYAO], lang="zh")
    assert zh["coverage_note"].iloc[0].startswith("数据稀薄：本数据集只有官方企业数的 40%")


def test_compare_figures_comparable_and_filter(two_city_places, hubs_csv):
    hubs = load_hubs(hubs_csv).iloc[:1].assign(published_firms=4.0, published_ai_firms=2.0)
    fig = compare_figures(two_city_places, hubs, [DONGSHENG])
    assert fig["coverage_status"].iloc[0] == "comparable"
    hist = compare_figures(two_city_places, hubs, [DONGSHENG],
                           place_filter=PlaceFilter(include_historic=True))
    assert hist["dataset_firms"].iloc[0] == 5 and hist["coverage_firms_pct"].iloc[0] == 125.0


def test_sector_composition_same_sectors_everywhere_with_map_colours(two_city_places):
    comp = sector_composition(two_city_places, [DONGSHENG, LONGYAO], 1000)
    by_centre = {c: g.set_index("sector") for c, g in comp.groupby("centre_id")}
    assert list(by_centre[DONGSHENG.id].index) == list(by_centre[LONGYAO.id].index)
    assert by_centre[LONGYAO.id].loc["ai_applications", "count"] == 2
    assert by_centre[LONGYAO.id].loc["large_models", "count"] == 1
    assert by_centre[DONGSHENG.id].loc["ai_applications", "count"] == 0
    for g in by_centre.values():
        assert g["share"].sum() == pytest.approx(1.0, abs=1e-3)
    assert set(comp["colour"]) <= {s.colour for s in vocab.SECTORS}
    row = comp[comp["sector"] == "chips"].iloc[0]
    assert row["colour"] == vocab.SECTOR_BY_ID["chips"].colour and row["label"] == "AI chips & " \
        "semiconductors"
    zh = sector_composition(two_city_places, [DONGSHENG], 1000, lang="zh")
    assert "大模型" in set(zh["label"])


def test_shipped_hub_without_centre_is_said_not_crashed():
    hubs = load_hubs()
    fig = compare_figures(places_at([]).reindex(columns=["id", "lat", "lon", "kind", "sector",
                                                          "status"]), hubs, load_centres())
    missing = fig[~fig["centre_id"].isin([c.id for c in load_centres()])]
    assert (missing["coverage_status"] == "no_centre").all()
