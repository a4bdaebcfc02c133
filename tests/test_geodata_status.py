"""The shipped data keeps the status rule and the tenant rules (geodata/README.md).

Status rule: a firm is ``current`` only when a source dated 2023 or later puts it at its address;
that source and its date are ``status_source`` and ``status_checked``. Tenant rules: a tenant sits
on its building's point (never a park's, compound's or station's), and its ``since`` is never
earlier than its building's.
"""

import datetime
import re

import pandas as pd
import pytest

from origin_map.measure.freshness import (
    apply_status_rule,
    current_by_rule,
    freshness,
    freshness_line,
)
from origin_map.places import vocab
from origin_map.places.datasets import geodata_dir, read_places, shipped_places
from tests.conftest import geodata_rows

ISO = r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?"


@pytest.fixture(scope="module")
def rows():
    return geodata_rows("places.csv")


@pytest.fixture(scope="module")
def buildings():
    return {b["id"]: b for b in geodata_rows("buildings.csv")}


def test_every_current_firm_has_a_dated_source_from_2023_on(rows):
    today = datetime.date.today().isoformat()
    current = [r for r in rows if r["kind"] == "firm" and r["status"] == "current"]
    assert len(current) >= 30
    for r in current:
        assert r["status_source"].strip(), r["id"]
        assert re.fullmatch(ISO, r["status_checked"]), (r["id"], r["status_checked"])
        assert int(r["status_checked"][:4]) >= vocab.CURRENT_FROM_YEAR, r["id"]
        assert r["status_checked"] <= today, r["id"]
    for r in rows:  # a date given anywhere is well formed and has its source
        if r["status_checked"]:
            assert re.fullmatch(ISO, r["status_checked"]) and r["status_source"].strip(), r["id"]


def test_the_audited_rows(rows):
    by = {r["id"]: r for r in rows}
    for rid in ("momenta-dongsheng", "juzibot", "groupultra", "inspireomni", "baichuan-ai",
                "sensetime-chuangye-building"):
        assert by[rid]["status"] == "historic", rid
    assert "demo" not in by["momenta-dongsheng"]["source"].lower()
    assert "2713326021" not in by["momenta-dongsheng"]["source"]  # the demo database
    for rid in ("juzibot", "groupultra", "inspireomni"):
        assert "Current:" not in by[rid]["position_note"], rid
    assert by["baichuan-ai-qidi"]["status"] == "current"
    assert by["baichuan-ai-qidi"]["building_id"] == "qidi-science-building"
    assert "chitu-ai.jobs.feishu.cn" in by["qingcheng-jizhi"]["source"]
    assert "AIInfraWiki" in by["infini-ai"]["source"]
    assert "unverified" not in by["infini-ai"]["position_note"]


def test_no_repository_path_is_shown_as_a_source():
    for name in ("places.csv", "buildings.csv", "hubs.csv", "README.md"):
        text = (geodata_dir() / name).read_text(encoding="utf-8")
        assert "shared/seed" not in text and "shared/reference" not in text, name


def test_tenants_sit_on_their_building_never_on_a_park_point(rows, buildings):
    # points that are not buildings: parks, compounds and stations with their own point
    loose = {(r["lat"], r["lon"]): r["id"] for r in rows
             if not r["building_id"] and r["kind"] in ("park", "landmark", "incubator")}
    tenants = [r for r in rows if r["building_id"]]
    assert len(tenants) >= 80
    for r in tenants:
        b = buildings[r["building_id"]]
        assert (float(r["lat"]), float(r["lon"])) == (float(b["lat"]), float(b["lon"])), r["id"]
        shared = loose.get((r["lat"], r["lon"]))
        # only a building that some park row also represents (the 成府路45号 POI) may coincide
        assert shared is None or (shared == "zhizao-street" and b["id"].startswith("chengfu")), (
            r["id"], shared)
    assert {"tuspark", "huaqing-jiayuan", "wudaokou-station"} <= set(loose.values())


def test_a_tenant_never_arrives_before_its_building(rows):
    # the building's own row: a place whose building_id is itself a building it *is*
    opened = {r["building_id"]: int(r["since"]) for r in rows
              if r["building_id"] and r["since"]
              and f"Same point as buildings.csv `{r['building_id']}`" in r["position_note"]}
    assert opened["dongsheng-building"] == 2004
    checked = 0
    for r in rows:
        b = r["building_id"]
        if b in opened and r["since"] and f"Same point as buildings.csv `{b}`" not in r[
                "position_note"]:
            assert int(r["since"]) >= opened[b], (r["id"], r["since"], b, opened[b])
            checked += 1
    assert checked >= 1  # tenants of 西岸智塔 (2020)


def test_years_of_the_history(rows):
    with_start = [r for r in rows if r["since"]]
    assert len(with_start) >= 39  # 35 of 171 before the third pass
    by = {r["id"]: r for r in rows}
    assert (by["tsinghua-university"]["since"], by["peking-university"]["since"]) == ("1911",
                                                                                        "1952")
    assert (by["baichuan-ai"]["since"], by["baichuan-ai"]["until"]) == ("2023", "2023")
    for rid in ("infrawaves-dongsheng", "inspireomni", "photonic-xinli-kejian"):
        assert by[rid]["since"] == "", rid  # founding years are not years of arrival here


def test_the_loader_keeps_the_status_columns():
    places = shipped_places(geometry=False)
    assert {"status_source", "status_checked"} <= set(places.columns)
    assert (current_by_rule(places) == (places["status"] == "current").to_numpy()).all()
    zhipu = places.set_index("id").loc["zhipu-ai"]
    assert zhipu["status_checked"] == "2025-01-16" and "Federal Register" in zhipu["status_source"]


# --- the library on made-up tables ---------------------------------------------------------------

def _table(checked, kinds=None, status=None):
    n = len(checked)
    return pd.DataFrame({
        "id": [f"p{i}" for i in range(n)], "kind": kinds or ["firm"] * n,
        "status": status or ["current"] * n, "lat": [39.9924] * n, "lon": [116.3277] * n,
        "status_checked": checked})


def test_current_by_rule_and_apply():
    t = _table(["2024-05", "2019-12-31", "", "2022-01"], kinds=["firm", "firm", "firm", "park"])
    assert current_by_rule(t).tolist() == [True, False, True, True]
    out = apply_status_rule(t)
    assert out["status"].tolist() == ["current", "historic", "current", "current"]
    assert t["status"].tolist() == ["current"] * 4  # input untouched
    same = _table(["2024-05"])
    assert apply_status_rule(same) is same


def test_freshness_newest_median_and_count():
    t = _table(["2023-01", "2026-07-16", "2025-03", "", "2018-02", "2024-08-21"])
    f = freshness(t)
    # 2018-02 fails the rule; the blank one counts but is undated
    assert (f.firms, f.dated, f.newest) == (5, 4, "2026-07-16")
    assert f.median == "2024-11-25"  # mean of 2024-08-21 and 2025-03-01
    odd = freshness(_table(["2023-01", "2025-03", "2024-02-29"]))
    assert (odd.median, odd.newest) == ("2024-02-29", "2025-03-01")
    assert freshness(_table([""])) .dated == 0
    assert "not a census" in freshness_line(f) and "不是普查" in freshness_line(f, "zh")
    assert "no status source is dated" in freshness_line(freshness(_table([""])))


def test_freshness_within_a_radius():
    from origin_map.geo.geometry import Centre

    t = _table(["2024-01", "2025-01"])
    t.loc[1, "lat"] = 40.10  # ~12 km north
    c = Centre("c", "c", "c", 39.9924, 116.3277)
    assert freshness(t, c, 1000.0).newest == "2024-01-01"
    assert freshness(t).newest == "2025-01-01"


def test_the_loader_checks_status_checked(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("id,lat,lon,kind,status,status_checked,status_source\n"
                 "a,39.99,116.32,firm,current,2024-05,site\n"
                 "b,39.99,116.32,firm,current,2025-13,site\n"
                 "c,39.99,116.32,firm,current,2019-04-01,site\n"
                 "d,39.99,116.32,firm,current,2999-01,site\n"
                 "e,39.99,116.32,firm,current,,\n", encoding="utf-8")
    res = read_places(p)
    probs = res.problems.set_index("row")
    assert probs.loc[2, "field"] == "status_checked" and probs.loc[2, "severity"] == "error"
    assert probs.loc[4, "severity"] == "error"  # in the future
    assert probs.loc[3, "severity"] == "warning" and "before 2023" in probs.loc[3, "problem"]
    assert res.places["id"].tolist() == ["a", "c", "e"]
    assert res.places["status_checked"].tolist() == ["2024-05", "2019-04-01", ""]
    assert current_by_rule(res.places).tolist() == [True, False, True]
