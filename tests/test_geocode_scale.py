"""The offline geocoder at scale (issue 18, item 6): one match per building, the same answers.

A registry export lists many firms of one building, each with its floor and room. The gazetteer
leaves floors and rooms out (:func:`~origin_map.geocode.normalise.without_unit`), so those rows
share one address key and one match; a result that the row's name could change is never shared.
These tests hold the memo to the answers of matching every row on its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from origin_map.geocode import geocode_table
from origin_map.geocode._decide import name_free
from origin_map.geocode.normalise import address_key, without_unit
from origin_map.geocode.table import shipped_gazetteer

EVAL = Path(__file__).resolve().parent / "data" / "geocode_eval.csv"


@pytest.mark.parametrize("text,key", [
    ("北京市海淀区中关村东路8号东升大厦A座9层901室", "北京市海淀区中关村东路8号东升大厦a座"),
    ("北京市海淀区成府路28号优盛大厦D座801", "北京市海淀区成府路28号优盛大厦d座"),
    ("海淀区王庄路1号清华同方科技大厦A座30层", "海淀区王庄路1号清华同方科技大厦a座"),
    ("Room 1508, Floor 12, Block B, Caizhi International Building",
     "block b, caizhi international building"),
    ("8 Zhongguancun East Road, 3rd Floor", "8 zhongguancun east road"),
    ("中关村东路1号院8号楼", "中关村东路1号院8号楼"),  # a block is a place, not a unit
    ("北京市海淀区成府路35号华清嘉园7号楼", "北京市海淀区成府路35号华清嘉园7号楼"),
    ("9层", ""),
])
def test_floors_and_rooms_are_left_out_of_the_key(text: str, key: str) -> None:
    assert address_key(text) == key
    assert without_unit(key) == key  # a key has no unit left


def _rows() -> pd.DataFrame:
    """Every address of the evaluation set as written, with two units, and a firm's name."""
    ev = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    ev = ev[ev["leave_out"] == ""]
    rows = []
    for i, r in enumerate(ev.itertuples()):
        units = ("Room 901, ", "Floor 3, ") if r.address.isascii() else ("9层901室", "12层")
        for j, unit in enumerate(("", *units)):
            address = "" if not r.address else (
                unit + r.address if r.address.isascii() else r.address + unit)
            rows.append({"name": r.name or f"示例{i}{j}科技有限公司", "address": address})
    return pd.DataFrame(rows)


def test_the_memo_gives_every_row_the_answer_it_gets_alone() -> None:
    rows = _rows()
    gaz = shipped_gazetteer()
    out = geocode_table(rows, gazetteer=gaz).frame
    alone = [gaz.match(a, n or None) for a, n in zip(rows["address"], rows["name"], strict=True)]
    assert out["geocode_level"].tolist() == [m.level for m in alone]
    assert out["geocode_match"].tolist() == [m.matched for m in alone]
    pd.testing.assert_series_equal(out["lat"], pd.Series([m.lat for m in alone], name="lat"))
    assert out["geocode_reason"].tolist() == [m.reason_text() for m in alone]
    assert (out["geocode_level"] == "building").sum() > 200  # the set places many rows


def test_a_unit_does_not_move_a_row() -> None:
    rows = _rows()
    gaz = shipped_gazetteer()
    plain = rows.iloc[::3].reset_index(drop=True)
    for k in (1, 2):
        with_unit = rows.iloc[k::3].reset_index(drop=True)
        for a, b, n in zip(plain["address"], with_unit["address"], plain["name"], strict=True):
            m, u = gaz.match(a, n), gaz.match(b, n)
            assert (m.level, m.matched) == (u.level, u.matched), (a, b)


def test_a_match_by_the_rows_name_is_not_shared() -> None:
    gaz = shipped_gazetteer()
    by_address = gaz.match("北京市海淀区中关村东路8号东升大厦")
    assert by_address.level == "building" and name_free(by_address)
    by_name = gaz.match("北京市海淀区", "北京智谱华章科技有限公司")
    assert by_name.placed and not name_free(by_name)
    rows = pd.DataFrame({"name": ["北京智谱华章科技有限公司", "示例甲科技有限公司"],
                         "address": ["北京市海淀区5层", "北京市海淀区6层"]})
    out = geocode_table(rows, gazetteer=gaz).frame
    assert out["geocode_level"].tolist() == ["name", "none"]
