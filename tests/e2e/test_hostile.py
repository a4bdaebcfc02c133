"""Hostile text in an uploaded file shows as text in the map and never runs (real browser)."""

from __future__ import annotations

import pytest

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
  const out = {tooltips: [], popups: []};
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
    m.fire('click');  // popups are lazy: their content is made on the first click
    m.openPopup();
    const p = m.getPopup() && m.getPopup().getElement();
    out.popups.push(p ? p.innerText : null);
  });
  return out;
}"""


def test_hostile_upload_is_text_everywhere(page, app_url, tmp_path):
    path = tmp_path / "<b onmouseover=alert(1)>hostile.csv"
    path.write_bytes(hostile_csv())
    page.goto(f"{app_url}/data", wait_until="domcontentloaded")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text("6 places loaded").wait_for(timeout=60_000)
    # go to the map inside the same browser session (the upload belongs to this session)
    page.get_by_role("link", name="Map · 地图").click()
    el = page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", state="attached",
                                timeout=60_000)
    frame = el.content_frame()
    frame.wait_for_function("() => window.originMap !== undefined", timeout=60_000)
    shown = frame.evaluate(OPEN_ALL)
    page.wait_for_timeout(500)
    assert len(shown["tooltips"]) == len(HOSTILE_NAMES)
    tooltips, popups = " ".join(map(str, shown["tooltips"])), " ".join(map(str, shown["popups"]))
    for name in HOSTILE_NAMES[:3]:  # shown as the very text of the file
        assert name in tooltips and name in popups, name
    assert "\\u003cimg src=y" in tooltips
    assert '=HYPERLINK("http://example.invalid","click")' in tooltips
    injected = frame.evaluate("""() => ({
        imgs: document.querySelectorAll('img[src="x"], img[src="y"]').length,
        onerror: document.querySelectorAll('[onerror]').length,
        scripts: [...document.scripts].filter(s => s.text.includes("alert('script')")
                                                   && !s.text.includes('&lt;')).length })""")
    assert injected == {"imgs": 0, "onerror": 0, "scripts": 0}
    assert page.dialogs == [] and not page.errors, (page.dialogs, page.errors)
