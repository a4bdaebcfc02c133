"""The walking-time layers in a real browser (issue 22): the Map's toggle draws the isochrones and
the covered area, offline; the picture is the README's (``ORIGIN_MAP_UPDATE_SCREENSHOT=1``)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.e2e.conftest import ARTIFACTS, ROOT, map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Filled GeoJSON paths on the Leaflet map whose fill colour is an isochrone colour.
COUNT_ISOCHRONES = """() => {
  if (!window.originMap) return -1;
  const fills = ["#1a9850", "#66bd63", "#a6d96a"];
  let n = 0;
  window.originMap.eachLayer(l => {
    if (l.options && fills.includes(l.options.fillColor) && l.getLatLngs) n += 1; });
  return n;
}"""


def test_walking_toggle_draws_isochrones_offline(page, app_url):
    page.goto(f"{app_url}/map", wait_until="domcontentloaded")
    map_frame(page, "() => !!window.originMap")
    settle(page)
    page.get_by_text("Walking time (network)").first.click()
    settle(page)
    frame = map_frame(page, f"() => ({COUNT_ISOCHRONES})() >= 3")
    assert frame.evaluate(COUNT_ISOCHRONES) >= 3
    assert page.get_by_text("covers 37% of the 1.5 km disc").count() >= 1
    assert not page.errors, page.errors
    assert not any(u.startswith(app_url) for u in page.blocked)
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1500)
    shot = ARTIFACTS / "walk_map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get("ORIGIN_MAP_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "walk_map.png")
