"""The one-page A4 report and the PNG map: page size, extractable figures, CJK text, pixels."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from shapely import box
from shapely.geometry import mapping

from origin_map.errors import SettingsError
from origin_map.measure import areas
from origin_map.measure.areas import to_local
from origin_map.measure.stats import PlaceFilter, headline
from origin_map.render import report
from tests.conftest import DONGSHENG

pypdf = pytest.importorskip("pypdf")
needs_cjk = pytest.mark.skipif(report.cjk_font_family() is None,
                               reason="no CJK font (apt-get install fonts-noto-cjk)")


def pdf_text(data: bytes) -> tuple[list, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader.pages, reader.pages[0].extract_text()


def assert_one_a4_page(pages) -> None:
    assert len(pages) == 1
    box_ = pages[0].mediabox
    assert float(box_.width) == pytest.approx(595, abs=1)
    assert float(box_.height) == pytest.approx(842, abs=1)


def test_pdf_is_one_a4_page_with_the_headline_numbers(known_places) -> None:
    data = report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(500, 1000, 2000))
    pages, text = pdf_text(data)
    assert_one_a4_page(pages)
    h = headline(known_places, DONGSHENG, 1000)
    assert h["inside"] == 7 and h["firms"] == 5 and h["institutions"] == 2
    assert re.search(r"Places within 1 km\s*7\b", text)
    assert re.search(r"Universities & institutes\s*2\b", text)
    assert re.search(r"Firms\s*5\b", text)
    assert re.search(r"AI firms\s*5 \(100%\)", text)
    assert "All sectors 3" in text  # the table: 3 places within 500 m
    assert "© OpenStreetMap contributors" in text and "Sources" in text


@needs_cjk
def test_pdf_in_chinese_keeps_chinese_text(known_places) -> None:
    data = report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,), lang="zh")
    pages, text = pdf_text(data)
    assert_one_a4_page(pages)
    assert "东升大厦" in text
    assert re.search(r"1 公里内的地点\s*7\b", text)
    assert "高校与科研机构" in text and "大模型" in text and "全部行业" in text
    assert b"/FontFile2" in data  # the CJK font is embedded (TrueType), not referenced


def test_chinese_without_cjk_font_says_what_to_install(monkeypatch, known_places) -> None:
    monkeypatch.setattr("origin_map.render.mapdraw.cjk_font_family", lambda: None)
    with pytest.raises(SettingsError, match="apt-get install fonts-noto-cjk"):
        report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,), lang="zh")
    with pytest.raises(SettingsError, match="fonts-noto-cjk"):
        report.render_map_png(known_places, centre=DONGSHENG, lang="zh")


def test_pdf_for_an_area(known_places) -> None:
    square = to_local(box(-500, -500, 500, 500), DONGSHENG.lat, DONGSHENG.lon, inverse=True)
    area = areas.area_from_geojson_dict(mapping(square), name="Square 1 km2")
    inside = int(areas.places_in_area(known_places, area).sum())
    assert inside == 4  # 100 m, 499.9 m at 200°, 300 m east; 600 m at 45° is outside
    pages, text = pdf_text(report.build_report_pdf(
        known_places, centre=DONGSHENG, radii_m=(1000,), area=area, title="Test area",
        sources=["Synthetic test places"], date=__import__("datetime").date(2026, 1, 2)))
    assert_one_a4_page(pages)
    assert "Test area" in text and "Synthetic test places" in text and "2026-01-02" in text
    assert re.search(r"Places inside the area\s*4\b", text)
    assert re.search(r"Area\s*1\.000 km²", text)
    assert "OpenStreetMap" not in text  # no outlines drawn, own sources given


def test_pdf_with_filter_counts_filtered_places(known_places) -> None:
    _, text = pdf_text(report.build_report_pdf(
        known_places, centre=DONGSHENG, radii_m=(1000,),
        place_filter=PlaceFilter(sectors=["chips"])))
    assert re.search(r"Places within 1 km\s*2\b", text)


def png_pixels(data: bytes) -> np.ndarray:
    from matplotlib.image import imread

    return imread(io.BytesIO(data), format="png")


def test_png_has_the_requested_size_and_sector_colours(known_places) -> None:
    data = report.render_map_png(known_places, centre=DONGSHENG, radii_m=(500, 1000),
                                 size_px=(640, 480))
    assert data.startswith(b"\x89PNG")
    img = png_pixels(data)
    assert img.shape[:2] == (480, 640)
    rgb = (img[..., :3] * 255).round().astype(int)
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50  # not blank
    large_models = np.array([0xD6, 0x27, 0x28])  # vocab colour of large_models (and main ring)
    assert (np.abs(rgb - large_models).sum(axis=2) < 10).sum() > 20


def test_png_refuses_silly_sizes(known_places) -> None:
    with pytest.raises(SettingsError, match="100–8000 px"):
        report.render_map_png(known_places, centre=DONGSHENG, size_px=(10, 10))


def test_png_with_outlines_credits_openstreetmap(known_places) -> None:
    import geopandas as gpd

    outline = to_local(box(-100, 50, 100, 150), DONGSHENG.lat, DONGSHENG.lon, inverse=True)
    outlines = gpd.GeoDataFrame({"place_id": ["lm-100"]}, geometry=[outline], crs="EPSG:4326")
    with_outline = report.render_map_png(known_places, centre=DONGSHENG, outlines=outlines,
                                         sources=["Test"], size_px=(400, 400))
    without = report.render_map_png(known_places, centre=DONGSHENG, sources=["Test"],
                                    size_px=(400, 400))
    assert not np.array_equal(png_pixels(with_outline), png_pixels(without))


@pytest.mark.slow  # two PDFs; counting by outline: tests/test_outlines.py
def test_pdf_with_outlines_shows_both_counts_and_credits_osm(known_places) -> None:
    import geopandas as gpd

    # res-1500 (a university 1500 m west): its campus reaches to 950 m west of the centre
    campus = to_local(box(-1700, -200, -950, 200), DONGSHENG.lat, DONGSHENG.lon, inverse=True)
    outlines = gpd.GeoDataFrame({"place_id": ["res-1500"]}, geometry=[campus], crs="EPSG:4326")
    _, text = pdf_text(report.build_report_pdf(known_places, centre=DONGSHENG, radii_m=(1000,),
                                               outlines=outlines, sources=["Test"]))
    assert re.search(r"Universities & institutes\s*2\b", text)
    assert re.search(r"counted by campus outline\s*3\b", text)
    assert "© OpenStreetMap contributors" in text
    _, by_outline = pdf_text(report.build_report_pdf(
        known_places, centre=DONGSHENG, radii_m=(1000,), outlines=outlines, by_outline=True))
    assert re.search(r"Places within 1 km\s*8\b", by_outline)
