"""One script and one stylesheet for the map, instead of twenty-odd files loaded one by one.

streamlit-folium loads a map's ``js_links`` one after the other (each waits for the previous to
load) before it draws anything, then its ``css_links``. A first visit of the Map page therefore
waited for eleven sequential requests and parsed ~850 kB of JavaScript and CSS, of which jQuery,
Bootstrap (JS and CSS), Font Awesome and the icon-rotation CSS are not used by Origin Map's maps:
folium's ``Map`` lists them for elements this app does not draw.

:func:`map_links` turns the links of a map into one script (:data:`BUNDLE_JS`: Leaflet and every
plugin the app may use, in the order they must run) and one stylesheet (:data:`BUNDLE_CSS`), both
made from the vendored files by :func:`write_bundle` (``python -m origin_map.render.bundle``)
and named after their content, so that a changed bundle is a new URL. A link outside the bundle
is kept after it; an unused one is dropped. When the bundle on disk does not match the vendored
files (edited, or not written), the links are returned unchanged: the map still draws.

This module does not import streamlit.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from origin_map.render.assets import DEFAULT_BASE_URL, STATIC_DIR, VENDOR_DIR

__all__ = ["BUNDLE_CSS", "BUNDLE_DIR", "BUNDLE_JS", "UNUSED", "bundle_text", "map_links",
           "write_bundle"]

BUNDLE_DIR: Final[Path] = STATIC_DIR / "bundle"
"""Where the bundles live; served at ``/app/static/bundle/``."""

BUNDLE_JS: Final[tuple[str, ...]] = (
    "leaflet/dist/leaflet.js",
    "leaflet-awesome-markers/js/leaflet.awesome-markers.js",
    "leaflet.fullscreen/Control.FullScreen.js",
    "leaflet-measure/dist/leaflet-measure.min.js",
    "leaflet-minimap/src/Control.MiniMap.js",
    "leaflet-draw/dist/leaflet.draw.js",
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.featuregroup.subgroup/dist/leaflet.featuregroup.subgroup.js",
    "folium/templates/leaflet_heat.min.js",
)
"""Vendored scripts in the bundle (paths under ``static/vendor/``), in loading order."""

BUNDLE_CSS: Final[tuple[str, ...]] = (
    "leaflet/dist/leaflet.css",
    "bootstrap3-glyphicons/css/bootstrap-glyphicons.css",
    "leaflet-awesome-markers/css/leaflet.awesome-markers.css",
    "leaflet.fullscreen/Control.FullScreen.css",
    "leaflet-measure/dist/leaflet-measure.css",
    "leaflet-minimap/src/Control.MiniMap.css",
    "leaflet-draw/dist/leaflet.draw.css",
    "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css",
)
"""Vendored stylesheets in the bundle, in cascade order."""

UNUSED: Final[frozenset[str]] = frozenset({
    "jquery/dist/jquery.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap/dist/css/bootstrap.min.css",
    "fontawesome-free/css/all.min.css",
    "folium/templates/leaflet.awesome.rotate.css",
})
"""Files ``folium.Map`` lists that no element of Origin Map's maps uses (checked by a test on
the rendered maps: no jQuery call, no Bootstrap component, no Font Awesome icon and no rotated
icon; the centre's marker is an Awesome Marker with a Glyphicon, which stay)."""

_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$|/\*[#@] sourceMappingURL=.*?\*/",
                         re.MULTILINE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _css_text(rel: str) -> str:
    """Return a vendored stylesheet with its relative ``url(...)`` made relative to the bundle."""
    folder = Path(rel).parent.as_posix()

    def fix(m: re.Match[str]) -> str:
        quote, url = m.group(1), m.group(2).strip()
        if url.startswith(("data:", "http:", "https:", "//", "/", "#")):
            return m.group(0)
        return f"url({quote}../vendor/{posixpath.normpath(f'{folder}/{url}')}{quote})"

    return _CSS_URL.sub(fix, (VENDOR_DIR / rel).read_text(encoding="utf-8"))


def bundle_text(kind: str) -> str:
    """Return the text of the ``"js"`` or ``"css"`` bundle, made from the vendored files.

    Each file is preceded by a comment naming it; source-map comments are dropped (the maps are
    not vendored); scripts are separated by ``;`` so that each ends as it would on its own.
    """
    if kind == "js":
        parts = [f"/* {rel} */\n{_SOURCE_MAP.sub('', (VENDOR_DIR / rel).read_text('utf-8'))}\n;"
                 for rel in BUNDLE_JS]
    elif kind == "css":
        parts = [f"/* {rel} */\n{_SOURCE_MAP.sub('', _css_text(rel))}" for rel in BUNDLE_CSS]
    else:
        raise ValueError(f"kind must be 'js' or 'css', not {kind!r}")
    return "\n".join(parts) + "\n"


def _name(kind: str, text: str) -> str:
    return f"map-{hashlib.sha256(text.encode()).hexdigest()[:12]}.{kind}"


@functools.cache
def _current(kind: str) -> str | None:
    """Return the file name of the ``kind`` bundle when it is on disk and current, else None."""
    try:
        text = bundle_text(kind)
    except OSError:
        return None
    name = _name(kind, text)
    path = BUNDLE_DIR / name
    try:
        return name if path.read_text(encoding="utf-8") == text else None
    except OSError:
        return None


def write_bundle(folder: Path = BUNDLE_DIR) -> list[Path]:
    """Write both bundles into ``folder`` (old bundles there removed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("map-*.*"):
        old.unlink()
    out = []
    for kind in ("js", "css"):
        text = bundle_text(kind)
        path = folder / _name(kind, text)
        path.write_text(text, encoding="utf-8")
        out.append(path)
    _current.cache_clear()
    return out


def _relative(url: str, base_url: str) -> str | None:
    prefix = base_url.rstrip("/") + "/"
    return url[len(prefix):] if url.startswith(prefix) else None


def _swap(links: Sequence[str], kind: str, members: tuple[str, ...], base_url: str
          ) -> tuple[str, ...]:
    rel = [_relative(u, base_url) for u in links]
    kept = tuple(u for u, r in zip(links, rel, strict=True) if r not in UNUSED)
    name = _current(kind)
    if name is None:
        return kept
    static = base_url.rstrip("/").rsplit("/", 1)[0]  # /app/static
    rest = tuple(u for u, r in zip(links, rel, strict=True)
                 if r not in UNUSED and r not in members)
    return (f"{static}/bundle/{name}", *rest)


def map_links(css: Sequence[str], js: Sequence[str], base_url: str = DEFAULT_BASE_URL
              ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return a map's ``(css_links, js_links)`` with the bundles in place of their members.

    Parameters
    ----------
    css, js : sequence of str
        The map's local links (``/app/static/vendor/...``), as :func:`origin_map.render.assets.
        local_url` makes them.
    base_url : str, optional
        URL at which ``static/vendor/`` is served.

    Returns
    -------
    tuple of (tuple of str, tuple of str)
        The bundle first, then every link that is neither in it nor in :data:`UNUSED`; without a
        current bundle on disk, the links minus :data:`UNUSED`.
    """
    return (_swap(css, "css", BUNDLE_CSS, base_url), _swap(js, "js", BUNDLE_JS, base_url))


if __name__ == "__main__":  # pragma: no cover
    for p in write_bundle():
        print(p)
