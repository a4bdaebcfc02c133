"""streamlit-folium's front end with the map's bundles in its page: a first visit's map sooner.

streamlit-folium's iframe page loads its own script, tells Streamlit it is ready, receives the
map's arguments and only then adds the map's ``js_links`` (the bundle of Leaflet and its plugins,
:mod:`origin_map.render.bundle`) one by one and waits for them before it draws. On a first visit
that is a request, a download and a parse in a row after the handshake. Here the server serves a
copy of streamlit-folium's front end (same files, under the same component name, so the
iframe's URL and its script's cache rules do not change) whose page itself loads the bundle
(``<script defer>`` before streamlit-folium's script, so Leaflet is defined before the map's
script runs) and its stylesheet, while its own script downloads; the bundle's links are then
left out of the arguments.

The copy is written once per bundle into the temporary folder (``origin-map-<uid>/``, named after
its content, shared by the workers). When it cannot be written, the original front end is used
and the arguments keep every link: the map draws as before. Measured in
``benchmarks/first_visit.py`` (docs/load.md).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import streamlit_folium as sf

__all__ = ["BUILD", "MARK", "current_frontend", "frontend_dir", "page_with_bundles", "preloaded",
           "use_frontend"]

BUILD = Path(sf.__file__).parent / "frontend" / "build"
"""streamlit-folium's front end as installed."""

MARK = '<script defer="defer" src="./static/js/main.'
"""Where the bundles go in streamlit-folium's page: before its own script."""

_BUNDLE = "/static/bundle/"


def preloaded(links: Sequence[str]) -> tuple[str, ...]:
    """Return the links among ``links`` that are map bundles (the front end's page loads them)."""
    return tuple(u for u in links if _BUNDLE in u)


def _attr(url: str) -> str:
    """Return ``url`` safe inside a double-quoted HTML attribute (bundle URLs are ours)."""
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def page_with_bundles(page: str, js: Sequence[str], css: Sequence[str]) -> str | None:
    """Return streamlit-folium's ``index.html`` loading ``js`` and ``css`` itself, or None.

    The stylesheets and the scripts (``defer``: run in order, after parsing, before
    streamlit-folium's own deferred script) go right before streamlit-folium's script tag; None
    when the page does not have that tag (another streamlit-folium version).
    """
    at = page.find(MARK)
    if at < 0:
        return None
    tags = [f'<link rel="stylesheet" href="{_attr(u)}"/>' for u in css]
    tags += [f'<script defer="defer" src="{_attr(u)}"></script>' for u in js]
    return page[:at] + "".join(tags) + page[at:]


def _root() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"origin-map-{uid}"


@functools.cache
def frontend_dir(js: tuple[str, ...], css: tuple[str, ...], root: Path | None = None
                 ) -> str | None:
    """Write (once) the front end whose page loads ``js`` and ``css``; return its folder or None.

    The folder is named after the page's content, so that every worker of a server, and a
    restarted server, uses the same one; it is written under another name and renamed into
    place, so that a worker never serves a half-written copy. None when streamlit-folium's
    page has no place for the bundles or the folder cannot be written.
    """
    try:
        page = page_with_bundles((BUILD / "index.html").read_text(encoding="utf-8"), js, css)
        if page is None:
            return None
        base = root or _root()
        target = base / f"st_folium-{hashlib.sha256(page.encode()).hexdigest()[:16]}"
        index = target / "index.html"
        if index.is_file() and index.read_text(encoding="utf-8") == page:
            return str(target)
        base.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=base))
        try:
            shutil.copytree(BUILD, work / "build", ignore=shutil.ignore_patterns("*.map"))
            (work / "build" / "index.html").write_text(page, encoding="utf-8")
            if not index.is_file():
                try:
                    os.replace(work / "build", target)
                except OSError:  # another worker renamed its copy first
                    pass
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return str(target) if index.read_text(encoding="utf-8") == page else None
    except OSError:
        return None


def current_frontend(js: tuple[str, ...], css: tuple[str, ...], root: Path | None = None
                     ) -> str | None:
    """Return :func:`frontend_dir`'s folder, written again if it went (a cleaned ``/tmp``)."""
    folder = frontend_dir(js, css, root)
    if folder is not None and not os.path.isfile(os.path.join(folder, "index.html")):
        frontend_dir.cache_clear()
        folder = frontend_dir(js, css, root)
    return folder


def use_frontend(js: tuple[str, ...], css: tuple[str, ...]) -> bool:
    """Serve the front end loading the bundles among ``js``/``css``; True when it is served.

    Registers it with the running server under streamlit-folium's component name (replacing
    streamlit-folium's own registration, or an earlier copy for other bundles). False without a
    running server (tests, bare mode) or when the copy cannot be written: the caller then
    sends every link.
    """
    from streamlit.components.v1.custom_component import CustomComponent
    from streamlit.runtime import exists, get_instance

    if not exists():
        return False
    component = sf._component_func
    name = getattr(component, "name", None)  # a test may stand in a plain function
    if not isinstance(name, str):
        return False
    registry = get_instance().component_registry
    folder = current_frontend(preloaded(js), preloaded(css))
    if folder is None:
        if registry.get_component(name) is None:
            registry.register_component(component)
        return False
    current = registry.get_component(name)
    if current is None or current.abspath != os.path.abspath(folder):
        registry.register_component(CustomComponent(
            name=name, path=folder, module_name=getattr(component, "module_name", None)))
    return True
