"""CLI: `stats --area`, `stats --by-outline` and `report` give the library's answers."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from shapely import box
from shapely.geometry import mapping

from origin_map.cli import main
from origin_map.io.export import to_csv_bytes
from origin_map.measure import areas
from origin_map.measure.areas import to_local
from tests.conftest import DONGSHENG


def wgs84(geom):
    return to_local(geom, DONGSHENG.lat, DONGSHENG.lon, inverse=True)


@pytest.fixture
def places_csv(tmp_path, known_places):
    path = tmp_path / "places.csv"
    known_places.to_csv(path, index=False)
    return path


@pytest.fixture
def square_file(tmp_path):
    path = tmp_path / "square.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "square"},
                                "geometry": mapping(wgs84(box(-500, -500, 500, 500)))}))
    return path


def run(args, capsysbinary):
    code = main([str(a) for a in args])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_stats_area_equals_library(places_csv, square_file, known_places, capsysbinary):
    code, out, err = run(["stats", "--data", places_csv, "--area", square_file], capsysbinary)
    assert code == 0, err
    area = areas.read_area(square_file)
    assert out == to_csv_bytes(areas.area_density_table(known_places, area))
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert table["count"].iloc[-1] == 4
    assert table["ring_inner_m"].isna().all() and (table["ring_outer_m"] == "area").all()


def test_stats_area_refusals(places_csv, tmp_path, capsysbinary):
    line = tmp_path / "line.geojson"
    line.write_text(json.dumps({"type": "LineString",
                                "coordinates": [[116.32, 39.99], [116.33, 39.99]]}))
    code, _, err = run(["stats", "--data", places_csv, "--area", line], capsysbinary)
    assert code == 1 and "Feature 1 is a LineString" in err
    with pytest.raises(SystemExit) as info:
        main(["stats", "--area", str(line), "--h3", "9"])
    assert info.value.code == 2
    assert "--area and --by-outline" in capsysbinary.readouterr().err.decode()


def test_stats_by_outline(places_csv, tmp_path, capsysbinary):
    outlines = tmp_path / "outlines.geojson"
    campus = wgs84(box(-1700, -200, -950, 200))  # res-1500's campus, 950 m west
    outlines.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(campus), "properties": {"place_id": "res-1500"}}
    ]}))
    base = ["stats", "--data", places_csv, "--outlines", outlines, "--rings", ""]
    _, by_point, _ = run(base, capsysbinary)
    code, by_outline, err = run([*base, "--by-outline"], capsysbinary)
    assert code == 0, err
    count = lambda b: pd.read_csv(io.BytesIO(b), encoding="utf-8-sig")["count"].iloc[-1]  # noqa: E731
    assert (count(by_point), count(by_outline)) == (7, 8)


def test_report_pdf_and_png(places_csv, square_file, tmp_path, capsysbinary):
    pdf = tmp_path / "r.pdf"
    code, _, err = run(["report", "--data", places_csv, "-o", pdf], capsysbinary)
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    png = tmp_path / "m.png"
    code, _, err = run(["report", "--data", places_csv, "--area", square_file, "-o", png,
                        "--size-px", "500x300"], capsysbinary)
    assert code == 0, err
    from matplotlib.image import imread

    assert imread(png).shape[:2] == (300, 500)


def test_report_usage_errors(tmp_path, capsysbinary):
    code, _, err = run(["report", "-o", tmp_path / "x.docx"], capsysbinary)
    assert code == 2 and ".pdf or a .png" in err
    with pytest.raises(SystemExit) as info:
        main(["report", "--size-px", "big"])
    assert info.value.code == 2
