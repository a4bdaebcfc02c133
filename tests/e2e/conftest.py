"""Real-browser fixtures: the app served on a free localhost port, Debian's Chromium.

Every request that does not go to the app's own server is aborted, so these tests prove that the
map draws with no internet. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ORIGIN_MAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(script: Path, env_extra: dict[str, str] | None = None) -> tuple[
        subprocess.Popen, str]:
    """Start ``streamlit run script`` on a free port; return the process and its base URL."""
    port = _free_port()
    env = {**os.environ, **(env_extra or {}), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=script.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    proc.kill()
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    raise RuntimeError(f"streamlit did not start:\n{out}")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    proc, url = start_app(ROOT / "app.py")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: `make test` installs it "
                    "(apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url, request):
    """A page whose requests beyond the app's own server are aborted (no internet)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(app_url) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.blocked, pg.errors, pg.dialogs = blocked, errors, dialogs  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        pg.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"))
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def settle(page) -> None:
    """Wait until the app has finished running (no "running" status), then a moment more."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=60_000)
    page.wait_for_timeout(1000)


def pick_file(page, path: Path | str, attempts: int = 3) -> None:
    """Pick ``path`` in the Data page's uploader and wait until the app has taken it.

    A file picked while the page is still rerunning can be dropped with the widget it was given
    to, so the page is settled first, and the pick is repeated (up to ``attempts`` times) when
    the app has not shown it as picked within 20 s.
    """
    pending = page.get_by_text("is picked but not loaded yet").first
    for attempt in range(attempts):
        settle(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
            str(path))
        try:
            pending.wait_for(timeout=20_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def pytest_collection_modifyitems(config, items):
    """A browser test that fails is run once more before it counts as failed.

    Headless Chromium, the app server and the other pytest worker share two small cores here; a
    page that misses one websocket message under that load is not a defect of the app. A test
    that fails twice fails the run; ``pytest -p no:rerunfailures`` turns the second try off.
    """
    if not config.pluginmanager.hasplugin("rerunfailures"):
        return
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


def load_places_file(page, base_url: str, path: Path | str, places: int) -> None:
    """Open the Data page, upload ``path`` and load it; wait for "``places`` places loaded"."""
    page.goto(f"{base_url}/data", wait_until="domcontentloaded")
    page.get_by_text("Use your own data").wait_for(timeout=60_000)  # the page has run
    pick_file(page, path)
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text(f"{places} places loaded").wait_for(timeout=60_000)


MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
MAP_READY = "() => window.originMap !== undefined"


def map_frame(page, ready: str = MAP_READY, timeout_s: float = 60.0):
    """Return the map's frame once the JavaScript function ``ready`` is true in it.

    The map iframe is looked up afresh on every try: Streamlit may replace the component's
    iframe while the page settles (a new page, a rerun), and a frame taken before that is
    detached and never becomes ready.
    """
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        el = page.query_selector(MAP_IFRAME)
        frame = el.content_frame() if el else None
        if frame is not None and not frame.is_detached():
            try:
                last = frame.evaluate(f"({ready})()")
                if last:
                    return frame
            except Exception as exc:  # navigated or detached while evaluating: look again
                last = repr(exc)
        page.wait_for_timeout(250)
    raise AssertionError(f"the map was not ready within {timeout_s:g} s ({ready} -> {last!r})")


# Two app workers behind HAProxy (scripts/serve.py): tests/e2e/test_proxy.py, test_store_browser.py
def _serve():  # type: ignore[no-untyped-def]
    """Return scripts/serve.py, imported as the module ``serve``."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.append(str(ROOT / "scripts"))
    import serve

    return serve


@pytest.fixture(scope="module")
def cluster():
    """Two workers of the app behind HAProxy, started once for the test module that asks."""
    serve = _serve()
    if not Path(serve.HAPROXY).exists() and not shutil.which("haproxy"):
        pytest.fail("Debian's haproxy is not installed: `make proxy` (apt-get install haproxy)")
    with serve.Cluster(2, script=ROOT / "app.py") as c:
        yield c


def proxied_context(browser, base: str):
    """Return a browser context whose requests beyond the proxy at ``base`` are aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda r: r.continue_()
                  if r.request.url.startswith((base, "data:", "blob:")) else r.abort())
    return context


def worker_of(context) -> str:
    """Return the worker (``w1`` or ``w2``) HAProxy's cookie sends ``context`` to."""
    return next(c["value"] for c in context.cookies() if c["name"] == _serve().COOKIE)


def send_to_other_worker(context, base: str, than: str) -> str:
    """Give ``context`` the cookie of the worker other than ``than``; return that worker."""
    other = "w2" if than == "w1" else "w1"
    context.add_cookies([{"name": _serve().COOKIE, "value": other, "url": base}])
    return other


def screenshot_contexts(contexts, stem: str) -> None:
    """Save every page of these contexts as ``FAILED-<stem>-<i>.png`` in the artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    for i, ctx in enumerate(contexts):
        for p in ctx.pages:
            p.screenshot(path=str(ARTIFACTS / f"FAILED-{stem}-{i}.png"))
