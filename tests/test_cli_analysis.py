"""`origin-map compare` and `origin-map cluster`: counts equal independent geodesic counts."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from origin_map.cli import main
from origin_map.geo.geometry import Centre
from origin_map.io.export import to_csv_bytes
from origin_map.measure.cluster import cluster_table
from origin_map.measure.compare import HUB_COLUMNS
from origin_map.places.datasets import read_places
from tests.conftest import DONGSHENG, places_at
from tests.test_cluster import places_from_xy, thomas
from tests.test_compare import LONGYAO, hub_line

GEOD = Geod(ellps="WGS84")


def run(args, capsysbinary):
    code = main(args)
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def geodesic_within(places: pd.DataFrame, centre: Centre, radius_m: float) -> int:
    n = len(places)
    _, _, dist = GEOD.inv(np.full(n, centre.lon), np.full(n, centre.lat),
                          places["lon"].to_numpy(), places["lat"].to_numpy())
    return int((dist <= radius_m).sum())


@pytest.fixture
def geodata(tmp_path, monkeypatch):
    """A geodata folder with two hub centres, places around both, and hubs.csv."""
    bj = places_at([("b1", 120, 0, "large_models", "firm"), ("b2", 480, 90, "chips", "firm"),
                    ("b3", 999, 180, "research", "university"),
                    ("b4", 1001, 270, "chips", "firm"), ("b5", 1800, 45, "platforms", "firm")])
    sh = places_at([("s1", 30, 0, "ai_applications", "firm"), ("s2", 700, 60, "chips", "firm"),
                    ("s3", 1500, 10, "ai_research", "institute")], centre=LONGYAO)
    places = pd.concat([bj, sh], ignore_index=True)
    places.to_csv(tmp_path / "places.csv", index=False)
    (tmp_path / "centres.csv").write_text(
        "id,name_zh,name_en,lat,lon\n"
        f"{DONGSHENG.id},东升大厦,Dongsheng,{DONGSHENG.lat},{DONGSHENG.lon}\n"
        f"{LONGYAO.id},龙耀路站,Longyao Rd,{LONGYAO.lat},{LONGYAO.lon}\n", encoding="utf-8")
    (tmp_path / "hubs.csv").write_text("\n".join([
        ",".join(HUB_COLUMNS),
        hub_line("beijing", DONGSHENG.id, firms="20", inst="2"),
        hub_line("shanghai", LONGYAO.id, radius="2000", firms="2"),
        hub_line("shenzhen", "missing-centre", firms="9"),
    ]) + "\n", encoding="utf-8")
    monkeypatch.setenv("ORIGIN_MAP_GEODATA", str(tmp_path))
    return places


def test_compare_counts_equal_independent_geodesic_counts(geodata, tmp_path, capsysbinary):
    out, fig = tmp_path / "density.csv", tmp_path / "figures.csv"
    code, _, err = run(["compare", "--rings", "500,2000", "-o", str(out), "--figures", str(fig)],
                       capsysbinary)
    assert code == 0, err
    assert "hub shenzhen: centre missing-centre not in centres.csv" in err
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["centre_id"].unique().tolist() == [DONGSHENG.id, LONGYAO.id]
    for centre in (DONGSHENG, LONGYAO):
        alls = table[(table["centre_id"] == centre.id) & (table["sector"] == "all")]
        assert alls["ring_outer_m"].tolist() == [500, 1000, 2000]
        expected = [geodesic_within(geodata, centre, r) for r in (500, 1000, 2000)]
        assert alls["cumulative_count"].tolist() == expected
    figures = pd.read_csv(fig, encoding="utf-8-sig").set_index("hub_id")
    assert figures.loc["beijing", "dataset_firms"] == geodesic_within(
        geodata[geodata["kind"] == "firm"], DONGSHENG, 1000)
    assert figures.loc["shanghai", "dataset_firms"] == geodesic_within(
        geodata[geodata["kind"] == "firm"], LONGYAO, 2000) == 2
    assert figures["coverage_status"].tolist() == ["thin", "comparable", "no_centre"]


def test_compare_chosen_centres_composition_in_chinese(geodata, tmp_path, capsysbinary):
    comp, fig = tmp_path / "comp.csv", tmp_path / "fig.csv"
    code, out, err = run(["compare", "--centres", LONGYAO.id, "--composition", str(comp),
                          "--figures", str(fig), "--lang", "zh"], capsysbinary)
    assert code == 0, err
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert set(table["centre_id"]) == {LONGYAO.id}
    sectors = pd.read_csv(comp, encoding="utf-8-sig")
    assert sectors.set_index("sector")["count"].to_dict() == {"chips": 1, "ai_applications": 1}
    assert "AI芯片与半导体" in set(sectors["label"])
    assert pd.read_csv(fig, encoding="utf-8-sig")["hub_id"].tolist() == ["shanghai"]


def test_compare_bad_hubs_file_is_a_message(geodata, tmp_path, capsysbinary):
    bad = tmp_path / "bad-hubs.csv"
    bad.write_text(",".join(HUB_COLUMNS) + "\n" + hub_line("x", "y", share="74") + "\n",
                   encoding="utf-8")
    code, _, err = run(["compare", "--hubs", str(bad)], capsysbinary)
    assert code == 1 and "row 1, field 'published_ai_share'" in err and "Traceback" not in err


@pytest.fixture
def clustered_csv(tmp_path):
    places = places_from_xy(np.concatenate([thomas(seed=3), [[0, 1400], [900, 900]]]))
    path = tmp_path / "clustered.csv"
    places.to_csv(path, index=False)
    return path, places


def test_cluster_cli_equals_library_and_geodesic_count(clustered_csv, tmp_path, capsysbinary):
    path, places = clustered_csv
    out, curves = tmp_path / "cluster.csv", tmp_path / "curves.csv"
    code, _, err = run(["cluster", "--data", str(path), "--centre", DONGSHENG.id, "--seed", "4",
                        "-o", str(out), "--curves", str(curves)], capsysbinary)
    assert code == 0, err
    table = pd.read_csv(out, encoding="utf-8-sig").set_index("statistic")["value"]
    assert int(table["n_before_merge"]) == geodesic_within(places, DONGSHENG, 1000)
    assert table["merged"] == "true" and float(table["nni"]) < 0.6
    loaded = read_places(path, geometry=False).places
    expected = to_csv_bytes(cluster_table(loaded, DONGSHENG, seed=4))
    assert out.read_bytes() == expected
    assert len(pd.read_csv(curves, encoding="utf-8-sig")) == 20


def test_cluster_cli_options(clustered_csv, capsysbinary):
    path, places = clustered_csv
    code, out, err = run(["cluster", "--data", str(path), "--no-merge", "--radius-m", "1500",
                          "--distances", "100,200", "--edge-correction", "isotropic"],
                         capsysbinary)
    assert code == 0, err
    table = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig").set_index("statistic")["value"]
    assert table["merged"] == "false"
    assert int(table["n"]) == geodesic_within(places, DONGSHENG, 1500)
    assert table["edge_correction"] == "isotropic"
    assert [s for s in table.index if s.startswith("L_minus_d")] == ["L_minus_d_100m",
                                                                    "L_minus_d_200m"]


@pytest.mark.parametrize("args,message", [
    (["cluster", "--radius-m", "60"], "clustering statistics need at least 3"),
    (["cluster", "--n-sim", "20"], "at least 99"),
    (["cluster", "--distances", "100,abc"], "'abc' is not a number"),
    (["cluster", "--centre", "nowhere"], "Unknown centre"),
    (["compare", "--centres", "nowhere"], "Unknown centre"),
])
def test_cli_errors_are_messages(geodata, args, message, capsysbinary):
    code, _, err = run(args, capsysbinary)
    assert code == 1
    assert message in err and "Traceback" not in err


def test_help_lists_the_options(capsys):
    for command, options in (("compare", ["--centres", "--rings", "--figures", "--hubs"]),
                             ("cluster", ["--centre", "--radius-m", "--n-sim", "--seed",
                                          "--no-merge", "--curves", "nni_p"])):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert all(o in text for o in options)
