"""Hostile text in an uploaded file shows as text in the map and never runs (real browser)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import load_places_file, map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE_NAMES = [
    "<img src=x onerror=alert('img')>",
    "<script>alert('script')</script>",
    "`${alert('template')}`",
    "\\u003cimg src=y onerror=alert('escape')\\u003e",
    "\"quoted' name\nsecond line",
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
]


def hostile_csv() -> bytes:
    lines = ["id,name,sector,address,source,lat,lon"]
    for i, name in enumerate(HOSTILE_NAMES):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"h{i},{quoted},large_models,{quoted},{quoted},"
                     f"{39.9925 + i * 0.0005:.6f},{116.3277 + i * 0.0005:.6f}")
    return ("\n".join(lines) + "\n").encode("utf-8")


OPEN_ALL = """() => {
  const out = {tooltips: []};
  const map = window.originMap;
  const markers = [];
  map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) markers.push(...l.getLayers()); });
  markers.forEach(m => {
    map.setView(m.getLatLng(), 19, {animate: false});  // beyond disableClusteringAtZoom
    m.openTooltip();
    const t = m.getTooltip() && m.getTooltip().getElement();
    // not drawn (still clustered): read the HTML Leaflet would insert, in an inert document
    const inert = () => new DOMParser().parseFromString(m.getTooltip().getContent(),
                                                        "text/html").body.textContent.trim();
    out.tooltips.push(t ? t.innerText : inert());
    out.popup = out.popup || !!m.getPopup();
  });
  return out;
}"""


def test_hostile_upload_is_text_everywhere(page, app_url, tmp_path):
    path = tmp_path / "<b onmouseover=alert(1)>hostile.csv"
    path.write_bytes(hostile_csv())
    load_places_file(page, app_url, path, len(HOSTILE_NAMES))
    # go to the map inside the same browser session (the upload belongs to this session)
    page.get_by_role("link", name="Map").click()
    frame = map_frame(page)
    el = frame.frame_element()
    shown = frame.evaluate(OPEN_ALL)
    page.wait_for_timeout(500)
    assert len(shown["tooltips"]) == len(HOSTILE_NAMES)
    tooltips = " ".join(map(str, shown["tooltips"]))
    assert not shown.get("popup")  # details go beside the map
    for name in HOSTILE_NAMES[:3]:  # shown as the very text of the file
        assert name in tooltips, name
    assert "\\u003cimg src=y" in tooltips
    assert '=HYPERLINK("http://example.invalid","click")' in tooltips
    injected = frame.evaluate("""() => ({
        imgs: document.querySelectorAll('img[src="x"], img[src="y"]').length,
        onerror: document.querySelectorAll('[onerror]').length,
        scripts: [...document.scripts].filter(s => s.text.includes("alert('script')")
                                                   && !s.text.includes('&lt;')).length })""")
    assert injected == {"imgs": 0, "onerror": 0, "scripts": 0}
    # a click shows the place's details beside the map, as text
    pt = frame.evaluate("""() => { const map = window.originMap; let first;
        map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup && !first)
                                 first = l.getLayers().slice(-1)[0]; });  // not under the star
        map.setView(first.getLatLng(), 19, {animate: false});
        const p = map.latLngToContainerPoint(first.getLatLng()); return [p.x, p.y]; }""")
    settle(page)
    box = el.bounding_box()
    page.mouse.click(box["x"] + pt[0], box["y"] + pt[1])
    page.get_by_text("in the source's own words", exact=False).first.wait_for(timeout=60_000)
    details = page.locator("[data-testid='stMain']").inner_text()
    assert '=HYPERLINK("http://example.invalid","click")' in details, details[-800:]
    assert page.dialogs == [] and not page.errors, (page.dialogs, page.errors)


HOSTILE_LINK = {"year": "1950x", "h3res": "99", "base": "javascript:alert(1)",
                "area": "p:x~1,2", "search": "<b>" * 70}
# one 100 kB value per page (the server refuses a URL of a few hundred kB with HTTP 400;
# tests/test_pages_zh.py sends every setting 100 kB long to every page without a browser)
BIG = {"overview": "r", "map": "area", "density": "search", "compare": "rings",
       "data": "sectors", "about": "year"}


@pytest.mark.parametrize("name", ["overview", "map", "density", "compare", "data", "about"])
def test_hostile_links_give_a_message_not_a_traceback_in_the_browser(page, app_url, name):
    """Issue 16: malformed, out-of-range and 100 kB link values on every page, in Chromium."""
    from urllib.parse import urlencode

    link = {**HOSTILE_LINK, BIG[name]: "9" * 100_000}
    page.goto(f"{app_url}/{name}?{urlencode(link)}", wait_until="domcontentloaded")
    warnings = page.locator("[data-testid='stSidebar'] [data-testid='stAlertContentWarning']")
    warnings.nth(len(link) - 1).wait_for(timeout=120_000)  # one per wrong setting
    settle(page)
    shown = page.locator("[data-testid='stSidebar']").inner_text()
    assert "100,000" in shown and len(shown) < 20_000  # says how long, does not echo it
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    assert page.dialogs == [] and not page.errors, (page.dialogs, page.errors)
