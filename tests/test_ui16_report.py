"""Issue 16, items 3 and 10: the PDF states coverage and its data; the map counts a building."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from origin_map.errors import SettingsError
from origin_map.measure.coverage import coverage_caveat
from origin_map.render import report
from tests.conftest import DONGSHENG

pypdf = pytest.importorskip("pypdf")


def pdf_text(data: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def hubs_with(published_firms: float) -> pd.DataFrame:
    return pd.DataFrame([{"id": "h", "name_zh": "甲", "name_en": "H", "city": "北京",
                          "district": "", "centre_id": DONGSHENG.id, "radius_m": 1000.0,
                          "published_firms": published_firms, "published_ai_firms": float("nan"),
                          "published_ai_share": float("nan"), "published_area_km2": float("nan"),
                          "published_institutions": float("nan"), "published_year": "2025",
                          "source": "x", "note": ""}])


def test_coverage_caveat_has_the_known_share(known_places) -> None:
    # 5 firms within 1 km (lm-100, lm-499, lm-999, chip-600, chip-800) of 40 published
    line = coverage_caveat(known_places, hubs_with(40.0), [DONGSHENG], DONGSHENG.id)
    assert "5 of the 40 published firms within 1,000 m (12.5 %)" in line
    zh = coverage_caveat(known_places, hubs_with(40.0), [DONGSHENG], DONGSHENG.id, lang="zh")
    assert "40 家企业中的 5 家（12.5%）" in zh
    assert "No published figures" in coverage_caveat(known_places, hubs_with(40.0),
                                                     [DONGSHENG], "elsewhere")


def test_pdf_states_coverage_and_its_data(known_places) -> None:
    text = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,)))
    assert re.search(r"Sample: the data holds \d+ of the 439 published firms", text), text
    assert "not a census" in text
    assert "places shipped with Origin Map (10 places" in text


def test_the_data_note_names_an_uploaded_or_merged_file() -> None:
    assert "uploaded file “mine.csv” (1,200 places)" in report.data_note(
        "uploaded", "mine.csv", 1200, "en")
    assert "merged with the file “mine.csv”" in report.data_note("merged", "mine.csv", 3, "en")
    with pytest.raises(SettingsError, match="use shipped, uploaded or merged"):
        report.data_note("mine", "", 0, "en")


@pytest.mark.slow  # two more PDFs; the sentences themselves: the test above
def test_pdf_states_an_uploaded_or_merged_file(known_places) -> None:
    up = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,),
                                          data_kind="uploaded", data_name="mine.csv"))
    assert "uploaded file “mine.csv” (10 places)" in up
    merged = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,),
                                              data_kind="merged", data_name="mine.csv",
                                              coverage="given"))
    assert "merged with the file “mine.csv”" in merged and "given" in merged


@pytest.mark.skipif(report.cjk_font_family() is None, reason="no CJK font")
def test_pdf_in_chinese_states_coverage_and_a_chinese_attribution(known_places) -> None:
    text = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,),
                                            lang="zh"))
    assert "439" in text and "样本" in text and "自带的地点" in text
    assert "Places:" not in text and "地点：Origin Map 地理数据" in text


# ---------------------------------------------------------------- item 10: a building's places
def _draw(places, radius=1000):
    from matplotlib.figure import Figure

    from origin_map.render.mapdraw import draw_map

    fig = Figure(figsize=report.A4_INCHES)
    ax = fig.add_axes((0.06, 0.47, 0.56, 0.445))  # the report's map
    draw_map(ax, places, centre=DONGSHENG, radii=(radius,), area=None, outlines=None,
             lang="en", sources=["x"], main_m=radius)
    return ax


def _building(n: int, sectors=("large_models", "chips")) -> pd.DataFrame:
    from tests.conftest import places_at

    specs = [(f"t{i}", 300, 45, sectors[i % len(sectors)], "firm") for i in range(n)]
    return places_at([*specs, ("alone", 700, 200, "research", "university")])


def test_a_buildings_places_are_one_symbol_showing_their_number():
    from matplotlib.patches import Wedge

    from origin_map.render.mapdraw import POINT_PT, group_radius_pt

    ax = _draw(_building(5))
    numbers = [t.get_text() for t in ax.texts]
    assert "5" in numbers
    wedges = [p for p in ax.patches if isinstance(p, Wedge)]
    assert len(wedges) == 2  # the donut: large models (3) and chips (2)
    assert sorted(round(w.theta2 - w.theta1) for w in wedges) == [144, 216]
    assert group_radius_pt(5) >= 2.5 * POINT_PT  # 5 places read bigger than one
    assert POINT_PT * 2 / 72 * 25.4 >= 2.0  # a single place is ≥ 2 mm across on paper


def test_symbols_that_would_overlap_on_paper_merge():
    from origin_map.render.mapdraw import _groups

    x = pd.Series([0.0, 0.0, 8.0, 500.0]).to_numpy()
    y = pd.Series([0.0, 0.0, 0.0, 0.0]).to_numpy()
    s = pd.Series(["chips", "chips", "research", "public"]).to_numpy()
    apart = _groups(x, y, s)
    assert sorted(apart["n"]) == [1, 1, 2]
    merged = _groups(x, y, s, metres_per_pt=4.0)  # ~2 km across the page: 8 m is 2 pt
    assert sorted(merged["n"]) == [1, 3]
    assert merged.loc[merged["n"] == 3, "sectors"].iloc[0] == {"chips": 2, "research": 1}
