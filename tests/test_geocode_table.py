"""geocode_table, the review helpers, the CLI command, and loading the result as places."""

from __future__ import annotations

import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.errors import DataValidationError
from origin_map.geocode import OUTPUT_COLUMNS, geocode_table, to_places_frame, unplaced_rows
from origin_map.places.datasets import read_places

FIRMS = pd.DataFrame({
    "企业名称": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"],
    "注册地址": ["北京市海淀区中关村东路8号东升大厦A座9层", "上海市徐汇区龙台路180号", "",
                 "北京市海淀区王庄路1号清华同方科技大厦A座30层", "X" * 5000],
    "纬度": ["1", "", "", "", ""],
    "geocode_level": ["mine"] * 5,
})


def test_every_row_and_column_is_kept_and_results_added() -> None:
    progress: list[tuple[int, int]] = []
    res = geocode_table(FIRMS, progress=lambda d, t: progress.append((d, t)))
    out = res.frame
    assert len(out) == 5 and progress[-1] == (5, 5)
    assert list(out.columns) == ["企业名称", "注册地址", "纬度 (input)", "geocode_level (input)",
                                 *OUTPUT_COLUMNS]
    assert (res.address_column, res.name_column) == ("注册地址", "企业名称")
    assert list(out["geocode_level"]) == ["building", "none", "none", "building", "none"]
    assert out["lat"].isna().tolist() == [False, True, True, False, True]
    assert "上海" in out["geocode_reason"][1] and "empty" in out["geocode_reason"][2]
    assert "cut to 200 characters" in out["geocode_reason"][4]
    assert res.summary.by_level["building"] == 2 and res.summary.cut == 1
    assert res.summary.lines()[0] == "2 of 5 rows placed (building 2)"
    assert res.summary.lines("zh")[0].startswith("5行中定位2行")


def test_reasons_in_chinese() -> None:
    out = geocode_table(FIRMS, lang="zh").frame
    assert out["geocode_reason"][1].startswith("地址位于上海")


def test_no_address_column_names_the_columns_found() -> None:
    with pytest.raises(DataValidationError) as err:
        geocode_table(pd.DataFrame({"公司": ["a"], "城市": ["b"]}))
    text = str(err.value)
    assert "公司, 城市" in text and "注册地址" in text and "办公地址" in text
    with pytest.raises(DataValidationError, match="no column 'where'"):
        geocode_table(FIRMS, address_column="where")


def test_min_level_leaves_coarse_results_unplaced() -> None:
    frame = pd.DataFrame({"address": ["北京市海淀区成府路28号", "北京市海淀区成府路28号优盛大厦"]})
    out = geocode_table(frame, min_level="building").frame
    assert out["lat"].isna().tolist() == [True, False]
    assert "only to street number level, coarser than building" in out["geocode_reason"][0]
    zh = geocode_table(frame, min_level="building", lang="zh").frame["geocode_reason"][0]
    assert "只定位到门牌级，粗于楼宇级" in zh  # level names in the language, not their ids


def test_output_loads_as_places(tmp_path, capsys) -> None:
    src = tmp_path / "firms.csv"
    FIRMS.iloc[:4].to_csv(src, index=False, encoding="gbk")  # Chinese Excel's CSV
    out, todo = tmp_path / "out.csv", tmp_path / "todo.csv"
    assert main(["geocode", str(src), "-o", str(out), "--unplaced", str(todo)]) == 0
    err = capsys.readouterr().err
    assert "2 of 4 rows placed" in err and "--skip-invalid" in err
    loaded = read_places(out)
    assert len(loaded.places) == 2 and list(loaded.rejected["row"]) == [2, 3]
    assert set(loaded.problems.loc[loaded.problems["severity"] == "error", "field"]) == {
        "lat", "lon"}
    assert loaded.places["name_zh"].tolist() == ["甲公司", "丁公司"]
    assert len(pd.read_csv(todo, encoding="utf-8-sig")) == 2
    assert main(["stats", "--data", str(out)]) == 1  # unplaced rows: an error without the flag
    assert main(["stats", "--data", str(out), "--skip-invalid", "--rings", "", "-o",
                 str(tmp_path / "d.csv")]) == 0
    density = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig")
    assert density.loc[density["sector"] == "all", "count"].tolist() == [2]


def test_excel_input(tmp_path) -> None:
    src = tmp_path / "firms.xlsx"
    FIRMS.iloc[:2].to_excel(src, index=False)
    assert main(["geocode", str(src), "-o", str(tmp_path / "o.csv"), "--no-progress"]) == 0
    assert pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")["geocode_level"].tolist() == [
        "building", "none"]


def test_cli_without_address_column(tmp_path, capsys) -> None:
    src = tmp_path / "x.csv"
    src.write_text("城市,备注\na,b\n", encoding="utf-8")  # (a name column alone: by name)
    assert main(["geocode", str(src)]) == 1
    err = capsys.readouterr().err
    assert "No address column found (columns present: 城市, 备注)" in err
    assert "Traceback" not in err


def test_review_helpers() -> None:
    out = geocode_table(FIRMS).frame
    assert unplaced_rows(out).index.tolist() == [1, 2, 4]
    edited = out.copy()
    edited.loc[1, ["lat", "lon"]] = [31.17, 121.46]  # the user typed a position
    places = to_places_frame(edited, [True, True, True, False, False])
    assert places["企业名称"].tolist() == ["甲公司", "乙公司"]  # 丙 has no position
    assert set(places["position_quality"]) == {"estimated"}
    assert places["position_note"][0].startswith("geocoded (building, gazetteer:")
    assert len(to_places_frame(out)) == 2
    loaded = read_places(places.to_csv(index=False).encode("utf-8"), name="reviewed.csv")
    assert len(loaded.places) == 2 and loaded.n_errors == 0
