"""What a first visit of the Map page loads: one script and one stylesheet, current, nothing unused.

The timing itself is a benchmark (benchmarks/first_visit.py), not a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from origin_map.render import bundle
from origin_map.render.assets import CDN_TO_LOCAL, VENDOR_DIR
from tests.conftest import run_async


def test_committed_bundles_are_current():
    # a vendored file changed without `python -m origin_map.render.bundle`: the app would fall
    # back to loading the files one by one (slow first visit); regenerate and commit
    for kind in ("js", "css"):
        assert bundle._current(kind) is not None, f"static/bundle/*.{kind} is stale"
    names = sorted(p.name for p in bundle.BUNDLE_DIR.glob("map-*.*"))
    assert len(names) == 2, names  # no stale bundle left beside the current ones


def test_bundle_members_are_vendored_and_in_loading_order():
    vendored = set(CDN_TO_LOCAL.values())
    assert set(bundle.BUNDLE_JS) <= vendored and set(bundle.BUNDLE_CSS) <= vendored
    assert not (set(bundle.BUNDLE_JS) | set(bundle.BUNDLE_CSS)) & bundle.UNUSED
    assert bundle.BUNDLE_JS[0] == "leaflet/dist/leaflet.js"  # plugins extend L
    text = bundle.bundle_text("js")
    starts = [text.index(f"/* {rel} */") for rel in bundle.BUNDLE_JS]
    assert starts == sorted(starts)
    assert "sourceMappingURL" not in text


def test_css_bundle_urls_point_at_existing_vendored_files():
    text = bundle.bundle_text("css")
    urls = [u for _, u in re.findall(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", text)
            if not u.startswith(("data:", "#"))]
    assert urls  # images of Leaflet, the draw tools, the glyph font
    for url in urls:
        path = (bundle.BUNDLE_DIR / url.split("?")[0].split("#")[0]).resolve()
        assert path.is_file(), url
        assert VENDOR_DIR.resolve() in path.parents


def test_map_links_swap_members_for_the_bundle_and_drop_unused():
    base = "/app/static/vendor"
    js = [f"{base}/leaflet/dist/leaflet.js", f"{base}/jquery/dist/jquery.min.js",
          f"{base}/leaflet-draw/dist/leaflet.draw.js", "/elsewhere/own.js"]
    css = [f"{base}/leaflet/dist/leaflet.css", f"{base}/bootstrap/dist/css/bootstrap.min.css"]
    out_css, out_js = bundle.map_links(css, js)
    assert out_js[0].startswith("/app/static/bundle/map-") and out_js[0].endswith(".js")
    assert out_js[1:] == ("/elsewhere/own.js",)  # kept, after the bundle
    assert len(out_css) == 1 and out_css[0].endswith(".css")


def test_map_links_without_a_current_bundle_keep_the_used_files(monkeypatch):
    monkeypatch.setattr(bundle, "_current", lambda kind: None)
    base = "/app/static/vendor"
    js = [f"{base}/leaflet/dist/leaflet.js", f"{base}/jquery/dist/jquery.min.js"]
    assert bundle.map_links([], js) == ((), (f"{base}/leaflet/dist/leaflet.js",))


def test_write_bundle_names_files_by_content(tmp_path: Path):
    paths = bundle.write_bundle(tmp_path)
    assert sorted(p.suffix for p in paths) == [".css", ".js"]
    for p in paths:
        assert (bundle.BUNDLE_DIR / p.name).read_bytes() == p.read_bytes()
    bundle._current.cache_clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rendered_maps_use_nothing_the_bundle_leaves_out(lang):
    # UNUSED holds jQuery, Bootstrap, Font Awesome and the rotation CSS: the maps must not
    # need them (the centre's Awesome Marker uses a Glyphicon, which is bundled)
    from origin_map.app.data import centres, dataset_of, filtered_places, outlines
    from origin_map.app.maps import base_parts, layer_parts, map_key
    from origin_map.settings import defaults
    from origin_map.views import resolve

    ds = dataset_of()
    view = resolve({**defaults(), "lang": lang, "heat": True}, centres())
    shown = filtered_places(ds.token, ds.places, view.centre, view.rings, view.place_filter)
    parts = base_parts(view.basemap, lang, map_key(view.basemap, lang))
    groups, control = layer_parts(ds.token, shown, view.centre, view.rings, view.place_filter,
                                  view.basemap, lang, True, None, None, "shipped", outlines(),
                                  "", None)
    code = parts.script + parts.header + parts.html + groups + control
    # folium's Icon adds the class "fa-rotate-0" (no rotation: nothing to draw without the CSS)
    assert not re.search(r"\$\(|jQuery|bootstrap\.|\bfa-(?!rotate-0\b)|\"prefix\": \"fa\"", code)
    assert '"prefix": "glyphicon"' in code  # the centre marker
    assert len(parts.js_links) == 1 and len(parts.css_links) == 1


# ---------------------------------------------------------------- cache headers (app.http)
def _serve(path: str, status: int = 200, headers: list | None = None) -> list[dict]:

    from origin_map.app.http import CacheHeaders

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": headers or [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"x"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    run_async(CacheHeaders(app)({"type": "http", "path": path, "method": "GET"}, receive,
                                  send))
    return sent


def _cache(sent: list[dict]) -> list[bytes]:
    return [v for k, v in sent[0]["headers"] if k == b"cache-control"]


def test_bundles_and_hashed_component_code_are_cached_for_a_year():
    for path in ("/app/static/bundle/map-0123456789ab.js",
                 "/component/streamlit_folium.st_folium/static/js/main.521860b0.js"):
        assert _cache(_serve(path)) == [b"public, max-age=31536000, immutable"], path


def test_vendored_files_are_cached_for_a_day_and_replace_streamlits_header():
    sent = _serve("/app/static/vendor/leaflet/dist/leaflet.js",
                  headers=[(b"cache-control", b"no-cache"), (b"etag", b"x")])
    assert _cache(sent) == [b"public, max-age=86400"]
    assert (b"etag", b"x") in sent[0]["headers"]
    assert sent[1]["body"] == b"x"


def test_pages_errors_and_the_component_page_are_left_alone():
    assert _cache(_serve("/map")) == []
    assert _cache(_serve("/component/streamlit_folium.st_folium/index.html")) == []
    assert _cache(_serve("/app/static/bundle/map-x.js", status=404)) == []


def test_launch_adds_the_middleware_to_streamlits_server(monkeypatch):
    from streamlit.web.server.starlette import starlette_app as sa

    from origin_map.app import launch
    from origin_map.app.http import CacheHeaders, PageHints

    monkeypatch.setattr(sa, "create_streamlit_middleware", sa.create_streamlit_middleware)
    assert launch.install_headers() is True
    assert launch.install_headers() is True  # once only
    stack = sa.create_streamlit_middleware()
    assert [m.cls for m in stack].count(CacheHeaders) == 1
    assert [m.cls for m in stack][-2:] == [CacheHeaders, PageHints]
    assert set(stack[-1].kwargs["pages"]) == {"map", "overview", "density", "compare", "data",
                                              "about"}


# ---------------------------------------------------------------- page hints (app.http)
PAGE = (b"<!DOCTYPE html><html><head><title>Streamlit</title><script>window.x = 1</script>"
        b'<script type="module" src="./static/js/index.js"></script></head></html>')


def _hinted(path: str, *, status: int = 200, ctype: bytes = b"text/html; charset=utf-8",
            body: bytes = PAGE, method: str = "GET", chunks: int = 2) -> list[dict]:
    from origin_map.app.http import PageHints

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype), (b"etag", b'"abc"'),
                                (b"content-length", str(len(body)).encode())]})
        step = max(1, -(-len(body) // chunks))
        for i in range(0, max(1, len(body)), step):
            await send({"type": "http.response.body", "body": body[i:i + step],
                        "more_body": i + step < len(body)})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    middleware = PageHints(app, pages=("map", "about"), preload=("./static/js/C.x1.js",))
    run_async(middleware({"type": "http", "path": path, "method": method}, receive, send))
    return sent


def _body(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("path", ["/map", "/", "/origin/about", "/about/"])
def test_a_page_gets_the_server_hint_before_its_first_script(path):
    from origin_map.app.http import hint_script

    sent = _hinted(path)
    body = _body(sent)
    hint = hint_script(("map", "about")).encode()
    link = b'<link rel="modulepreload" crossorigin href="./static/js/C.x1.js">'
    assert body == PAGE.replace(b"<script>window.x", hint + link + b"<script>window.x", 1)
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers  # Streamlit's validators are those of the unchanged file
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


@pytest.mark.parametrize(("path", "kw"), [
    ("/component/streamlit_folium.st_folium/index.html", {}),  # the map's own page
    ("/origin/component/streamlit_folium.st_folium/map", {}),
    ("/nowhere", {}),  # not a page: Streamlit searches for its server as without the hint
    ("/static/js/index.js", {"ctype": b"text/javascript"}),
    ("/map", {"status": 304, "body": b""}),
    ("/map", {"ctype": b"application/json"}),
    ("/map", {"method": "HEAD"}),
])
def test_anything_else_passes_through_unchanged(path, kw):
    sent = _hinted(path, **kw)
    assert _body(sent) == kw.get("body", PAGE)
    assert (b"etag", b'"abc"') in sent[0]["headers"]


@pytest.mark.parametrize(("href", "server"), [
    ("http://h:8501/map", "http://h:8501/"),
    ("http://h:8501/map/", "http://h:8501/"),
    ("https://h/origin/data?sectors=a", "https://h/origin/"),
    ("http://h:8501/", None),  # the root: Streamlit has only one address to try
    ("http://h:8501/nowhere", None),  # not a page: Streamlit's own search
    ("http://h:8501/map/nowhere", None),
])
def test_the_hint_names_the_server_only_for_a_page_path(href, server):
    import json
    import shutil
    import subprocess

    from origin_map.app.http import hint_script

    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to run the hint's JavaScript (the browser tests run it too)")
    js = hint_script(("map", "data")).removeprefix("<script>").removesuffix("</script>")
    run = (f"var u=new URL({json.dumps(href)});var location={{pathname:u.pathname,"
           f"origin:u.origin}};var window={{}};{js};"
           "console.log(JSON.stringify((window.__streamlit||{}).BACKEND_BASE_URL||null))")
    out = subprocess.run([node, "-e", run], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == server


def test_preloaded_chunks_are_the_elements_and_what_they_import_not_already_loaded(tmp_path):
    from origin_map.app.http import preload_chunks

    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (tmp_path / "index.html").write_text(
        '<script type="module" src="./static/js/index.A1.js"></script>'
        '<link rel="modulepreload" crossorigin href="./static/js/react.B2.js">')
    files = {"index.A1.js": "", "react.B2.js": "",
             "ComponentInstance.C3.js": 'import{a}from"./react.B2.js";import"./urls.D4.js";',
             "urls.D4.js": 'import{b as c}from"./deep.E5.js";',
             "deep.E5.js": 'import{a}from"./urls.D4.js";',  # a cycle
             "Checkbox.F6.js": "", "Other.G7.js": ""}
    for name, text in files.items():
        (js / name).write_text(text)
    assert preload_chunks(tmp_path, ("ComponentInstance", "Checkbox", "Missing")) == (
        "./static/js/ComponentInstance.C3.js", "./static/js/Checkbox.F6.js",
        "./static/js/urls.D4.js", "./static/js/deep.E5.js")
    assert preload_chunks(tmp_path / "nowhere", ("ComponentInstance",)) == ()


def test_the_installed_streamlit_has_the_first_paint_chunks():
    """If Streamlit renames its chunks, nothing breaks, but the preload is gone: notice it."""
    import streamlit

    from origin_map.app.http import preload_chunks
    from origin_map.app.launch import FIRST_PAINT

    chunks = preload_chunks(Path(streamlit.__file__).parent / "static", FIRST_PAINT)
    for element in FIRST_PAINT:
        assert any(c.startswith(f"./static/js/{element}.") for c in chunks), element
