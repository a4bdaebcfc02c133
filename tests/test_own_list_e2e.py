"""Issue 18's "Done when", end to end: a registry export through the CLI and through the app.

``origin-map geocode EXPORT.xlsx -o placed.csv`` then ``origin-map stats --data placed.csv
--skip-invalid``: every row a firm, 注销/吊销 rows historic, ``since`` the 成立日期 year, the
keyword sectors right, no non-technology firm in an AI sector, ring counts those of the true
positions (± 1 a ring). The same file on the Data page gives the same counts, and the Overview
shows the firms, the AI share and the "sector by rule" caveat.

The export is made here: made-up firms (every name starts with 示例, "example") whose names say
their trade, at the real addresses of buildings of ``geodata/buildings.csv`` (their positions are
the truth), each with a floor and room; two addresses in other cities must stay unplaced.
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
from origin_map.measure.stats import density_table, headline
from origin_map.places import vocab
from origin_map.places.datasets import read_places, resolve_centre

ROOT = Path(__file__).resolve().parents[1]
BUILDINGS = pd.read_csv(ROOT / "geodata" / "buildings.csv", dtype=str, keep_default_na=False
                        ).set_index("id")
AT = ["dongsheng-building", "sohu-internet-plaza", "qidi-tower-b", "cernet-tower", "qidi-tower-d",
      "dongyuan-building", "unis-building", "huayuan-shiji-building", "via-building",
      "kejian-building", "yousheng-building", "caizhi-international-building",
      "tongfang-plaza-d", "yingu-building", "raycom-infotech-park", "founder-building"]
# (name word, industry, scope, the sector the rules must give, a technology firm?)
TRADES = [
    ("芯片设计", "软件和信息技术服务业", "集成电路设计；技术开发。", "chips", True),
    ("机器人", "科技推广和应用服务业", "机器人研发；技术服务。", "embodied_ai", True),
    ("智算", "软件和信息技术服务业", "算力服务；技术开发。", "ai_infrastructure", True),
    ("大模型", "软件和信息技术服务业", "人工智能基础软件开发。", "large_models", True),
    ("人工智能", "软件和信息技术服务业", "人工智能应用软件开发。", "ai_applications", True),
    ("软件", "软件和信息技术服务业", "软件开发；技术咨询。", "other_tech", True),
    ("餐饮管理", "餐饮业", "餐饮服务；人工智能应用软件开发。", "services", False),
    ("物业管理", "房地产业", "物业管理；停车场服务。", "services", False),
    ("文化传媒", "文化艺术业", "组织文化艺术交流活动；人工智能应用软件开发。", "services", False),
]
STATUS = ["存续", "在业", "注销", "开业", "吊销，未注销", "存续（在营、开业、在册）"]
ELSEWHERE = ["上海市徐汇区云锦路701号", "深圳市南山区海天二路33号"]
COLUMNS = ["企业名称", "统一社会信用代码", "登记状态", "成立日期", "注册资本", "所属行业",
           "经营范围", "注册地址", "注销日期"]


def export_rows() -> pd.DataFrame:
    """Return the export's rows with their truths (``true_lat``, ``true_lon``, ``sector``...)."""
    rows = []
    for i in range(len(AT) * 2 + len(ELSEWHERE)):
        word, industry, scope, sector, tech = TRADES[i % len(TRADES)]
        local = i < len(AT) * 2
        bid = AT[i % len(AT)] if local else ""
        status = STATUS[i % len(STATUS)]
        rows.append({
            "企业名称": f"示例{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i:02d}{word}（北京）有限公司",
            "统一社会信用代码": f"91110108E2E{i:07d}", "登记状态": status,
            "成立日期": dt.date(2004 + i % 20, 1 + i % 12, 1 + i % 27),
            "注册资本": f"{100 * (1 + i % 5)}万元人民币", "所属行业": industry, "经营范围": scope,
            "注册地址": (f"{BUILDINGS.loc[bid, 'address']}{BUILDINGS.loc[bid, 'name_zh']}"
                         f"{3 + i % 9}层{300 + i}室" if local else ELSEWHERE[i - len(AT) * 2]),
            "注销日期": dt.date(2022, 5, 31) if status == "注销" else None,
            "true_lat": float(BUILDINGS.loc[bid, "lat"]) if local else np.nan,
            "true_lon": float(BUILDINGS.loc[bid, "lon"]) if local else np.nan,
            "historic": status.startswith(("注销", "吊销")), "sector": sector, "tech": tech})
    return pd.DataFrame(rows)


def export_xlsx(rows: pd.DataFrame) -> bytes:
    """Return the rows as an .xlsx export: a title row, the header, date cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["企业信息导出（示例：企业名称均为虚构，地址为真实楼宇）"])
    sheet.append(COLUMNS)
    for r, rec in enumerate(rows[COLUMNS].itertuples(index=False), start=3):
        sheet.append([None if v is None or (isinstance(v, float) and np.isnan(v)) else v
                      for v in rec])
        for col in (4, 9):
            sheet.cell(r, col).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ring_counts(places: pd.DataFrame) -> dict[int, int]:
    """Return the places per ring (500, 1000, 2000 m and beyond) as ``stats`` counts them."""
    table = density_table(places, resolve_centre(None), Rings.parse(1000, "500,2000"))
    alls = table[table["sector"] == "all"]
    return dict(zip(alls["ring_outer_m"].astype(int), alls["count"].astype(int), strict=True))


def truth_counts(rows: pd.DataFrame) -> dict[int, int]:
    """Return the ring counts of the placed rows at their true positions."""
    local = rows[rows["true_lat"].notna()].rename(columns={"true_lat": "lat", "true_lon": "lon"})
    table = local[[*COLUMNS, "lat", "lon"]].to_csv(index=False).encode()
    return ring_counts(read_places(table, name="truth.csv", geometry=False).places)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> dict[str, object]:
    """Run the two commands of the issue once; return the rows, the outputs and stderr."""
    tmp = tmp_path_factory.mktemp("own_list")
    rows = export_rows()
    export = tmp / "EXPORT.xlsx"
    export.write_bytes(export_xlsx(rows))
    placed, density = tmp / "placed.csv", tmp / "density.csv"
    assert main(["geocode", str(export), "-o", str(placed), "--no-progress"]) == 0
    assert main(["stats", "--data", str(placed), "--skip-invalid", "-o", str(density)]) == 0
    counts = pd.read_csv(density, encoding="utf-8-sig")
    alls = counts[counts["sector"] == "all"]
    return {"rows": rows, "export": export, "placed": read_places(placed, geometry=False),
            "counts": dict(zip(alls["ring_outer_m"].astype(int), alls["count"].astype(int),
                               strict=True))}


def test_every_row_is_a_firm_with_its_status_and_year(cli_run) -> None:
    rows, placed = cli_run["rows"], cli_run["placed"].places
    local = rows[rows["true_lat"].notna()].reset_index(drop=True)
    assert len(placed) == len(local) == len(AT) * 2  # the two rows elsewhere stay unplaced
    assert (placed["kind"] == "firm").all()
    assert placed["status"].tolist() == ["historic" if h else "current" for h in local["historic"]]
    assert placed["since"].tolist() == [d.year for d in local["成立日期"]]
    assert placed.loc[placed["status"] == "historic", "until"].dropna().tolist() == [2022] * int(
        (local["登记状态"] == "注销").sum())


def test_keyword_sectors_are_right_and_no_other_trade_is_ai(cli_run) -> None:
    rows, placed = cli_run["rows"], cli_run["placed"].places
    local = rows[rows["true_lat"].notna()].reset_index(drop=True)
    assert placed["sector"].tolist() == local["sector"].tolist()
    assert (placed["sector_rule"] != "").all()  # each one by a named rule
    others = placed.loc[~local["tech"].to_numpy()]
    assert len(others) >= 5 and not others["sector"].isin(vocab.AI_SECTORS).any()


def test_ring_counts_are_those_of_the_true_positions(cli_run) -> None:
    got, expected = cli_run["counts"], truth_counts(cli_run["rows"])
    assert got.keys() == expected.keys()
    assert all(abs(got[r] - n) <= 1 for r, n in expected.items()), (got, expected)
    assert expected[500] + expected[1000] > 10  # the rings hold firms: the test can fail


# ---------------------------------------------------------------- the same file in the app
def test_the_data_page_gives_the_same_counts_and_the_overview_says_so(cli_run) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py").run()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="om_upload").set_value(("EXPORT.xlsx",
                                                  cli_run["export"].read_bytes(), xlsx))
    at.run()
    at.button(key="om_geo_run").click().run()
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    places = at.session_state["om_dataset"].places
    cli_places = cli_run["placed"].places
    assert ring_counts(places) == cli_run["counts"]
    assert places["sector"].tolist() == cli_places["sector"].tolist()
    assert places["status"].tolist() == cli_places["status"].tolist()
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    h = headline(cli_places, resolve_centre(None), 1000)  # current firms, as by default
    metrics: dict[str, str] = {}
    for m in at.metric:  # the first column: within the radius (the walk's figures follow)
        metrics.setdefault(m.label, m.value)
    assert int(metrics["Firms"]) == h["firms"] == cli_run["counts"][500] + cli_run["counts"][1000]
    share = h["ai_share_of_firms"]
    assert metrics["AI share of firms"] == f"{share:.0%}" and 0 < share < 1
    caveat = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))
    assert f"{len(places)} of {len(places)} sectors were assigned by keyword rules (sector by " \
           "rule)" in caveat, caveat
