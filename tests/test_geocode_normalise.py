"""Address normalisation and parsing: known answers for the ways people write addresses."""

from __future__ import annotations

import pytest

from origin_map.geocode import normalise_address, parse_address
from origin_map.geocode.normalise import cn_number


@pytest.mark.parametrize(("text", "value"), [
    ("八", 8), ("十", 10), ("十二", 12), ("二十八", 28), ("一百零五", 105), ("一〇五", 105),
    ("两千", 2000)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize(("raw", "norm"), [
    ("北京市海淀区成府路二十八号", "北京市海淀区成府路28号"),
    ("中关村东路８号东升大厦ＡＢ座", "中关村东路8号东升大厦ab座"),
    ("北京市 海淀区 中关村东路 8 号", "北京市海淀区中关村东路8号"),
    ("东升大厦四层", "东升大厦4层"),
    ("五道口东升大厦", "五道口东升大厦"),  # 五 is not before a unit: a name, kept
    ("北四环西路9号", "北四环西路9号"),
    ("8#楼", "8号楼"),
    ("中国北京市海淀区中关村东路8号", "北京市海淀区中关村东路8号"),
    ("中国人民大学", "中国人民大学"),  # 中国 of a name is kept
    ("王庄路1号 100083", "王庄路1号"),
    (None, ""),
])
def test_normalise(raw: object, norm: str) -> None:
    assert normalise_address(raw) == norm


@pytest.mark.parametrize(("text", "road", "number", "bno", "tower"), [
    ("北京市海淀区中关村东路1号院8号楼D座23层2301", "中关村东路", "1", "8", "d"),
    ("北京市海淀区中关村北二条1号", "中关村北二条", "1", "", ""),  # 条: a Beijing street
    ("清华科技园科技大厦（两幢楼之一）", "", "", "", ""),  # "one of two buildings": a comment
    ("中关村东路1号院8栋", "中关村东路", "1", "8", ""),
    ("北京市海淀区学院路丁11号", "学院路", "11", "", ""),
    ("北京海淀区东升大厦4楼", "", "", "", ""),  # 4楼 is a floor, not a building
    ("华清嘉园7号楼305", "", "", "7", ""),
    ("东升大厦AB座611", "", "", "", "ab"),
    ("No. 1 Zhongguancun East Road, Building 8, Tower D", "zhongguancundonglu", "1", "8", "d"),
    ("2 Kexueyuan South Road, 8th Floor", "kexueyuannanlu", "2", "", ""),
    ("Zhongguancun Donglu 8", "zhongguancundonglu", "8", "", ""),
    ("North 4th Ring West Road 9", "beisihuanxilu", "9", "", ""),
    ("9/F, Tower B, No. 2 Kexueyuan South Road", "kexueyuannanlu", "2", "", "b"),
])
def test_parse_parts(text: str, road: str, number: str, bno: str, tower: str) -> None:
    p = parse_address(text)
    assert (p.road, p.number, p.building_no, p.tower) == (road, number, bno, tower)
    assert not p.elsewhere


@pytest.mark.parametrize(("text", "where"), [
    ("上海市徐汇区龙台路180号", "上海"), ("深圳南山区海天二路33号", "深圳"),
    ("广东省深圳市南山区", "广东"), ("北京市朝阳区望京", "朝阳"), ("朝阳区阜通东大街6号", "朝阳"),
    ("北京朝阳区望京SOHO", "朝阳"), ("北京亦庄 创新中心", "亦庄"), ("浦东新区张江", "浦东"),
    ("清华大学深圳国际研究生院", "深圳"), ("成都高新区天府大道", "成都"),
    ("Room 1, No. 100 Century Avenue, Pudong, Shanghai", "pudong"),
    ("12 Jiuxianqiao Road, Chaoyang District, Beijing", "chaoyang"),
])
def test_elsewhere(text: str, where: str) -> None:
    assert parse_address(text).elsewhere == where


@pytest.mark.parametrize("text", [
    "北京市海淀区中关村东路8号", "北京海淀中关村东路8号", "海淀区中关村东路8号",
    "海淀中关村东路8号",
    "北京大学", "北京清华同方科技广场", "五道口城市学院", "清华科技园区",
    "北京市海淀区原点大厦3层（总部：上海市徐汇区龙台路180号）",
    "No. 8 Zhongguancun East Road, Haidian District, Beijing"])
def test_local(text: str) -> None:
    p = parse_address(text)
    assert p.elsewhere == ""


def test_only_the_first_of_several_addresses_is_parsed() -> None:
    p = parse_address("北京市海淀区中关村东路8号东升大厦4层（注册地址）；办公：成府路28号")
    assert (p.road, p.number) == ("中关村东路", "8")
    p = parse_address("海淀区中关村东路1号院6号楼科建大厦六层（另：清华大学FIT楼1-308）")
    assert (p.road, p.number, p.building_no) == ("中关村东路", "1", "6")
    assert "fit" not in p.text
    assert parse_address("注册地址：北京市海淀区成府路28号").city == "北京"
