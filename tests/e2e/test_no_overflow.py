"""Issue 16, item 6 in Chromium: nothing runs off a phone's screen, on any page, in either language.

At 390 px (a phone) every page is drawn and measured: the document is no wider than the window,
and no visible element reaches beyond its right edge — except inside a box that scrolls sideways
on its own (a data grid, a code line), which is that box's business. The measuring script is the
one ``scripts/screens.py`` prints beside each screenshot.
"""

from __future__ import annotations

import pytest

from scripts.screens import OVERFLOW_JS, PAGES
from tests.e2e.conftest import map_frame, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def _open(page, url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(url, wait_until="domcontentloaded")
    page.locator("[data-testid='stMain'] h1, [data-testid='stMain'] h3").first.wait_for(
        timeout=60_000)
    settle(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_nothing_runs_off_a_phone_screen(page, app_url, name, lang):
    _open(page, f"{app_url}/{name}?lang={lang}")
    if name == "map":
        map_frame(page)
        page.wait_for_timeout(1000)
    for _ in range(3):  # charts and maps draw after the run: measure once they have
        over = page.evaluate(OVERFLOW_JS)
        if over["scroll"] <= over["inner"] and not over["beyond"]:
            break
        page.wait_for_timeout(2000)
    assert over["inner"] == PHONE["width"]
    assert over["scroll"] <= over["inner"], over
    assert over["beyond"] == [], over
    assert not page.errors, page.errors


def test_the_measure_sees_an_element_beyond_the_edge(page, app_url):
    """The check above can fail: a 600 px wide box added to the About page is found."""
    _open(page, f"{app_url}/about")
    page.evaluate("""() => { const d = document.createElement('div');
        d.id = 'om-too-wide'; d.style.width = '600px'; d.style.height = '10px';
        (document.querySelector('[data-testid=stMainBlockContainer]')
            || document.querySelector('[data-testid=stMain]')).appendChild(d); }""")
    over = page.evaluate(OVERFLOW_JS)
    assert any(b.startswith("div:") for b in over["beyond"]), over
