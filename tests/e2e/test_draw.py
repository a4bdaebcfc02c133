"""Drawing an area in a real browser: Leaflet Draw from static/vendor, result read as an Area.

The map is a standalone HTML file whose assets point at ``static/vendor`` on disk (file://), so
no server and no internet is needed. The ``draw:created`` handler below does what
streamlit-folium's does (a circle's GeoJSON gets ``properties.radius`` in metres).
"""

from __future__ import annotations

import math

import folium
import pytest

from origin_map.measure import areas
from origin_map.render import area_layers, assets
from tests.conftest import DONGSHENG

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_CAPTURE = """
<script>
window.addEventListener("load", function () {
  var map = window["%s"];
  window.__drawn = [];
  map.on("draw:created", function (e) {
    var f = e.layer.toGeoJSON();
    if (e.layerType === "circle") { f.properties.radius = e.layer.getRadius(); }
    window.__drawn.push(f);
  });
});
</script>
"""


@pytest.fixture
def draw_page(browser, tmp_path):
    m = folium.Map(location=[DONGSHENG.lat, DONGSHENG.lon], zoom_start=15, tiles=None,
                   maxZoom=19)
    area_layers.draw_control().add_to(m)
    assets.localize_map(m, base_url=assets.VENDOR_DIR.as_uri())
    m.get_root().html.add_child(folium.Element(_CAPTURE % m.get_name()))
    path = tmp_path / "draw.html"
    m.save(str(path))
    context = browser.new_context(viewport={"width": 900, "height": 700})
    remote: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else (remote.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-draw-draw-rectangle")
    yield page, errors, remote
    context.close()


def drag(page, tool: str, start: tuple[int, int], end: tuple[int, int]) -> dict:
    page.click(f".leaflet-draw-draw-{tool}")
    page.mouse.move(*start)
    page.mouse.down()
    for k in range(1, 11):  # several moves: Leaflet Draw updates the shape (and its tooltip)
        page.mouse.move(start[0] + (end[0] - start[0]) * k / 10,
                        start[1] + (end[1] - start[1]) * k / 10)
    page.mouse.up()
    page.wait_for_function("window.__drawn && window.__drawn.length > 0")
    return page.evaluate("window.__drawn.pop()")


def test_draw_rectangle_and_circle_offline(draw_page) -> None:
    page, errors, remote = draw_page
    rectangle = drag(page, "rectangle", (300, 250), (500, 400))
    assert rectangle["geometry"]["type"] == "Polygon"
    rect = areas.area_from_geojson_dict(rectangle, data_centre=DONGSHENG)
    # at zoom 15 a pixel is 2.4 m at 40° N (156543 m * cos(40°) / 2^15 / px): 200 x 150 px
    metres_per_px = 156_543.03392 * math.cos(math.radians(DONGSHENG.lat)) / 2**15
    assert rect.area_km2 == pytest.approx(200 * 150 * metres_per_px**2 / 1e6, rel=0.03)
    circle = drag(page, "circle", (450, 350), (550, 350))
    assert circle["geometry"]["type"] == "Point" and circle["properties"]["radius"] > 0
    disc = areas.area_from_geojson_dict(circle)
    radius_m = circle["properties"]["radius"]
    assert disc.area_km2 == pytest.approx(math.pi * radius_m**2 / 1e6, rel=0.005)
    assert errors == [] and remote == []
