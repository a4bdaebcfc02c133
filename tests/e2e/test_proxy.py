"""Two workers behind HAProxy (scripts/serve.py): a browser's upload reaches its own worker.

The upload is a PUT to ``/_stcore/upload_file/<session>/<file>`` and the file lives in the
memory of the worker that holds the websocket session: without the sticky cookie HAProxy would
send it to the other worker half the time and the page would never see the places.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, ROOT, load_places_file, map_frame
from tests.e2e.test_browser import COUNT_MARKERS

sys.path.append(str(ROOT / "scripts"))
import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD = ("id,name,sector,lat,lon\n"
          "p1,Proxy test A,large_models,39.992446,116.327708\n"
          "p2,Proxy test B,ai_infrastructure,39.995000,116.330000\n"
          "p3,Proxy test C,large_models,39.990000,116.325000\n")


@pytest.fixture(scope="module")
def cluster():
    if not Path(serve.HAPROXY).exists() and not shutil.which("haproxy"):
        pytest.fail("Debian's haproxy is not installed: `make proxy` (apt-get install haproxy)")
    with serve.Cluster(2, script=ROOT / "app.py") as c:
        yield c


def _context(browser, base: str):
    """A browser context whose requests beyond the proxy are aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda r: r.continue_()
                  if r.request.url.startswith((base, "data:", "blob:")) else r.abort())
    return context


def _worker_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == serve.COOKIE)


def test_upload_through_the_proxy_shows_its_places_on_the_map(browser, cluster, tmp_path):
    csv = tmp_path / "proxy-places.csv"
    csv.write_text(UPLOAD, encoding="utf-8")
    context = _context(browser, cluster.url)
    other = _context(browser, cluster.url)
    try:
        page = context.new_page()
        load_places_file(page, cluster.url, csv, 3)
        page.get_by_role("link", name="Map").click()
        page.get_by_text("3 places shown").wait_for(timeout=60_000)
        map_frame(page, f"() => ({COUNT_MARKERS})() === 3")
        first = _worker_cookie(context)

        # a second browser, sent to the other worker by its cookie (which worker a browser
        # without one gets is HAProxy's choice), does not see the first one's upload
        second = "w2" if first == "w1" else "w1"
        other.add_cookies([{"name": serve.COOKIE, "value": second, "url": cluster.url}])
        page2 = other.new_page()
        page2.goto(f"{cluster.url}/map", wait_until="domcontentloaded")
        page2.wait_for_selector("iframe[title='streamlit_folium.st_folium']",
                                state="attached", timeout=60_000)
        page2.get_by_text("places shown").first.wait_for(timeout=60_000)
        assert first in ("w1", "w2") and _worker_cookie(other) == second
        assert page2.get_by_text("3 places shown").count() == 0  # the upload is not shared
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, ctx in enumerate((context, other)):
            for p in ctx.pages:
                p.screenshot(path=str(ARTIFACTS / f"FAILED-proxy-{i}.png"))
        raise
    finally:
        context.close()
        other.close()
