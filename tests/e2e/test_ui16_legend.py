"""Issue 16, item 9, in Chromium: the legend covers at most 15 % of the desktop map, is folded
on narrow windows, keeps the H3 key whole and never hides a tooltip."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEGEND = "() => document.querySelectorAll('.om-legend').length === 1"


def _rects(frame) -> dict:
    return frame.evaluate("""() => {
        const l = document.querySelector('.om-legend').getBoundingClientRect();
        const m = document.querySelector('.leaflet-container').getBoundingClientRect();
        const k = document.querySelector('.om-h3-key');
        const kr = k ? k.getBoundingClientRect() : null;
        return {legend: l.width * l.height, map: m.width * m.height, bottom: l.bottom,
                key_bottom: kr ? kr.bottom : null,
                open: Array.from(document.querySelectorAll('.om-legend details'))
                           .map(d => d.open)};
    }""")


def test_legend_size_folding_h3_key_and_tooltips(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + "/map?h3=1")
    frame = map_frame(page, LEGEND)
    settle(page)
    r = _rects(frame)
    assert r["legend"] <= 0.15 * r["map"], r
    assert all(r["open"]) and r["key_bottom"] is not None and r["key_bottom"] <= r["bottom"], r
    faded = frame.evaluate("""() => {
        const map = window.originMap, el = document.querySelector('.om-legend');
        const b = el.getBoundingClientRect(), m = map.getContainer().getBoundingClientRect();
        const p = L.point(b.left - m.left + b.width / 2, b.top - m.top + b.height / 2);
        const t = L.tooltip().setLatLng(map.containerPointToLatLng(p)).setContent('x');
        map.openTooltip(t);
        const during = el.style.opacity;
        map.closeTooltip(t);
        return [during, el.style.opacity];
    }""")
    assert faded == ["0.15", ""], faded
    page.set_viewport_size({"width": 900, "height": 900})
    page.goto(app_url + "/map")
    frame = map_frame(page, LEGEND)
    assert not any(_rects(frame)["open"])
    assert not page.errors, page.errors


def test_draw_toolbar_and_its_hint_are_in_chinese(page, app_url):
    """Issue 16.5: L.drawLocal takes effect (set before the control is made)."""
    page.goto(app_url + "/map?lang=zh")
    frame = map_frame(page, LEGEND)
    settle(page)
    titles = frame.evaluate("() => Array.from(document.querySelectorAll('.leaflet-draw a'))"
                            ".map(a => a.title)")
    assert titles[:3] == ["画多边形", "画矩形", "画圆"], titles
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = page.query_selector("iframe[title='streamlit_folium.st_folium']").bounding_box()
    page.mouse.move(box["x"] + 400, box["y"] + 300)
    frame.wait_for_function("() => { const t = document.querySelector('.leaflet-draw-tooltip');"
                            " return t && t.innerText.includes('按住并拖动以画矩形'); }",
                            timeout=10_000)
    assert not page.errors, page.errors
