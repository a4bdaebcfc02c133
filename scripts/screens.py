"""Screenshots of every page at phone, tablet and desktop widths, in English and 中文 (issue 16).

Starts the app on a local port (or uses a running one with ``--url``), drives Debian's Chromium
headless through Playwright and saves full-page PNGs: 3 widths × 2 languages × 6 pages, plus the
states the new-user report names (a place tapped on the Map, the Overview with a year and with a
drawn area, a rejected upload on the Data page, Compare on a phone). Every request beyond the
app's own server is aborted (no internet: map tiles stay blank), downloads are refused.

For each picture it prints the file, its size and what overflows the viewport horizontally: the
document's ``scrollWidth`` beyond ``innerWidth`` and the number of visible elements whose right
edge lies beyond the viewport (outside the scrolling tables and charts that scroll on their own).

Usage::

    python scripts/screens.py                        # into /tmp/origin-map-screens-YYYYmmdd-HHMM
    python scripts/screens.py /tmp/shots --url http://127.0.0.1:8514 --pages map,data
    make screens                                      # the same, the app on a free port

The PNGs are for looking at (docs/screens.md lists what was checked); they are never committed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ORIGIN_MAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PAGES = ("overview", "map", "density", "compare", "data", "about")
WIDTHS = {390: 844, 768: 1024, 1440: 900}  # width -> the window's height (phone, tablet, desktop)
LANGS = ("en", "zh")
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
WUDAOKOU_STATION = (39.991478, 116.331702)  # a place with no other within 149 m
AREA = "p:Wudaokou block~39.9905,116.3262;39.9905,116.3312;39.9945,116.3312;39.9945,116.3262"
REJECTED_CSV = ("name,lat,lon,kind,sector\n"
                "Good place,39.9925,116.3277,firm,large_models\n"
                "Far north,139.99,116.33,firm,chips\n"
                "No longitude,39.99,,firm,chips\n"
                "Odd kind,39.99,116.33,spaceship,chips\n")

# Horizontal overflow as a phone shows it: the document wider than the window, and visible
# elements reaching beyond its right edge (those inside a box that scrolls sideways on its own,
# such as a data grid, are that box's business and not counted; nor are hidden ones).
OVERFLOW_JS = """() => {
  const vw = window.innerWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && p !== document.body
          && p !== document.documentElement && p.clientWidth < vw - 1) return true; }
    return false; };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || scrolls(el)) continue;
    out.push((el.getAttribute('data-testid') || el.tagName.toLowerCase()) + ':'
             + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, inner: vw, beyond: out};
}"""


_TALL_JS = """() => { const main = document.querySelector('[data-testid=stMain]');
  const boxes = main ? [main, ...main.querySelectorAll('div, section')] : [];
  return Math.max(document.documentElement.scrollHeight, ...boxes
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
    .filter(e => !e.closest('[data-testid=stDataFrame]'))
    .map(e => e.scrollHeight + e.getBoundingClientRect().top)); }"""


@dataclass
class Shot:
    """One saved picture and what it measured."""

    path: Path
    width: int
    lang: str
    what: str
    height: int = 0
    overflow: str = ""
    error: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen | None, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.3)
    raise SystemExit(f"the app at {url} did not answer its health check")


@contextlib.contextmanager
def serve(url: str | None, port: int | None) -> Iterator[str]:
    """Yield the app's base URL: ``url`` as given, or a ``streamlit run app.py`` started here.

    The started server runs in a process group of its own, which is stopped on exit (only
    that group: nothing else is signalled).
    """
    if url:
        _wait_healthy(url.rstrip("/"), None)
        yield url.rstrip("/")
        return
    port = port or _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT),
                                          os.environ.get("PYTHONPATH", "")])}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def settle(page, timeout_ms: int = 90_000) -> None:
    """Wait until Streamlit has finished its run and drawn every element, then a moment more.

    The run is over when the app root says ``notRunning``; placeholders (skeletons) of
    elements and components still loading are waited for up to 15 s more.
    """
    page.wait_for_timeout(600)
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stStatusWidget]'); }", timeout=timeout_ms)
    with contextlib.suppress(Exception):
        page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')",
                               timeout=15_000)
    page.wait_for_timeout(1000)


def map_frame(page, timeout_s: float = 90):
    """Return the map's frame once its Leaflet map exists (looked up afresh on every try)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        el = page.query_selector(MAP_IFRAME)
        frame = el.content_frame() if el else None
        if frame is not None and not frame.is_detached():
            with contextlib.suppress(Exception):
                if frame.evaluate("() => window.originMap !== undefined"):
                    return frame
        page.wait_for_timeout(300)
    raise TimeoutError("the map did not draw")


def open_page(page, base: str, name: str, lang: str, query: str = "") -> None:
    """Go to ``/name`` in ``lang`` and wait for it to be drawn (the map too, on the Map)."""
    params = "&".join(p for p in (f"lang={lang}" if lang != "en" else "", query) if p)
    page.goto(f"{base}/{name}" + (f"?{params}" if params else ""), wait_until="domcontentloaded")
    page.locator("[data-testid='stMain'] h1, [data-testid='stMain'] h3").first.wait_for(
        timeout=90_000)
    settle(page)
    if name == "map":
        map_frame(page)
        page.wait_for_timeout(1500)  # clusters drawn


def full_page(page, path: Path, window_height: int) -> tuple[int, str]:
    """Save the whole page, however tall; return its height and the horizontal overflow.

    Streamlit scrolls its main block inside the window, so a plain full-page screenshot
    stops at the window's height: the window is made as tall as the content for the picture
    (the overflow is measured before, at the real window size).
    """
    over = page.evaluate(OVERFLOW_JS)
    text = "" if over["scroll"] <= over["inner"] and not over["beyond"] else (
        f"scrollWidth {over['scroll']}>{over['inner']}: " + " ".join(over["beyond"][:6]))
    width, height = page.viewport_size["width"], window_height
    for _ in range(5):  # a taller window draws more (maps, charts): grow until it stops
        tall = int(min(page.evaluate(_TALL_JS) + 40, 16_000))
        if tall <= height:
            break
        height = tall
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": window_height})
    return height, text


def tap_a_place(page, tmp: Path) -> None:
    """Tap Wudaokou Station on the map (zoomed in so that it stands alone)."""
    frame = map_frame(page)
    lat, lon = WUDAOKOU_STATION
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    frame.evaluate(f"() => {{ window.originMap.setView([{lat}, {lon}], 18, {{animate: false}}); }}")
    page.wait_for_timeout(900)
    x, y = frame.evaluate(f"() => {{ const p = window.originMap.latLngToContainerPoint("
                          f"[{lat}, {lon}]); return [p.x, p.y]; }}")
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    settle(page)
    page.wait_for_timeout(1500)  # the details scrolled into view (smoothly)


def reject_upload(page, tmp: Path) -> None:
    """Pick a CSV with bad rows on the Data page and press "Validate and load"."""
    bad = tmp / "bad-places.csv"
    bad.write_text(REJECTED_CSV, encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(bad))
    settle(page)
    page.locator(".st-key-om_up_load button").first.click()
    settle(page)
    # the message and the problems below it (a few are written out; the table is folded)
    page.locator("[data-testid='stAlertContentError']").first.scroll_into_view_if_needed()


def _states() -> list[tuple[str, int, str, str, object]]:
    """Return the extra states: (name, width, page, query, action once the page is drawn)."""
    return [(f"map-tapped-{w}", w, "map", "", tap_a_place) for w in (390, 1440)] + [
        ("overview-year-2006-1440", 1440, "overview", "year=2006", None),
        ("overview-year-2006-390", 390, "overview", "year=2006", None),
        ("overview-area-1440", 1440, "overview", "area=" + AREA, None),
        ("overview-area-390", 390, "overview", "area=" + AREA, None),
        ("data-rejected-390", 390, "data", "", reject_upload),
        ("data-rejected-1440", 1440, "data", "", reject_upload),
    ]


def _jobs(pages: list[str], widths: list[int], langs: list[str], states: bool):
    for lang in langs:
        for width in widths:
            for name in pages:
                yield f"{name}-{width}-{lang}", width, name, "", None, lang
        if states:
            for label, width, name, query, action in _states():
                if name in pages:
                    yield f"state-{label}-{lang}", width, name, query, action, lang


def _one(browser, base: str, out: Path, job: tuple) -> Shot:
    label, width, name, query, action, lang = job
    shot = Shot(out / f"{label}.png", width, lang, label)
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]},
                                  accept_downloads=False, device_scale_factor=1)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        (base, "data:", "blob:")) else r.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:120]))
    try:
        open_page(page, base, name, lang, query)
        if action is not None:
            with tempfile.TemporaryDirectory() as tmp:
                action(page, Path(tmp))
            page.screenshot(path=str(out / f"{label}-view.png"))  # what the window shows
        shot.height, shot.overflow = full_page(page, shot.path, WIDTHS[width])
        if page.locator("[data-testid='stException']").count():
            shot.error = "exception on the page"
    except Exception as exc:  # one picture that fails does not stop the others
        shot.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shot.path), full_page=True)
    shot.error = "; ".join(filter(None, [shot.error, *errors[:2]]))
    context.close()
    return shot


def _print_table(shots: list[Shot]) -> None:
    print(f"{'file':<44} {'width':>5} {'lang':<4} {'height':>6}  overflow / error")
    for s in shots:
        note = " | ".join(filter(None, [s.overflow, s.error])) or "ok"
        print(f"{s.path.name:<44} {s.width:>5} {s.lang:<4} {s.height:>6}  {note}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path,
                    default=Path(tempfile.gettempdir()) / f"origin-map-screens-{stamp}",
                    help="folder for the PNGs (default: a new one under /tmp)")
    ap.add_argument("--url", help="use the app running at this URL instead of starting one")
    ap.add_argument("--port", type=int, help="port for the app started here (default: free)")
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages")
    ap.add_argument("--widths", default=",".join(map(str, WIDTHS)), help="of 390,768,1440")
    ap.add_argument("--langs", default=",".join(LANGS), help="en, zh or both")
    ap.add_argument("--no-states", action="store_true", help="only the page matrix")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Take the pictures; print the table of files; return 1 if any picture failed."""
    args = _parse(argv)
    pages = [p for p in args.pages.split(",") if p in PAGES]
    widths = [int(w) for w in args.widths.split(",") if int(w) in WIDTHS]
    langs = [la for la in args.langs.split(",") if la in LANGS]
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    shots: list[Shot] = []
    with serve(args.url, args.port) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for job in _jobs(pages, widths, langs, not args.no_states):
            shots.append(_one(browser, base, args.out, job))
            print(f"  {shots[-1].path.name}: {shots[-1].error or 'saved'}", file=sys.stderr)
        browser.close()
    print(f"{len(shots)} pictures in {args.out}")
    _print_table(shots)
    return 1 if any(s.error for s in shots) else 0


if __name__ == "__main__":
    raise SystemExit(main())
