"""Saved datasets in the app (AppTest): an upload is saved, ``?data=ID`` reopens it with its
review, the Data page offers the link and deletion, a broken link says so and falls back."""

from __future__ import annotations

import pandas as pd
import pytest

from origin_map.store.datasets import open_store
from origin_map.store.ids import ID_PATTERN
from origin_map.store.model import Provenance
from origin_map.store.rows import Decision
from tests.test_pages import app, texts, upload

FIRMS = (b"id,name,sector,kind,lat,lon\n"
         b"a,<b>Alpha</b>,large_models,firm,39.9927,116.3252\n"
         b"b,Beta,chips,firm,39.9900,116.3300\n"
         b"c,Gamma,research,university,39.9950,116.3200\n")


@pytest.fixture(autouse=True)
def store_dir(monkeypatch, tmp_path):
    """Each test's own store (the app opens it once per process: it is forgotten)."""
    from origin_map.app import saved

    monkeypatch.setenv("ORIGIN_MAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ORIGIN_MAP_STORE", raising=False)
    saved.reset_store()
    yield tmp_path
    saved.reset_store()


def n_places(at) -> int:
    at.switch_page("pages/overview.py").run()
    return int(at.metric[0].value)


def test_an_upload_is_saved_and_its_link_reopens_it(store_dir):
    at = app({"r": "5000"})
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", FIRMS)
    assert not at.exception
    dataset_id = at.query_params["data"]
    assert ID_PATTERN.fullmatch(dataset_id)
    link = next(c.value for c in at.code if "data=" in c.value)
    assert f"data={dataset_id}" in link and "r=5000" in link
    assert "Copy link to this dataset" in " ".join(c.value for c in at.caption)
    info = open_store(None, data_dir=store_dir).info(dataset_id)
    assert (info.name, info.n_rows, info.provenance) == ("firms.csv", 3,
                                                         Provenance("firms.csv", "csv", "wgs84"))
    again = app(dict(at.query_params))  # a refresh, or a colleague with the link
    assert not again.exception
    assert "firms.csv" in texts(again.sidebar.caption)
    assert again.text_input(key="om_radius").value == "5000"
    assert n_places(again) == 3
    assert again.query_params["data"] == dataset_id  # the link stays on every page


def test_a_link_opens_the_dataset_with_its_review(store_dir, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_bytes(FIRMS)
    from origin_map.places.datasets import load_places

    store = open_store(None, data_dir=store_dir)
    dataset_id = store.save(load_places(path), Provenance("firms.csv", "csv"))
    store.decide(dataset_id, Decision(1, "drop"))
    at = app({"data": dataset_id, "r": "5000"})
    assert not at.exception
    assert n_places(at) == 2
    at.switch_page("pages/data.py").run()
    names = at.dataframe[0].value["name_en"].tolist()
    assert sorted(names) == ["<b>Alpha</b>", "Gamma"]  # data, shown as text


@pytest.mark.parametrize(("query", "words"), [
    ({"data": "'; DROP TABLE datasets; --"}, "is not a dataset id"),
    ({"data": "0123456789abAAAAAAAAAAAAAAAAAAAAAA"}, "There is no dataset"),
    ({"data": "bad id", "lang": "zh"}, "不是数据集编号"),
])
def test_a_broken_link_says_so_and_shows_the_shipped_data(query, words):
    at = app(query)
    assert not at.exception
    warning = texts(at.sidebar.warning)
    assert words in warning
    assert ("Showing the shipped data" in warning) or ("现改为显示内置数据" in warning)
    assert "data" not in at.query_params  # the broken id is not carried on
    assert n_places(at) == n_places(app())


def test_delete_this_dataset(store_dir):
    at = app()
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", FIRMS)
    dataset_id = at.query_params["data"]
    at.button(key="om_store_delete").click().run()
    assert not at.exception
    assert f"Dataset {dataset_id} was deleted" in texts(at.info)
    assert "data" not in at.query_params
    assert "the places shipped with Origin Map" in texts(at.sidebar.caption)  # the shipped data
    again = app({"data": dataset_id})
    assert "There is no dataset" in texts(again.sidebar.warning)


def test_an_unavailable_store_keeps_the_upload_and_says_it_is_not_saved(monkeypatch):
    monkeypatch.setenv("ORIGIN_MAP_STORE", "postgresql://om@127.0.0.1:1/none?connect_timeout=2")
    at = app()
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", FIRMS)
    assert not at.exception
    assert "3 places loaded" in texts(at.success)
    assert "could not be saved, so a refresh will lose it" in texts(at.sidebar.warning)
    assert "data" not in at.query_params
    assert not [c for c in at.code if "data=" in c.value]


def test_saved_rows_are_the_uploaded_places(store_dir):
    at = app()
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", FIRMS)
    opened = open_store(None, data_dir=store_dir).open(at.query_params["data"])
    session = at.session_state["om_dataset"].places
    pd.testing.assert_frame_equal(opened.places(), session)


def geocoded_review(monkeypatch) -> tuple[object, dict[tuple[int, str], object]]:
    """Upload firms with addresses on the Data page and geocode them (a review starts).

    Returns the AppTest and ``edits``: ``{(row, column): value}`` put into the review table on
    every later run, as the reviewer's clicks and typing would.
    """
    import streamlit as st

    from tests.test_pages import FIRMS_WITH_ADDRESSES

    edits: dict[tuple[int, str], object] = {}
    real = st.data_editor

    def reviewer(data, **kwargs):  # the reviewer's clicks and typing in the review table
        out = real(data, **kwargs)
        for (row, col), value in edits.items():
            out.iloc[row, out.columns.get_loc(col)] = value
        return out

    monkeypatch.setattr(st, "data_editor", reviewer)
    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="om_upload").set_value(("firms.csv", FIRMS_WITH_ADDRESSES, "text/csv"))
    at.run()
    at.button(key="om_geo_run").click().run()
    return at, edits


@pytest.mark.slow  # a whole review; reopening one from its link: test_a_link_opens_...
def test_a_geocoding_review_is_saved_as_it_happens_and_a_refresh_returns_to_it(monkeypatch,
                                                                               store_dir):
    import pyarrow as pa

    at, edits = geocoded_review(monkeypatch)
    review_id = at.query_params["review"]
    store = open_store(None, data_dir=store_dir)
    assert store.info(review_id).provenance == Provenance("firms.csv", "csv", "wgs84",
                                                          "geocode", "gazetteer")
    edits[(0, "accept")] = False  # drop 甲
    at.run()
    edits.update({(1, "lat"): 39.99, (1, "lon"): 116.33, (1, "accept"): True})  # place 乙
    at.run()
    assert not at.exception
    log = store.open(review_id).decisions
    assert log[["row", "action"]].values.tolist() == [[0, "drop"], [1, "accept"],
                                                      [1, "position"]]
    edits.clear()  # a refresh: a new session, nothing but the link
    again = app(dict(at.query_params))
    again.switch_page("pages/data.py").run()
    assert not again.exception
    editor = (again.get("arrow_data_editor") or again.get("data_editor"))[0]
    shown = pa.ipc.open_stream(editor.proto.arrow_data.data).read_all().to_pandas()
    assert shown["accept"].tolist() == [False, True]
    assert (shown["lat"].iloc[1], shown["lon"].iloc[1]) == (39.99, 116.33)
    again.button(key="om_geo_load").click().run()
    assert not again.exception
    assert "review" not in again.query_params
    loaded = store.open(again.query_params["data"])
    places = loaded.places(geometry=False)
    assert places["name_zh"].tolist() == ["乙"]
    assert (places["lat"].iloc[0], places["lon"].iloc[0]) == (39.99, 116.33)
    assert loaded.info.provenance.geocoder == "geocode"


def test_the_density_command_of_a_saved_dataset_writes_the_same_table(store_dir, capsysbinary):
    import shlex

    from origin_map import cli
    from origin_map.io.export import to_csv_bytes

    at = app({"r": "5000", "rings": ""})
    at.switch_page("pages/data.py").run()
    upload(at, "firms.csv", FIRMS)
    at.switch_page("pages/density.py").run()
    command = next(c.value for c in at.code if c.value.startswith("origin-map stats"))
    assert f"--dataset {at.query_params['data']}" in command and "--data " not in command
    table = at.dataframe[0].value
    capsysbinary.readouterr()
    assert cli.main([*shlex.split(command)[1:], "--data-dir", str(store_dir)]) == 0
    assert capsysbinary.readouterr().out == to_csv_bytes(table)


def test_a_resumed_review_can_be_closed(store_dir):
    from tests.test_pages import FIRMS_WITH_ADDRESSES

    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="om_upload").set_value(("firms.csv", FIRMS_WITH_ADDRESSES, "text/csv"))
    at.run()
    at.button(key="om_geo_run").click().run()
    again = app(dict(at.query_params))
    again.switch_page("pages/data.py").run()
    assert "Geocode addresses" in [s.value for s in again.subheader]
    again.button(key="om_geo_close").click().run()
    assert not again.exception
    assert "Geocode addresses" not in [s.value for s in again.subheader]
    assert "review" not in again.query_params
    assert again.button(key="om_up_load")  # the upload form is back
