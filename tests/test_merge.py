"""Merging a user's list with the shipped places (geocode.merge): known answers."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from origin_map.geocode.merge import SAME_BUILDING_M, merge_places, name_keys
from origin_map.io.export import to_csv_bytes
from origin_map.places.datasets import places_from_frame, shipped_places

SOHU = (39.992452, 116.325998)  # 搜狐网络大厦, building of zhipu-ai in places.csv
QIDI_D = (39.992058, 116.325118)  # 启迪科技大厦D座, building of siliconflow
RAYCOM = (39.982799, 116.320053)  # 融科资讯中心 (infini-ai is at 东升大厦, 1.1 km away)

USER_ROWS = [  # id, name, sector, lat, lon, geocode level, geocode match
    # 1. 智谱 under a traditional-character registered name, placed on its building by the
    #    geocoder (the building id from the match, not the distance, decides)
    ("u-zhipu", "北京智譜華章科技有限公司", "chips", *SOHU, "building",
     "搜狐网络大厦 [sohu-internet-plaza] ← 搜狐网络大厦"),
    # 2. 硅基流动 with a legal-form suffix, typed 20 m from the shipped point (no building id)
    ("u-silicon", "北京硅基流动科技有限公司", "ai_infrastructure", QIDI_D[0] + 0.00018, QIDI_D[1],
     "", ""),
    # 3. 无问芯穹 in another building: same name, not merged
    ("u-infini", "无问芯穹", "ai_infrastructure", *RAYCOM, "", ""),
    # 4-6. new firms; one id is also a shipped id, one name would run as a formula
    ("sohu", "示例新甲科技有限公司", "ai_applications", *SOHU, "", ""),
    ("u-new-b", "=HYPERLINK(\"http://x\")", "embodied_ai", 39.9910, 116.3300, "", ""),
    ("u-new-c", "Example Robotics Co., Ltd.", "embodied_ai", 39.9930, 116.3290, "", ""),
]


def user_places() -> pd.DataFrame:
    frame = pd.DataFrame(USER_ROWS, columns=["id", "name", "sector", "lat", "lon",
                                             "geocode_level", "geocode_match"])
    frame["kind"] = "firm"
    frame["geocode_source"] = ["gazetteer:buildings.csv" if lv else "" for lv in
                               frame["geocode_level"]]
    result = places_from_frame(frame, name="mine.csv", unknown_values="default")
    assert result.n_errors == 0
    return result.places


@pytest.fixture(scope="module")
def merged():
    return merge_places(shipped_places(), user_places())


def test_counts_of_a_list_with_two_duplicates_one_other_building_and_three_new(merged):
    table, summary = merged
    n = len(shipped_places())
    assert summary.counts() == {"user_rows": 6, "shipped_rows": n, "replaced": 2,
                                "shipped_replaced": 2, "added": 4, "shipped_kept": n - 2,
                                "total": n + 4, "renamed_ids": 1, "other_building": 1}
    assert len(table) == n + 4
    assert table["origin"].value_counts().to_dict() == {"shipped": n - 2, "user": 6}


def test_the_user_row_wins_and_says_what_it_replaced(merged):
    table, _ = merged
    ids = set(table["id"])
    assert "zhipu-ai" not in ids and "siliconflow" not in ids  # replaced
    zhipu = table.loc[table["id"] == "u-zhipu"].iloc[0]
    assert (zhipu["sector"], zhipu["replaces"], zhipu["origin"]) == ("chips", "zhipu-ai", "user")
    assert zhipu["building_id"] == "sohu-internet-plaza"  # from the geocoder's match
    assert zhipu["name_zh"] == "北京智譜華章科技有限公司"  # the user's own spelling kept
    silicon = table.loc[table["id"] == "u-silicon"].iloc[0]
    assert silicon["replaces"] == "siliconflow"
    assert "baichuan-ai" in ids  # another firm in 智谱's building stays


def test_same_name_in_another_building_is_kept_apart_and_reported(merged):
    table, summary = merged
    assert {"infini-ai", "u-infini"} <= set(table["id"])
    pair = summary.other_building.iloc[0]
    assert (pair["user_id"], pair["shipped_id"]) == ("u-infini", "infini-ai")
    assert 1000 < pair["distance_m"] < 1300


def test_ids_are_unique_and_a_colliding_user_id_is_prefixed(merged):
    table, summary = merged
    assert table["id"].is_unique
    assert "user-sohu" in set(table["id"])
    assert table.loc[table["id"] == "sohu", "origin"].tolist() == ["shipped"]
    assert summary.renamed_ids == 1


def test_the_merged_table_is_places_and_its_csv_never_runs_a_formula(merged):
    table, _ = merged
    assert table.crs.to_string() == "EPSG:4326" and table.geometry.notna().all()
    assert table["replaces"].notna().all()
    shipped_rows = table.loc[table["origin"] == "shipped"]
    assert (shipped_rows["geocode_match"] == "").all()  # a column of the user's only: empty
    data = to_csv_bytes(table)
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back.loc[back["id"] == "u-new-b", "name_en"].iloc[0].startswith("'=HYPERLINK")
    assert back.loc[back["id"] == "u-new-b", "origin"].iloc[0] == "user"


def test_the_summary_sentence_in_both_languages(merged):
    _, summary = merged
    n = len(shipped_places())
    assert summary.lines("en")[0] == (
        f"6 of your rows merged with {n} shipped places: 2 replaced shipped places of the same "
        f"name and building, 4 added; {n + 4} places in all.")
    assert f"共 {n + 4} 个地点" in summary.lines("zh")[0]
    assert any("1 of your rows share a name" in line for line in summary.lines("en"))


def _toy(rows: list[tuple], **cols) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "name_zh", "lat", "lon", "building_id"])
    frame["name_en"] = ""
    for k, v in cols.items():
        frame[k] = v
    return frame


@pytest.mark.parametrize(("north_m", "same"), [(0.0, True), (39.0, True), (41.0, False)])
def test_the_distance_tolerance_in_metres(north_m, same):
    deg = north_m / 111_195.0  # metres of latitude per degree (mean radius)
    shipped = _toy([("s", "百川智能", 39.99, 116.33, "")])
    user = _toy([("u", "百川智能科技有限公司", 39.99 + deg, 116.33, "")])
    _, summary = merge_places(shipped, user)
    assert SAME_BUILDING_M == 40.0
    assert (summary.replaced, len(summary.other_building)) == ((1, 0) if same else (0, 1))


def test_two_building_ids_decide_even_when_close():
    shipped = _toy([("s", "百川智能", 39.99, 116.33, "tower-a")])
    user = _toy([("u", "百川智能", 39.99, 116.33001, "tower-b")])  # 1 m away, another tower
    _, summary = merge_places(shipped, user)
    assert (summary.replaced, len(summary.other_building)) == (0, 1)
    user = _toy([("u", "百川智能", 39.995, 116.33, "tower-a")])  # 550 m off, same building id
    _, summary = merge_places(shipped, user)
    assert summary.replaced == 1


def test_aliases_column_and_two_shipped_rows_in_one_building():
    shipped = _toy([("s1", "某甲科技", 39.99, 116.33, "b"),
                    ("s2", "乙丙丁智能", 39.99, 116.33, "b")],
                   aliases=["", "某甲科技有限公司|Alias Robotics"])
    user = _toy([("u", "北京某甲科技有限公司", 39.99, 116.33, "b")])
    table, summary = merge_places(shipped, user)
    assert (summary.replaced, summary.shipped_replaced, summary.total) == (1, 2, 1)
    assert table["replaces"].tolist() == ["s1|s2"]
    assert "2 shipped rows were replaced" in " ".join(summary.lines("en"))


def test_an_empty_user_list_keeps_the_shipped_rows():
    shipped = _toy([("s", "百川智能", 39.99, 116.33, "")])
    table, summary = merge_places(shipped, shipped.iloc[:0])
    assert (summary.total, summary.added, table["origin"].tolist()) == (1, 0, ["shipped"])


@pytest.mark.parametrize(("name", "key"), [
    ("北京智譜華章科技有限公司", "智谱华章"),
    ("百川智能（北京）有限责任公司", "百川智能"),
    ("百川智能股份有限公司", "百川智能"),
    ("ＤｅｅｐＬａｎｇ  ＡＩ", "deeplang ai"),
    ("Zhipu Huazhang Technology Co., Ltd.", "py:zhipuhuazhang"),
])
def test_names_are_normalised_as_the_geocoder_does(name, key):
    assert key in name_keys([name])


def test_a_bracketed_place_is_not_a_name():
    assert name_keys(["AMD（北京，融科资讯中心）", "AMD (Beijing, Raycom)"]) == {"amd"}
    assert "西岸智塔" not in name_keys(["依图科技（西岸智塔）"])
    assert "深言" in "".join(name_keys(["深言科技（DeepLang AI）"]))
    assert "deeplang ai" in name_keys(["深言科技（DeepLang AI）"])


def test_the_shipped_data_merged_with_itself_replaces_every_row():
    shipped = shipped_places(geometry=False)
    table, summary = merge_places(shipped, shipped)
    assert (summary.replaced, summary.added, summary.total) == (len(shipped), 0, len(shipped))
    assert isinstance(table, pd.DataFrame) and "geometry" not in table
    firms_two_offices = set(summary.other_building["user_id"])
    assert {"baichuan-ai", "google-china", "kuaishou-early", "robotera-via-building"} <= \
        firms_two_offices
    assert not firms_two_offices & {"amd-beijing-raycom", "intel-beijing-raycom"}


def test_the_cli_writes_the_merged_table_and_the_pairs(tmp_path, capsys):
    from origin_map import cli
    from origin_map.places.datasets import read_places

    mine = tmp_path / "placed.csv"
    mine.write_bytes(to_csv_bytes(user_places().drop(columns="geometry")))
    out, pairs = tmp_path / "merged.csv", tmp_path / "pairs.csv"
    assert cli.main(["merge", str(mine), "-o", str(out), "--pairs", str(pairs)]) == 0
    err = capsys.readouterr().err
    n = len(shipped_places())
    assert f"6 of your rows merged with {n} shipped places: 2 replaced" in err
    back = read_places(out)  # the merged table is a places file like any other
    assert (len(back.places), back.n_errors) == (n + 4, 0)
    assert back.places["origin"].value_counts().to_dict() == {"shipped": n - 2, "user": 6}
    table, _ = merge_places(shipped_places(), user_places())
    assert out.read_bytes() == to_csv_bytes(table)  # the app's table, byte for byte
    assert pd.read_csv(pairs)["shipped_id"].tolist() == ["infini-ai"]
    assert cli.main(["merge", str(mine), "-o", str(out), "--tolerance-m", "0"]) == 0
    assert "1 replaced" in capsys.readouterr().err  # 硅基流动 is 20 m off: now kept apart
    assert cli.main(["merge"]) == 2


def test_a_table_without_coordinates_is_refused_with_the_column_named():
    from origin_map.errors import DataValidationError

    with pytest.raises(DataValidationError, match="no 'lat' column"):
        merge_places(shipped_places(), pd.DataFrame({"id": ["a"], "lon": [116.3]}))


def test_a_merged_table_read_back_is_known_as_merged(merged, tmp_path):
    from origin_map.geocode.merge import is_merged
    from origin_map.places.datasets import read_places

    table, _ = merged
    path = tmp_path / "merged.csv"
    path.write_bytes(to_csv_bytes(table))
    assert is_merged(read_places(path).places)
    assert not is_merged(user_places()) and not is_merged(shipped_places())
    assert not is_merged(table.loc[table["origin"] == "user"])
