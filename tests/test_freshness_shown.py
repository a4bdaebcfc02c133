"""The Overview and the report say how old the data is (issue 19): newest and median date of the
status sources of the current firms, and that the data is a sourced sample, not a census."""

from __future__ import annotations

import pytest

from origin_map.measure.compare import load_hubs
from origin_map.measure.coverage import coverage_caveat
from origin_map.measure.freshness import freshness, freshness_line
from origin_map.places.datasets import load_centres, resolve_centre, shipped_places
from tests.test_pages import app, texts


def test_the_overview_states_the_age_of_the_sources() -> None:
    f = freshness(shipped_places(), resolve_centre(None), 1000.0)
    at = app()
    assert not at.exception
    shown = texts(at.caption)
    assert freshness_line(f, "en") in shown
    assert f"newest {f.newest}, median {f.median}" in shown and "not a census" in shown


@pytest.mark.parametrize(("lang", "words"), [("en", ("newest", "not a census")),
                                             ("zh", ("最新", "普查"))])
def test_the_reports_caveat_states_the_sample_and_its_age(lang, words) -> None:
    f = freshness(shipped_places(), resolve_centre(None), 1000.0)
    caveat = coverage_caveat(shipped_places(), load_hubs(), load_centres(),
                             "dongsheng-building", lang=lang)
    assert f.newest in caveat and f.median in caveat
    assert all(w in caveat for w in words)
    assert caveat.count("census") <= 1 and caveat.count("普查") <= 1


def test_the_overview_says_how_many_sectors_came_from_rules() -> None:
    from tests.test_pages import upload

    at = app()
    at.switch_page("pages/data.py").run()
    data = ("name,lat,lon,kind\n北京示例芯片科技有限公司,39.9927,116.3252,firm\n"
            "示例大模型科技有限公司,39.9924,116.3277,firm\n示例有限公司,39.99,116.33,firm\n")
    upload(at, "firms.csv", data.encode())
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    said = texts(at.warning)
    assert "2 of 3 sectors were assigned by keyword rules" in said
    assert next(m for m in at.metric if m.label == "AI share of firms").value == "67%"
