import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point, Polygon

from origin_map.errors import DataValidationError, SettingsError
from origin_map.geo import datums
from origin_map.geo.geometry import Centre
from origin_map.places.datasets import COLUMNS, load_places, parse_dms, read_places, resolve_centre
from tests.conftest import DONGSHENG

GOOD = "id,name,sector,lat,lon\na,智谱,large_models,39.9927,116.3252\nb,Foo,chips,39.99,116.33\n"


def problems_of(text, **kw):
    return read_places(text.encode("utf-8"), name="t.csv", **kw).problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(encoding):
    places = load_places(GOOD.encode(encoding), name="t.csv")
    assert places.loc[0, "name_zh"] == "智谱"
    assert places.loc[1, "name_en"] == "Foo"


def test_invalid_encoding_is_a_clear_error():
    with pytest.raises(DataValidationError, match="neither UTF-8 nor GBK"):
        load_places(b"id,lat,lon\n\xff\xfe\x80,39,116\n", name="t.csv")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_separators(sep):
    places = load_places(GOOD.replace(",", sep).encode(), name="t.csv")
    assert len(places) == 2


def test_aliases_chinese_headers_and_defaults():
    text = "名称,行业,纬度,经度\n智谱,大模型,39.9927,116.3252\n"
    places = load_places(text.encode(), name="t.csv")
    row = places.iloc[0]
    assert (row["id"], row["name_zh"], row["sector"]) == ("row-1", "智谱", "large_models")
    assert (row["kind"], row["status"], row["position_quality"]) == ("other", "current",
                                                                       "unknown")
    assert list(places.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert places.crs.to_epsg() == 4326
    assert places.geometry.iloc[0].equals(Point(116.3252, 39.9927))


def test_only_coordinates_needed_and_user_columns_kept():
    places = load_places(b"latitude,lng,employees\n39.99,116.33,12\n", name="t.csv")
    assert places.loc[0, "sector"] == "unknown"
    assert places.loc[0, "employees"] == "12"


@pytest.mark.parametrize("text,field,message", [
    ("id,lat,lon\na,,116.3\n", "lat", "latitude is empty"),
    ("id,lat,lon\na,39.9,abc\n", "lon", "not a number"),
    ("id,lat,lon\na,95,116.3\n", "lat", "Out of range"),
    ("id,lat,lon\na,39.9,200\n", "lon", "Out of range"),
    ("id,lat,lon\na,116.3,39.9\n", "lat", "look swapped"),
    ("id,lat,lon\na,39.9,116.3\na,39.8,116.3\n", "id", "already used by row 1"),
    ("id,sector,lat,lon\na,ai stuff,39.9,116.3\n", "sector", "Unknown sector"),
    ("id,kind,lat,lon\na,spaceship,39.9,116.3\n", "kind", "Unknown kind"),
    ("id,status,lat,lon\na,maybe,39.9,116.3\n", "status", "Unknown status"),
])
def test_each_problem_has_its_row_field_and_fix(text, field, message):
    probs = problems_of(text)
    errors = probs[probs["severity"] == "error"]
    assert len(errors) == 1
    p = errors.iloc[0]
    assert p["field"] == field
    assert message in p["problem"]
    assert p["fix"]
    assert p["row"] == (2 if "already used" in message else 1)


def test_all_problems_listed_in_one_error():
    text = "id,sector,lat,lon\na,x,39.9,116.3\nb,chips,,116.3\nb,chips,39.9,116.3\n"
    with pytest.raises(DataValidationError) as info:
        load_places(text.encode(), name="t.csv")
    rows = sorted((p.row, p.field) for p in info.value.problems)
    assert rows == [(1, "sector"), (2, "lat"), (3, "id")]
    assert "row 2, field 'lat'" in str(info.value)


def test_valid_rows_kept_and_rejected_rows_reported():
    text = "id,lat,lon\na,39.9,116.3\nb,oops,116.3\nc,39.8,116.2\n"
    result = read_places(text.encode(), name="t.csv")
    assert result.places["id"].tolist() == ["a", "c"]
    assert result.rejected["row"].tolist() == [2]
    assert result.rejected["id"].tolist() == ["b"]
    assert "2 places loaded" in result.summary() and "1 rows left out" in result.summary()


def test_unknown_values_can_default_with_warning():
    result = read_places(b"id,sector,lat,lon\na,ai stuff,39.9,116.3\n", name="t.csv",
                         unknown_values="default")
    assert result.places.loc[0, "sector"] == "unknown"
    assert result.problems["severity"].tolist() == ["warning"]


def test_sector_labels_in_english_and_chinese_are_accepted():
    text = "lat,lon,sector\n39.9,116.3,Large models\n39.9,116.3,具身智能与机器人\n"
    places = load_places(text.encode(), name="t.csv")
    assert places["sector"].tolist() == ["large_models", "embodied_ai"]


@pytest.mark.parametrize("text,value", [
    ("39°59'32.8\"N", 39 + 59 / 60 + 32.8 / 3600),
    ("116°19'39.7\"E", 116 + 19 / 60 + 39.7 / 3600),
    ("S 33°52'", -(33 + 52 / 60)),
    ("39度59分32.8秒", 39 + 59 / 60 + 32.8 / 3600),
    ("hello", None),
    ("39°75'", None),
])
def test_parse_dms(text, value):
    got = parse_dms(text)
    assert got == pytest.approx(value) if value is not None else got is None


def test_far_points_are_flagged_and_swaps_detected_by_distance():
    text = "id,lat,lon\nsh,31.2304,121.4737\n"
    probs = problems_of(text, centre=DONGSHENG)
    assert probs.iloc[0]["severity"] == "warning" and "1,078 km" in probs.iloc[0]["problem"]
    # (20.0, 40.0) is a valid point in Sudan; swapped it is near a centre at (40.0, 20.0)
    probs = problems_of("id,lat,lon\na,20.0,40.0\n", centre=Centre("c", "", "", 40.0, 20.0))
    assert "look swapped" in probs.iloc[0]["problem"]


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_declared_datum_is_converted_to_wgs84(datum):
    glat, glon = datums.convert(39.992446, 116.327708, src="wgs84", dst=datum)
    text = f"id,lat,lon\na,{float(glat):.9f},{float(glon):.9f}\n"
    places = load_places(text.encode(), name="t.csv", datum=datum)
    assert places.loc[0, "lat"] == pytest.approx(39.992446, abs=1e-6)
    assert places.loc[0, "lon"] == pytest.approx(116.327708, abs=1e-6)
    assert places.loc[0, "source_datum"] == datum
    assert places.loc[0, "source_lat"] == pytest.approx(float(glat))


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"id,lat,lon\n", "no data rows"),
    (b"id,name\na,b\n", "No latitude or longitude column"),
    (b"\x00\x01\x02binary\x00junk", "binary file"),
])
def test_file_level_problems(content, message):
    with pytest.raises(DataValidationError, match=message):
        load_places(content, name="t.csv")


def test_duplicate_columns_warn_and_first_is_used():
    result = read_places(b"id,lat,lon,lat\na,39.9,116.3,0\n", name="t.csv")
    assert result.places.loc[0, "lat"] == 39.9
    assert "appears more than once" in result.problems.iloc[0]["problem"]


def test_geojson_points_polygons_and_crs(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"name": ["pt", "poly"], "sector": ["chips", "research"]},
        geometry=[Point(116.33, 39.99), Polygon([(116.3, 39.9), (116.31, 39.9), (116.31, 39.91),
                                                 (116.3, 39.91)])], crs="EPSG:4326")
    result = read_places(gdf.to_json().encode(), name="x.geojson")
    assert result.places["lon"].tolist()[0] == 116.33
    assert 116.3 < result.places["lon"].tolist()[1] < 116.31
    assert "representative point" in " ".join(result.problems["problem"])
    path = tmp_path / "utm.geojson"
    gdf.iloc[:1].to_crs(32650).to_file(path, driver="GeoJSON")
    result = read_places(path)
    assert result.places.loc[0, "lat"] == pytest.approx(39.99, abs=1e-7)
    assert "transformed to WGS-84" in " ".join(result.problems["problem"])


def test_malformed_json_names_line_and_column():
    with pytest.raises(DataValidationError, match="line 2, column"):
        load_places(b'{"type": "FeatureCollection",\n "features": [,]}', name="x.geojson")


def test_geopackage_with_two_layers(tmp_path):
    path = tmp_path / "two.gpkg"
    a = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(116.33, 39.99)], crs=4326)
    b = gpd.GeoDataFrame({"name": ["b1", "b2"]}, geometry=[Point(116.3, 39.9)] * 2, crs=4326)
    a.to_file(path, layer="first", driver="GPKG")
    b.to_file(path, layer="second", driver="GPKG")
    result = read_places(path)
    assert result.places["name_en"].tolist() == ["a"]
    assert "2 layers" in " ".join(result.problems["problem"])
    assert read_places(path, layer="second").places["name_en"].tolist() == ["b1", "b2"]


def test_excel_first_sheet(tmp_path):
    path = tmp_path / "firms.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"名称": ["智谱"], "纬度": [39.9927], "经度": [116.3252]}).to_excel(
            xw, sheet_name="firms", index=False)
        pd.DataFrame({"x": [1]}).to_excel(xw, sheet_name="other", index=False)
    places = read_places(path).places
    assert places.loc[0, "name_zh"] == "智谱"
    assert places.loc[0, "lat"] == pytest.approx(39.9927)


def test_file_object_upload():
    places = load_places(io.BytesIO(GOOD.encode()), name="up.csv")
    assert len(places) == 2


def test_resolve_centre():
    centres = [DONGSHENG, Centre("b", "", "", 40.0, 116.0)]
    assert resolve_centre(None, centres) is DONGSHENG
    assert resolve_centre("b", centres).lat == 40.0
    c = resolve_centre("39.98, 116.31", centres)
    assert (c.id, c.lat, c.lon) == ("custom", 39.98, 116.31)
    with pytest.raises(SettingsError, match="latitude first"):
        resolve_centre("116.31,39.98", centres)
    with pytest.raises(SettingsError, match="Unknown centre 'nowhere'"):
        resolve_centre("nowhere", centres)


def test_large_numeric_file_loads_fast_path():
    n = 20_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(n), "lat": 39.99 + rng.normal(0, .01, n),
                          "lon": 116.33 + rng.normal(0, .01, n)})
    places = load_places(frame.to_csv(index=False).encode(), name="big.csv")
    assert len(places) == n and places["id"].is_unique


def test_geojson_without_features_is_rejected():
    with pytest.raises(DataValidationError, match="no features"):
        load_places(json.dumps({"type": "FeatureCollection", "features": []}).encode(),
                    name="e.geojson")


# ------------------------------------------------------------ fast paths give the same result
DATA = __import__("pathlib").Path(__file__).parent / "data"


def _same_result(a, b):
    pd.testing.assert_frame_equal(pd.DataFrame(a.places).drop(columns="geometry",
                                                                errors="ignore"),
                                  pd.DataFrame(b.places).drop(columns="geometry",
                                                              errors="ignore"))
    pd.testing.assert_frame_equal(a.problems, b.problems)
    pd.testing.assert_frame_equal(a.rejected, b.rejected)
    assert (a.name, a.datum, a.places.attrs) == (b.name, b.datum, b.places.attrs)


@pytest.mark.parametrize("fname", ["partially_bad.csv", "duplicate_ids.csv", "far_points.csv",
                                   "unknown_sectors.csv", "firms.xlsx", "hostile.geojson"])
def test_geometry_false_gives_the_same_table_without_shapes(fname):
    with_shapes = read_places(DATA / fname, centre=DONGSHENG)
    table = read_places(DATA / fname, centre=DONGSHENG, geometry=False)
    assert isinstance(with_shapes.places, gpd.GeoDataFrame)
    assert type(table.places) is pd.DataFrame and "geometry" not in table.places.columns
    assert list(with_shapes.places.columns) == [*table.places.columns, "geometry"]
    _same_result(with_shapes, table)


def test_geometry_false_does_not_import_geopandas(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    code = ("import sys; from origin_map.places.datasets import read_places; "
            f"r = read_places({str(path)!r}, geometry=False); "
            "assert len(r.places) == 2; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('geopandas', 'shapely', 'pyproj')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow  # a large file
def test_large_csv_parsed_from_the_file_equals_parsed_from_bytes(tmp_path, monkeypatch):
    from origin_map.io import delimited

    calls = []
    unchanged = delimited.FileOrigin.unchanged
    monkeypatch.setattr(delimited.FileOrigin, "unchanged",
                        lambda self: calls.append(self.path) or unchanged(self))
    for fname in sorted(p.name for p in DATA.glob("*.csv")):
        monkeypatch.setattr(delimited, "PARSE_FROM_FILE_BYTES", 10**12)
        try:
            from_bytes = read_places(DATA / fname, centre=DONGSHENG, geometry=False)
        except Exception as exc:  # the same error either way
            from_bytes = exc
        monkeypatch.setattr(delimited, "PARSE_FROM_FILE_BYTES", 0)
        try:
            from_file = read_places(DATA / fname, centre=DONGSHENG, geometry=False)
        except Exception as exc:
            assert (type(exc), str(exc)) == (type(from_bytes), str(from_bytes)), fname
            continue
        assert not isinstance(from_bytes, Exception), fname
        _same_result(from_bytes, from_file)
    assert any(p.name == "utf8.csv" for p in calls)  # the file path was really taken


def test_file_changed_while_parsed_from_disk_is_read_again(tmp_path, monkeypatch):
    from origin_map.io import delimited

    path = tmp_path / "places.csv.gz"  # a misleading suffix must not make pandas gunzip it
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(delimited, "PARSE_FROM_FILE_BYTES", 0)
    assert read_places(path).places["id"].tolist() == ["a", "b"]

    real, seen = pd.read_csv, []

    def read_then_change(src, *a, **kw):
        frame = real(src, *a, **kw)
        seen.append(type(src).__name__)
        if isinstance(src, str):  # parsed from disk, and the file changes meanwhile
            path.write_text("id,lat,lon\nzzz,1,2\nyyy,3,4\nxxx,5,6\n", encoding="utf-8")
        return frame

    monkeypatch.setattr(pd, "read_csv", read_then_change)
    result = read_places(path)  # not the mix of the two: the new file, read into memory
    assert result.places["id"].tolist() == ["zzz", "yyy", "xxx"]
    assert seen == ["str", "BytesIO"]


def test_too_many_lines_are_not_parsed_from_the_file(tmp_path, monkeypatch):
    from origin_map import limits
    from origin_map.errors import InputLimitError
    from origin_map.io import delimited

    path = tmp_path / "p.csv"
    path.write_text("id,lat,lon\n" + "a,39.9,116.3\r" * 5, encoding="utf-8")
    monkeypatch.setattr(delimited, "PARSE_FROM_FILE_BYTES", 0)
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    with pytest.raises(InputLimitError, match="more than 3 rows"):
        read_places(path)


@pytest.mark.parametrize("order,row,first", [
    ("b a c a", 4, 2), ("a a b c", 2, 1), ("c b a b", 4, 2), ("a b c", None, None)])
def test_duplicate_ids_found_in_sorted_and_unsorted_columns(order, row, first):
    ids = order.split()
    probs = problems_of("id,lat,lon\n" + "".join(f"{i},39.9,116.3\n" for i in ids))
    if row is None:  # sorted and distinct: no problem
        assert probs.empty
        return
    assert len(probs) == 1
    assert (probs.loc[0, "row"], probs.loc[0, "field"], probs.loc[0, "value"]) == (
        row, "id", ids[row - 1])
    assert probs.loc[0, "problem"] == f"Duplicate id: already used by row {first}."


def test_names_split_by_script_with_and_without_cjk():
    ascii_only = load_places(b"name,lat,lon\nFoo,39.9,116.3\nBar,39.9,116.3\n", name="t.csv")
    assert ascii_only["name_en"].tolist() == ["Foo", "Bar"]
    assert ascii_only["name_zh"].tolist() == ["", ""]
    mixed = load_places("name,lat,lon\nFoo,39.9,116.3\n智谱,39.9,116.3\n".encode(),
                        name="t.csv")
    assert mixed["name_en"].tolist() == ["Foo", ""]
    assert mixed["name_zh"].tolist() == ["", "智谱"]


def test_defaults_fill_missing_columns_as_text():
    places = load_places(b"lat,lon\n39.9,116.3\n39.91,116.31\n", name="t.csv")
    for col, value in (("sector", "unknown"), ("status", "current"), ("kind", "other"),
                       ("address", ""), ("source_datum", "wgs84"), ("name_zh", "")):
        assert places[col].tolist() == [value, value]
        assert places[col].dtype == pd.Series(["x"], dtype="str").dtype
    places.loc[0, "address"] = "changed"  # columns sharing buffers stay independent
    assert places["position_note"].tolist() == ["", ""]
    assert places["address"].tolist() == ["changed", ""]


@pytest.mark.parametrize("km,flagged", [(99.0, False), (101.0, True), (2000.0, True)])
def test_far_warning_threshold_both_ways(km, flagged):
    from tests.conftest import point_at

    lat, lon = point_at(DONGSHENG, km * 1000, 45)
    near = point_at(DONGSHENG, 500, 0)
    text = f"id,lat,lon\nn,{near[0]},{near[1]}\nf,{lat},{lon}\n"
    probs = read_places(text.encode(), name="t.csv", centre=DONGSHENG).problems
    assert (probs["severity"] == "warning").any() == flagged
    if flagged:
        assert probs.iloc[0]["row"] == 2 and "from the centre" in probs.iloc[0]["problem"]


def test_shipped_places_without_geometry_are_the_same_table():
    from origin_map.places.datasets import shipped_places

    with_shapes, table = shipped_places(), shipped_places(geometry=False)
    assert type(table) is pd.DataFrame
    pd.testing.assert_frame_equal(pd.DataFrame(with_shapes).drop(columns="geometry"), table)


def test_building_and_years_are_optional_and_parsed_as_nullable_integers():
    text = ("id,lat,lon,status,building_id,since,until,years_source\n"
            "a,39.99,116.33,historic,dongsheng-building,2006,2016年,news 2016\n"
            "b,39.99,116.33,current,,2023, ,\n")
    places = load_places(text.encode(), name="t.csv", geometry=False)
    assert str(places["since"].dtype) == "Int64" and str(places["until"].dtype) == "Int64"
    assert places["since"].tolist() == [2006, 2023]
    assert places.loc[0, "until"] == 2016 and pd.isna(places.loc[1, "until"])
    assert places["building_id"].tolist() == ["dongsheng-building", ""]
    assert places.loc[0, "years_source"] == "news 2016"
    bare = load_places(b"lat,lon\n39.99,116.33\n", name="t.csv", geometry=False)
    assert bare["since"].isna().all() and bare.loc[0, "building_id"] == ""
    assert list(bare.columns) == list(COLUMNS)


@pytest.mark.parametrize("since,until,field,message", [
    ("2019", "2016", "since", "since is after until"),
    ("1799", "", "since", "Year outside 1800"),
    ("", "2999", "until", "Year outside 1800"),
    ("20x9", "", "since", "Not a year"),
    ("2019.5", "", "since", "Not a year"),
])
def test_bad_years_leave_the_row_out_with_a_fix(since, until, field, message):
    text = ("id,lat,lon,status,since,until\nok,39.99,116.33,historic,2001,2002\n"
            f"bad,39.99,116.33,historic,{since},{until}\n")
    result = read_places(text.encode(), name="t.csv")
    assert result.places["id"].tolist() == ["ok"]
    errs = result.problems[result.problems["severity"] == "error"]
    assert errs["row"].tolist() == [2] and errs["field"].tolist() == [field]
    assert message in errs["problem"].iloc[0] and errs["fix"].iloc[0]


def test_current_place_with_a_past_until_is_a_warning():
    text = "id,lat,lon,status,until\na,39.99,116.33,current,2010\nb,39.99,116.33,historic,2010\n"
    result = read_places(text.encode(), name="t.csv")
    assert len(result.places) == 2
    warn = result.problems[result.problems["severity"] == "warning"]
    assert warn["row"].tolist() == [1] and warn["field"].tolist() == ["status"]
