"""The validator's messages in English and Chinese: keys kept, English as before, 中文 rendered.

Every problem of the bad-input catalogue (``tests/test_bad_inputs.py``) and of a few inputs made
here carries catalogue keys; rendered in Chinese it has no field left unfilled and reads in
Chinese; rendered in English it is the text the CLI prints (known answers below).
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from origin_map import i18n, limits
from origin_map.cli import main
from origin_map.errors import (
    TEXT_COLUMNS,
    DataValidationError,
    InputLimitError,
    OriginMapError,
    Problem,
    problems_in,
)
from origin_map.geo.geometry import Centre
from origin_map.io import sniff
from origin_map.places.datasets import load_places, read_places
from origin_map.texts import render_column
from tests.test_bad_inputs import CATALOGUE, DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LEFT_FIELD = re.compile(r"\{[a-z_]+(?:[:!][^{}]*)?\}")  # a placeholder nobody filled
CJK = re.compile(r"[\u4e00-\u9fff]")


def _zip(*members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for m in members:
            zf.writestr(m, "x")
    return buf.getvalue()


YEARS = (b"id,lat,lon,since,until,status\na,39.99,116.33,abc,,current\n"
         b"b,39.99,116.33,1700,,\nc,39.99,116.33,2015,2010,\nd,39.99,116.33,2000,2005,current\n")
MADE: list[tuple[str, Any, dict[str, Any]]] = [  # (name, content, read options) made here
    ("years.csv", YEARS, {}),
    ("no_lat.csv", b"id,lon\na,116.3\n", {}),
    ("no_lon.csv", b"id,lat\na,39.9\n", {}),
    ("wide.csv", ("id," + ",".join(f"c{i}" for i in range(25)) + "\n1" + ",1" * 25 + "\n")
     .encode(), {}),
    ("f.csv", b"lat,lon\n1,2\n", {"fmt": "nope"}),
    ("f.csv", b"   \n", {}),
    ("f.csv", b"PK\x03\x04damaged", {}),
    ("f.csv", b"PAR1 columns PAR1", {}),
    ("f.csv", codecs.BOM_UTF16_LE + b"a\x00b", {}),
    ("f.csv", codecs.BOM_UTF16_LE + "lat\tlon\n39.9\t116.3\n".encode("utf-16-le"), {}),
    ("f.geojson", b'"just a string"', {}),
    ("f.geojson", b'{"type": "Point"}', {}),
    ("f.geojson", b'{"type": "FeatureCollection", "features": []}', {}),
    ("empty.zip", _zip(), {}),
    ("many.zip", _zip(*[f"m{i}.csv" for i in range(7)]), {}),
    *[(f"foreign{i}.csv", magic + b"\x00" * 80, {}) for i, (magic, _, _) in
      enumerate(sniff._FOREIGN)],
    *[(f"zip{i}.csv", _zip(member), {}) for i, (member, _, _) in enumerate(sniff._ZIP_KINDS)],
    ("swapped.csv", b"id,lat,lon\na,60.0,30.0\n", {"centre": Centre("c", "c", "c", 30.0, 60.0)}),
    ("geo.csv", b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
     b'{"type": "Point", "coordinates": [116.33, 39.99]}, "properties": {"name": "x"}}]}', {}),
    ("gpkg.csv", (DATA / "two_layers.gpkg").read_bytes(), {"layer": "second"}),
    ("hostile.csv", DATA / "hostile.csv", {"max_bytes": 1000}),
    ("hostile.csv", (DATA / "hostile.csv").read_bytes(), {"max_bytes": 1000}),
]
UNREACHED = {
    # Keys no input here produces: a failing disk, GDAL failing on a file it listed, a 2 GB
    # .xlsx, a GeoJSON over 64 MB, a folder or a device given as a path (the CLI tests do), a
    # header without a single column.
    "validate.problem.cannot_read", "validate.problem.not_regular", "validate.problem.folder",
    "validate.problem.not_found", "validate.problem.gpkg_unreadable",
    "validate.problem.no_layers", "validate.problem.layer_unreadable",
    "validate.problem.geojson_unreadable", "validate.problem.not_feature_collection",
    "validate.problem.csv_unparsable",
    "validate.limit.unpacked_too_big", "validate.what.no_columns",
    "validate.fix.check_readable", "validate.fix.places_file", "validate.fix.places_file_formats",
    "validate.fix.check_path", "validate.fix.export_gpkg_again", "validate.fix.export_point_layer",
    "validate.fix.valid_geometry", "validate.fix.same_separators",
    "validate.fix.resave_spreadsheet",
}
"""Catalogue keys not reached by the inputs here (the list is checked: reach one, delete it)."""


def _outcome(source: Any, name: str | None, options: dict[str, Any]
             ) -> tuple[pd.DataFrame | None, OriginMapError | None]:
    try:
        result = read_places(source, name=name, **options)
    except OriginMapError as exc:
        return None, exc
    return result.problems, None


def _all_outcomes(monkeypatch: pytest.MonkeyPatch | None = None) -> list[tuple[str, Any, Any]]:
    out = [(f"{f}{o}", *_outcome(DATA / f, None, o)) for f, o, _ in CATALOGUE]
    out += [(name, *_outcome(content, name, o)) for name, content, o in MADE]
    if monkeypatch is not None:
        monkeypatch.setattr(limits, "MAX_ROWS", 1)
        for f, o in (("partially_bad.csv", {}), ("firms.xlsx", {}),
                     ("two_layers.gpkg", {"layer": "second"})):
            out.append((f"{f} MAX_ROWS=1", *_outcome(DATA / f, None, o)))
    return out


def _check_chinese(text: str, where: str) -> None:
    assert not LEFT_FIELD.search(text), (where, text)
    assert CJK.search(text), (where, text)


def test_every_problem_has_keys_and_reads_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: set[str] = set()
    for where, problems, exc in _all_outcomes(monkeypatch):
        if problems is not None:
            assert list(problems.columns[-3:]) == list(TEXT_COLUMNS), where
            assert (problems["problem_key"] != "").all(), (where, problems)
            assert ((problems["fix_key"] != "") == (problems["fix"] != "")).all(), where
            zh = problems_in(problems, "zh")
            for text in [*zh["problem"], *zh["fix"][zh["fix"] != ""]]:
                _check_chinese(text, where)
            assert (zh["problem"] != problems["problem"]).all(), where
            seen |= set(problems["problem_key"]) | set(problems["fix_key"])
            seen |= {k for f in problems["text_fields"] if f for k in _nested_keys(f)}
        elif isinstance(exc, DataValidationError):
            for p in exc.problems:
                assert p.problem_key and p.fix_key, (where, p)
                _check_chinese(p.text("zh"), where)
                _check_chinese(p.fix_text("zh"), where)
                seen |= {p.problem_key, p.fix_key, *_nested_keys(p.text_fields)}
        else:
            assert isinstance(exc, InputLimitError) and exc.key, (where, exc)
            _check_chinese(exc.text("zh"), where)
            seen |= {exc.key, *_nested_keys(exc.text_fields)}
    seen.discard("")
    ours = {k for k in i18n.catalogue("en") if k.startswith("validate.")
            and not k.startswith("validate.severity.") and k != "validate.problem.with_value"}
    assert sorted(ours - seen - UNREACHED) == [], sorted(ours - seen - UNREACHED)
    assert sorted(UNREACHED & seen) == []  # the list of unreached keys is up to date


def _nested_keys(fields: str) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "key" in value:
                found.add(value["key"])
            for v in value.values():
                walk(v)

    walk(json.loads(fields) if fields else {})
    return found


def test_english_from_the_keys_is_the_text_kept() -> None:
    for where, problems, exc in _all_outcomes():
        if problems is not None and len(problems):
            keys, fields = problems["problem_key"].tolist(), problems["text_fields"].tolist()
            assert render_column(keys, fields, "en").tolist() == problems["problem"].tolist()
            fixes = render_column(problems["fix_key"].tolist(), fields, "en").tolist()
            assert fixes == problems["fix"].tolist(), where
        elif isinstance(exc, DataValidationError):
            assert [(p.text("en"), p.fix_text("en")) for p in exc.problems] == [
                (p.message, p.fix) for p in exc.problems], where
        elif isinstance(exc, InputLimitError):
            assert exc.text("en") == str(exc), where


# ---------------------------------------------------------------- known answers
def test_known_problems_in_english_and_chinese() -> None:
    problems = read_places(DATA / "partially_bad.csv").problems
    assert problems[["row", "problem", "fix"]].values.tolist() == [
        [3, "The latitude is not a number.", "Write decimal degrees (e.g. 39.992446) or "
         "degrees-minutes-seconds (39°59'32.8\"N)."],
        [7, "The latitude is not a number.", "Write decimal degrees (e.g. 39.992446) or "
         "degrees-minutes-seconds (39°59'32.8\"N)."],
        [9, "The longitude is empty.", "Fill in the coordinate or remove the row."]]
    zh = problems_in(problems, "zh")
    assert zh["problem"].tolist() == ["纬度不是数字。", "纬度不是数字。", "经度为空。"]
    assert zh["fix"].iloc[2] == "请填写坐标，或删除该行。"
    assert zh[["row", "field", "value", "severity"]].equals(
        problems[["row", "field", "value", "severity"]])
    assert problems_in(problems, "en") is problems

    dup = read_places(DATA / "duplicate_ids.csv").problems.iloc[0]
    assert dup["problem"] == "Duplicate id: already used by row 1."
    assert problems_in(dup.to_frame().T, "zh")["problem"].iloc[0] == "id 重复：第 1 行已使用此 id。"
    ragged = problems_in(read_places(DATA / "ragged_rows.csv").problems, "zh")
    assert ragged["problem"].iloc[0].startswith("该行有 5 个值，但表头只有 4 列")


def test_known_whole_file_messages() -> None:
    with pytest.raises(DataValidationError) as info:
        read_places(DATA / "png_named.csv")
    assert str(info.value) == (
        "png_named.csv: 1 problem(s) found\n  - file: This is a PNG image, not a table Origin "
        "Map reads. Fix: Upload the places as CSV, Excel .xlsx, GeoJSON or GeoPackage.")
    (p,) = info.value.problems
    assert p.text("zh") == "这是一张 PNG 图片，不是 Origin Map 能读取的表格。"
    assert p.fix_text("zh") == "请以 CSV、Excel .xlsx、GeoJSON 或 GeoPackage 格式上传地点。"
    with pytest.raises(DataValidationError) as info:
        read_places(DATA / "no_coordinates.csv")
    assert info.value.problems[0].text("zh") == "未找到纬度或经度列（现有列：id, name, address）。"
    with pytest.raises(InputLimitError) as limit:
        read_places(DATA / "sniffer_bomb.csv")
    assert limit.value.text("zh") == ("sniffer_bomb.csv：表头有 10,924 列，超过 1,000 列的上限。"
                                      "请只保留需要的列。")


def test_cli_prints_the_english_of_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "far_points.csv")]) == 0  # the default centre
    out, err = capsys.readouterr()
    assert ("warning: row 2, field 'lat': 1,078 km from the centre: probably misplaced; it is "
            "outside every ring and not counted in them. (value: '31.230400, 121.473700') Fix: "
            "Check the coordinates and the datum.") in out + err


def test_listed_problems_keep_their_value_in_either_language() -> None:
    with pytest.raises(DataValidationError) as info:
        load_places(DATA / "partially_bad.csv")
    first = info.value.problems[0]
    assert first.message == "The latitude is not a number. (value: 'bad')"
    assert first.text("zh") == "纬度不是数字。（值：'bad'）"
    assert first.fix_text("zh").startswith("请填写以度为单位的十进制数")
    assert Problem(1, "lat", "plain text", "fix it").text("zh") == "plain text"  # no key: as is


def test_a_table_of_problem_dicts_renders_too() -> None:
    """The Data page tabulates a refused file's problems with ``Problem.as_dict``."""
    with pytest.raises(DataValidationError) as info:
        read_places(DATA / "header_only.csv")
    frame = pd.DataFrame([p.as_dict() for p in info.value.problems])
    zh = problems_in(frame, "zh")
    assert zh["message"].tolist() == ["文件只有表头，没有数据行。"]
    assert zh["fix"].tolist() == ["请至少添加一个地点。"]


def test_a_key_from_another_version_keeps_its_english() -> None:
    problems = read_places(DATA / "partially_bad.csv").problems
    problems.loc[0, "problem_key"] = "validate.problem.gone"
    zh = problems_in(problems, "zh")
    assert zh["problem"].tolist() == ["The latitude is not a number.", "纬度不是数字。",
                                      "经度为空。"]


def test_every_severity_has_a_label() -> None:
    for severity in ("error", "warning", "info"):
        assert i18n.text(f"validate.severity.{severity}", "zh") != severity


# ---------------------------------------------------------------- the app
def test_data_page_in_chinese_shows_chinese_problems() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": "zh"})
    at.run()
    at.switch_page("pages/data.py").run()
    bad = b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\nb,y,chips,,116.3\n"
    at.file_uploader(key="om_upload").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    at.button(key="om_up_load").click().run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert shown["problem"].tolist() == ["无法识别的 sector 值。", "纬度为空。"]
    assert shown["fix"].iloc[1] == "请填写坐标，或删除该行。"
    assert shown["severity"].tolist() == ["错误", "错误"]
    assert not set(TEXT_COLUMNS) & set(shown.columns)  # the keys are not shown
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)  # a refused file: its one problem, in Chinese
    at.file_uploader(key="om_upload").set_value(("photo.csv", png, "text/csv"))
    at.run()
    at.button(key="om_up_load").click().run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert shown["problem"].tolist() == ["这是一张 PNG 图片，不是 Origin Map 能读取的表格。"]
