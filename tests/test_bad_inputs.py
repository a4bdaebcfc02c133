"""The catalogue of bad, hostile and awkward input files (issue 4), through library and CLI.

``CATALOGUE`` is one table, in the style of shapely's ``tests/common.py``: each entry is
(file in ``tests/data/``, read options, expected outcome), and the tests below are crossed with
it. The files are made by ``tests/data/make_catalogue.py``; ``tests/data/README.md`` says what
each one is.
"""

from __future__ import annotations

import builtins
import io
import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from shapely import LineString, Point, Polygon

from origin_map import limits
from origin_map.cli import main
from origin_map.errors import DataValidationError, InputLimitError
from origin_map.geo.geometry import distances_m
from origin_map.io import readers
from origin_map.io.export import FORMULA_PREFIXES, to_csv_bytes
from origin_map.io.readers import MAX_UPLOAD_MB
from origin_map.places.datasets import LISTED_PROBLEMS, load_places, read_places
from tests.conftest import DONGSHENG
from tests.data import make_catalogue

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
Problem = tuple[int | None, str | None, str, str]


@dataclass(frozen=True)
class Loads:
    """The file loads ``rows`` places.

    ``problems`` lists every warning and error as (row, field, severity, text found in the
    message); ``info`` notes are checked only when listed. Rows with an error are left out.
    """

    rows: int
    problems: frozenset[Problem] = frozenset()


@dataclass(frozen=True)
class Fails:
    """The whole file is refused with ``error`` whose message matches the regex ``match``."""

    match: str
    error: type[Exception] = DataValidationError


def P(*items: Problem) -> frozenset[Problem]:
    return frozenset(items)


TAB, SEMI, PIPE = "Separator detected: '\\t'", "Separator detected: ';'", "Separator detected: '|'"
CENTRE = {"centre": DONGSHENG}

CATALOGUE: list[tuple[str, dict[str, Any], Loads | Fails]] = [
    # ---- encodings
    ("utf8.csv", {}, Loads(3)),
    ("utf8_bom.csv", {}, Loads(3)),
    ("gbk.csv", {}, Loads(3, P((None, None, "info", "GB18030")))),
    ("gb18030.csv", {}, Loads(4, P((None, None, "info", "GB18030")))),
    ("utf16_excel_unicode_text.txt", {}, Loads(3, P((None, None, "info", "UTF-16"),
                                                    (None, None, "info", TAB)))),
    ("bad_encoding.csv", {}, Fails("neither UTF-8 nor GBK/GB18030")),
    ("latin1.csv", {}, Fails("probably in another encoding")),
    ("big5.csv", {}, Fails("probably in another encoding")),
    # ---- Excel
    ("firms.xlsx", {}, Loads(3, P((None, "sheet", "warning", "3 sheets; the first, 'firms'")))),
    ("firms.xlsx", {"sheet": "more"}, Loads(2)),
    ("firms.xlsx", {"sheet": 2}, Loads(2)),
    ("firms.xlsx", {"sheet": "notes"}, Fails("No latitude or longitude column")),
    ("firms.xlsx", {"sheet": "missing"}, Fails("Sheet 'missing' not found")),
    ("firms.xlsx", {"sheet": 7}, Fails("Sheet 7 not found")),
    ("formulas.xlsx", {}, Loads(2)),
    ("empty_first_sheet.xlsx", {}, Fails("Sheet 'empty' is empty")),
    ("empty_first_sheet.xlsx", {"sheet": "firms"}, Loads(3)),
    ("corrupt.xlsx", {}, Fails("Not a readable Excel workbook")),
    ("xml_bomb.xlsx", {}, Fails("Not a readable Excel workbook")),
    ("hostile.xlsx", {}, Loads(len(make_catalogue.HOSTILE))),
    # ---- structure
    ("empty.csv", {}, Fails("The file is empty")),
    ("whitespace_only.csv", {}, Fails("The file is empty")),
    ("header_only.csv", {}, Fails("header but no data rows")),
    ("no_coordinates.csv", {}, Fails(r"No latitude or longitude column found \(columns "
                                     r"present: id, name, address\)")),
    ("title_row.csv", {}, Loads(1, P((None, None, "info", "1 row(s) above the header were "
                                                          "skipped")))),
    ("extra_and_duplicate_columns.csv", {},
     Loads(2, P((None, "lat", "warning", "appears more than once")))),
    ("latitude_and_lat.csv", {}, Loads(1)),
    ("semicolon_decimal_comma.csv", {}, Loads(2, P((None, None, "info", SEMI)))),
    ("tab_separated.tsv", {}, Loads(3, P((None, None, "info", TAB)))),
    ("pipe_separated.txt", {}, Loads(3, P((None, None, "info", PIPE)))),
    ("ragged_rows.csv", {}, Loads(2, P((2, None, "error", "5 values but the header has 4")))),
    ("trailing_separators.csv", {}, Loads(2)),
    ("unclosed_quote.csv", {}, Fails("opened in line 3 is never closed")),
    ("blank_lines.csv", {}, Loads(2, P((None, None, "info", "empty row(s) ignored (rows 2)"),
                                       (4, "lat", "error", "not a number")))),
    ("column_named_row.csv", {}, Loads(1, P((2, "lat", "error", "not a number")))),
    ("geometry_column.csv", {}, Loads(1)),
    ("sniffer_bomb.csv", {}, Fails("columns, over the limit of 1,000", InputLimitError)),
    # ---- JSON and GeoJSON
    ("malformed.geojson", {}, Fails("Not valid JSON: .* at line 2, column 15")),
    ("array.json", {}, Fails("not a GeoJSON .*it is a list")),
    ("not_geojson.json", {}, Fails("without a 'type' member")),
    ("deep_nesting.json", {}, Fails("nested too deeply")),
    ("polygons_and_lines.geojson", {},
     Loads(3, P((None, "geometry", "warning", "1 Polygon, 1 LineString")))),
    ("crs_epsg3857.geojson", {}, Loads(1, P((None, "crs", "warning", "in EPSG:3857 and were "
                                                                     "transformed")))),
    ("crs_utm50n.geojson", {}, Loads(1, P((None, "crs", "warning", "in EPSG:32650")))),
    ("crs_crs84.geojson", {}, Loads(1)),
    ("crs_unknown.geojson", {}, Fails("names no coordinate system")),
    ("crs_malformed.geojson", {}, Fails("names no coordinate system")),
    ("null_geometry.geojson", {}, Loads(1, P((2, None, "error", "no geometry")))),
    ("hostile.geojson", {}, Loads(len(make_catalogue.HOSTILE))),
    # ---- GeoPackage
    ("two_layers.gpkg", {}, Loads(1, P((None, "layer", "warning", "2 layers (first, second)")))),
    ("two_layers.gpkg", {"layer": "second"}, Loads(2)),
    ("two_layers.gpkg", {"layer": "third"}, Fails("Layer 'third' not found")),
    ("attributes_only.gpkg", {}, Loads(1)),
    ("sqlite_not_geopackage.gpkg", {}, Fails("SQLite database but not a GeoPackage")),
    # ---- not what the name says
    ("binary_junk.csv", {}, Fails("binary file")),
    ("png_named.csv", {}, Fails("PNG image")),
    ("zip_named.csv", {}, Fails(r"ZIP archive \(containing places.csv\)")),
    ("gzip_named.csv", {}, Fails("gzip-compressed")),
    ("old_excel.xls", {}, Fails("old Excel 97-2003")),
    ("html_page.csv", {}, Fails(r"web page \(HTML\)")),
    ("kml_named.csv", {}, Fails("XML document")),
    ("xlsx_named.csv", {}, Loads(3, P((None, None, "warning", "named '.csv' but its content is "
                                                              "an Excel workbook"),
                                      (None, "sheet", "warning", "3 sheets")))),
    ("csv_named.xlsx", {}, Loads(3, P((None, None, "warning", "named '.xlsx' but its content "
                                                              "is CSV")))),
    # ---- values
    ("bad_coordinates.csv", {}, Loads(3, P(
        (2, "lat", "error", "latitude is empty"),
        (3, "lat", "error", "latitude is empty"),
        (4, "lon", "error", "longitude is not a number"),
        (5, "lat", "error", "Out of range"),
        (6, "lon", "error", "Out of range"),
        (7, "lat", "error", "look swapped"),
        (10, "lat", "error", "latitude is not a number"),
        (11, "lat", "error", "Out of range"),
        (11, "lon", "error", "Out of range")))),
    ("far_points.csv", {}, Loads(3)),
    ("far_points.csv", CENTRE, Loads(3, P((2, "lat", "warning", "1,078 km from the centre"),
                                          (3, "lat", "warning", "11,006 km from the centre")))),
    ("duplicate_ids.csv", {}, Loads(2, P((3, "id", "error", "already used by row 1")))),
    ("unknown_sectors.csv", {}, Loads(1, P((2, "sector", "error", "Unknown sector"),
                                           (3, "kind", "error", "Unknown kind")))),
    ("unknown_sectors.csv", {"unknown_values": "default"},
     Loads(3, P((2, "sector", "warning", "set to 'unknown'"),
                (3, "kind", "warning", "set to 'other'")))),
    ("gcj02_amap.csv", {"datum": "gcj02"}, Loads(1)),
    ("gcj02_amap.csv", {"datum": "gcj02", **CENTRE}, Loads(1)),
    ("partially_bad.csv", {}, Loads(7, P((3, "lat", "error", "not a number"),
                                         (7, "lat", "error", "not a number"),
                                         (9, "lon", "error", "longitude is empty")))),
    ("hostile.csv", {}, Loads(len(make_catalogue.HOSTILE) + 1)),
]


def _cases() -> list[Any]:
    return [pytest.param(f, o, e, id=f + "".join(f"-{k}={v}" for k, v in o.items()
                                                 if k != "centre") + ("-centre" * ("centre" in o)))
            for f, o, e in CATALOGUE]


def _matches(actual: Problem, expected: Problem) -> bool:
    return actual[:3] == expected[:3] and expected[3] in actual[3]


def _problems(frame: pd.DataFrame, with_info: bool) -> list[Problem]:
    keep = frame if with_info else frame[frame["severity"] != "info"]
    return [(None if pd.isna(r.row) else int(r.row), r.field or None, r.severity, r.problem)
            for r in keep.itertuples()]


@pytest.mark.parametrize("fname,options,expected", _cases())
def test_catalogue_library(fname: str, options: dict[str, Any], expected: Loads | Fails) -> None:
    if isinstance(expected, Fails):
        with pytest.raises(expected.error, match=expected.match):
            read_places(DATA / fname, **options)
        return
    result = read_places(DATA / fname, **options)
    assert len(result.places) == expected.rows, result.problems
    with_info = any(p[2] == "info" for p in expected.problems)
    actual = _problems(result.problems, with_info)
    for exp in expected.problems:
        assert sum(_matches(a, exp) for a in actual) == 1, (exp, actual)
    for act in actual:
        assert any(_matches(act, e) for e in expected.problems), (act, expected.problems)
    error_rows = sorted({p[0] for p in expected.problems if p[2] == "error" and p[0]})
    assert result.rejected["row"].tolist() == error_rows  # left out = listed, never silent
    assert len(result.places) + len(result.rejected) >= expected.rows
    assert result.places.crs.to_epsg() == 4326
    assert result.places["lat"].between(-90, 90).all()
    assert result.places["lon"].between(-180, 180).all()
    if error_rows:
        with pytest.raises(DataValidationError):
            load_places(DATA / fname, **options)


def _cli_args(options: dict[str, Any]) -> list[str]:
    names = {"datum": "--datum", "sheet": "--sheet", "layer": "--layer",
             "unknown_values": "--unknown-values"}
    return [x for k, v in options.items() if k in names for x in (names[k], str(v))]


@pytest.mark.parametrize("fname,options,expected", _cases())
def test_catalogue_cli(fname: str, options: dict[str, Any], expected: Loads | Fails,
                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(DATA / fname), *_cli_args(options)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if isinstance(expected, Fails):
        assert code == 1
        assert err.startswith("origin-map: error: ")
        assert re.search(expected.match, err), err
    else:
        has_errors = any(p[2] == "error" for p in expected.problems)
        assert code == (1 if has_errors else 0), out + err
        if has_errors:  # every problem on stdout, then "N problem(s); X of Y rows valid."
            assert f"; {expected.rows} of " in err
            for row, field, severity, text in expected.problems:
                if severity == "error":
                    where = f"row {row}" + (f", field '{field}'" if field else "")
                    assert f"error: {where}: " in out and text in out
        else:
            assert f": {expected.rows} places loaded" in out


# ---------------------------------------------------------------- hostile content
HOSTILE_FILES = ["hostile.csv", "hostile.geojson", "hostile.xlsx"]


@pytest.mark.parametrize("fname", HOSTILE_FILES)
def test_hostile_text_loads_as_plain_text_unchanged(fname: str) -> None:
    places = read_places(DATA / fname).places.set_index("id")
    for key, text in make_catalogue.HOSTILE.items():
        # Surrounding whitespace is trimmed; an .xlsx stores text as XML, where CR LF is LF.
        want = text.strip().replace("\r\n", "\n") if fname.endswith(".xlsx") else text.strip()
        row = places.loc[key]
        assert row["name_zh"] + row["name_en"] == want
        assert row["address"] == want
        assert row["source"] == want
    if fname == "hostile.csv":
        assert places.loc["formula_eq", '=HYPERLINK("x")'] == make_catalogue.HOSTILE[
            "formula_eq"]
        assert places.loc["=1+2", "name_en"] == "id is a formula"


@pytest.mark.parametrize("fname", HOSTILE_FILES)
def test_export_neutralises_formulas_and_numbers_stay_numbers(fname: str) -> None:
    places = read_places(DATA / fname).places
    data = to_csv_bytes(places)
    assert b"Traceback" not in data and data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns[:3]) == ["id", "name_zh", "name_en"]
    assert not any(str(c).startswith(FORMULA_PREFIXES) for c in back.columns)
    numeric = ["lat", "lon", "source_lat", "source_lon"]
    text_columns = [c for c in back.columns if c not in numeric]
    plain_number = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
    for col in text_columns:
        cells = back[col]
        risky = cells.str.startswith(FORMULA_PREFIXES) & ~cells.str.fullmatch(plain_number)
        assert not risky.any(), (col, cells[risky].tolist())
    originals = places.drop(columns="geometry").astype(str).fillna("").to_numpy()  # NA years: ""
    for (i, j), cell in np.ndenumerate(originals):
        col = places.columns[j]
        if col in numeric or not cell.startswith(FORMULA_PREFIXES):
            continue
        exported = back.iloc[i][back.columns[j]]
        assert exported == "'" + cell or (plain_number.fullmatch(cell) and exported == cell)
    for col in numeric:  # numbers stay numbers: no quote, same value
        assert not back[col].str.startswith("'").any()
        np.testing.assert_allclose(back[col].astype(float), places[col].astype(float))
    if fname == "hostile.csv":
        assert (back["lon"] == "-74.006").any()


def test_upload_name_is_display_only_and_never_opened(monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    opened: list[str] = []
    real_open = builtins.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    content = (DATA / "utf8.csv").read_bytes()
    for hostile_name in ("../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini",
                         "x.csv\n<script>alert(1)</script>", "../"):
        result = read_places(content, name=hostile_name)
        assert len(result.places) == 3
        assert "/" not in result.name and "\\" not in result.name and "\n" not in result.name
        result = read_places(io.BytesIO(content), name=hostile_name)
        assert len(result.places) == 3
    assert not [p for p in opened if "passwd" in p or "boot.ini" in p or "script" in p]
    assert read_places(content, name="../../etc/passwd").name == "passwd"


# ---------------------------------------------------------------- values in detail
def test_coordinate_texts_are_parsed_or_refused_precisely() -> None:
    places = read_places(DATA / "bad_coordinates.csv").places.set_index("id")
    want_lat, want_lon = 39 + 59 / 60 + 32.8 / 3600, 116 + 19 / 60 + 39.7 / 3600
    for key in ("dms", "dms_zh"):
        assert places.loc[key, "lat"] == pytest.approx(want_lat, abs=1e-7)
        assert places.loc[key, "lon"] == pytest.approx(want_lon, abs=1e-7)
    problems = read_places(DATA / "bad_coordinates.csv").problems.set_index("row")
    assert "Swap the lat and lon" in problems.loc[7, "fix"]
    assert "projection (e.g. metres)" in problems.loc[11].iloc[0]["fix"]
    semi = read_places(DATA / "semicolon_decimal_comma.csv").places
    assert semi["lat"].tolist() == [39.9927, 39.98]


def test_columns_are_kept_as_text_and_never_lost() -> None:
    places = read_places(DATA / "extra_and_duplicate_columns.csv").places
    assert places["employees"].tolist() == ["12", "007"]  # text stays text: 007 is not 7
    assert places["lat (column 5)"].tolist() == ["0", "0"]
    assert places["lat"].tolist() == [39.99, 39.98]
    both = read_places(DATA / "latitude_and_lat.csv").places
    assert both.loc[0, "lat"] == 39.99 and both.loc[0, "lat (column 2)"] == "1"
    wkt = read_places(DATA / "geometry_column.csv").places
    assert wkt.loc[0, "geometry (column)"] == "POINT (116.33 39.99)"
    assert wkt.geometry.iloc[0].equals(Point(116.33, 39.99))
    gb = read_places(DATA / "gb18030.csv").places
    assert "𠮷野家（五道口店）" in gb["name_zh"].tolist()


def test_excel_formulas_load_as_their_text_and_are_never_evaluated() -> None:
    places = read_places(DATA / "formulas.xlsx").places.set_index("id")
    assert places.loc["f1", "name_en"] == make_catalogue.HOSTILE["formula_eq"]
    assert places.loc["f1", "address"] == "=1+1"
    assert places.loc["f2", "name_en"] == "=cmd|' /C calc'!A0"
    assert places.loc["f2", "address"] == "@SUM(A1:A2)"


def test_shapes_become_representative_points_and_crs_members_are_honoured() -> None:
    places = read_places(DATA / "polygons_and_lines.geojson").places.set_index("name_en")
    square = Polygon([(116.30, 39.99), (116.31, 39.99), (116.31, 40.00), (116.30, 40.00)])
    assert square.contains(places.loc["campus polygon", "geometry"])
    line = LineString([(116.32, 39.98), (116.34, 39.98)])
    assert line.distance(places.loc["street line", "geometry"]) < 1e-9
    for fname in ("crs_epsg3857.geojson", "crs_utm50n.geojson", "crs_crs84.geojson"):
        row = read_places(DATA / fname).places.iloc[0]
        d = distances_m(np.array([row["lat"]]), np.array([row["lon"]]), DONGSHENG.lat,
                        DONGSHENG.lon)
        assert d[0] < 0.01, fname


def test_the_datum_is_a_visible_choice_recorded_with_the_data(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "gcj02_amap.csv"
    as_wgs = read_places(path)
    as_gcj = read_places(path, datum="gcj02")
    off = [distances_m(r.places["lat"].to_numpy(), r.places["lon"].to_numpy(), DONGSHENG.lat,
                       DONGSHENG.lon)[0] for r in (as_wgs, as_gcj)]
    assert 500 < off[0] < 600  # a GCJ-02 file read as WGS-84 is ~540 m off in Beijing
    assert off[1] < 1
    assert (as_gcj.datum, as_gcj.places.attrs["input_datum"]) == ("gcj02", "gcj02")
    assert as_gcj.places["source_datum"].tolist() == ["gcj02"]
    assert as_gcj.places.loc[0, "source_lat"] == pytest.approx(make_catalogue.DONGSHENG_GCJ02[0])
    assert "datum gcj02" in as_gcj.summary()
    assert main(["validate", str(path)]) == 0
    assert "assuming WGS-84 coordinates; use --datum gcj02" in capsys.readouterr().err
    assert main(["validate", str(path), "--datum", "gcj02"]) == 0
    out, err = capsys.readouterr()
    assert "assuming" not in err and "datum gcj02" in out


def test_rejected_rows_report_has_row_numbers_and_reasons() -> None:
    result = read_places(DATA / "partially_bad.csv")
    report = result.rejected_report()
    assert report["row"].tolist() == [3, 7, 9]
    assert report["id"].tolist() == ["p3", "p7", "p9"]
    assert report.loc[0, "why_left_out"] == "lat: The latitude is not a number."
    assert "lon: The longitude is empty." in report.loc[2, "why_left_out"]
    data = to_csv_bytes(report)
    assert data.decode("utf-8-sig").splitlines()[0].startswith("row,why_left_out,id,")
    named = read_places(DATA / "column_named_row.csv").rejected_report()
    assert named.loc[0, "row"] == 2 and named.loc[0, "row (column)"] == "8"


# ---------------------------------------------------------------- limits
def test_size_limit_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "hostile.csv"
    for source in (path, path.read_bytes(), io.BytesIO(path.read_bytes())):
        with pytest.raises(InputLimitError, match=r"over the limit of 0 MB"):
            read_places(source, max_bytes=1000)
    assert main(["validate", str(path), "--max-mb", "0.001"]) == 1
    err = capsys.readouterr().err
    assert "over the limit" in err and "--max-mb" in err and "Traceback" not in err
    assert main(["validate", str(path), "--max-mb", "1"]) == 0
    for bad in ("0", "-1", "nan", "inf", "lots"):
        with pytest.raises(SystemExit) as info:
            main(["validate", str(path), "--max-mb", bad])
        assert info.value.code == 2


@pytest.mark.parametrize("fname,options", [
    ("partially_bad.csv", {}), ("ragged_rows.csv", {}), ("firms.xlsx", {}),
    ("polygons_and_lines.geojson", {}), ("two_layers.gpkg", {"layer": "second"})])
def test_row_limit_is_a_clear_message(fname: str, options: dict[str, Any],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 1)
    with pytest.raises(InputLimitError, match="more than 1 rows"):
        read_places(DATA / fname, **options)


def test_pathological_csv_is_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(InputLimitError):
        read_places(DATA / "sniffer_bomb.csv")
    # a hang guard, not a benchmark: the refusal takes ~0.3 s on a quiet machine (a sniffer
    # that backtracks takes minutes); generous for a loaded 2-core machine
    assert time.perf_counter() - start < 30


def test_streamlit_upload_limit_equals_the_library_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert readers.MAX_BYTES_DEFAULT == MAX_UPLOAD_MB * 1024 * 1024


def test_many_bad_rows_are_capped_in_the_message_but_all_in_the_table() -> None:
    n = 20_000
    text = "id,lat,lon\n" + "".join(f"p{i},bad{i},116.3\n" for i in range(n))
    with pytest.raises(DataValidationError) as info:
        load_places(text.encode(), name="bad.csv")
    exc = info.value
    assert len(exc.problems) == LISTED_PROBLEMS and exc.n_errors == n
    assert len(exc.table) == n
    assert f"{n:,} problem(s) found" in str(exc)
    assert str(exc).count("\n") <= DataValidationError.MESSAGE_LIMIT + 2
    assert f"and {n - DataValidationError.MESSAGE_LIMIT:,} more" in str(exc)


def test_large_clean_and_slightly_dirty_files_give_the_same_places() -> None:
    n = 50_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"id": [f"{i:07d}" for i in range(n)], "name": "SYNTHETIC",
                          "lat": np.round(39.99 + rng.normal(0, .01, n), 6),
                          "lon": np.round(116.33 + rng.normal(0, .01, n), 6)})
    clean = frame.to_csv(index=False)
    dirty = clean.replace(f"{frame.loc[7, 'lat']:.6f}", "39°59'32.8\"N".replace('"', '""'), 1)
    dirty = dirty.replace("39°59'32.8\"\"N", "\"39°59'32.8\"\"N\"", 1)
    a = load_places(clean.encode(), name="clean.csv")
    b = load_places(dirty.encode(), name="dirty.csv")
    assert a["id"].iloc[0] == "0000000"  # text ids stay text on the fast path
    assert len(a) == len(b) == n
    assert (a["id"] == b["id"]).all()
    same = np.arange(n) != 7
    np.testing.assert_array_equal(a["lat"].to_numpy()[same], b["lat"].to_numpy()[same])
    assert b["lat"].iloc[7] == pytest.approx(39 + 59 / 60 + 32.8 / 3600, abs=1e-7)


def test_a_directory_or_missing_file_is_a_clear_error(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    with pytest.raises(DataValidationError, match="is a folder, not a file"):
        read_places(tmp_path)
    with pytest.raises(DataValidationError, match="File not found"):
        read_places(tmp_path / "nope.csv")
    for args in (["validate", str(tmp_path)], ["stats", "--data", str(tmp_path)]):
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "is a folder" in err and "Traceback" not in err


# ---------------------------------------------------------------- the catalogue itself
def test_every_catalogue_file_is_tested_and_documented() -> None:
    files = {p.name for p in DATA.iterdir() if p.is_file()} - {"make_catalogue.py", "README.md",
                                                                "geocode_eval.csv",
                                                                "sector_labelled.csv"}
    tested = {f for f, _, _ in CATALOGUE}
    assert files == tested
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert not [f for f in files if f"`{f}`" not in readme]


def test_catalogue_script_reproduces_the_committed_text_files(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.setattr(make_catalogue, "HERE", tmp_path)
    make_catalogue.main()
    made = {p.name for p in tmp_path.iterdir()}
    assert made == {f for f, _, _ in CATALOGUE}
    # Files written by openpyxl or GDAL may differ between library versions; the others
    # must be byte for byte what the script makes.
    for name in sorted(made):
        if not name.endswith((".xlsx", ".gpkg")) and name != "xlsx_named.csv":
            assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.parametrize(("fname", "cause"), [
    ("malformed.geojson", "JSONDecodeError"), ("unclosed_quote.csv", "_UnclosedQuote")])
def test_reader_error_keeps_the_underlying_exception(fname: str, cause: str) -> None:
    """The message is ours; the library's own exception stays chained for debugging."""
    with pytest.raises(DataValidationError) as info:
        read_places(DATA / fname)
    assert type(info.value.__cause__).__name__ == cause, repr(info.value.__cause__)


def test_corrupt_xlsx_error_has_a_cause() -> None:
    with pytest.raises(DataValidationError, match="Not a readable Excel workbook") as info:
        read_places(DATA / "corrupt.xlsx")
    assert info.value.__cause__ is not None
    assert type(info.value.__cause__).__name__ in str(info.value)  # named in the message too
