"""The offline gazetteer on a tiny gazetteer built in code: levels, refusals and reasons."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pyproj import Geod

from origin_map.geo.geometry import Centre
from origin_map.geocode import Gazetteer
from origin_map.geocode.gazetteer import distance_m

DONGSHENG = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)


def point_at(centre: Centre, distance_m: float, azimuth_deg: float) -> tuple[float, float]:
    lon, lat, _ = Geod(ellps="WGS84").fwd(centre.lon, centre.lat, azimuth_deg, distance_m)
    return lat, lon


COLS = ["id", "name_zh", "name_en", "aliases", "address", "road", "number", "compound",
        "building_no", "lat", "lon"]


def _b(fid, zh, en, aliases, road, number, compound, bno, dist_m, az):
    lat, lon = point_at(DONGSHENG, dist_m, az)
    return [fid, zh, en, aliases, f"北京市海淀区{road}{number}号" if road else "", road, number,
            compound, bno, lat, lon]


BUILDINGS = pd.DataFrame([
    _b("origin", "东升大厦", "Dongsheng Building", "原点大厦|东升大厦AB座", "中关村东路", "8",
       "", "", 0, 0),
    _b("qidi-d", "启迪科技大厦D座", "Qidi Building, Tower D", "启迪科技大厦", "中关村东路", "1",
       "清华科技园", "8", 250, 260),
    _b("tower-b", "科技大厦B座", "", "", "中关村东路", "1", "清华科技园", "", 230, 275),
    _b("kejian", "科建大厦", "Kejian Building", "", "", "", "清华科技园", "", 380, 272),
    _b("mall", "五道口购物中心", "Wudaokou Shopping Center", "", "成府路", "28", "", "", 520, 112),
    _b("yousheng", "优盛大厦", "", "", "成府路", "28", "", "", 490, 100),
    _b("dongyuan", "东源大厦", "", "", "成府路", "35", "", "", 230, 100),
    _b("hq7", "华清嘉园7号楼", "", "华清嘉园G座", "成府路", "35", "华清嘉园", "7", 140, 185),
    _b("east-a", "甲楼", "", "", "学院路", "20", "", "", 900, 80),  # one number, 500 m apart
    _b("east-b", "乙楼", "", "", "学院路", "20", "", "", 1400, 80),
], columns=COLS).astype(str)
CENTRES = pd.DataFrame([["tuspark", "清华科技园", "TusPark", *point_at(DONGSHENG, 230, 272)]],
                       columns=["id", "name_zh", "name_en", "lat", "lon"]).astype(str)
PLACES = pd.DataFrame([
    ["blcu", "北京语言大学", "BLCU", "university", "北京市海淀区学院路15号", "poi",
     *point_at(DONGSHENG, 1100, 80)],
    ["tsinghua", "清华大学", "Tsinghua University", "university", "北京市海淀区双清路30号", "poi",
     *point_at(DONGSHENG, 1000, 330)],
    ["startup", "某某科技", "Someco", "firm", "北京市海淀区学院路99号", "estimated",
     *point_at(DONGSHENG, 900, 80)],
], columns=["id", "name_zh", "name_en", "kind", "address", "position_quality", "lat", "lon"]
).astype(str)


DONGSHENG = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)


def point_at(centre: Centre, distance_m: float, azimuth_deg: float) -> tuple[float, float]:
    lon, lat, _ = Geod(ellps="WGS84").fwd(centre.lon, centre.lat, azimuth_deg, distance_m)
    return lat, lon


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frames(BUILDINGS, CENTRES, PLACES)


def _at(fid: str) -> tuple[float, float]:
    row = BUILDINGS.set_index("id").loc[fid]
    return float(row["lat"]), float(row["lon"])


@pytest.mark.parametrize(("address", "fid"), [
    ("北京市海淀区中关村东路8号东升大厦A座9层", "origin"),
    ("海淀区中关村东路８号原点大厦ＡＢ座四层4161号", "origin"),
    ("北京海淀区东升大厦4楼", "origin"),
    ("中关村东路8号东生大厦", "origin"),  # a typo, corroborated by road and number
    ("Dongsheng Building, Haidian District, Beijing", "origin"),
    ("北京市海淀区中关村东路1号院8号楼D座2301", "qidi-d"),
    ("中关村东路一号院八栋", "qidi-d"),
    ("北京市海淀区清华科技园启迪科技大厦C座12层", "qidi-d"),
    ("Room 2301, Building D, Building 8, No. 1 Zhongguancun East Road, Haidian", "qidi-d"),
    ("清华科技园科建大厦", "kejian"),
    ("北京市海淀区华清嘉园7号楼305", "hq7"),
    ("华清嘉园G座", "hq7"),
    ("北京市海淀区成府路35号东源大厦", "dongyuan"),
])
def test_building_level(gaz: Gazetteer, address: str, fid: str) -> None:
    m = gaz.match(address)
    assert m.level == "building", m
    assert distance_m((m.lat, m.lon), _at(fid)) < 1
    assert f"[{fid}]" in m.matched and m.score >= 0.5


def test_street_number_level_is_the_mean_of_agreeing_buildings(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区成府路二十八号")
    assert m.level == "street_number" and m.score == 0.7
    mean = ((_at("mall")[0] + _at("yousheng")[0]) / 2, (_at("mall")[1] + _at("yousheng")[1]) / 2)
    assert distance_m((m.lat, m.lon), mean) < 0.5


def test_compound_level_needs_a_known_point(gaz: Gazetteer) -> None:  # (or an outline)
    m = gaz.match("北京市海淀区中关村东路1号院9号楼搜狐网络大厦")  # building 9 is unknown
    assert m.level == "compound" and "[tuspark]" in m.matched
    m = gaz.match("北京市海淀区华清嘉园13号楼805")  # compound known, but no point of its own
    assert m.level == "none" and "华清嘉园" in m.reason_text()


def test_campus_point_is_compound_with_low_score(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区学院路15号")
    assert (m.level, m.score) == ("compound", 0.35)
    assert "representative point" in m.reason_text() and "代表点" in m.reason_text("zh")


@pytest.mark.parametrize(("address", "says"), [
    ("上海市徐汇区龙台路180号模速空间", "上海"),
    ("深圳市南山区科技园", "深圳"),
    ("北京市朝阳区中关村东路8号东升大厦", "朝阳"),  # known building, other district
    ("杭州东升大厦", "杭州"),
    ("北京市海淀区西小口路66号中关村东升科技园", "西小口路"),
    ("北京市海淀区中关村东路55号", "No. 55"),  # known road, unknown number
    ("北京市海淀区学院路99号", "No. 99"),  # only an estimated place there: no evidence
    ("北京市海淀区学院路20号", " m apart"),  # the known buildings there are too far apart
    ("中关村东路18号东升大厦", "中关村东路8号"),  # the name contradicts the number
    ("新东升大厦", "No known"),  # a longer, unknown name
    ("", "empty"),
    ("   ", "empty"),
])
def test_never_wrong_with_confidence(gaz: Gazetteer, address: str, says: str) -> None:
    m = gaz.match(address)
    assert m.level == "none" and math.isnan(m.lat) and m.score == 0
    assert says in m.reason_text()
    assert m.reason_text("zh") != m.reason_text("en")


def test_name_column_helps_only_when_consistent(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区中关村东路8号", name="原点大厦")
    assert m.level == "building" and "[origin]" in m.matched and m.score == 0.8
    assert gaz.match("北京市海淀区中关村东路8号", name="优盛大厦").level == "street_number"
    assert gaz.match("上海市徐汇区", name="东升大厦").level == "none"


def test_tower_not_named_by_the_gazetteer_lowers_the_score(gaz: Gazetteer) -> None:
    assert gaz.match("启迪科技大厦D座").score > gaz.match("启迪科技大厦C座").score


def test_from_geodata_reads_a_folder_and_skips_missing_files(tmp_path) -> None:
    BUILDINGS.to_csv(tmp_path / "buildings.csv", index=False)
    gaz = Gazetteer.from_geodata(tmp_path)  # no centres.csv, no places.csv
    assert gaz.match("中关村东路8号").level == "street_number"
    m = gaz.match("中关村东路1号院9号楼")  # no TusPark point now: the buildings at No. 1
    assert (m.level, m.matched) == ("street_number", "中关村东路1号 (启迪科技大厦D座, 科技大厦B座)")


def test_a_street_number_spread_over_two_buildings_is_placed_between_them(gaz: Gazetteer
                                                                          ) -> None:
    m = gaz.match("北京市海淀区成府路35号")  # 华清嘉园 block 7 and 东源大厦, 259 m apart
    assert (m.level, m.score) == ("street_number", 0.55)
    assert distance_m(_at("hq7"), _at("dongyuan")) > 150  # farther apart than one place
    for fid in ("hq7", "dongyuan"):
        assert distance_m((m.lat, m.lon), _at(fid)) < 135  # each within half the spread


def test_the_road_number_compound_comes_before_a_campus_named_as_a_landmark(gaz: Gazetteer
                                                                            ) -> None:
    m = gaz.match("北京市海淀区中关村东路1号（清华大学东南角）")
    assert m.level == "compound" and "[tuspark]" in m.matched, m
    assert "[tsinghua]" in gaz.match("北京市海淀区清华大学").matched  # the campus on its own


def test_a_name_contradicting_a_known_number_places_the_number_only(gaz: Gazetteer) -> None:
    m = gaz.match("北京市海淀区成府路28号东源大厦")  # 东源大厦 is No. 35; No. 28 is known
    assert (m.level, m.score) == ("street_number", 0.45)
    mean = ((_at("mall")[0] + _at("yousheng")[0]) / 2, (_at("mall")[1] + _at("yousheng")[1]) / 2)
    assert distance_m((m.lat, m.lon), mean) < 0.5
    assert "东源大厦" in m.reason_text() and "成府路35号" in m.reason_text()


def _square(lat: float, lon: float, half_m: float) -> object:
    from shapely.geometry import Polygon

    corners = [point_at(Centre("c", "", "", lat, lon), half_m * math.sqrt(2), az)
               for az in (45, 135, 225, 315)]
    return Polygon([(x, y) for y, x in corners])


def test_an_outline_gives_its_compound_a_point() -> None:
    import geopandas as gpd

    hq_lat, hq_lon = point_at(DONGSHENG, 140, 185)  # block 7 of 华清嘉园
    centre = point_at(DONGSHENG, 200, 150)  # an outline 240 m wide around block 7
    outlines = gpd.GeoDataFrame(
        {"place_id": ["huaqing", "campus"], "name_zh": ["华清嘉园", "某大学"],
         "name_en": ["Huaqing Jiayuan", "Some University"]},
        geometry=[_square(*centre, 120), _square(*point_at(DONGSHENG, 3000, 0), 900)],
        crs="EPSG:4326")
    assert _square(*centre, 120).contains(__import__("shapely").Point(hq_lon, hq_lat))
    before = Gazetteer.from_frames(BUILDINGS, CENTRES, PLACES)
    assert before.match("北京市海淀区华清嘉园13号楼805").level == "none"
    gaz = Gazetteer.from_frames(BUILDINGS, CENTRES, PLACES, outlines=outlines)
    m = gaz.match("北京市海淀区华清嘉园13号楼805")
    assert m.level == "compound" and "[outline:huaqing]" in m.matched
    assert distance_m((m.lat, m.lon), centre) < 1  # block 7 is inside: the outline's centroid
    assert gaz.match("北京市海淀区华清嘉园7号楼").level == "building"  # a known block stays
    m = gaz.match("某大学")  # 3.2 km² is a campus: its outline's centre, flagged as such
    assert (m.level, m.score) == ("compound", 0.35) and "campus" in m.reason_text()


@pytest.mark.parametrize(("address", "fid", "score"), [
    ("北京市海淀区东胜大厦", "origin", 0.75),  # 胜 for 升: the same pinyin, dong sheng
    ("北京市海淀区成府路28号五道口够物中心", "mall", None),  # 够 for 购 (gou): fuzzy or sound
    ("海淀区东圆大厦", "dongyuan", 0.75),  # 圆 for 源 (yuan)
    ("北京市海淀区华清家园7号楼305", "hq7", 0.75),  # 家 for 嘉 (jia), then its block 7
])
def test_a_name_written_with_characters_of_the_same_sound(gaz: Gazetteer, address: str,
                                                          fid: str, score: float | None) -> None:
    m = gaz.match(address)
    assert m.level == "building" and f"[{fid}]" in m.matched, m
    assert score is None or m.score == score


@pytest.mark.parametrize("address", [
    "东胜大厦",  # no sign that it is in this area
    "北京市海淀区新东胜大厦",  # after an unknown character: another name
    "北京市海淀区东胜",  # too short to say
    "北京市海淀区中关村东路18号东圆大厦",  # the number contradicts 东源大厦 (No. 35)
])
def test_same_sound_needs_the_area_and_a_whole_name(gaz: Gazetteer, address: str) -> None:
    m = gaz.match(address)
    assert m.level != "building" or "同音" not in m.matched, m


def test_a_misspelt_name_still_picks_the_tower_asked_for() -> None:
    b = pd.DataFrame([
        _b("t-b", "启迪科技大厦B座", "", "", "中关村东路", "1", "清华科技园", "", 230, 275),
        _b("t-c", "启迪科技大厦C座", "", "", "中关村东路", "1", "清华科技园", "", 260, 265),
    ], columns=COLS).astype(str)
    gaz = Gazetteer.from_frames(b, CENTRES)
    m = gaz.match("北京市海淀区启迪科技大夏C座")  # 夏 for 厦, tower C
    assert m.level == "building" and "[t-c]" in m.matched and "[t-b]" not in m.matched, m
