"""Two workers behind HAProxy (scripts/serve.py): a browser's upload reaches its own worker.

The upload is a PUT to ``/_stcore/upload_file/<session>/<file>`` and the file lives in the
memory of the worker that holds the websocket session: without the sticky cookie HAProxy would
send it to the other worker half the time and the page would never see the places.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    load_places_file,
    map_frame,
    proxied_context,
    screenshot_contexts,
    send_to_other_worker,
    worker_of,
)
from tests.e2e.test_browser import COUNT_MARKERS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD = ("id,name,sector,lat,lon\n"
          "p1,Proxy test A,large_models,39.992446,116.327708\n"
          "p2,Proxy test B,ai_infrastructure,39.995000,116.330000\n"
          "p3,Proxy test C,large_models,39.990000,116.325000\n")


def test_upload_through_the_proxy_shows_its_places_on_the_map(browser, cluster, tmp_path):
    csv = tmp_path / "proxy-places.csv"
    csv.write_text(UPLOAD, encoding="utf-8")
    context = proxied_context(browser, cluster.url)
    other = proxied_context(browser, cluster.url)
    try:
        page = context.new_page()
        load_places_file(page, cluster.url, csv, 3)
        page.get_by_role("link", name="Map").click()
        page.get_by_text("3 places shown").wait_for(timeout=60_000)
        map_frame(page, f"() => ({COUNT_MARKERS})() === 3")
        first = worker_of(context)

        # a second browser, sent to the other worker by its cookie (which worker a browser
        # without one gets is HAProxy's choice), does not see the first one's upload
        second = send_to_other_worker(other, cluster.url, than=first)
        page2 = other.new_page()
        page2.goto(f"{cluster.url}/map", wait_until="domcontentloaded")
        page2.wait_for_selector("iframe[title='streamlit_folium.st_folium']",
                                state="attached", timeout=60_000)
        page2.get_by_text("places shown").first.wait_for(timeout=60_000)
        assert first in ("w1", "w2") and worker_of(other) == second
        assert page2.get_by_text("3 places shown").count() == 0  # the upload is not shared
    except Exception:
        screenshot_contexts((context, other), "proxy")
        raise
    finally:
        context.close()
        other.close()


def test_a_page_opened_by_its_own_path_finds_its_server_at_once(browser, cluster):
    """``/map`` (a shared link): the page names its server, Streamlit asks nowhere else.

    Without the hint (origin_map.app.http.PageHints) Streamlit's front end first asks
    ``/map/_stcore/health``, gets a 404 and tries ``/`` after a back-off (~0.2 s of a first
    visit). The chunks of the map's frame and of the toggle are preloaded by the page: asked
    for before the front end asks for its server, not once the first messages have come. An
    address that is no page gets no hint and still reaches the server.
    """
    context = proxied_context(browser, cluster.url)
    try:
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url))
        page.goto(f"{cluster.url}/map", wait_until="domcontentloaded")
        map_frame(page, f"() => ({COUNT_MARKERS})() > 0")
        assert page.evaluate("() => window.__streamlit.BACKEND_BASE_URL") == cluster.url + "/"
        assert [u for u in asked if "/_stcore/health" in u] == [f"{cluster.url}/_stcore/health"]
        early = page.evaluate("""() => {
            const all = performance.getEntriesByType('resource');
            const health = all.find(e => e.name.endsWith('/_stcore/health')).startTime;
            return all.filter(e => /\\/static\\/js\\/(ComponentInstance|Checkbox)\\./.test(e.name))
                      .map(e => e.startTime < health); }""")
        assert early == [True, True]

        other = context.new_page()
        other_asked: list[str] = []
        other.on("request", lambda r: other_asked.append(r.url))
        other.goto(f"{cluster.url}/nowhere", wait_until="domcontentloaded")
        other.wait_for_selector("[data-testid='stSidebar']", timeout=60_000)
        assert other.evaluate("() => window.__streamlit === undefined")
        assert f"{cluster.url}/nowhere/_stcore/health" in other_asked  # Streamlit's own search
    except Exception:
        screenshot_contexts([context], "page-hints")
        raise
    finally:
        context.close()
