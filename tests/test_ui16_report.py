"""Issue 16, items 3 and 10: the PDF states coverage and its data; the map counts a building."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from origin_map import report
from origin_map.coverage import coverage_caveat
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
    assert "5 of the 40 published firms within 1000 m (12.5 %)" in line
    zh = coverage_caveat(known_places, hubs_with(40.0), [DONGSHENG], DONGSHENG.id, lang="zh")
    assert "40 家企业中的 5 家（12.5%）" in zh
    assert "No published figures" in coverage_caveat(known_places, hubs_with(40.0),
                                                     [DONGSHENG], "elsewhere")


def test_pdf_states_coverage_and_its_data(known_places) -> None:
    text = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,)))
    assert re.search(r"Sample: the data holds \d+ of the 439 published firms", text), text
    assert "not a census" in text
    assert "places shipped with Origin Map (10 places" in text
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
