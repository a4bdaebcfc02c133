"""What only a browser shows: every page path is a link, and the map keeps the user's view."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TUSPARK = (39.99272, 116.325214)


@pytest.mark.parametrize(("path", "title"), [
    ("/", "AI Origin Community"), ("/overview", "AI Origin Community"),
    ("/map", "places shown"), ("/density", "Density by ring and sector"),
    ("/data", "Places"), ("/about", "About Origin Map"),
    ("/overview?lang=zh", "AI原点社区"), ("/density?sectors=nope", "Density by ring and sector"),
])
def test_every_page_path_works_as_a_link_in_a_fresh_session(page, app_url, path, title):
    page.goto(app_url + path)
    page.get_by_text(title).first.wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "Traceback" not in body
    assert not page.errors, page.errors


def _map_frame(page):
    return map_frame(page)


def test_changing_a_filter_keeps_the_users_view(page, app_url):
    page.goto(app_url + "/map")
    frame = _map_frame(page)
    frame.wait_for_function("() => document.querySelectorAll('.om-legend').length === 1"
                            " && window.__GLOBAL_DATA__.last_zoom !== null")  # first view set
    settle(page)
    frame.evaluate(f"() => {{ window.originMap.setView([{TUSPARK[0]}, {TUSPARK[1]}], 18, "
                   "{animate: false}); }")
    frame.evaluate("() => { window.omMarker = 'kept'; }")  # gone if the map reloads
    legend_before = frame.locator(".om-legend").inner_text()
    page.get_by_role("button", name="Remove Large models").first.click()
    page.get_by_text("places shown").first.wait_for()
    frame.wait_for_function(
        "before => { const l = document.querySelector('.om-legend');"
        " return l && l.innerText !== before; }", arg=legend_before, timeout=60_000)
    view = frame.evaluate("() => { const c = window.originMap.getCenter();"
                          " return [c.lat, c.lng, window.originMap.getZoom(), window.omMarker]; }")
    assert view[3] == "kept", view  # the same map, not a reload
    assert view[2] == 18, view
    assert view[0] == pytest.approx(TUSPARK[0], abs=1e-5)
    assert view[1] == pytest.approx(TUSPARK[1], abs=1e-5)
    assert "Large models" not in frame.locator(".om-legend").inner_text()
    assert not page.errors, page.errors


def test_drawing_a_rectangle_switches_the_figures_to_it(page, app_url):
    page.goto(app_url + "/map")
    frame = _map_frame(page)
    settle(page)
    before = page.get_by_text("places shown").first.inner_text()
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = page.wait_for_selector("iframe[title='streamlit_folium.st_folium']").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.40, box["y"] + box["height"] * 0.40
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 120, y0 + 90, steps=8)
    page.mouse.up()
    page.get_by_text("inside the area").first.wait_for(timeout=60_000)
    after = page.get_by_text("inside the area").first.inner_text()
    assert after != before
    assert "area=p%3A" in page.url or "area=p:" in page.url
    page.goto(app_url + "/overview?" + page.url.split("?", 1)[1])
    page.get_by_text("Inside the area").first.wait_for(timeout=60_000)
    assert not page.errors, page.errors


WUDAOKOU_STATION = (39.991478, 116.331702)  # a place with no other within 149 m


def test_clicking_a_place_shows_it_and_is_not_an_area(page, app_url):
    page.goto(app_url + "/map")
    frame = _map_frame(page)
    settle(page)
    frame.evaluate(f"() => {{ window.originMap.setView([{WUDAOKOU_STATION[0]}, "
                   f"{WUDAOKOU_STATION[1]}], 18, {{animate: false}}); }}")
    frame.wait_for_timeout(800)  # clusters re-drawn at the new zoom
    lat, lon = WUDAOKOU_STATION
    point = frame.evaluate(f"() => {{ const p = window.originMap.latLngToContainerPoint("
                           f"[{lat}, {lon}]); return [p.x, p.y]; }}")
    box = page.wait_for_selector("iframe[title='streamlit_folium.st_folium']").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_text("Wudaokou Station").first.wait_for(timeout=60_000)
    settle(page)
    body = page.locator("body").inner_text()
    assert "must be a Polygon" not in body and "inside the area" not in body
    assert "area=" not in page.url
    assert not page.errors, page.errors
