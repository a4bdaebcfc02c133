"""A first visit of the Map page: the map first, the sidebar's widgets once it has been drawn.

The timing is a benchmark (benchmarks/first_visit.py); these tests check the behaviour: on a
session's first run the map component is asked to report as soon as it has drawn the map
(its default is None), the sidebar holds only a heading and a line until then, and the run the
report causes draws the whole sidebar without reloading the map.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from origin_map.i18n import text

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _open_map() -> AppTest:
    """A new session whose first run is the Map page (a deep link to /map)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/map.py")
    return at.run()


def _fake_component(calls: list[dict]):
    def component(**kwargs):
        calls.append(kwargs)
        if kwargs["default"] is None and len(calls) == 1:
            return None  # what Streamlit returns before the map has reported
        return {"last_object_clicked": None, "last_active_drawing": None, "all_drawings": []}
    return component


def test_first_run_draws_the_map_and_a_sidebar_without_widgets(monkeypatch):
    from origin_map.app import maps

    calls: list[dict] = []
    monkeypatch.setattr(maps.sf, "_component_func", _fake_component(calls))
    at = _open_map()
    assert not at.exception
    assert calls[0]["default"] is None  # the component reports once the map is drawn
    assert [c.value for c in at.sidebar.caption] == [text("first20.settings_loading", "en")]
    for kind in ("multiselect", "selectbox", "text_input", "slider", "radio"):
        assert not at.sidebar.get(kind), kind
    assert at.toggle(key="om_walk_map").value is False  # it stays above the map
    assert "places shown" in at.subheader[0].value  # the title is there at once

    at.run()  # the map's report reruns the page: the whole sidebar
    assert not at.exception
    assert at.multiselect(key="om_sectors").value
    assert at.radio(key="om_lang").value == "en"
    assert text("first20.settings_loading", "en") not in [c.value for c in at.sidebar.caption]
    assert calls[-1]["default"] == {"last_object_clicked": None, "last_active_drawing": None,
                                    "all_drawings": None}
    assert calls[-1]["key"] == calls[0]["key"]  # the same map: no reload
    assert calls[-1]["script"] == calls[0]["script"]


def test_a_later_first_run_keeps_the_sidebar(monkeypatch):
    # only a session's first run waits for the map: a visitor coming from another page, or
    # switching language (a new map), keeps every widget
    from origin_map.app import maps

    calls: list[dict] = []
    monkeypatch.setattr(maps.sf, "_component_func", _fake_component(calls))
    at = _open_map()
    at.run()
    at.radio(key="om_lang").set_value("zh").run()
    assert not at.exception
    assert calls[-1]["default"] is not None
    assert at.multiselect(key="om_sectors").value
    assert calls[-1]["key"] != calls[0]["key"]  # a new map for the new language
