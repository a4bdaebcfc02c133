"""Serve folium's JavaScript/CSS from the app itself instead of CDNs.

folium and its plugins list their browser dependencies as CDN URLs in the ``default_js`` and
``default_css`` class attributes. Origin Map runs where no CDN is reachable, and streamlit-folium
loads those links one after another and stops at the first failure, leaving an empty map. The
files are therefore vendored into ``static/vendor/`` (by ``scripts/vendor_assets.sh``) and served
by Streamlit's static file serving (``[server] enableStaticServing = true``) at
``/app/static/vendor/...``; :func:`localize_map` points a map at them.

This module does not import streamlit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import branca.colormap
import folium
from branca.element import Element, MacroElement
from folium.template import Template

from origin_map.paths import static_dir

__all__ = [
    "CDN_TO_LOCAL",
    "DEFAULT_BASE_URL",
    "STATIC_DIR",
    "VENDOR_DIR",
    "local_url",
    "localize_element",
    "localize_map",
    "missing_assets",
    "vendor_path",
]

STATIC_DIR: Final[Path] = static_dir()
"""The ``static/`` folder next to ``app.py`` that Streamlit serves at ``/app/static/``: the
checkout's, else the copy installed with the package (``origin_map/_app/static``)."""

VENDOR_DIR: Final[Path] = STATIC_DIR / "vendor"
"""Where ``scripts/vendor_assets.sh`` puts the vendored packages."""

DEFAULT_BASE_URL: Final[str] = "/app/static/vendor"
"""URL of :data:`VENDOR_DIR` as seen from the streamlit-folium component iframe."""

_JSDELIVR: Final[str] = "https://cdn.jsdelivr.net"
_CDNJS: Final[str] = "https://cdnjs.cloudflare.com/ajax/libs"

CDN_TO_LOCAL: Final[dict[str, str]] = {
    # folium.Map
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    f"{_CDNJS}/jquery/3.7.1/jquery.min.js": "jquery/dist/jquery.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/dist/js/bootstrap.bundle.min.js"
    ),
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "bootstrap3-glyphicons/css/bootstrap-glyphicons.css"
    ),
    f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome-free/css/all.min.css"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet-awesome-markers/js/leaflet.awesome-markers.js"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet-awesome-markers/css/leaflet.awesome-markers.css"
    ),
    f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (
        "folium/templates/leaflet.awesome.rotate.css"
    ),
    # folium.plugins.MarkerCluster, folium.plugins.FastMarkerCluster
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/dist/leaflet.markercluster.js"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster/dist/MarkerCluster.css"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/dist/MarkerCluster.Default.css"
    ),
    # folium.plugins.FeatureGroupSubGroup
    "https://unpkg.com/leaflet.featuregroup.subgroup@1.0.2/dist/leaflet.featuregroup.subgroup.js": (
        "leaflet.featuregroup.subgroup/dist/leaflet.featuregroup.subgroup.js"
    ),
    # folium.plugins.Fullscreen
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen/Control.FullScreen.js"
    ),
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen/Control.FullScreen.css"
    ),
    # folium.plugins.MiniMap
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": (
        "leaflet-minimap/src/Control.MiniMap.js"
    ),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": (
        "leaflet-minimap/src/Control.MiniMap.css"
    ),
    # folium.plugins.MeasureControl
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": (
        "leaflet-measure/dist/leaflet-measure.min.js"
    ),
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": (
        "leaflet-measure/dist/leaflet-measure.css"
    ),
    # folium.plugins.HeatMap
    f"{_JSDELIVR}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
        "folium/templates/leaflet_heat.min.js"
    ),
    # folium.plugins.Draw
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet-draw/dist/leaflet.draw.js",
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet-draw/dist/leaflet.draw.css",
}
"""Each CDN URL used by folium 0.20 (map and supported plugins) -> file under ``VENDOR_DIR``."""

LEAFLET_IMAGES: Final[str] = "leaflet/dist/images"
"""Folder (under ``VENDOR_DIR``) of Leaflet's default marker icons."""

_IMAGE_PATH_NAME: Final[str] = "origin_map_leaflet_image_path"

# Elements that add CDN links while rendering, outside ``default_js``/``default_css``, so that
# rewriting those lists cannot make them work offline.
_UNSUPPORTED: Final[tuple[tuple[type, str], ...]] = (
    (
        branca.colormap.ColorMap,
        "branca colormaps (legends, Choropleth) load d3 from cdnjs/d3js.org, and streamlit-folium "
        "adds those d3 CDN links itself",
    ),
    (folium.features.VegaLite, "VegaLite loads vega/vega-lite/vega-embed from jsDelivr"),
)


class _LeafletImagePath(MacroElement):
    """Set ``L.Icon.Default.imagePath`` so default marker icons load from the vendored folder.

    Leaflet otherwise guesses the folder from where ``leaflet.css`` was loaded, which fails
    inside the streamlit-folium iframe because the CSS is added after the markers are created.

    Parameters
    ----------
    image_path : str
        URL of the folder holding ``marker-icon.png``; a trailing slash is added if missing.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path_js }};
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str) -> None:
        super().__init__()
        self._name = "LeafletImagePath"
        self.image_path = image_path if image_path.endswith("/") else image_path + "/"
        self.image_path_js = json.dumps(self.image_path)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def local_url(cdn_url: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """Return the local URL that replaces a CDN URL.

    Parameters
    ----------
    cdn_url : str
        A URL from a folium element's ``default_js`` or ``default_css``.
    base_url : str, optional
        URL at which ``static/vendor/`` is served (see :func:`localize_map`).

    Returns
    -------
    str
        ``base_url`` joined with the vendored file's path. A URL that is not remote (already
        local) is returned unchanged.

    Raises
    ------
    ValueError
        If ``cdn_url`` is remote and has no vendored replacement in :data:`CDN_TO_LOCAL`.
    """
    if not _is_remote(cdn_url):
        return cdn_url
    try:
        relative = CDN_TO_LOCAL[cdn_url]
    except KeyError:
        raise ValueError(
            f"No vendored copy of {cdn_url!r}: the map would not draw offline. Add the file to "
            "scripts/vendor_assets.sh and CDN_TO_LOCAL in origin_map/render/assets.py."
        ) from None
    return f"{base_url.rstrip('/')}/{relative}"


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize_element(element: Element, *, base_url: str = DEFAULT_BASE_URL) -> Element:
    """Point an element and its descendants at the vendored JS/CSS (see :func:`localize_map`).

    For layers built apart from their map (the app swaps them on a map already drawn).

    Raises
    ------
    ValueError
        As :func:`localize_map`.
    """
    for el in _walk(element):
        for kind, reason in _UNSUPPORTED:
            if isinstance(el, kind):
                raise ValueError(
                    f"{type(el).__name__} cannot be used offline: {reason}. "
                    "No vendored replacement exists."
                )
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if links:
                localized = [(name, local_url(url, base_url)) for name, url in links]
                setattr(el, attr, localized)
    return element


def localize_map(m: folium.Map, *, base_url: str = DEFAULT_BASE_URL) -> folium.Map:
    """Point a folium map and all its descendants at the vendored JS/CSS files.

    Every element's ``default_js`` and ``default_css`` are replaced by instance attributes that
    hold local URLs (the folium classes are left untouched), and an element setting
    ``L.Icon.Default.imagePath`` is put first among the map's children. Calling it again on the
    same map is harmless; call it after all layers and plugins have been added.

    Parameters
    ----------
    m : folium.Map
        The map to change in place.
    base_url : str, optional
        URL at which ``static/vendor/`` is served, ``"/app/static/vendor"`` by default. It is
        absolute (leading ``/``) on purpose: streamlit-folium loads ``js_links``/``css_links``
        by adding ``<script src>``/``<link href>`` tags inside its component iframe, whose
        document is ``/component/streamlit_folium.st_folium/index.html``, so a relative
        ``"app/static/vendor"`` would resolve to ``/component/streamlit_folium.st_folium/app/...``
        and 404 (checked in Chromium). The absolute path resolves against the Streamlit server
        root, as Streamlit serves the ``static/`` folder next to the main script at
        ``/app/static/``. If the app runs under ``server.baseUrlPath = "x"``, pass
        ``"/x/app/static/vendor"``. A map saved as a standalone HTML file needs a URL that works
        where the file is opened.

    Returns
    -------
    folium.Map
        ``m`` itself, for chaining.

    Raises
    ------
    ValueError
        If an element uses a CDN URL that has no vendored copy (so that a newly used plugin
        fails loudly instead of leaving a blank map offline), or is an element that adds CDN
        links while rendering (branca colormaps, ``VegaLite``).
    """
    localize_element(m, base_url=base_url)
    if _IMAGE_PATH_NAME not in m._children:
        image_path = _LeafletImagePath(f"{base_url.rstrip('/')}/{LEAFLET_IMAGES}/")
        m.add_child(image_path, name=_IMAGE_PATH_NAME)
        # Run it before any marker child creates its icon.
        m._children.move_to_end(_IMAGE_PATH_NAME, last=False)
    return m


def vendor_path(relative: str) -> Path:
    """Return the path on disk of a vendored file.

    Parameters
    ----------
    relative : str
        Path under ``static/vendor/``, as in the values of :data:`CDN_TO_LOCAL`.

    Returns
    -------
    pathlib.Path
        ``VENDOR_DIR / relative``.
    """
    return VENDOR_DIR / relative


def missing_assets() -> list[str]:
    """List the vendored files named in :data:`CDN_TO_LOCAL` that are not on disk.

    Returns
    -------
    list of str
        Sorted paths under ``static/vendor/`` that do not exist; empty when everything is in
        place (run ``scripts/vendor_assets.sh`` otherwise).
    """
    wanted = {*CDN_TO_LOCAL.values(), f"{LEAFLET_IMAGES}/marker-icon.png"}
    return sorted(rel for rel in wanted if not vendor_path(rel).is_file())
