"""The lean path of ``origin-map stats`` (large clean CSV, pyarrow) agrees with the normal path.

The same density table byte for byte on clean files (labels, Chinese text, CRLF, years, datums,
filters), and for files with bad rows the same errors, because the lean path hands any file it
cannot vouch for to the normal path. The size threshold is lowered so that small files take it.
"""

from __future__ import annotations

import numpy as np
import pytest

from origin_map.cli import _lean, _leanstats, _measure, main

HEADER = "id,name,kind,sector,status,position_quality,lat,lon,since,until,note"
KINDS = ["firm", "Firm", "企业", "university", "Research institute", "incubator", ""]
SECTORS = ["large_models", "Large models", "大模型", "chips", "ai_applications", "", "research"]
STATUSES = ["current", "current", "historic", ""]
QUALITIES = ["surveyed", "poi", "Estimated", ""]


def _good_rows(n: int, seed: int = 7, shuffled: bool = True) -> list[str]:
    rng = np.random.default_rng(seed)
    ids = [f"p{i:06d}" for i in range(n)]
    if shuffled:
        rng.shuffle(ids)
    lat = 39.992446 + rng.normal(0, 0.015, n)
    lon = 116.327708 + rng.normal(0, 0.02, n)
    rows = []
    for i in range(n):
        since = "" if i % 3 else str(2005 + i % 15)
        until = str(2024) if i % 7 == 0 and since else ""
        status = "historic" if until else STATUSES[i % 4]
        name = f'"Place {i}, Haidian"' if i % 5 == 0 else (f"地点{i}" if i % 2 else f"Place {i}")
        rows.append(",".join([ids[i], name, KINDS[i % 7], SECTORS[i % 7], status,
                              QUALITIES[i % 4], f"{lat[i]:.{7 + i % 3}f}", f"{lon[i]:.7f}",
                              since, until, "x" if i % 2 else ""]))
    return rows


def _write(path, rows, *, header=HEADER, crlf=False):
    end = "\r\n" if crlf else "\n"
    path.write_bytes((end.join([header, *rows]) + end).encode("utf-8"))
    return path


@pytest.fixture
def lean_on(monkeypatch):
    """Lower the size threshold; record what the lean path answered."""
    monkeypatch.setattr(_lean, "LEAN_MIN_BYTES", 0)
    answers: list[bool] = []
    real = _leanstats.lean_stats

    def spy(args):
        code = real(args)
        answers.append(code is not None)
        return code

    monkeypatch.setattr(_measure, "lean_stats", spy)
    return answers


def _run(argv, capsysbinary):
    code = main(argv)
    out = capsysbinary.readouterr()
    return code, out.out, out.err


def _both(argv, capsysbinary, monkeypatch, lean_on):
    """Run ``stats`` with the lean path, then with the normal path only; return both."""
    lean = _run(argv, capsysbinary)
    with monkeypatch.context() as m:
        m.setattr(_measure, "lean_stats", lambda args: None)
        normal = _run(argv, capsysbinary)
    return lean, normal


OPTIONS = [[], ["--include-historic"], ["--year", "2015"], ["--kind", "firm"],
           ["--sector", "large_models", "--sector", "chips"], ["--quality", "surveyed"],
           ["--rings", "300,700,1500,3000"], ["--datum", "gcj02"], ["--centre", "39.99,116.32"]]
QUICK = ([], ["--year", "2015"], ["--kind", "firm"])


@pytest.mark.parametrize("opts", [o if o in QUICK else pytest.param(o, marks=pytest.mark.slow)
                                  for o in OPTIONS])
@pytest.mark.parametrize("crlf", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_clean_file_same_table_byte_for_byte(tmp_path, capsysbinary, monkeypatch, lean_on,
                                             opts, crlf) -> None:
    csv = _write(tmp_path / "places.csv", _good_rows(3000), crlf=crlf)
    lean, normal = _both(["stats", "--data", str(csv), *opts], capsysbinary, monkeypatch,
                         lean_on)
    assert lean_on == [True]  # the lean path answered
    assert lean == normal and lean[0] == 0
    assert lean[1].count(b"\n") > 5  # a real table


def test_sorted_ids_and_missing_columns(tmp_path, capsysbinary, monkeypatch, lean_on) -> None:
    rows = [",".join(r.split(",")[i] for i in (0, 6, 7)) for r in _good_rows(2000)
            if '"' not in r]
    csv = _write(tmp_path / "ll.csv", sorted(rows), header="id,latitude,经度")
    lean, normal = _both(["stats", "--data", str(csv)], capsysbinary, monkeypatch, lean_on)
    assert lean_on == [True] and lean == normal and lean[0] == 0


BAD = {
    "duplicate id": lambda r: r.replace(r.split(",")[0], "p000001", 1),
    "unknown sector": lambda r: r.replace(",Large models,", ",spaceships,"),
    "empty latitude": lambda r: _field(r, 6, ""),
    "latitude NA": lambda r: _field(r, 6, "NA"),
    "latitude as text": lambda r: _field(r, 6, "north"),
    "latitude out of range": lambda r: _field(r, 6, "139.99"),
    "lat and lon swapped": lambda r: _field(_field(r, 6, "116.3"), 7, "39.9"),
    "not a year": lambda r: _field(r, 8, "soon"),
    "since after until": lambda r: _field(_field(r, 8, "2020"), 9, "2010"),
    "record too long": lambda r: r + ",extra,values",
    "record too short": lambda r: ",".join(r.split(",")[:5]),
    "padded sector": lambda r: r.replace(",Large models,", ", Large models ,"),
    "padded id": lambda r: " " + r,
    "DMS latitude": lambda r: _field(r, 6, "39°59'32.8\"N"),
    "decimal comma": lambda r: _field(r, 6, '"39,99"'),
}


UNUSUAL = ("padded sector", "padded id", "DMS latitude", "decimal comma")
"""Valid values that the normal path reads (strips, parses) and the lean path leaves to it."""


def _field(row: str, i: int, value: str) -> str:
    parts = row.split(",")
    parts[i] = value
    return ",".join(parts)


def _with_bad(kind: str, n: int = 1500) -> list[str]:
    rows = [r for r in _good_rows(n, shuffled=False) if '"' not in r]
    for k in (1, len(rows) // 2):  # rows whose sector is the label 'Large models'
        j = next(i for i in range(k, len(rows)) if ",Large models," in rows[i])
        rows[j] = BAD[kind](rows[j])
    return rows


@pytest.mark.parametrize("kind", [k if k in ("duplicate id", "unknown sector", "record too long",
                                              "padded sector") else
                                  pytest.param(k, marks=pytest.mark.slow) for k in BAD])
def test_bad_rows_same_errors_and_same_table(kind, tmp_path, capsysbinary, monkeypatch,
                                             lean_on) -> None:
    csv = _write(tmp_path / "bad.csv", _with_bad(kind))
    for extra in ([], ["--skip-invalid"]):
        lean_on.clear()
        lean, normal = _both(["stats", "--data", str(csv), *extra], capsysbinary, monkeypatch,
                             lean_on)
        assert lean == normal
        if kind in UNUSUAL:
            assert lean[0] == 0
        else:
            assert lean[2].count(b"error: row") >= 1 or b"left out" in lean[2], lean[2]
    assert lean_on == [False]  # the lean path declined; the normal path spoke


@pytest.mark.parametrize("case", ["bom", "semicolon", "duplicate header", "gbk", "small",
                                  "blank line", "CR line ends"])
def test_files_the_lean_path_leaves_to_the_normal_one(case, tmp_path, monkeypatch) -> None:
    rows = [r for r in _good_rows(500) if '"' not in r]
    path = tmp_path / "f.csv"
    data = "\n".join([HEADER, *rows]) + "\n"
    if case == "semicolon":
        data = data.replace(",", ";")
    if case == "duplicate header":
        data = data.replace("note", "Name", 1)
    if case == "blank line":
        data = data.replace("\n", "\n\n", 100).replace("\n\n", "\n", 99)
    if case == "CR line ends":
        data = data.replace("\n", "\r")
    raw = data.encode("gbk" if case == "gbk" else "utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + raw if case == "bom" else raw)
    if case != "small":
        monkeypatch.setattr(_lean, "LEAN_MIN_BYTES", 0)
    from origin_map.cli import build_parser

    args = build_parser().parse_args(["stats", "--data", str(path)])
    args.datum = "wgs84"
    assert _lean.lean_columns(args) is None


@pytest.mark.parametrize("opts", [["--search", "Place"], ["--h3", "9"], ["--by-outline"],
                                  ["--unknown-values", "default"]])
def test_other_commands_take_the_normal_path(opts, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(_lean, "LEAN_MIN_BYTES", 0)
    csv = _write(tmp_path / "places.csv", _good_rows(200))
    from origin_map.cli import build_parser

    args = build_parser().parse_args(["stats", "--data", str(csv), *opts])
    args.datum = "wgs84"
    assert _lean.lean_columns(args) is None
    args = build_parser().parse_args(["stats", "--data", str(csv)])
    args.datum = "wgs84"
    assert _lean.lean_columns(args) is not None


def test_too_many_rows_same_error(tmp_path, capsysbinary, monkeypatch, lean_on) -> None:
    from origin_map import limits

    monkeypatch.setattr(limits, "MAX_ROWS", 999)
    csv = _write(tmp_path / "big.csv", _good_rows(1000))
    lean, normal = _both(["stats", "--data", str(csv)], capsysbinary, monkeypatch, lean_on)
    assert lean_on == [False] and lean == normal and lean[0] == 1
    assert b"999" in lean[2]


def test_without_pyarrow_the_normal_path_reads(tmp_path, monkeypatch) -> None:
    import sys

    monkeypatch.setattr(_lean, "LEAN_MIN_BYTES", 0)
    monkeypatch.setitem(sys.modules, "pyarrow.csv", None)  # import pyarrow.csv fails
    csv = _write(tmp_path / "places.csv", _good_rows(200))
    from origin_map.cli import build_parser

    args = build_parser().parse_args(["stats", "--data", str(csv)])
    args.datum = "wgs84"
    assert _lean.lean_columns(args) is None


def _without_years(rows: list[str]) -> list[str]:
    return [",".join(p for i, p in enumerate(r.split(",")) if i not in (8, 9)) for r in rows]


HEADER_NO_YEARS = "id,name,kind,sector,status,position_quality,lat,lon,note"
NO_YEARS = [[], ["--include-historic"], ["--kind", "firm", "--quality", "surveyed"],
            ["--sector", "chips", "--sector", "embodied_ai"],  # one sector absent: listed, 0
            ["--rings", "250.5,1000,1999.25"], ["--datum", "bd09", "--centre", "wudaokou-station"],
            ["--kind", "university", "--sector", "ai_infrastructure"]]  # nothing passes


@pytest.mark.parametrize("opts", NO_YEARS)
@pytest.mark.parametrize("ids", ["shuffled", "some empty"])
def test_without_years_counted_without_pandas_same_bytes(tmp_path, capsysbinary, monkeypatch,
                                                         lean_on, opts, ids) -> None:
    """No since/until: the rows are counted and written without pandas, the same bytes."""
    rows = _without_years([r for r in _good_rows(3000) if '"' not in r])
    if ids == "some empty":  # empty ids are not repeats
        rows = [r[r.index(","):] if i % 9 == 0 else r for i, r in enumerate(rows)]
    csv = _write(tmp_path / "places.csv", rows, header=HEADER_NO_YEARS)
    frames: list[bool] = []
    monkeypatch.setattr(_leanstats, "_frame_table", lambda *a: frames.append(True))
    lean, normal = _both(["stats", "--data", str(csv), *opts], capsysbinary, monkeypatch,
                         lean_on)
    assert lean_on == [True] and frames == []  # the lean path answered, without a frame
    assert lean == normal and lean[0] == 0


RULE_NAMES = ["某某人工智能科技有限公司", "Zhipu AI", "北京芯片设计有限公司",
              "某某餐饮管理有限公司", "Beijing Robotics Ltd", "Shanghai Trading", "RealAI",
              "普通公司", ""]


@pytest.mark.parametrize("layout", ["no sector column", "blank and unknown sectors",
                                    "name_zh and name_en"])
def test_sector_by_rule_same_table_and_note(tmp_path, capsysbinary, monkeypatch, lean_on,
                                            layout) -> None:
    """Rows without a sector get the keyword rule's sector (and the note) on both paths."""
    rng = np.random.default_rng(3)
    n = 2000
    lat = 39.992446 + rng.normal(0, 0.01, n)
    lon = 116.327708 + rng.normal(0, 0.01, n)
    names = [RULE_NAMES[i % len(RULE_NAMES)] for i in range(n)]
    if layout == "no sector column":
        header = "id,name,kind,lat,lon"
        rows = [f"p{i:05d},{names[i]},firm,{lat[i]:.7f},{lon[i]:.7f}" for i in range(n)]
    elif layout == "blank and unknown sectors":
        header = "id,name,sector,lat,lon"
        sectors = ["", "unknown", "chips", "Unknown", "large_models"]
        rows = [f"p{i:05d},{names[i]},{sectors[i % 5]},{lat[i]:.7f},{lon[i]:.7f}"
                for i in range(n)]
    else:
        header = "id,name_zh,name_en,sector,lat,lon"
        other = RULE_NAMES[::-1]
        rows = [f"p{i:05d},{names[i]},{other[i % len(other)]},,{lat[i]:.7f},{lon[i]:.7f}"
                for i in range(n)]
    csv = _write(tmp_path / "rules.csv", rows, header=header)
    lean, normal = _both(["stats", "--data", str(csv)], capsysbinary, monkeypatch, lean_on)
    assert lean_on == [True] and lean == normal and lean[0] == 0
    assert b"got a sector by keyword rule" in lean[2]
    assert b"chips" in lean[1] and b"ai_applications" in lean[1]


@pytest.mark.parametrize("header", ["id,name,scope,lat,lon", "统一社会信用代码,name,lat,lon",
                                    "id,name,datum,lat,lon"])
def test_registry_and_datum_columns_take_the_normal_path(tmp_path, monkeypatch, header) -> None:
    """Columns whose values the normal path reads into other columns: the lean path declines."""
    monkeypatch.setattr(_lean, "LEAN_MIN_BYTES", 0)
    extra = {"scope": "软件开发", "datum": "wgs84"}
    rows = []
    for i, r in enumerate(_without_years([r for r in _good_rows(300) if '"' not in r])):
        p = r.split(",")
        middle = [extra[h] for h in header.split(",")[2:-2] if h in extra]
        rows.append(",".join([f"9111{i:014d}", p[1], *middle, p[6], p[7]]))
    csv = _write(tmp_path / "reg.csv", rows, header=header)
    from origin_map.cli import build_parser

    args = build_parser().parse_args(["stats", "--data", str(csv)])
    args.datum = "wgs84"
    assert _lean.lean_columns(args) is None


def test_lean_stats_imports_no_pandas(tmp_path) -> None:
    """The whole command, in a fresh interpreter: pandas is never imported for a plain file."""
    import subprocess
    import sys

    rows = _without_years([r for r in _good_rows(2000) if '"' not in r])
    csv = _write(tmp_path / "places.csv", rows, header=HEADER_NO_YEARS)
    code = ("import sys\nfrom origin_map.cli import _lean, main\n_lean.LEAN_MIN_BYTES = 0\n"
            f"rc = main(['stats', '--data', {str(csv)!r}, '-o', {str(tmp_path / 'o.csv')!r}])\n"
            "heavy = [m for m in ('pandas', 'geopandas', 'shapely', 'pyproj', 'streamlit')"
            " if m in sys.modules]\nprint(rc, heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split("\n")[0] == "0 []", out.stdout + out.stderr
    assert (tmp_path / "o.csv").read_bytes().startswith(b"\xef\xbb\xbfcentre_id,")
