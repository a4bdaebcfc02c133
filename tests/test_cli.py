import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.geo.geometry import Centre
from origin_map.io.export import to_csv_bytes
from origin_map.measure.stats import density_table
from tests.conftest import DONGSHENG


@pytest.fixture
def places_csv(tmp_path, known_places):
    path = tmp_path / "places.csv"
    known_places.to_csv(path, index=False)
    return path


def run(args, capsysbinary):
    code = main(args)
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_stats_to_file_equals_library_bytes(places_csv, tmp_path, known_places,
                                            capsysbinary):
    out = tmp_path / "density.csv"
    code, _, err = run(["stats", "--data", str(places_csv), "--centre", "39.992446,116.327708",
                        "--rings", "500,2000", "--output", str(out)], capsysbinary)
    assert code == 0, err
    centre = Centre("custom", "自定义中心", "Custom centre", DONGSHENG.lat, DONGSHENG.lon)
    expected = to_csv_bytes(density_table(known_places, centre, [500, 1000, 2000]))
    assert out.read_bytes() == expected
    table = pd.read_csv(out, encoding="utf-8-sig")
    all_rows = table[table["sector"] == "all"]
    assert all_rows["count"].tolist() == [3, 4, 2]
    assert all_rows["ring_outer_m"].tolist() == [500, 1000, 2000]


def test_stats_to_stdout_with_filters(places_csv, capsysbinary):
    code, out, _ = run(["stats", "--data", str(places_csv), "--rings", "", "--sector", "chips",
                        "--kind", "firm"], capsysbinary)
    assert code == 0
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert table["sector"].tolist() == ["chips", "all"]
    assert table["count"].tolist() == [2, 2]


def test_stats_h3(places_csv, capsysbinary):
    code, out, _ = run(["stats", "--data", str(places_csv), "--h3", "9", "--radius-m", "2000"],
                       capsysbinary)
    assert code == 0
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert table["count"].sum() == 9


def test_stats_gcj02_input_is_converted(tmp_path, capsysbinary):
    # GCJ-02 of the centre itself: read as gcj02 it is at 0 m, read as wgs84 ~540 m away
    path = tmp_path / "g.csv"
    path.write_text("id,lat,lon\na,39.99376021503552,116.33385185880293\n")
    _, out, _ = run(["stats", "--data", str(path), "--datum", "gcj02", "--rings", "100"],
                    capsysbinary)
    assert pd.read_csv(io.BytesIO(out), encoding="utf-8-sig").query(
        "sector == 'all' and ring_outer_m == 100")["count"].item() == 1
    _, out, _ = run(["stats", "--data", str(path), "--rings", "100"], capsysbinary)
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert table.query("sector == 'all'")["count"].tolist() == [0, 1]  # 100 m ring, 1000 m ring


def test_validate_reports_every_problem(tmp_path, capsysbinary):
    path = tmp_path / "bad.csv"
    path.write_text("id,sector,lat,lon\na,robots,39.9,116.3\nb,chips,,116.3\n")
    code, out, err = run(["validate", str(path)], capsysbinary)
    text = out.decode()
    assert code == 1
    assert "row 1, field 'sector': Unknown sector" in text
    assert "row 2, field 'lat': The latitude is empty" in text
    assert "Traceback" not in err


def test_validate_ok_one_line(places_csv, capsysbinary):
    code, out, _ = run(["validate", str(places_csv)], capsysbinary)
    assert code == 0
    assert out.decode().strip().count("\n") == 0
    assert "10 places loaded" in out.decode()


def test_stats_invalid_rows_fail_or_are_skipped(tmp_path, capsysbinary):
    path = tmp_path / "bad.csv"
    path.write_text("id,lat,lon\na,39.9925,116.3277\nb,x,116.3\n")
    code, out, err = run(["stats", "--data", str(path)], capsysbinary)
    assert code == 1 and out == b"" and "--skip-invalid" in err
    code, out, err = run(["stats", "--data", str(path), "--skip-invalid"], capsysbinary)
    assert code == 0 and "rows 2" in err


@pytest.mark.parametrize("args,message", [
    (["stats", "--centre", "nowhere"], "Unknown centre"),
    (["stats", "--rings", "500,-1"], "give radii in metres above 0"),
    (["stats", "--radius-m", "nan"], "is not a number"),
    (["stats", "--data", "/no/such/file.csv"], "File not found"),
])
def test_errors_are_messages_not_tracebacks(args, message, capsysbinary, monkeypatch,
                                            tmp_path):
    centres = tmp_path / "centres.csv"
    centres.write_text("id,name_zh,name_en,lat,lon\nd,东升大厦,Dongsheng,39.992446,116.327708\n")
    (tmp_path / "places.csv").write_text("id,lat,lon\na,39.99,116.33\n")
    monkeypatch.setenv("ORIGIN_MAP_GEODATA", str(tmp_path))
    code, _, err = run(args, capsysbinary)
    assert code == 1
    assert message in err and "Traceback" not in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["stats", "--sector", "robots"])
    assert info.value.code == 2


@pytest.mark.slow
def test_console_script_end_to_end(places_csv, tmp_path):
    exe = Path(sys.executable).with_name("origin-map")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    help_text = subprocess.run([exe, "stats", "--help"], capture_output=True, text=True,
                               env=env, check=True).stdout
    for option in ("--data", "--datum", "--centre", "--radius-m", "--rings", "--sector",
                   "--kind", "--output", "density_per_km2"):
        assert option in help_text
    out = tmp_path / "d.csv"
    proc = subprocess.run([exe, "stats", "--data", places_csv, "--rings", "500,2000", "-o", out],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert pd.read_csv(out, encoding="utf-8-sig").query("sector == 'all'")["count"].tolist() \
        == [3, 4, 2]
    bad = subprocess.run([exe, "validate", tmp_path / "missing.csv"], capture_output=True,
                         text=True, env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def _modules_after(code: str) -> set[str]:
    """Run ``code`` in a fresh interpreter; return the top-level packages it imported."""
    script = (f"import sys\n{code}\n"
              "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["stats", "--help"],
                                  ["validate", "--help"]])
def test_help_and_version_do_not_import_pandas(argv):
    loaded = _modules_after("from origin_map.cli import build_parser, main\nbuild_parser()\n"
                            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass")
    assert "origin_map" in loaded
    assert not loaded & {"pandas", "numpy", "pyarrow", "geopandas", "shapely"}


def test_stats_does_not_import_geopandas(places_csv, tmp_path):
    out = tmp_path / "d.csv"
    loaded = _modules_after(f"from origin_map.cli import main\n"
                            f"assert main(['stats', '--data', {str(places_csv)!r}, '-o', "
                            f"{str(out)!r}]) == 0")
    assert "pandas" in loaded and not loaded & {"geopandas", "shapely", "pyproj"}
    assert out.read_bytes().startswith(b"\xef\xbb\xbfcentre_id,")
    loaded = _modules_after(f"from origin_map.cli import main\n"  # the shipped data
                            f"assert main(['stats', '-o', {str(out)!r}]) == 0")
    # the shipped data holds the peer hubs (Shanghai, Shenzhen): their distances, over 50 km, are
    # exact geodesics from pyproj.Geod; geopandas and shapely are still not needed
    assert not loaded & {"geopandas", "shapely"}


def test_limits_are_importable_from_the_readers_too():
    from origin_map import limits
    from origin_map.io import readers

    for name in ("MAX_UPLOAD_MB", "MAX_BYTES_DEFAULT", "MAX_ROWS", "MAX_COLUMNS"):
        assert getattr(readers, name) == getattr(limits, name)
    assert limits.MAX_BYTES_DEFAULT == limits.MAX_UPLOAD_MB * 1024 * 1024
