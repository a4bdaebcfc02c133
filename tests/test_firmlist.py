"""Registry exports: read by meaning (io/firmlist), geocoded, counted as firms (issue 18, 1/2/5).

The exports are made here: made-up firms (every name starts with 示例, "example") at the real
addresses of buildings of ``geodata/buildings.csv``, whose positions are the truth, plus a few
real addresses elsewhere in China that must stay unplaced (or far away).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.geo.geometry import Rings
from origin_map.io.firmlist import capital_cny, header_row, registry_status, years
from origin_map.io.readers import read_raw
from origin_map.measure.stats import density_table
from origin_map.places.datasets import read_places
from origin_map.places.table import recognise

ROOT = Path(__file__).resolve().parents[1]
BUILDINGS = pd.read_csv(ROOT / "geodata" / "buildings.csv", dtype=str, keep_default_na=False)
LOCAL = ["dongsheng-building", "huaqing-jiayuan-bldg-7", "sohu-internet-plaza",
         "chengfu-rd-45-dongsheng-township", "qidi-tower-b", "cernet-tower", "qidi-tower-d",
         "dongyuan-building", "unis-building", "huayuan-shiji-building",
         "tuspark-innovation-building", "via-building", "wudaokou-food-court",
         "kejian-building", "tuspark-chuangye-building", "huayuan-wudaokou-building",
         "yousheng-building", "zgc-east-rd-1-bldg-5", "caizhi-international-building",
         "tongfang-plaza-d", "cas-process-building", "yingu-building", "zgc-east-rd-66-bldg-2",
         "raycom-infotech-park", "founder-building", "qidi-tower-c", "dongsheng-building",
         "sohu-internet-plaza", "yousheng-building"]
ELSEWHERE = ["上海市徐汇区云锦路701号", "杭州市余杭区文一西路969号", "深圳市南山区海天二路33号",
             "广州市天河区天河路208号"]
STATUS = ["存续", "在业", "存续（在营、开业、在册）", "开业", "注销", "吊销，未注销", "迁出",
          "在营"]
INDUSTRY = ["软件和信息技术服务业", "科技推广和应用服务业", "研究和试验发展", "餐饮业"]


def registry_rows() -> pd.DataFrame:
    """Return the export's rows with the truth: ``true_lat``/``true_lon``, ``status_truth``."""
    addr = BUILDINGS.set_index("id")
    rows = []
    for i, bid in enumerate([*LOCAL, *ELSEWHERE]):
        local = i < len(LOCAL)
        status = STATUS[i % len(STATUS)]
        historic = any(w in status for w in ("注销", "吊销", "迁出"))
        rows.append({
            "序号": i + 1,
            "企业名称": f"示例{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i:02d}科技（北京）有限公司",
            "统一社会信用代码": f"91110108EXAMPLE{i:03d}",
            "法定代表人": "示例人",
            "登记状态": status,
            "成立日期": dt.date(2019, 3, 5) if i == 0 else dt.date(2005 + i % 18, 1 + i % 12,
                                                                  1 + i % 28),
            "注册资本": ["100万元人民币", "500万元", "1000万(元)", "50万美元"][i % 4],
            "所属行业": INDUSTRY[i % len(INDUSTRY)],
            "经营范围": "技术开发、技术咨询、技术服务；软件开发。",
            "注册地址": "北京市海淀区" if i % 5 == 0 else (addr.loc[bid, "address"] if local
                                                    else bid),
            "通信地址": addr.loc[bid, "address"] if local else bid,
            "注销日期": dt.date(2023, 6, 30) if status == "注销" else None,
            "核准日期": dt.date(2024, 3, 1),
            "true_lat": float(addr.loc[bid, "lat"]) if local else np.nan,
            "true_lon": float(addr.loc[bid, "lon"]) if local else np.nan,
            "status_truth": "historic" if historic else "current",
        })
    return pd.DataFrame(rows)


EXPORT_COLUMNS = ["序号", "企业名称", "统一社会信用代码", "法定代表人", "登记状态", "成立日期",
                  "注册资本", "所属行业", "经营范围", "注册地址", "通信地址", "注销日期",
                  "核准日期"]
TITLE = "企业数据导出（示例数据：企业名称均为虚构，地址为真实楼宇）"


def registry_xlsx(rows: pd.DataFrame) -> bytes:
    """Return an .xlsx export: a title row, a notes row, a blank row, then the header.

    Dates are real Excel date cells; one 成立日期 is a bare serial day number.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "企业列表"
    sheet.append([TITLE])
    sheet.append(["导出时间：2026-12-01 10:00"])
    sheet.append([])
    sheet.append(EXPORT_COLUMNS)
    for r, rec in enumerate(rows[EXPORT_COLUMNS].itertuples(index=False), start=5):
        sheet.append([None if isinstance(v, float) and np.isnan(v) else v for v in rec])
        for col in (6, 12, 13):
            sheet.cell(r, col).number_format = "yyyy-mm-dd"
    serial = (dt.date(2019, 3, 5) - dt.date(1899, 12, 30)).days
    sheet.cell(5, 6).value = serial  # a date cell that lost its format: a serial number
    sheet.cell(5, 6).number_format = "General"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DATE_FORMS = ("{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}")


def registry_csv(rows: pd.DataFrame) -> bytes:
    """Return the same export as GB18030 CSV with a title line, dates in four text forms."""
    table = rows[EXPORT_COLUMNS].copy()
    for col in ("成立日期", "注销日期", "核准日期"):
        table[col] = [DATE_FORMS[i % 4].format(y=v.year, m=v.month, d=v.day)
                      if isinstance(v, dt.date) else "" for i, v in enumerate(table[col])]
    return (TITLE + "\n" + table.to_csv(index=False)).encode("gb18030")


# ---------------------------------------------------------------- values
@pytest.mark.parametrize("value,year", [
    ("2019-03-05", 2019), ("2019/3/5", 2019), ("2019年3月5日", 2019), ("20190305", 2019),
    ("2019.03.05", 2019), ("2019-03-05T00:00:00", 2019), ("2019-03-05 00:00:00", 2019),
    ("05/03/2019", 2019), ("5 March 2019", 2019), ("Mar 5, 2019", 2019), ("2019", 2019),
    ("2019年", 2019), ("2019-03", 2019), ("43529", 2019), (43529, 2019), (2019, 2019),
    (dt.date(2019, 3, 5), 2019), (dt.datetime(2019, 3, 5, 8), 2019),
    ("2019.5", None), ("20x9", None), ("", None), ("2019-13-01", None), ("19190345", None),
])
def test_a_year_is_read_from_every_common_date_form(value, year) -> None:
    got = years(pd.Series([value], dtype=object))[0]
    assert (np.isnan(got) if year is None else got == year), (value, got)


@pytest.mark.parametrize("value,yuan", [
    ("100万元人民币", 1e6), ("100万人民币", 1e6), ("500万元", 5e6), ("1000万(元)", 1e7),
    ("1.5亿元", 1.5e8), ("3,000,000元", 3e6), ("RMB 5 million", 5e6), (2000000, 2e6),
    ("50万美元", None), ("USD 1 million", None), ("", None), ("未公开", None),
])
def test_capital_is_read_in_yuan_and_other_currencies_are_not_converted(value, yuan) -> None:
    got = capital_cny(pd.Series([value], dtype=object))[0]
    assert (np.isnan(got) if yuan is None else got == yuan), (value, got)
    if isinstance(value, int):  # a header 注册资本(万元): numbers are in 10,000 yuan
        assert capital_cny(pd.Series([200]), per_10k=True)[0] == 2e6


def test_registry_status_words_map_to_current_or_historic() -> None:
    words = ["存续", "在业", "存续（在营、开业、在册）", "开业", "在营", "注销", "吊销，未注销",
             "撤销", "迁出", "停业", "Active", "Inactive", "Deregistered", "current", "清算中"]
    assert registry_status(pd.Series(words)).tolist() == [
        "current"] * 5 + ["historic"] * 5 + ["current", "historic", "historic", "current",
                                             "清算中"]


def test_header_row_skips_title_and_notes_rows_only() -> None:
    assert header_row([["title"], ["exported 2026-12-01"], [], ["a", "b", "c"], ["1", "2", "3"]]
                      ) == 3
    assert header_row([["id", "lat", "lon"], ["a", "1", "2"]]) == 0
    assert header_row([["address"], ["x"], ["y"]]) == 0  # one column: nothing to skip
    assert header_row([["name", "address"], ["a", "b"]]) == 0


# ---------------------------------------------------------------- the reader
def test_xlsx_export_is_read_by_meaning_below_its_title_rows() -> None:
    raw = read_raw(registry_xlsx(registry_rows()), name="export.xlsx")
    assert list(raw.frame.columns) == EXPORT_COLUMNS
    assert raw.numbers()[0] == 1 and len(raw.frame) == len(LOCAL) + len(ELSEWHERE)
    assert "3 row(s) above the header were skipped" in raw.notes[0].message
    found = recognise(raw.frame)
    assert found.registry
    assert found.columns == [("id", "统一社会信用代码"), ("name", "企业名称"),
                             ("status", "登记状态"), ("address", "通信地址"),
                             ("since", "成立日期"), ("industry", "所属行业"),
                             ("scope", "经营范围"), ("capital", "注册资本"),
                             ("closed_date", "注销日期"), ("approved_date", "核准日期")]


def _placed(rows: pd.DataFrame) -> pd.DataFrame:
    """The export with the true positions as lat/lon columns (what a geocoder would add)."""
    return rows[EXPORT_COLUMNS].assign(lat=rows["true_lat"], lon=rows["true_lon"])


def test_registry_values_become_places_columns() -> None:
    rows = registry_rows()
    csv = _placed(rows).to_csv(index=False).encode("gb18030")
    result = read_places(csv, name="placed.csv", geometry=False)
    places = result.places
    local = rows.iloc[:len(LOCAL)].reset_index(drop=True)
    assert len(places) == len(LOCAL)  # the others have no position
    assert (places["kind"] == "firm").all()
    assert places["status"].tolist() == local["status_truth"].tolist()
    assert places["since"].tolist() == [d.year for d in local["成立日期"]]
    closed = (local["登记状态"] == "注销").to_numpy()
    revoked = local["登记状态"].isin(["吊销，未注销", "迁出"]).to_numpy()
    assert (places.loc[closed, "until"] == 2023).all()  # 注销日期
    assert (places.loc[revoked, "until"] == 2024).all()  # 核准日期 of a historic row
    assert places.loc[~(closed | revoked), "until"].isna().all()  # 核准日期 of a current row
    assert places["id"].tolist() == local["统一社会信用代码"].tolist()  # not 序号
    assert places["address"].tolist() == local["通信地址"].tolist()  # office, not registered
    assert places["注册地址"].tolist() == local["注册地址"].tolist()  # kept, own name
    assert places["industry"].tolist() == local["所属行业"].tolist()
    # no sector column: every sector came by rule (sector_rule says which), none from 所属行业
    assert places["sector_rule"].ne("").all()
    assert not places["sector_rule"].str.endswith(":sector").any()
    assert places["scope"].str.startswith("技术开发").all()
    cap = places["capital_cny"].to_numpy(dtype=float)[:4]
    assert cap[:3].tolist() == [1e6, 5e6, 1e7] and np.isnan(cap[3])  # 50万美元: not yuan
    assert places["法定代表人"].eq("示例人").all()  # an unused column, kept as is
    assert len(result.rejected) == len(ELSEWHERE)


def test_a_sector_like_column_of_other_values_is_kept_with_a_warning_not_refused() -> None:
    text = ("name,行业,lat,lon\n甲,软件和信息技术服务业,39.99,116.33\n乙,餐饮业,39.98,116.32\n"
            "丙,大模型,39.98,116.32\n")
    result = read_places(text.encode(), name="t.csv")
    assert len(result.places) == 3 and result.n_errors == 0
    assert result.places["行业"].tolist() == ["软件和信息技术服务业", "餐饮业", "大模型"]
    assert (result.places["sector"] == "unknown").all()
    warn = result.problems[result.problems["severity"] == "warning"]
    assert warn["field"].tolist() == ["行业"] and "kept as it is" in warn["problem"].iloc[0]
    ok = read_places("name,行业,lat,lon\n甲,大模型,39.99,116.33\n".encode(), name="t.csv")
    assert ok.places["sector"].tolist() == ["large_models"]  # a sector column stays one


def test_company_types_and_odd_statuses_are_kept_and_a_registry_stays_firms() -> None:
    text = ("企业名称,统一社会信用代码,类型,状态,lat,lon\n"
            "示例甲,91110108EXAMPLE1,有限责任公司,存续,39.99,116.33\n"
            "示例乙,91110108EXAMPLE2,股份有限公司,清算,39.98,116.32\n"
            "示例丙,91110108EXAMPLE3,有限责任公司,清算,39.98,116.32\n")
    result = read_places(text.encode(), name="t.csv")
    places = result.places
    assert len(places) == 3 and result.n_errors == 0
    assert places["kind"].tolist() == ["firm"] * 3  # 类型 held company types: kept as 类型
    assert places["类型"].tolist() == ["有限责任公司", "股份有限公司", "有限责任公司"]
    assert places["状态"].tolist() == ["存续", "清算", "清算"]  # 2 of 3 not a status: kept
    assert places["status"].tolist() == ["current"] * 3
    warned = result.problems.loc[result.problems["severity"] == "warning", "field"]
    assert sorted(warned) == ["状态", "类型"]


def test_rows_are_firm_makes_every_row_a_firm_and_says_so() -> None:
    text = "name,address,lat,lon\n甲,x,39.99,116.33\n乙,y,39.98,116.32\n"
    plain = read_places(text.encode(), name="t.csv")
    assert (plain.places["kind"] == "other").all()  # a name + address list is not a registry
    firms = read_places(text.encode(), name="t.csv", rows_are="firm")
    assert (firms.places["kind"] == "firm").all()
    assert "kind 'firm', as asked" in " ".join(firms.problems["problem"])


# ---------------------------------------------------------------- end to end, the CLI
def _ring_counts(places: pd.DataFrame) -> dict[int, int]:
    from origin_map.places.datasets import resolve_centre

    table = density_table(places, resolve_centre(None), Rings.parse(1000, "500,2000"))
    alls = table[table["sector"] == "all"]
    return dict(zip(alls["ring_outer_m"].astype(int), alls["count"].astype(int), strict=True))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_geocode_then_stats_counts_the_firms_as_at_their_true_positions(fmt, tmp_path, capsys
                                                                        ) -> None:
    rows = registry_rows()
    export = tmp_path / f"export.{fmt}"
    export.write_bytes(registry_xlsx(rows) if fmt == "xlsx" else registry_csv(rows))
    placed, density = tmp_path / "placed.csv", tmp_path / "density.csv"
    assert main(["geocode", str(export), "-o", str(placed), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "name ← 企业名称" in err and "address ← 通信地址" in err and "status ← 登记状态" in err
    assert "every row is a firm" in err
    assert main(["stats", "--data", str(placed), "--skip-invalid", "-o", str(density)]) == 0
    err = capsys.readouterr().err
    assert f"{len(ELSEWHERE)} invalid row(s) left out" in err  # only the unplaced rows
    geocoded = pd.read_csv(placed, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elsewhere = geocoded.iloc[len(LOCAL):]
    assert not elsewhere["geocode_level"].isin(["building", "compound", "street_number"]).any()
    result = read_places(placed, geometry=False)
    assert not result.problems["field"].isin(["sector", "所属行业", "industry"]).any()
    places = result.places
    truth = rows.iloc[:len(LOCAL)].reset_index(drop=True)
    assert (places["kind"] == "firm").all()
    assert places["status"].tolist() == truth["status_truth"].tolist()
    assert places["since"].tolist() == [d.year for d in truth["成立日期"]]
    table = pd.read_csv(density, encoding="utf-8-sig")
    got = dict(zip(table.loc[table["sector"] == "all", "ring_outer_m"].astype(int),
                   table.loc[table["sector"] == "all", "count"].astype(int), strict=True))
    true_places = read_places(_placed(rows).to_csv(index=False).encode(), name="truth.csv",
                              geometry=False).places  # the same rows at their true positions
    expected = _ring_counts(true_places)
    assert got.keys() == expected.keys()
    for ring, n in expected.items():
        assert abs(got[ring] - n) <= 1, (ring, got, expected)
    assert sum(expected.values()) > 10  # the rings hold firms: the comparison can fail


def test_rows_are_firm_on_the_cli(tmp_path, capsys) -> None:
    src = tmp_path / "list.csv"
    src.write_text("name,address\n示例甲公司,北京市海淀区成府路28号优盛大厦\n", encoding="utf-8")
    placed = tmp_path / "placed.csv"
    assert main(["geocode", str(src), "-o", str(placed), "--rows-are", "firm",
                 "--no-progress"]) == 0
    assert "kind 'firm', as asked" in capsys.readouterr().err
    assert read_places(placed).places["kind"].tolist() == ["firm"]
    plain = tmp_path / "plain.csv"
    plain.write_text("name,lat,lon\n示例甲公司,39.99,116.33\n", encoding="utf-8")
    assert main(["validate", str(plain), "--rows-are", "firm"]) == 0
    assert main(["stats", "--data", str(plain), "--rows-are", "firm", "--kind", "firm"]) == 0
    out = capsys.readouterr().out
    assert ",all,1," in out.replace("\r", "")


# ---------------------------------------------------------------- the shipped example
def test_shipped_example_export_is_a_registry_of_made_up_firms(tmp_path, capsys) -> None:
    example = ROOT / "geodata" / "examples" / "registry_export_example.csv"
    frame = pd.read_csv(example, dtype=str, keep_default_na=False, skiprows=1,
                        encoding="utf-8-sig")
    assert frame["企业名称"].str.startswith("示例").all()
    placed = tmp_path / "placed.csv"
    assert main(["geocode", str(example), "-o", str(placed), "--no-progress"]) == 0
    assert "every row is a firm" in capsys.readouterr().err
    places = read_places(placed, geometry=False).places
    assert (places["kind"] == "firm").all() and len(places) >= 10
    assert set(places["status"]) == {"current", "historic"}


# ---------------------------------------------------------------- the Data page (AppTest)
APP = str(ROOT / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _data_page(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    if query:
        at.query_params.update(query)
    at.run()
    at.switch_page("pages/data.py").run()
    return at


def test_data_page_shows_the_columns_geocodes_and_says_what_it_loaded() -> None:
    rows = registry_rows()
    at = _data_page()
    at.file_uploader(key="om_upload").set_value(("export.xlsx", registry_xlsx(rows), XLSX))
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(i.value for i in at.info)
    for pair in ("`name` ← 企业名称", "`address` ← 通信地址", "`status` ← 登记状态",
                 "`since` ← 成立日期", "`industry` ← 所属行业", "`id` ← 统一社会信用代码"):
        assert pair in shown, shown
    assert "registry or company-database export" in " ".join(c.value for c in at.caption)
    at.button(key="om_geo_run").click().run()
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    said = re.sub(r"\\(.)", r"\1", " ".join(s.value for s in at.success))  # markdown escapes
    assert f"{len(LOCAL)} rows loaded from export.xlsx (geocoded), {len(LOCAL)} of them firms " \
           f"({len(ELSEWHERE)} not loaded). They show on the Map and the Overview." in said, said
    places = at.session_state["om_dataset"].places
    truth = read_places(_placed(rows).to_csv(index=False).encode(), name="truth.csv",
                        geometry=False).places
    got, expected = _ring_counts(places), _ring_counts(truth)
    assert all(abs(got[r] - n) <= 1 for r, n in expected.items()), (got, expected)
    at.switch_page("pages/overview.py").run()
    firms = next(m for m in at.metric if m.label == "Firms")
    assert int(firms.value) == expected[500] + expected[1000]  # current firms within 1 km


def test_every_row_is_a_firm_checkbox_on_the_data_page() -> None:
    at = _data_page({"lang": "zh"})
    assert at.checkbox(key="om_up_firms").label == "每一行都是企业"
    data = "名称,地址\n示例甲,北京市海淀区成府路28号优盛大厦\n".encode()
    at.file_uploader(key="om_upload").set_value(("list.csv", data, "text/csv"))
    at.run()
    at.checkbox(key="om_up_firms").check().run()
    at.button(key="om_geo_run").click().run()
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    assert at.session_state["om_dataset"].places["kind"].tolist() == ["firm"]
    assert "其中企业 1 家" in " ".join(s.value for s in at.success)


def test_an_english_export_is_read_by_meaning_too() -> None:
    text = ("Company Name,Unified Social Credit Code,Status,Established,Registered Capital,"
            "Industry,Business Scope,Registered Address,Office Address,lat,lon\n"
            "Example Robotics Ltd,91110108EXAMPLE900,Active,2018-07-01,RMB 5 million,"
            "Software,AI software,Haidian,Dongsheng Building,39.9924,116.3277\n"
            "Example Chips Ltd,91110108EXAMPLE901,Deregistered,05/03/2012,10000000,"
            "Semiconductors,chips,Haidian,Huaqing Jiayuan,39.9912,116.3276\n")
    places = read_places(text.encode(), name="en.csv").places
    assert places["name_en"].tolist() == ["Example Robotics Ltd", "Example Chips Ltd"]
    assert places["kind"].tolist() == ["firm", "firm"]
    assert places["status"].tolist() == ["current", "historic"]
    assert places["since"].tolist() == [2018, 2012]
    assert places["address"].tolist() == ["Dongsheng Building", "Huaqing Jiayuan"]
    assert places["capital_cny"].tolist() == [5e6, 1e7]
    assert places["industry"].tolist() == ["Software", "Semiconductors"]


def test_the_review_shows_sectors_by_rule_and_loads_them() -> None:
    at = _data_page()
    data = ("名称,地址\n北京示例芯片科技有限公司,北京市海淀区成府路28号优盛大厦\n"
            "示例餐饮管理有限公司,北京市海淀区中关村东路1号\n").encode()
    at.file_uploader(key="om_upload").set_value(("list.csv", data, "text/csv"))
    at.run()
    at.button(key="om_geo_run").click().run()
    assert not at.exception, at.exception
    review = at.session_state["om_geo_result"][0]
    assert review["sector"].tolist() == ["chips", "services"]
    assert review["sector_rule"].tolist() == ["name-chips:name", "name-catering:name"]
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    places = at.session_state["om_dataset"].places
    assert places["sector"].tolist() == ["chips", "services"]
    assert places["sector_rule"].tolist() == ["name-chips:name", "name-catering:name"]


def test_the_reviews_sector_is_a_choice_of_the_vocabulary() -> None:
    from origin_map.app.geocoding import review_columns
    from origin_map.places import vocab

    config = review_columns(["accept", "名称", "sector", "lat", "lon"], "zh")
    sector = config["sector"]
    assert sector["type_config"]["type"] == "selectbox"
    assert sector["type_config"]["options"] == list(vocab.SECTOR_IDS)
    assert sector["label"] == "行业"
