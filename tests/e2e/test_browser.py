"""What only a browser shows: the map draws offline, filters change it, the CSV downloads."""

from __future__ import annotations

import os
import shutil

import pytest

from origin_map.geo.geometry import ring_radii
from origin_map.io.export import to_csv_bytes
from origin_map.measure.stats import PlaceFilter, density_table
from origin_map.places.datasets import load_centres, shipped_places
from tests.e2e.conftest import ARTIFACTS, ROOT, map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Count the markers the Leaflet map really holds: every layer inside the marker cluster group.
COUNT_MARKERS = """() => {
  if (!window.originMap) return -1;
  let n = 0;
  window.originMap.eachLayer(l => {
    if (l instanceof L.MarkerClusterGroup) n += l.getLayers().length; });
  return n;
}"""


def open_map(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    frame = map_frame(page, f"() => ({COUNT_MARKERS})() > 0")
    frame.wait_for_selector(".marker-cluster, .leaflet-interactive", timeout=60_000)
    return frame


def expected_count(sectors=None) -> int:
    places = shipped_places()
    return int(PlaceFilter(sectors=sectors).mask(places).sum())


def local_failures(page, app_url):
    return [u for u in page.blocked if u.startswith(app_url)]


def test_map_draws_offline_and_sector_filter_changes_it(page, app_url):
    frame = open_map(page, f"{app_url}/map")
    n_all = frame.evaluate(COUNT_MARKERS)
    assert n_all == expected_count()
    assert frame.locator(".om-legend").first.inner_text().count("(") >= 5
    # the measuring tool and the minimap come in the task after the markers (maps.tools_later)
    frame.wait_for_selector(".leaflet-control-measure", timeout=10_000)
    frame.wait_for_selector(".leaflet-control-minimap", timeout=10_000)
    assert not page.errors, page.errors
    assert not any(u.startswith(app_url) for u in page.blocked)
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1500)  # let clusters settle before the picture
    page.screenshot(path=str(ARTIFACTS / "map.png"))

    # change the sector filter in the sidebar: remove every sector but large models
    sectors = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    for _ in range(30):
        others = sectors.locator("button[aria-label^='Remove ']:not([aria-label='Remove Large "
                                 "models'])")
        if others.count() == 0:
            break
        others.first.click()
        page.wait_for_timeout(250)
    page.wait_for_function(
        """(n) => { const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
                    const w = f && f.contentWindow;
                    if (!w || !w.L || !w.originMap) return false;
                    let c = 0;
                    w.originMap.eachLayer(l => { if (l instanceof w.L.MarkerClusterGroup)
                                                   c += l.getLayers().length; });
                    return c === n; }""",
        arg=expected_count(["large_models"]), timeout=60_000)
    assert expected_count(["large_models"]) < n_all
    assert "large_models" in page.url and "sectors=" in page.url


def test_query_string_filter_and_details_panel(page, app_url):
    frame = open_map(page, f"{app_url}/map?sectors=ai_infrastructure&lang=zh")
    assert frame.evaluate(COUNT_MARKERS) == expected_count(["ai_infrastructure"])
    assert not page.errors, page.errors


def test_density_csv_download_equals_library(page, app_url, tmp_path):
    page.goto(f"{app_url}/density?sectors=large_models,ai_infrastructure,ai_applications",
              wait_until="domcontentloaded")
    button = page.locator("[data-testid='stDownloadButton'] button").first
    button.wait_for(timeout=60_000)
    settle(page)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / "density.csv"
    info.value.save_as(path)
    expected = to_csv_bytes(density_table(
        shipped_places(), load_centres()[0], ring_radii(1000, [500, 2000]),
        place_filter=PlaceFilter(sectors=["large_models", "ai_infrastructure",
                                          "ai_applications"])))
    assert path.read_bytes() == expected
    assert not page.errors, page.errors


def test_map_screenshot_for_the_readme():
    """The map screenshot exists and is a real picture; `make screenshot` copies it to docs/."""
    shot = ARTIFACTS / "map.png"
    if not shot.exists():
        pytest.skip("map screenshot not made in this run")
    assert shot.stat().st_size > 20_000
    if os.environ.get("ORIGIN_MAP_UPDATE_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "map.png")
