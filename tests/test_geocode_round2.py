"""The geocoder's second round on gazetteers built in code: traditional characters, English and
pinyin roads in every order, interpolated street numbers, compound blocks, campus outlines and
rows known only by their name. Known answers throughout."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pyproj import Geod

from origin_map.geocode import Gazetteer, geocode_table, normalise_address, parse_address
from origin_map.geocode._pinyin_keys import name_keys, road_keys
from origin_map.geocode.gazetteer import distance_m
from origin_map.geocode.messages import level_label

ORIGIN = (39.992446, 116.327708)
GEOD = Geod(ellps="WGS84")


def at(dist_m: float, az: float, start: tuple[float, float] = ORIGIN) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(start[1], start[0], az, dist_m)
    return lat, lon


COLS = ["id", "name_zh", "name_en", "aliases", "address", "road", "number", "compound",
        "building_no", "lat", "lon"]
# 成府路 runs east-west: odd numbers 27..45 on the north side, 100 m apart per step of 2, even
# 28 on the south side; 甲楼 far east at No. 75 (too far to interpolate to).
CHENGFU = {27: at(0, 90), 29: at(100, 90), 35: at(400, 90), 43: at(800, 90), 75: at(2400, 90)}


def _row(fid, zh, en, aliases, road, number, compound, bno, point):
    return [fid, zh, en, aliases, f"北京市海淀区{road}{number}号" if road else "", road,
            number, compound, bno, *point]


BUILDINGS = pd.DataFrame([
    _row("origin", "东升大厦", "Dongsheng Building", "原点大厦", "中关村东路", "8", "", "",
         ORIGIN),
    _row("keji", "科技大厦", "", "", "中关村东路", "1", "清华科技园", "8", at(250, 260)),
    *[_row(f"cf{n}", f"楼{n}号甲", "", "", "成府路", str(n), "", "", p)
      for n, p in CHENGFU.items()],
    _row("cf28", "优盛大厦", "Yousheng Building", "", "成府路", "28", "", "", at(50, 180)),
    *[_row(f"lqy{b}", f"蓝旗营{b}号楼", "", "", "", "", "蓝旗营", str(b), at(d, 270))
      for b, d in ((6, 900), (7, 1020), (8, 1140))],
    _row("fit", "信息科学技术大楼（FIT楼）", "FIT Building", "FIT楼", "", "", "某某大学", "",
         at(3000, 0)),
    _row("dzl", "东主楼", "", "", "", "", "某某大学", "", at(3050, 5)),
], columns=COLS).astype(str)
PLACES = pd.DataFrame([
    ["uni", "某某大学", "Some University", "university", "北京市海淀区某某路1号", "poi",
     "current", *at(3900, 350)],  # a map POI, not the campus centre
    ["zhipu", "智谱（北京智谱华章科技）", "Zhipu AI", "firm", "北京市海淀区中关村东路8号",
     "estimated", "current", *ORIGIN],
    ["ks-a", "快手（早期办公地）", "Kuaishou (early office)", "firm", "北京市海淀区成府路35号",
     "estimated", "historic", *CHENGFU[35]],
    ["ks-b", "快手（清华同方科技大厦时期）", "Kuaishou", "firm", "北京市海淀区王庄路1号",
     "estimated", "historic", *at(900, 40)],
    ["auto", "某某大学自动化系", "Department of Automation, Some University", "institute",
     "某某大学中央主楼", "estimated", "current", *at(3100, 10)],
    ["sh", "模速空间", "ModelSpeed", "incubator", "上海市徐汇区龙台路180号", "estimated",
     "current", 31.16172, 121.455188],
], columns=["id", "name_zh", "name_en", "kind", "address", "position_quality", "status", "lat",
            "lon"]).astype(str)


def _campus_outline():
    import geopandas as gpd
    from shapely.geometry import Polygon

    centre = at(3000, 0)
    corners = [at(1000 * math.sqrt(2), az, centre) for az in (45, 135, 225, 315)]
    return gpd.GeoDataFrame({"place_id": ["uni"], "name_zh": ["某某大学"],
                             "name_en": ["Some University"]},
                            geometry=[Polygon([(x, y) for y, x in corners])], crs="EPSG:4326")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frames(BUILDINGS, None, PLACES, outlines=_campus_outline())


def _pos(fid: str) -> tuple[float, float]:
    row = BUILDINGS.set_index("id").loc[fid]
    return float(row["lat"]), float(row["lon"])


# ------------------------------------------------------------------ traditional characters
def test_traditional_characters_become_simplified() -> None:
    simplified = "北京市海淀区中关村东路8号东升大厦"
    assert normalise_address("北京市海淀區中關村東路８號東升大廈") == simplified
    assert normalise_address("華清嘉園7號樓") == "华清嘉园7号楼"
    assert normalise_address("乾坤大廈") == "乾坤大厦"  # 乾 may be meant as written: kept


def test_a_traditional_address_is_placed_like_the_simplified_one(gaz: Gazetteer) -> None:
    for address in ("北京市海淀區中關村東路8號東升大廈A座", "海淀區成府路28號優盛大廈"):
        simplified = gaz.match(normalise_address(address))
        m = gaz.match(address)
        assert m.level == "building" and (m.lat, m.lon) == (simplified.lat, simplified.lon)
    assert gaz.match("上海市徐匯區龍臺路180號").level == "none"  # 上海 in any script


# ------------------------------------------------------------------ English and pinyin
def test_road_keys_cover_the_orders_english_uses() -> None:
    keys = road_keys("中关村东路")
    assert {"zhongguancundonglu", "dongzhongguancunlu", "zhongguancunludong"} <= set(keys)
    assert {"beisihuanxilu", "xibeisihuanlu", "beisihuanluxi"} <= set(road_keys("北四环西路"))
    assert "danlingjie" in road_keys("丹棱街")  # 棱 read ling in this name, leng elsewhere
    assert road_keys("成府路")[0] == "chengfulu"


@pytest.mark.parametrize(("address", "road", "number", "bno"), [
    ("No. 8 East Zhongguancun Road, Haidian", "dongzhongguancunlu", "8", ""),
    ("18 Zhongguancun Road East, Haidian District", "zhongguancunludong", "18", ""),
    ("8 Zhongguancun Rd E, Haidian", "zhongguancunludong", "8", ""),
    ("Zhongguancundonglu 8 hao", "zhongguancundonglu", "8", ""),
    ("9 West North Fourth Ring Road", "xibeisihuanlu", "9", ""),
    ("Beijing Shi Haidian Qu Zhongguancun Donglu 8 Hao", "zhongguancundonglu", "8", ""),
    ("Zhongguancun Donglu 1 hao yuan 8 hao lou", "zhongguancundonglu", "1", "8"),
])
def test_english_and_pinyin_roads_are_parsed(address: str, road: str, number: str,
                                            bno: str) -> None:
    p = parse_address(address)
    assert (p.road, p.number, p.building_no) == (road, number, bno)


@pytest.mark.parametrize("address", [
    "No. 8 East Zhongguancun Road, Haidian District, Beijing",
    "Zhongguancun Road East 8, Haidian",
    "Zhongguancundonglu 8 hao",
    "Dongsheng Dasha, Haidian Qu",
    "Dongsheng Tower, Haidian District",
    "Floor 9, Tower A, Dongsheng Building, No.8 East Zhongguancun Road",
])
def test_english_and_pinyin_addresses_reach_the_building(gaz: Gazetteer, address: str) -> None:
    m = gaz.match(address)
    assert m.placed and distance_m((m.lat, m.lon), ORIGIN) < 1, m


def test_a_short_pinyin_name_counts_on_its_named_campus_only(gaz: Gazetteer) -> None:
    m = gaz.match("Dong Zhu Lou, Some University, Haidian")  # 东主楼: three characters
    assert m.level == "building" and "[dzl]" in m.matched
    assert gaz.match("Dongzhulou, Haidian").level == "none"  # without its campus: anywhere


def test_the_pinyin_of_a_generic_name_identifies_nothing(gaz: Gazetteer) -> None:
    assert gaz.match("Keji Dasha, Haidian").level == "none"  # 科技大厦: in every city
    assert name_keys("东升大厦") == ["dongsheng building"]
    assert name_keys("阳光厅") == []  # three characters: too short to be known by sound


@pytest.mark.parametrize("address", [
    "Dongsheng Building, Kunshan, Jiangsu",  # a county-level city, a province
    "Dongsheng Dasha, Xinjiang",
    "No. 8 East Zhongguancun Road, Chaoyang District, Beijing",
])
def test_an_english_address_naming_another_place_is_not_placed(gaz: Gazetteer,
                                                              address: str) -> None:
    m = gaz.match(address)
    assert m.level == "none" and "outside the gazetteer's area" in m.reason_text()


def test_an_unknown_english_road_is_named_as_written(gaz: Gazetteer) -> None:
    m = gaz.match("No. 76 Zhichun Road, Haidian District, Beijing")
    assert m.level == "none" and "zhichun road" in m.reason_text()


# ------------------------------------------------------------------ interpolated numbers
def test_a_number_between_two_known_ones_is_interpolated(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区成府路31号")  # a third of the way from 29 to 35 (300 m)
    assert (m.level, m.score) == ("street_number_interpolated", 0.4)
    assert distance_m((m.lat, m.lon), at(200, 90)) < 1
    assert m.uncertainty_m == 200  # to the farther neighbour: 2/3 of 300 m
    assert "[" not in m.matched  # never shown as a building
    assert "±" not in m.reason_text() and "200 m" in m.reason_text()
    assert "插值" in m.reason_text("zh")


def test_english_numbers_are_interpolated_too(gaz: Gazetteer) -> None:
    m = gaz.match("No. 39 Chengfu Road, Haidian")  # 35 → 43: halfway
    assert m.level == "street_number_interpolated"
    assert distance_m((m.lat, m.lon), at(600, 90)) < 1 and m.uncertainty_m == 200


@pytest.mark.parametrize(("address", "says"), [
    ("北京市海淀区成府路25号", "outside the known numbers"),  # below 27: no extrapolation
    ("北京市海淀区成府路30号", "outside the known numbers"),  # even side: only 28 known
    ("北京市海淀区成府路61号", "too far to interpolate"),  # 43 → 75: 1.6 km apart
])
def test_numbers_that_cannot_be_interpolated_are_not_placed(gaz: Gazetteer, address: str,
                                                            says: str) -> None:
    m = gaz.match(address)
    assert m.level == "none" and says in m.reason_text(), m


def test_a_known_number_is_not_interpolated(gaz: Gazetteer) -> None:
    assert gaz.match("北京市海淀区成府路29号").level == "street_number"


# ------------------------------------------------------------------ compounds and campuses
def test_an_unknown_block_of_a_compound_goes_to_the_mean_of_its_known_blocks(
        gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区蓝旗营小区9号楼2单元301")
    assert m.level == "compound" and "蓝旗营" in m.matched
    assert distance_m((m.lat, m.lon), at(1020, 270)) < 1
    assert gaz.match("北京市海淀区蓝旗营8号楼").level == "building"


def test_two_blocks_far_apart_give_a_compound_no_point() -> None:
    two = BUILDINGS[~BUILDINGS["id"].isin(["lqy7"])]
    m = Gazetteer.from_frames(two).match("北京市海淀区蓝旗营小区9号楼")
    assert m.level == "none" and "蓝旗营" in m.reason_text()


def test_a_block_at_a_number_shared_with_a_building_goes_to_the_compound() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    both = pd.DataFrame([
        _row("tower", "东源大厦", "", "", "幸福路", "35", "", "", at(200, 90)),
        _row("blk7", "某嘉园7号楼", "", "", "幸福路", "35", "某嘉园", "7", at(150, 180)),
    ], columns=COLS).astype(str)
    outline = gpd.GeoDataFrame({"place_id": ["jy"], "name_zh": ["某嘉园"], "name_en": [""]},
                               geometry=[Point(at(100, 200)[::-1]).buffer(0.001)],
                               crs="EPSG:4326")
    gaz = Gazetteer.from_frames(both, outlines=outline)
    assert gaz.match("北京市海淀区幸福路35号").level == "street_number"  # both buildings
    m = gaz.match("北京市海淀区幸福路35号院12号楼")  # a block: in the compound
    assert m.level == "compound" and "某嘉园" in m.matched


def test_a_campus_address_goes_to_its_building_else_to_the_outline(gaz: Gazetteer) -> None:
    assert "[fit]" in gaz.match("北京市海淀区某某大学FIT楼1-308").matched
    m = gaz.match("北京市海淀区某某大学某某楼")
    assert (m.level, m.score) == ("compound", 0.35) and "campus" in m.reason_text()
    assert distance_m((m.lat, m.lon), at(3000, 0)) < 5  # the outline's centre ...
    assert distance_m((m.lat, m.lon), at(3900, 350)) > 500  # ... not the map POI


def test_a_unit_on_a_campus_goes_to_its_building(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区某某大学自动化系")
    assert m.level == "name" and "[auto]" in m.matched
    assert distance_m((m.lat, m.lon), at(3100, 10)) < 1


# ------------------------------------------------------------------ names only
@pytest.mark.parametrize(("name", "fid", "score"), [
    ("北京智谱华章科技有限公司", "zhipu", 0.6),  # registered name = the bracketed name
    ("智谱", "zhipu", 0.6),
    ("Zhipu AI Co., Ltd.", "zhipu", 0.6),
    ("Beijing Zhipu Huazhang Technology Co., Ltd.", "zhipu", 0.6),  # the pinyin of 智谱华章
    ("东升大厦", "origin", 0.7),  # a building of the gazetteer
    ("Dongsheng Building", "origin", 0.7),
    ("智谱（北京）科技有限公司", "zhipu", 0.6),  # （北京） is a region
    ("Zhipu AI (GLM)", "zhipu", 0.6),  # the name before its bracket
])
def test_a_known_name_places_a_row_without_address(gaz: Gazetteer, name: str, fid: str,
                                                   score: float) -> None:
    m = gaz.match("", name)
    assert (m.level, m.score) == ("name", score) and f"[{fid}]" in m.matched, m
    assert name in m.matched  # what was matched, and from what
    assert "按名称定位" in m.reason_text("zh")


@pytest.mark.parametrize(("name", "says"), [
    ("科技有限公司", "not a known building or firm"),
    ("北京科技有限公司", "not a known building or firm"),
    ("人工智能研究院", "not a known building or firm"),
    ("科技大厦", "not a known building or firm"),
    ("AI", "not a known building or firm"),
    ("北京月之暗面科技有限公司", "not a known building or firm"),
    ("快手", "apart"),  # two historic offices 900 m apart
    ("杭州深度求索人工智能基础技术研究有限公司", "outside the gazetteer's area"),
    ("模速空间", "not a known building or firm"),  # a shipped place, but in 上海
    ("智谱（上海）有限公司", "outside the gazetteer's area"),  # a branch in another city
])
def test_generic_unknown_or_ambiguous_names_are_not_placed(gaz: Gazetteer, name: str,
                                                           says: str) -> None:
    m = gaz.match("", name)
    assert m.level == "none" and says in m.reason_text(), m


def test_a_vague_address_with_a_known_name_is_placed_by_the_name(gaz: Gazetteer) -> None:
    assert gaz.match("北京市海淀区", "智谱").level == "name"
    assert gaz.match("上海市徐汇区", "智谱").level == "none"  # the address says elsewhere
    assert gaz.match("北京市海淀区五道口", "智谱").level == "name"  # a neighbourhood word
    assert gaz.match("北京市海淀区上地十街", "智谱").level == "none"  # another place: not by name


def test_a_list_of_names_only_is_geocoded(gaz: Gazetteer) -> None:
    frame = pd.DataFrame({"企业名称": ["北京智谱华章科技有限公司", "科技有限公司"]})
    out = geocode_table(frame, gazetteer=gaz, lang="zh")
    assert out.address_column == ""
    assert out.frame["geocode_level"].tolist() == ["name", "none"]
    assert out.summary.by_level["name"] == 1
    assert "名称 1" in out.summary.lines("zh")[0]


def test_new_levels_have_labels_in_both_languages() -> None:
    assert level_label("street_number_interpolated") == "street number (interpolated)"
    assert level_label("street_number_interpolated", "zh") == "门牌（插值）"
    assert (level_label("name"), level_label("name", "zh")) == ("name", "名称")
    assert level_label("building", "zh") == "楼宇"  # the first round's labels still found


# ------------------------------------------------------------------ the evaluation set
@pytest.mark.slow
def test_every_address_style_of_the_evaluation_set() -> None:
    from pathlib import Path

    from origin_map.geocode.evaluate import by_style, score_rows

    ev = pd.read_csv(Path(__file__).parent / "data" / "geocode_eval.csv", dtype=str,
                     keep_default_na=False)
    table = by_style(score_rows(ev)).set_index("style")
    assert table["placed_fine"].sum() == 0  # nothing from elsewhere at a fine level
    assert table["placed"].sum() == 0  # nor at all
    assert table["within_200m"].sum() >= 0.85 * table["with_truth"].sum()
    for style in ("traditional", "english-directional", "pinyin", "name-only",
                  "english-building-words", "campus-building"):
        assert table.loc[style, "share"] >= 0.85, table
