"""The two bugs a new user met first: a link's year below the slider, a click taken for an area.

Link bounds and widget bounds come from the one declaration (``settings.SETTINGS``): a value
at either end of a setting's range opens every page without a traceback, a value just outside
is ignored with the usual message.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from origin_map.app.areas import drawn_shape
from origin_map.measure.areas import to_local
from origin_map.settings import SETTINGS
from tests.conftest import DONGSHENG
from tests.test_pages import PAGES, app, texts

BOUNDED = [s for s in SETTINGS.values() if s.bounds and s.url and s.kind in ("integer", "year")]


def _edges(s):
    lo, hi = (int(v) for v in s.bounds)
    return [(lo, True), (hi, True), ((lo + hi) // 2, True), (lo - 1, False), (hi + 1, False)]


def test_the_bounded_integer_settings_are_the_year_and_h3_resolution():
    assert {s.name for s in BOUNDED} == {"year", "h3res"}


@pytest.mark.parametrize(("name", "value", "kept"),
                         [(s.name, v, k) for s in BOUNDED for v, k in _edges(s)])
def test_a_link_value_at_or_beyond_a_bound_never_breaks_the_page(name, value, kept):
    s = SETTINGS[name]
    at = app({s.url: str(value), "h3": "1"})  # the resolution's slider shows with H3 on
    assert not at.exception, at.exception
    widget = next(w for w in at.sidebar.slider if w.key == f"om_{name}")
    assert (widget.min, widget.max) == tuple(int(v) for v in s.bounds)
    said = " ".join(texts(e) for e in (at.warning, at.sidebar.warning, at.sidebar.error))
    if kept:
        assert widget.value == value
        assert "ignored" not in said
    else:
        assert widget.value != value
        assert f"The link's {s.url} was ignored" in said and str(value) in said


@pytest.mark.parametrize("page", PAGES)
def test_year_1950_in_a_link_opens_every_page(page):
    at = app({"year": "1950"})
    at.switch_page(page).run()
    assert not at.exception, at.exception


SQUARE = mapping(to_local(box(-300, -300, 300, 300), DONGSHENG.lat, DONGSHENG.lon, inverse=True))
DRAWN = {"type": "Feature", "properties": {}, "geometry": SQUARE}
CLICKED = {"type": "Feature", "properties": {},
           "geometry": {"type": "Point", "coordinates": [116.327708, 39.992446]}}
CIRCLE = {"type": "Feature", "properties": {"radius": 250.0},
          "geometry": {"type": "Point", "coordinates": [116.3277, 39.9924]}}


@pytest.mark.parametrize(("out", "expected"), [
    (None, None),
    ({}, None),
    ({"last_active_drawing": CLICKED, "all_drawings": []}, None),  # a click on a place
    ({"last_active_drawing": CLICKED, "all_drawings": None}, None),
    ({"last_active_drawing": CLICKED, "all_drawings": [DRAWN]}, None),  # click beside a shape
    ({"last_active_drawing": DRAWN, "all_drawings": [DRAWN]}, DRAWN),
    ({"last_active_drawing": CIRCLE, "all_drawings": [DRAWN, CIRCLE]}, CIRCLE),
])
def test_only_shapes_of_the_draw_tools_are_areas(out, expected):
    assert drawn_shape(out) == expected


def test_clicking_a_place_shows_it_and_no_area_error(monkeypatch):
    from origin_map.app import maps

    monkeypatch.setattr(maps.sf, "_component_func", lambda **k: {
        "last_object_clicked": {"lat": 39.992446, "lng": 116.327708},
        "last_active_drawing": CLICKED, "all_drawings": []})
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert not at.error, texts(at.error)
    assert "area" not in at.query_params
    assert "东升大厦" in texts(at.markdown)
