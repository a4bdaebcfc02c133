"""The map component: rendered once per settings, its layers swapped without a reload.

``st_folium`` renders a folium map to strings on every run (twice) and reloads the map when its
script changes. Here the two parts of :mod:`origin_map.render.mapping` are rendered once and cached:

* the base map (tiles, controls) per basemap and language: its script never changes while the
  user filters, so the component keeps the map and the user's view;
* the data layers per dataset and settings: sent as streamlit-folium's ``feature_group`` and
  ``layer_control`` strings, which its front end swaps on the live map.

A warm rerun then sends cached strings and renders nothing. The arguments are those
``streamlit_folium.st_folium`` sends (checked by a test against st_folium itself).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
import streamlit as st
import streamlit_folium as sf
from folium import plugins

from origin_map.app.caching import token_cache
from origin_map.app.data import Dataset, cached_h3, outlines
from origin_map.app.frontend import preloaded, use_frontend
from origin_map.geo.geometry import Centre, Rings
from origin_map.measure.stats import PlaceFilter
from origin_map.render.assets import local_url
from origin_map.render.bundle import map_links
from origin_map.render.leaflet import ClusterHost
from origin_map.render.mapping import (
    LATER,
    MapLayers,
    base_map,
    display_coordinates,
    fit_zoom,
    map_layers,
)
from origin_map.views import View

HEIGHT_PX = 640
FIRST_VIEW = (39.992446, 116.327708)
"""Where the map is created before the component moves it to the view's centre."""
_ALWAYS = (ClusterHost, plugins.HeatMap, plugins.FastMarkerCluster, plugins.MarkerCluster,
           plugins.Draw)
"""Elements whose scripts the map may need later: loaded with the base map, once."""


@dataclass(frozen=True)
class BaseParts:
    """A rendered base map: what the component needs to draw it."""

    script: str
    header: str
    html: str
    id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    key: str


def _links(elements: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css: list[str] = []
    js: list[str] = []
    for el in elements:
        css += [local_url(u) for _, u in getattr(el, "default_css", [])]
        js += [local_url(u) for _, u in getattr(el, "default_js", [])]
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def _walk(el: Any) -> list[Any]:
    out = [el]
    for child in getattr(el, "_children", {}).values():
        out += _walk(child)
    return out


def tools_later(script: str) -> str:
    r"""Return the map's script with its tools' part (:data:`LATER`) run after the current task.

    streamlit-folium runs the base map's script, then the data layers' in the same task: the
    markers are on the map before the measuring tool and the minimap are made, and a first
    paint does not wait for them. The part runs at global scope (indirect ``eval``), as in
    place, so that its ``var`` names stay global. (The draw control stays in place: its layer
    must hold a new drawing before streamlit-folium's handler, registered after the script,
    reads it.) Without the two comments the script is returned unchanged.

    >>> tools_later("a();/*om:tools*/b();/*om:end-tools*/c();")
    'a();c();\nsetTimeout(function () { (0, eval)("b();"); }, 0);\n'
    """
    start, end = script.find(LATER[0]), script.find(LATER[1])
    if start < 0 or end < start:
        return script
    tools = json.dumps(script[start + len(LATER[0]):end]).replace("</", "<\\/")
    return (script[:start] + script[end + len(LATER[1]):]
            + f"\nsetTimeout(function () {{ (0, eval)({tools}); }}, 0);\n")


def render_base(m: folium.Map, *, key: str) -> BaseParts:
    """Render a base map as streamlit-folium does (the map itself is left rendered).

    The measuring tool and the minimap are made after the markers (:func:`tools_later`).
    """
    m.get_root().render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = tools_later(sf._get_map_string(m))
    css, js = map_links(*_links(_walk(m) + list(_ALWAYS)))  # one script, one stylesheet
    return BaseParts(script, header, html, sf.get_full_id(m), css, js,
                     sf.generate_js_hash(script, key, False))


def render_layers(layers: MapLayers, m: folium.Map) -> tuple[str, str]:
    """Return the ``feature_group`` and ``layer_control`` strings of ``layers`` on ``m``."""
    groups = "".join(sf._get_feature_group_string(g, map=m, idx=i)
                     for i, g in enumerate(layers.groups))
    return groups, sf._get_layer_control_string(layers.control, m)


@st.cache_resource(show_spinner=False, max_entries=16)
def base_parts(basemap: str, lang: str, key: str) -> BaseParts:
    """Return the rendered base map for a basemap and language (shared by every session)."""
    m = base_map(basemap=basemap, lang=lang, location=FIRST_VIEW, height_px=HEIGHT_PX,
                 draw=True)
    return render_base(m, key=key)


@token_cache(max_entries=64)
def layer_parts(token: str, _shown: pd.DataFrame, centre: Centre, rings: Rings,
                place_filter: PlaceFilter, basemap: str, lang: str, heatmap: bool,
                h3_key: tuple[int, ...] | None, _h3: pd.DataFrame | None,
                outlines_key: str, _outlines: Any, area_key: str, _area: Any,
                walk_key: str = "", _walk: Any = None) -> tuple[str, str]:
    """Return the rendered data layers for a dataset and settings (shared by every session).

    ``_shown`` is the filtered places of ``token`` under ``place_filter`` (so it is not hashed);
    ``h3_key`` identifies the H3 cells drawn (None: no H3 layer), ``area_key`` the area
    ("" for none), ``walk_key`` the walking analysis ``_walk`` drawn under the rest ("": none).
    """
    layers = map_layers(_shown, centre, rings, basemap=basemap, lang=lang, heatmap=heatmap,
                        h3_cells=_h3, outlines=_outlines, area=_area)
    if _walk is not None:
        from origin_map.render.walk_layers import walk_groups

        layers.groups[0:0] = walk_groups(_walk.isochrones, _walk.coverage.area,
                                         basemap=basemap, lang=lang)
    return render_layers(layers, base_map(basemap=basemap, lang=lang))


def show_map(parts: BaseParts, layers: tuple[str, str], *, centre: Centre, rings: Rings,
             basemap: str, key: str,
             returned: tuple[str, ...] = ("last_object_clicked", "last_active_drawing",
                                          "all_drawings"),
             report_drawn: bool = False) -> dict[str, Any] | None:
    """Draw the map component; return what it reports (e.g. the last clicked object).

    The view follows the centre and the main ring only when those change: after a filter
    change the user's own pan and zoom stay. With ``report_drawn`` the component reports as
    soon as it has drawn the map (its default is None, so its first state differs from it),
    which reruns the page; until then this returns None.
    """
    js, css = parts.js_links, parts.css_links
    if use_frontend(js, css):  # its page loads the bundles while its own script downloads
        js = tuple(u for u in js if u not in preloaded(js))
        css = tuple(u for u in css if u not in preloaded(css))
    clat, clon = (float(v[0]) for v in display_coordinates([centre.lat], [centre.lon], basemap))
    defaults = None if report_drawn else {k: None for k in returned}

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(parts.key, {})

    value: dict[str, Any] | None = sf._component_func(
        script=parts.script, header=parts.header, html=parts.html, id=parts.id,
        key=parts.key, height=HEIGHT_PX, width=None, returned_objects=list(returned),
        default=defaults, zoom=fit_zoom(rings.main_m, centre.lat, HEIGHT_PX),
        center=[clat, clon], feature_group=layers[0], return_on_hover=False,
        layer_control=layers[1], pixelated=False, css_links=list(css),
        js_links=list(js), on_change=_on_change, wrap_longitude=False)
    return value


def map_key(basemap: str, lang: str) -> str:
    """Return the component key of the map for a basemap and language."""
    return "om_map_" + hashlib.sha1(f"{basemap}|{lang}".encode()).hexdigest()[:8]


def map_for(view: View, ds: Dataset, shown: pd.DataFrame, walk: Any = None, *,
            report_drawn: bool = False) -> dict[str, Any] | None:
    """Draw the map of ``shown`` (the view's filtered places of ``ds``); return its report.

    ``walk`` is a :class:`~origin_map.measure.walk.WalkResult` whose isochrones are drawn too;
    ``report_drawn``: see :func:`show_map`.
    """
    h3 = None
    h3_key: tuple[int, ...] | None = None
    if view.h3:  # the same cells as the Density page's H3 table
        h3 = cached_h3(ds.token, ds.places, view.centre, view.h3_resolution, view.place_filter,
                       view.rings.outer_m)
        h3_key = (view.h3_resolution,)
    key = map_key(view.basemap, view.lang)
    parts = base_parts(view.basemap, view.lang, key)
    walk_key = "" if walk is None else f"walk|{ds.token}|{view.centre}|{view.place_filter}"
    layers = layer_parts(ds.token, shown, view.centre, view.rings, view.place_filter,
                         view.basemap, view.lang, view.heatmap, h3_key, h3, "shipped",
                         outlines(), view.value("area"), view.area, walk_key, walk)
    return show_map(parts, layers, centre=view.centre, rings=view.rings, basemap=view.basemap,
                    key=key, report_drawn=report_drawn)


def warm_maps() -> None:
    """Render the map of the default view (both languages) into the caches, then freeze.

    Called by :mod:`origin_map.app.launch` before the server listens, so that the first visitor
    of a fresh server gets a map already rendered.
    """
    import gc

    from origin_map.app.data import centres, dataset_of, filtered_places
    from origin_map.settings import defaults
    from origin_map.views import resolve

    ds = dataset_of()
    for lang in ("en", "zh"):
        view = resolve({**defaults(), "lang": lang}, centres())
        shown = filtered_places(ds.token, ds.places, view.centre, view.rings,
                                view.place_filter)
        key = map_key(view.basemap, lang)
        base_parts(view.basemap, lang, key)
        layer_parts(ds.token, shown, view.centre, view.rings, view.place_filter, view.basemap,
                    lang, view.heatmap, None, None, "shipped", outlines(), "", None)
    gc.collect()
    gc.freeze()
