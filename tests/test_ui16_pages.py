"""Issue 16, items 7 and 11 (AppTest): year context, empty states, cosmetics."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_pages import app, texts, upload

EMPTY_AREA = ("p:empty~40.006000,116.328000;40.006600,116.328000;40.006600,116.327000;"
              "40.006000,116.327000;40.006000,116.328000")


def test_overview_with_a_year_says_which_year_and_why_places_are_missing():
    at = app({"year": "2006"})
    assert not at.exception
    assert "in 2006" in at.subheader[0].value
    info = texts(at.info)
    assert "places within 1,000 m of Dongsheng Building (Origin Building) have no known" in info
    assert "not compared with 2006" in info
    assert not [d for d in at.dataframe if "coverage" in d.value.columns]  # no 2025 vs 2006


def test_overview_now_compares_with_the_published_figures_key_column_first():
    at = app()
    table = next(d for d in at.dataframe if "coverage" in d.value.columns).value
    assert list(table.columns[:2]) == ["coverage", "figure"]  # the bar's number in view
    share = table.loc[table["figure"] == "AI share of firms"]
    metric = next(m.value for m in at.metric if m.label == "AI share of firms")
    assert share["dataset"].iloc[0] == metric and metric.endswith("%")  # one format: 83%
    assert share["published"].iloc[0] == "74%"


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/density.py"])
def test_an_empty_year_says_so_not_choose_a_sector(page):
    at = app({"year": "1905"})  # before the first start year of the data (Tsinghua, 1911)
    at.switch_page(page).run()
    assert not at.exception
    info = texts(at.info)
    assert "No place with a known start year was there in 1905" in info
    assert "Choose at least one sector" not in info


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/density.py"])
def test_an_empty_area_says_so_not_choose_a_sector(page):
    at = app({"area": EMPTY_AREA})
    at.switch_page(page).run()
    assert not at.exception
    info = texts(at.info)
    assert "No place of the selection lies inside the area “empty”" in info
    assert "Choose at least one sector" not in info


def test_about_shows_colour_swatches():
    at = app()
    at.switch_page("pages/about.py").run()
    colours = at.dataframe[0].value["colour"]
    assert colours.str.startswith("data:image/svg+xml").all()
    assert "%23d62728" in colours.iloc[0]  # large_models' red


def test_sidebar_says_no_datum_conversion_for_wgs84_data():
    at = app()
    caption = texts(at.sidebar.caption)
    assert "places shipped with Origin Map" in caption and "→" not in caption


def test_a_rejected_file_is_not_also_called_picked_but_not_loaded():
    at = app()
    at.switch_page("pages/data.py").run()
    at = upload(at, "bad.csv", b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\n")
    assert "was not loaded" in texts(at.error)
    assert "picked but not loaded yet" not in texts(at.warning) + texts(at.sidebar.warning)


def test_typed_coordinates_count_as_accepted():
    from origin_map.app.geocoding import accepted_rows

    review = pd.DataFrame({"accept": [True, False, False], "lat": [39.99, None, None],
                           "lon": [116.33, None, None]})
    edited = review.copy()
    edited.loc[1, ["lat", "lon"]] = [39.98, 116.32]  # typed, not ticked
    edited.loc[2, "lat"] = 39.97  # half a position: not taken
    assert accepted_rows(review, edited).tolist() == [True, True, False]


def test_about_shows_sector_ids_beside_their_labels():
    import json

    at = app()
    at.switch_page("pages/about.py").run()
    config = json.loads(at.dataframe[0].proto.columns)
    assert "type_config" not in config["sector"] or config["sector"]["type_config"].get(
        "type") != "selectbox"  # the ids, as the data files write them
    assert at.dataframe[0].value["sector"].iloc[0] == "large_models"


def test_a_problem_of_the_whole_file_shows_a_dash_not_none():
    at = app()
    at.switch_page("pages/data.py").run()
    at = upload(at, "junk.csv", b"\x00\x01\x02binary\x00" * 20)
    assert "was not loaded" in texts(at.error)
    problems = at.dataframe[0].value
    assert problems["row"].tolist() == ["–"] * len(problems)
    assert "None" not in {str(v) for v in problems.stack()}


def test_the_map_title_keeps_the_radius_and_its_unit_together():
    at = app()
    at.switch_page("pages/map.py").run()
    assert "1,000\u00a0m of" in at.subheader[0].value
