import io
import json

import pandas as pd
import pytest

from origin_map.io.export import neutralise_formulas, places_to_geojson_bytes, to_csv_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-x",
                                  "=HYPERLINK(\"http://x\",\"y\")", "＝1+1"])
def test_formula_cells_are_neutralised(text):
    out = neutralise_formulas(pd.DataFrame({"name": [text]}))
    assert out.loc[0, "name"] == "'" + text


def test_numbers_and_plain_text_untouched():
    frame = pd.DataFrame({"n": [-3.5, 2.0], "name": ["智谱", "a-b"], "t": ["-1", "+2.5e3"]})
    out = neutralise_formulas(frame)
    assert out["n"].tolist() == [-3.5, 2.0]
    assert out["name"].tolist() == ["智谱", "a-b"]
    assert out["t"].tolist() == ["-1", "+2.5e3"]  # plain numbers written as text stay numbers


def test_csv_has_bom_chinese_and_reads_back():
    frame = pd.DataFrame({"sector": ["大模型", "=evil()"], "count": [3, -1]})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["sector"].tolist() == ["大模型", "'=evil()"]
    assert back["count"].tolist() == [3, -1]
    assert b"\r\n" not in data


def test_geojson_export_round_trip():
    frame = pd.DataFrame({"id": ["a"], "name_zh": ["智谱"], "lat": [39.99], "lon": [116.33],
                          "distance_m": [float("nan")]})
    doc = json.loads(places_to_geojson_bytes(frame))
    f = doc["features"][0]
    assert f["geometry"]["coordinates"] == [116.33, 39.99]
    assert f["properties"]["name_zh"] == "智谱" and f["properties"]["distance_m"] is None
