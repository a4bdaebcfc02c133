"""A list of names only, from a file or pasted, placed by name (issue 18: "the user's own list").

Three firms of the shipped data, each written as a user's list writes it (its registered name,
its English name, its Chinese short name), and one made-up firm no source knows. The truths are
the positions of those firms in ``geodata/places.csv``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.places.datasets import read_places

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SHIPPED = pd.read_csv(ROOT / "geodata" / "places.csv", dtype=str, keep_default_na=False
                      ).set_index("id")
KNOWN = {"北京智谱华章科技有限公司": "zhipu-ai", "ModelBest": "modelbest",
         "硅基流动": "siliconflow"}
UNKNOWN = "示例无名智能科技（北京）有限公司"
NAMES = [*KNOWN, UNKNOWN]


def _names_csv() -> bytes:
    """Return a names-only list: a name column and a website column, no address."""
    sites = ["zhipuai.cn", "modelbest.cn", "siliconflow.cn", ""]
    return pd.DataFrame({"企业名称": NAMES, "网站": sites}).to_csv(index=False).encode("utf-8")


REASON = {"en": (f"the name {UNKNOWN} is not a known building or firm", "add an address column"),
          "zh": (f"名称{UNKNOWN}不是已知楼宇或企业", "。如需定位，请添加地址列")}


def _assert_placed_by_name(table: pd.DataFrame, lang: str = "en") -> None:
    """Three rows at level name at their shipped positions; the unknown one with reason and fix."""
    assert table["geocode_level"].tolist() == ["name", "name", "name", "none"]
    for i, pid in enumerate(KNOWN.values()):
        assert float(table["lat"].iloc[i]) == pytest.approx(float(SHIPPED.loc[pid, "lat"]))
        assert float(table["lon"].iloc[i]) == pytest.approx(float(SHIPPED.loc[pid, "lon"]))
        assert f"[{pid}]" in table["geocode_match"].iloc[i]
    reason = table["geocode_reason"].iloc[3]
    assert all(part in reason for part in REASON[lang]), reason
    assert pd.isna(pd.to_numeric(table["lat"], errors="coerce").iloc[3])


# ---------------------------------------------------------------- the CLI
def test_cli_places_a_list_of_names_by_name(tmp_path, capsys) -> None:
    src, placed = tmp_path / "names.csv", tmp_path / "placed.csv"
    src.write_bytes(_names_csv())
    assert main(["geocode", str(src), "-o", str(placed), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "no address column: places are found by name" in err
    assert "3 of 4 rows placed (name 3)" in err
    _assert_placed_by_name(pd.read_csv(placed, dtype=str, keep_default_na=False,
                                       encoding="utf-8-sig").replace("", None))
    loaded = read_places(placed, geometry=False)
    assert len(loaded.places) == 3 and list(loaded.rejected["row"]) == [4]
    assert main(["stats", "--data", str(placed), "--skip-invalid", "--rings", "1000", "-o",
                 str(tmp_path / "d.csv")]) == 0
    density = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig")
    assert density.loc[density["sector"] == "all", "count"].tolist() == [3]


def test_cli_progress_is_reported_for_a_list_of_names(tmp_path) -> None:
    from origin_map.geocode import geocode_table

    seen: list[tuple[int, int]] = []
    frame = pd.DataFrame({"Company": NAMES * 20})
    out = geocode_table(frame, progress=lambda done, total: seen.append((done, total))).frame
    assert seen[-1] == (80, 80) and len(seen) == 4  # every 25 rows and at the end
    assert (out["geocode_level"] == "name").sum() == 60


# ---------------------------------------------------------------- the Data page (AppTest)
def _data_page(lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    return at


def _review_and_load(at, lang: str = "en") -> pd.DataFrame:
    """Run the geocoding, check the review and load it; return the review table."""
    at.button(key="om_geo_run").click().run()
    assert not at.exception, at.exception
    review = at.session_state["om_geo_result"][0]
    _assert_placed_by_name(review, lang)
    assert review["accept"].tolist() == [True, True, True, False]
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    return review


def test_data_page_places_a_list_of_names() -> None:
    at = _data_page()
    at.file_uploader(key="om_upload").set_value(("names.csv", _names_csv(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(i.value for i in at.info)
    assert "`name` ← 企业名称; no address column: places are found by name (level “name”)" in shown
    assert "has 4 rows with names but no address" in shown
    assert at.button(key="om_geo_run").label == "Place by name"
    _review_and_load(at)
    said = re.sub(r"\\(.)", r"\1", " ".join(s.value for s in at.success))
    assert "3 rows loaded from names.csv (geocoded)" in said and "(1 not loaded)" in said, said
    places = at.session_state["om_dataset"].places
    assert places["name_zh"].tolist()[:1] == ["北京智谱华章科技有限公司"]
    assert len(places) == 3 and places["position_note"].str.contains("geocoded \\(name").all()


def test_no_online_provider_is_offered_for_names() -> None:
    at = _data_page()
    at.file_uploader(key="om_upload").set_value(("names.csv", _names_csv(), "text/csv"))
    at.run()
    assert "om_geo_provider" not in {s.key for s in at.selectbox}


def test_pasted_names_go_the_same_way_in_chinese() -> None:
    at = _data_page("zh")
    assert at.text_area(key="om_geo_pasted").label == "名称，每行一个"
    at.text_area(key="om_geo_pasted").input("企业名称\n" + "\n".join(NAMES) + "\n\n").run()
    at.button(key="om_geo_paste_use").click().run()
    assert not at.exception, at.exception
    shown = " ".join(i.value for i in at.info)
    assert "`name` ← name；没有地址列：按名称查找位置" in shown, shown  # the header line dropped
    assert "“粘贴的名称”有 4 行名称" in shown
    _review_and_load(at, "zh")
    assert len(at.session_state["om_dataset"].places) == 3


def test_an_empty_paste_says_what_to_do() -> None:
    at = _data_page()
    at.text_area(key="om_geo_pasted").input(" \n\n").run()
    at.button(key="om_geo_paste_use").click().run()
    assert "Paste at least one name" in " ".join(w.value for w in at.warning)
    assert "om_geo_run" not in {b.key for b in at.button}
