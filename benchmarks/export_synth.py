"""A SYNTHETIC registry export for the geocoding benchmark: made-up firms at real addresses.

Every firm name is made up (``示例…``, "example"); the addresses are those of the evaluation set
``tests/data/geocode_eval.csv`` (real addresses of the area's buildings, each with its true
position, in the styles people write: Chinese, traditional, English, pinyin, compound blocks,
campus buildings) and of ``geodata/buildings.csv``, each made unique by a floor and room (as the
firms of one building are in a real export), plus addresses elsewhere in China that must stay
unplaced and rows with a name and no address (known firms and buildings by name, generic or
unknown names). Fixed seed: the same rows every run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "geocode_eval.csv"
BUILDINGS = ROOT / "geodata" / "buildings.csv"
SEED = 18
STATUS = ("存续", "在业", "开业", "存续（在营、开业、在册）", "注销", "吊销，未注销")
INDUSTRY = ("软件和信息技术服务业", "科技推广和应用服务业", "研究和试验发展", "餐饮业",
            "商务服务业")
SCOPE = ("技术开发、技术咨询、技术服务；软件开发。", "人工智能基础软件开发；人工智能应用软件开发。",
         "集成电路设计；芯片销售。", "餐饮服务；食品销售。", "物业管理；停车场服务。")
COLUMNS = ("企业名称", "统一社会信用代码", "登记状态", "成立日期", "注册资本", "所属行业",
           "经营范围", "注册地址")
"""The export's columns (a registry export's, in its words)."""


def _templates() -> tuple[list[tuple[str, float, float]], list[str], list[tuple[str, float]]]:
    """Return (local address, true lat, lon), addresses elsewhere, (name-only name, true lat)."""
    ev = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    ev = ev[ev["leave_out"] == ""]
    local = [(r.address, float(r.expected_lat), float(r.expected_lon)) for r in ev.itertuples()
             if r.address and r.elsewhere != "1" and r.expected_lat]
    b = pd.read_csv(BUILDINGS, dtype=str, keep_default_na=False)
    local += [(r.address + ("" if (nm := r.name_zh.split("（")[0]) in r.address else nm),
               float(r.lat), float(r.lon))
              for r in b.itertuples() if r.address.startswith("北京市海淀区")]
    away = [r.address for r in ev.itertuples() if r.elsewhere == "1" and r.address]
    names = [(r.name, float(r.expected_lat) if r.expected_lat else np.nan)
             for r in ev.itertuples() if not r.address.strip("北京市海淀区") and r.name]
    return local, away, names


def _unit(address: str, rng: random.Random) -> str:
    """Return a floor and room for ``address`` in its own script (a firm's unit in a building)."""
    floor, room = rng.randint(1, 25), rng.randint(1, 40)
    if address.isascii():
        return f"Room {floor}{room:02d}, " + address
    if re.search(r"\d+\s*(?:层|楼层|F)", address):  # a floor already: its room
        return f"{address}{floor}{room:02d}室"
    return f"{address}{floor}层{floor}{room:02d}室"


def synthetic_export(n: int = 10_000, *, seed: int = SEED, names_share: float = 0.1,
                     away_share: float = 0.05) -> pd.DataFrame:
    """Return ``n`` rows of a registry export and their truths (``true_lat``, ``true_lon``).

    ``names_share`` of the rows have a name and no address, ``away_share`` an address elsewhere;
    the rest a local address in one of the evaluation set's styles with a unit of its own.
    """
    rng = random.Random(seed)
    local, away, names = _templates()
    rows = []
    for i in range(n):
        draw = rng.random()
        name = f"示例{i:05d}{rng.choice('智算芯数云图')}科技（北京）有限公司"
        lat = lon = np.nan
        if draw < names_share:
            name, lat = rng.choice(names)
            address = ""
        elif draw < names_share + away_share:
            address = _unit(rng.choice(away), rng)
        else:
            text, lat, lon = rng.choice(local)
            address = _unit(text, rng)
        k = rng.randrange(len(SCOPE))
        rows.append({"企业名称": name, "统一社会信用代码": f"91110108SYN{i:07d}",
                     "登记状态": rng.choice(STATUS),
                     "成立日期": dt.date(2000 + i % 25, 1 + i % 12, 1 + i % 28),
                     "注册资本": f"{rng.choice((10, 100, 500, 1000))}万元人民币",
                     "所属行业": INDUSTRY[k], "经营范围": SCOPE[k], "注册地址": address,
                     "true_lat": lat, "true_lon": lon})
    return pd.DataFrame(rows)


def write_export(frame: pd.DataFrame, path: Path) -> Path:
    """Write the export's columns (not the truths) as .xlsx (date cells) or UTF-8 .csv."""
    table = frame[list(COLUMNS)]
    if path.suffix == ".xlsx":  # as Excel saves it: shared strings, date cells
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "企业列表"
        sheet.append(list(COLUMNS))
        for rec in table.itertuples(index=False):
            sheet.append(list(rec))
        for cell in sheet["D"][1:]:
            cell.number_format = "yyyy-mm-dd"
        book.save(path)
    else:
        table.to_csv(path, index=False, encoding="utf-8-sig")
    return path
