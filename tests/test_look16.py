"""Issue 16: what the remaining screenshots of docs/screens.md showed cut off (helper look16).

A data grid sizes a column of vocabulary ids shown by their labels (``public`` shown as "Public
places & transport") by the ids, so the labels were cut at every width; the legend below
Compare's sector bars starts after the hub names and ran off the chart's right edge at 768 px.
The widths a text takes are the ones measured on the screenshots: about 5.7 px a Latin
character and 14 px a CJK one, plus the symbol or padding.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from origin_map.places import vocab
from tests.test_pages import app, unescape

LATIN_PX, CJK_PX = 5.7, 14.0  # measured on the 768 px screenshots (legend and grid alike)


def _shown_px(label: str) -> float:
    return sum(CJK_PX if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else LATIN_PX
               for ch in label)


@pytest.mark.parametrize(("lang", "page", "column"), [
    ("en", "pages/density.py", "sector"), ("zh", "pages/data.py", "sector"),
    ("en", "pages/data.py", "kind"), ("zh", "pages/density.py", "sector")])
def test_a_column_of_labels_is_as_wide_as_its_longest_label(lang, page, column):
    at = app({"lang": lang})
    at.switch_page(page).run()
    assert not at.exception
    grid = next(d for d in at.dataframe if column in d.value.columns)
    config = json.loads(grid.proto.columns)[column]
    ids = set(grid.value[column].astype(str))
    label = {"sector": vocab.sector_label, "kind": vocab.kind_label}[column]
    longest = max(ids, key=lambda v: _shown_px(label(v, lang)))
    # "Public places & transport" 25 × 5.7 + 16 px of padding; "公共设施与交通" 7 × 14 + 16
    assert config.get("width", 0) >= _shown_px(label(longest, lang)) + 16, (longest, config)
    assert config.get("width", 0) <= 320  # a long label does not take the whole phone


def _columns_at(expr: str, container: int) -> int:
    """Evaluate a legend's ``columns`` expression (Vega) for a container of that width."""
    py = expr.replace("containerSize()[0]", str(container))
    py = re.sub(r"\((\d+) < (\d+) \? (\d+) : (\d+)\)", r"(\3 if \1 < \2 else \4)", py)
    return int(eval(py, {"max": max, "min": min, "floor": math.floor}))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_legend_columns_fit_beside_the_hub_names(lang):
    at = app({"lang": lang})
    at.switch_page("pages/compare.py").run()
    spec = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart"))
    legend = spec["encoding"]["color"]["legend"]
    labels = spec["encoding"]["color"]["scale"]["domain"]
    column_px = max(_shown_px(s) for s in labels) + 30  # symbol, gap and column padding
    for container in (358, 736, 980, 1300):  # phone, tablet, desktop with and without sidebar
        hub_names = 130 if container < 600 else 320
        room = container - hub_names - 25  # the legend starts under the plot, after the names
        columns = _columns_at(legend["columns"]["expr"], container)
        assert columns >= 1
        assert columns == 1 or columns * column_px <= room, (container, columns, column_px)
    assert _columns_at(legend["columns"]["expr"], 1300) >= 3  # a desktop still uses its width


def _history_counts(**kwargs) -> tuple[int, int]:
    """(no start year, all) of the places the history chart takes: its own count, in code."""
    from origin_map.measure.history import history_table
    from origin_map.measure.stats import PlaceFilter
    from origin_map.places.centres import resolve_centre
    from origin_map.places.datasets import shipped_places

    centre = resolve_centre("dongsheng-building")
    hist = history_table(shipped_places(), centre, 1000, place_filter=PlaceFilter(year=2006),
                         **kwargs)
    return hist.attrs["no_start_year"], hist.attrs["no_start_year"] + hist.attrs["counted"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_year_on_the_overview_counts_what_it_leaves_out_where_its_figures_are(lang):
    from origin_map.measure.stats import unknown_years
    from origin_map.places.datasets import shipped_places

    at = app({"year": "2006", "lang": lang})
    assert not at.exception
    unknown, total = _history_counts()
    assert (unknown, total) == (75, 93)  # `origin-map history`: 18 counted, 75 without a year
    assert unknown_years(shipped_places()) > total  # the whole dataset's count is another one
    info = " ".join(i.value for i in at.info)
    if lang == "en":
        assert f"{unknown} of the {total} places within 1,000 m of Dongsheng Building" in info
    else:
        assert f"1,000 米内的 {total} 个地点中有 {unknown} 个没有已知起始年份" in info
    walk = [h.value for h in at.subheader if "15" in h.value]
    assert walk and all("2006" in h for h in walk)  # the walk's figures are 2006's too


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/density.py"])
def test_an_axis_of_places_counted_has_whole_numbers_only(page):
    """The history of a small drawn area read 0, 0.5, 1, 1.5 … places on its axis."""
    area = ("p:Wudaokou block~39.9905,116.3262;39.9905,116.3312;39.9945,116.3312;"
            "39.9945,116.3262")
    at = app({"area": area} if page == "pages/overview.py" else None)
    at.switch_page(page).run()
    assert not at.exception
    counts = [json.loads(c.proto.spec)["encoding"]["y"] for c in at.get("vega_lite_chart")
              if json.loads(c.proto.spec).get("encoding", {}).get("y", {}).get("field")
              == "count"]
    assert counts
    for y in counts:
        assert y["axis"]["tickMinStep"] == 1 and y["axis"]["format"] == "d"


def test_the_overview_coverage_note_starts_as_a_sentence():
    at = app()
    note = next(i.value for i in at.info if "4.6%" in i.value)
    assert note.startswith("Thin: the dataset holds 4.6% of the published firms"), note


def test_ripley_end_points_are_drawn_inside_the_plot():
    """The point at the last distance (500 m) was drawn half outside the plot's right edge."""
    at = app()
    at.switch_page("pages/density.py").run()
    ripley = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
              if "distance_m" in c.proto.spec]
    assert len(ripley) == 1
    lines = [v for v in ripley[0]["layer"] if v.get("mark", {}).get("point")]
    assert lines and lines[0]["encoding"]["x"]["scale"]["padding"] >= 5  # a point's radius + 2


@pytest.mark.parametrize(("lang", "start"), [("en", "Beijing AI Origin Community (Wudaokou): thin"),
                                             ("zh", "北京AI原点社区：数据稀薄：")])
def test_compare_thin_notes_use_the_pages_punctuation(lang, start):
    at = app({"lang": lang})
    at.switch_page("pages/compare.py").run()
    notes = [unescape(w.value) for w in at.warning]
    assert any(n.startswith(start) for n in notes), notes
    assert lang == "en" or not [n for n in notes if ": " in n]  # no Latin colon in 中文


def test_radii_and_published_counts_use_one_number_format():
    # "Firms within 1000 m" stood beside "1,000 m" in the headings (look16's pictures)
    from origin_map.measure.compare import load_hubs
    from origin_map.measure.coverage import coverage_table
    from origin_map.places.datasets import load_centres, shipped_places

    table = coverage_table(shipped_places(), load_hubs(), load_centres(), "dongsheng-building")
    assert table is not None
    assert table["figure"].iloc[0] == "Firms within 1,000 m (current)"
    assert not table["figure"].str.contains("1000").any()
