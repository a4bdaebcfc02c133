"""Folium maps of places around a centre: a base map, and layers that change with the filters.

The map is built in two parts so that the app can keep the user's view while filters change:

* :func:`base_map`: tiles and controls (zoom, scale bar in metres, full screen, measure,
  minimap), all titled in the map's language. It depends only on the basemap and the language.
* :func:`map_layers`: the feature groups drawn on it (outlines, H3 hexagons, heatmap, rings,
  one layer per sector, the legend) and their layer control. The app swaps these without
  reloading the map (see :mod:`origin_map.app`).

:func:`build_map` puts both together into one standalone map. Every piece of text from data
passes through :func:`safe_text` (folium puts tooltip HTML inside JavaScript template literals),
and every JS/CSS file is served locally (:func:`origin_map.render.assets.localize_map`). Markers
have a
tooltip but no popup: a click shows the place's details beside the map.

This module does not import streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Figure
from folium import plugins

from origin_map import i18n
from origin_map.geo.geometry import Centre, Rings, normalise_radii, ring_polygons
from origin_map.places import vocab
from origin_map.render.assets import localize_element, localize_map
from origin_map.render.basemaps import BASEMAPS
from origin_map.render.display import display_coordinates
from origin_map.render.h3_layer import h3_layer
from origin_map.render.leaflet import (
    ClusterHost,
    JsonLegend,
    LayersTitle,
    LocalControls,
    PointLayer,
    safe_text,
)

__all__ = [
    "AGGREGATE_LIMIT",
    "LATER",
    "MARKER_LIMIT",
    "MapLayers",
    "aggregate_cells",
    "base_map",
    "build_map",
    "display_coordinates",
    "fit_zoom",
    "map_layers",
    "places_at_point",
    "safe_text",
]

LATER = ("/*om:tools*/", "/*om:end-tools*/")
"""Comments around the scripts of the measuring tool and the minimap: what a first paint can do
without (the heaviest controls: the minimap is a second map). ``origin_map.app.maps`` runs that
part after the markers; a map saved as HTML runs it in place (the comments change nothing)."""

MARKER_LIMIT = 2000
"""Above this many places, markers are drawn by FastMarkerCluster (one cluster per sector)."""
AGGREGATE_LIMIT = 50_000
"""Above this many places, the map sends H3 hexagon counts instead of points (payload)."""
AGGREGATE_CELLS = 4000
"""At most this many hexagons are sent in aggregate mode (a coarser resolution otherwise)."""
MAX_ZOOM = 19
_PANES = (("om-areas", 350, True), ("om-heat", 380, False), ("om-rings", 420, True),
          ("om-points", 450, True))
"""Custom panes, bottom to top (name, z-index, takes clicks and hovers): outlines and hexagons,
heatmap, rings, points (clusters sit in Leaflet's marker pane above all of them), so a heatmap
never covers the sector colours."""


def _fmt_m(d: float) -> str:
    return f"{d / 1000:g} km" if d >= 1000 else f"{d:g} m"


def places_at_point(places: pd.DataFrame, lat: float, lon: float, basemap: str,
                    tol_m: float = 2.0) -> pd.DataFrame:
    """Return the places drawn at (``lat``, ``lon``) on ``basemap`` (a clicked marker).

    Several firms in one building share a point; all of them are returned.
    """
    if places.empty:
        return places
    dlat, dlon = display_coordinates(places["lat"], places["lon"], basemap)
    dy = (dlat - lat) * 111_320.0
    dx = (dlon - lon) * 111_320.0 * np.cos(np.radians(lat))
    return places.loc[np.hypot(dx, dy) <= tol_m]


def fit_zoom(radius_m: float, lat: float, height_px: int = 640) -> int:
    """Return the largest web-map zoom at which a circle of ``radius_m`` fits ``height_px``."""
    metres_per_px_z0 = 156_543.03392 * math.cos(math.radians(lat))
    wanted = 2.3 * float(radius_m) / max(height_px - 40, 100)  # a margin round the ring
    return int(max(1, min(MAX_ZOOM - 1, math.floor(math.log2(metres_per_px_z0 / wanted)))))


def base_map(*, basemap: str = "osm", lang: str = "en", location: Sequence[float] = (0.0, 0.0),
             zoom: int = 15, height_px: int = 640, draw: bool = False) -> folium.Map:
    """Return the map without data layers: tiles and controls titled in ``lang``.

    ``location`` and ``zoom`` are the first view; the app passes the view separately, so one
    base map serves every centre. ``draw`` adds the tools to draw an area (polygon, rectangle,
    circle).
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"Unknown basemap {basemap!r}; use one of {list(BASEMAPS)}.")
    base = BASEMAPS[basemap]
    m = folium.Map(location=list(location), zoom_start=zoom, tiles=None, zoom_control=False,
                   control_scale=False, prefer_canvas=True, height=height_px)
    m.options["maxZoom"] = MAX_ZOOM  # needed by the clusters when there is no tile layer
    for name, z, events in _PANES:
        folium.map.CustomPane(name, z_index=z, pointer_events=events).add_to(m)
    attribution = base.attribution.replace(  # "© OpenStreetMap 贡献者" in Chinese
        "contributors", i18n.text("i18n16.osm_contributors", lang))
    if base.url:
        folium.TileLayer(base.url, attr=attribution, name=i18n.text(f"basemap.{basemap}",
                         lang), max_zoom=MAX_ZOOM, max_native_zoom=base.max_zoom,
                         subdomains=base.subdomains, control=False).add_to(m)
    LocalControls(i18n.text("leaflet.zoom_in", lang),
                  i18n.text("leaflet.zoom_out", lang)).add_to(m)
    m.add_child(_expose_map(i18n.text("i18n16.leaflet_title", lang)))
    _add_controls(m, base.url, attribution, base.subdomains, lang)
    if draw:  # not later: its layer must get a drawing before streamlit-folium reads it
        from origin_map.render.area_layers import draw_control, draw_texts

        draw_texts(lang).add_to(m)  # first: L.drawLocal is read when the control is made
        draw_control(lang).add_to(m)
    return localize_map(m)


def _comment(text: str) -> folium.MacroElement:
    from folium.template import Template

    el = folium.MacroElement()
    el._template = Template("{% macro script(this, kwargs) %}" + text + "{% endmacro %}")
    return el


def _add_controls(m: folium.Map, url: str | None, attribution: str, subdomains: str,
                  lang: str) -> None:
    t = lambda key: i18n.text(f"leaflet.{key}", lang)  # noqa: E731
    plugins.Fullscreen(position="topleft", title=t("fullscreen"),
                       title_cancel=t("exit_fullscreen")).add_to(m)
    m.add_child(_comment(LATER[0]))
    plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                           secondary_length_unit="kilometers", primary_area_unit="sqmeters",
                           secondary_area_unit="hectares",
                           localization=t("measure_locale")).add_to(m)
    if url:
        mini = plugins.MiniMap(tile_layer=folium.TileLayer(url, attr=attribution,
                                                           subdomains=subdomains),
                               toggle_display=True, position="bottomleft")
        mini.options["strings"] = {"hideText": t("minimap_hide"), "showText": t("minimap_show")}
        mini.add_to(m)
    m.add_child(_comment(LATER[1]))
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(folium.Element(
        "<style>@media (max-width: 600px) { .leaflet-control-minimap { display: none; }"
        " .leaflet-bottom.leaflet-left { z-index: 1001; }"
        " .leaflet-control-scale { margin-bottom: 22px !important; } }"
        "</style>"), name="om_narrow_css")  # phones: no minimap; the scale bar above the
    # attribution, which spans the width of a narrow map


def _expose_map(leaflet_title: str) -> folium.MacroElement:
    """Make the Leaflet map reachable as ``window.originMap`` (for tests and debugging).

    The attribution's "Leaflet" link gets its title (a hover text) from the catalogue.
    """
    import html
    import json

    from folium.template import Template

    el = folium.MacroElement()
    prefix = json.dumps(f'<a href="https://leafletjs.com" title="{html.escape(leaflet_title)}"'
                        '>Leaflet</a>').replace("</", "<\\/")
    el._template = Template("""
        {% macro script(this, kwargs) %}
        window.originMap = {{ this._parent.get_name() }};
        window.originMap.attributionControl.setPrefix(""" + prefix + """);
        {% endmacro %}
    """)
    return el


@dataclass
class MapLayers:
    """The data layers of a map: feature groups in drawing order, and their layer control."""

    groups: list[folium.FeatureGroup]
    control: folium.LayerControl


def _sector_colour(sector: str) -> str:
    return vocab.SECTOR_BY_ID[sector].colour if sector in vocab.SECTOR_BY_ID else "#999999"


def _ring_group(centre: Centre, radii: tuple[float, ...], main_m: float, basemap: str,
                lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=i18n.text("map.rings", lang))
    rings = ring_polygons(centre.lat, centre.lon, radii, n_vertices=180)
    for inner, outer, geom in zip(rings["ring_inner_m"], rings["ring_outer_m"],
                                  rings.geometry, strict=True):
        lon, lat = np.asarray(geom.exterior.coords).T
        dlat, dlon = display_coordinates(lat, lon, basemap)
        main = outer == main_m
        folium.PolyLine(np.column_stack([dlat, dlon]).tolist(), pane="om-rings",
                        color="#d62728" if main else "#444", weight=2.5 if main else 1.5,
                        dash_array=None if main else "6 4",
                        tooltip=f"{_fmt_m(inner)}–{_fmt_m(outer)}").add_to(group)
        top = int(np.argmax(dlat))
        folium.Marker([float(dlat[top]), float(dlon[top])], icon=folium.DivIcon(
            html=f"<div class='om-ring-label' style='font:bold 12px sans-serif;color:#333;"
                 f"background:rgba(255,255,255,.8);padding:0 3px;border-radius:3px;"
                 f"white-space:nowrap;transform:translate(-50%,-50%);display:inline-block'>"
                 f"{_fmt_m(outer)}</div>", icon_size=(1, 1), icon_anchor=(0, 0))
                      ).add_to(group)
    clat, clon = (float(v[0]) for v in display_coordinates([centre.lat], [centre.lon], basemap))
    folium.Marker([clat, clon], icon=folium.Icon(color="red", icon="star"),
                  tooltip=safe_text(i18n.text("map.centre", lang, name=centre.name(lang))),
                  z_index_offset=-1000).add_to(group)  # clusters at the centre stay on top
    return group


def _tooltip(row: Any, lang: str) -> str:
    name = next((n for n in i18n.names(row.name_zh, row.name_en, lang) if n), row.id)
    return f"<span class='om-data'>{safe_text(name, 120)}</span>"  # data: its own words


def _sector_groups(shown: pd.DataFrame, order: list[str], lang: str, *, many: bool
                   ) -> list[folium.FeatureGroup]:
    groups: list[folium.FeatureGroup] = []
    if not many:
        host = folium.FeatureGroup(name="places", control=False)
        ClusterHost().add_to(host)
        groups.append(host)
    for sector in order:
        sub = shown[shown["sector"] == sector]
        colour = _sector_colour(sector)
        group = folium.FeatureGroup(name=safe_text(
            f"{vocab.sector_label(sector, lang)} ({len(sub)})"))
        if many:
            callback = (
                "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), "
                f"{{radius: 5, color: '#333', weight: 1, fillColor: '{colour}', "
                "fillOpacity: 0.85, pane: 'om-points'}); }")
            points = np.round(sub[["disp_lat", "disp_lon"]].to_numpy(), 6).tolist()
            plugins.FastMarkerCluster(points, callback=callback).add_to(group)
        else:
            rows = [[round(float(r.disp_lat), 7), round(float(r.disp_lon), 7), _tooltip(r, lang)]
                    for r in sub.itertuples(index=False)]
            PointLayer(rows, {"radius": 7, "color": "#222", "weight": 1, "fill": True,
                              "fillColor": colour, "fillOpacity": 0.9},
                       clustered=True).add_to(group)
        groups.append(group)
    return groups


_BOX = ("background:rgba(255,255,255,.93);padding:5px 7px;border-radius:4px;font:11px/1.3 "
        "sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)")


def _legend_group(counts: dict[str, int], lang: str, extra: str = "") -> folium.FeatureGroup:
    rows = [f"<div style='{_BOX}'>{extra}<details open><summary><b>"  # the H3 key first: short,
            f"{safe_text(i18n.text('map.legend', lang))}</b></summary>"]  # never scrolled away
    for sector, n in counts.items():
        rows.append(f"<div><span style='display:inline-block;width:10px;height:10px;"
                    f"border-radius:50%;background:{_sector_colour(sector)};margin-right:5px'>"
                    f"</span>{safe_text(vocab.sector_label(sector, lang))} ({n})</div>")
    rows.append(f"<div style='margin-top:4px;color:#444'>"
                f"{safe_text(i18n.text('map.cluster_note', lang))}</div></details>")
    rows.append("</div>")
    group = folium.FeatureGroup(name="legend", control=False)
    JsonLegend("".join(rows)).add_to(group)
    return group


def aggregate_cells(places: pd.DataFrame, centre: Centre, *, max_cells: int = AGGREGATE_CELLS
                    ) -> pd.DataFrame:
    """Return the H3 counts the map draws instead of a very large number of points.

    The finest resolution from 9 down to 5 that gives at most ``max_cells`` cells is used.
    """
    from origin_map.measure.stats import h3_table

    lat = places["lat"].to_numpy(dtype=float)
    lon = places["lon"].to_numpy(dtype=float)
    frame = pd.DataFrame({"lat": lat, "lon": lon, "sector": places["sector"].to_numpy()})
    for res in (9, 8, 7, 6, 5):
        cells = h3_table(frame, centre, resolution=res)
        if len(cells) <= max_cells:
            return cells
    return cells.head(max_cells)


def map_layers(places: pd.DataFrame, centre: Centre, rings: Rings | Sequence[float], *,
               basemap: str = "osm", lang: str = "en", heatmap: bool = False,
               h3_cells: pd.DataFrame | None = None, outlines: Any = None,
               area: Any = None, marker_limit: int = MARKER_LIMIT) -> MapLayers:
    """Return the data layers of the map, in drawing order, and their layer control.

    Parameters
    ----------
    places
        Places to draw (WGS-84 ``lat``/``lon``, ``sector``, names).
    centre, rings
        The centre and the rings (a :class:`~origin_map.geo.geometry.Rings`, whose main radius is
        drawn solid red, or radii in metres, the 1 km ring or else the largest being the main).
    basemap
        A key of :data:`~origin_map.render.basemaps.BASEMAPS`; on ``gaode`` everything is shifted to
        GCJ-02 for display.
    heatmap, h3_cells, outlines
        Add a heatmap, an :func:`origin_map.measure.stats.h3_table` as hexagons, and outlines (a
        GeoDataFrame with ``place_id`` and polygons) drawn in their place's sector colour.
    area
        An :class:`origin_map.measure.areas.Area` to draw (the figures are for it).
    marker_limit
        Up to this many places, each is a circle marker in one spiderfying cluster shared by
        the sector layers; above it, one FastMarkerCluster per sector; above
        :data:`AGGREGATE_LIMIT`, no points at all: H3 hexagon counts
        (:func:`aggregate_cells`) and the legend's sector counts.
    """
    lang = lang if lang in i18n.LANGS else i18n.DEFAULT_LANG
    radii = normalise_radii(rings)
    main = rings.main_m if isinstance(rings, Rings) else (1000.0 if 1000.0 in radii
                                                           else radii[-1])
    dlat, dlon = display_coordinates(places["lat"], places["lon"], basemap)
    shown = places.assign(disp_lat=dlat, disp_lon=dlon)
    counts = shown["sector"].value_counts()
    order = [s for s in vocab.SECTOR_IDS if s in counts] + sorted(
        set(counts.index) - set(vocab.SECTOR_IDS))
    aggregate = len(shown) > AGGREGATE_LIMIT
    if aggregate:  # hexagon counts replace the points: the payload stays small
        h3_cells = aggregate_cells(shown, centre)
    groups, h3_legend = _area_groups(places, basemap, lang, outlines, area, h3_cells)
    if heatmap and len(shown) and not aggregate:
        heat = folium.FeatureGroup(name=i18n.text("map.heat", lang))
        plugins.HeatMap(np.round(shown[["disp_lat", "disp_lon"]].to_numpy(), 6).tolist(),
                        radius=18, blur=15, min_opacity=0.3, pane="om-heat").add_to(heat)
        groups.append(heat)
    groups.append(_ring_group(centre, radii, main, basemap, lang))
    if not aggregate:
        groups += _sector_groups(shown, order, lang, many=len(shown) > marker_limit)
    groups.append(_legend_group({s: int(counts[s]) for s in order}, lang, h3_legend))
    for g in groups:
        localize_element(g)
    return MapLayers(groups, LayersTitle(i18n.text("leaflet.layers", lang), collapsed=True))


def _area_groups(places: pd.DataFrame, basemap: str, lang: str, outlines: Any, area: Any,
                 h3_cells: pd.DataFrame | None) -> tuple[list[folium.FeatureGroup], str]:
    """Return the layers drawn under the points (outlines, area, hexagons) and the H3 legend."""
    groups: list[folium.FeatureGroup] = []
    if outlines is not None and len(outlines):
        from origin_map.render.area_layers import outlines_layer

        groups.append(outlines_layer(outlines, places, basemap=basemap, lang=lang))
    if area is not None:
        from origin_map.render.area_layers import area_layer

        groups.append(area_layer(area, basemap=basemap, lang=lang))
    h3_legend = ""
    if h3_cells is not None and len(h3_cells):
        h3_group, h3_legend = h3_layer(h3_cells, basemap, lang)
        groups.append(h3_group)
    return groups, h3_legend


def build_map(places: pd.DataFrame, centre: Centre, rings: Rings | Sequence[float], *,
              basemap: str = "osm", lang: str = "en", heatmap: bool = False,
              h3_cells: pd.DataFrame | None = None, outlines: Any = None,
              marker_limit: int = MARKER_LIMIT, height_px: int = 640) -> folium.Map:
    r"""Return one standalone map: :func:`base_map` with :func:`map_layers` on it.

    Parameters
    ----------
    places, centre
        Validated places (:func:`~origin_map.places.datasets.read_places`) and the centre.
    rings
        The rings; the view fits the main ring (of plain radii, the largest).
    basemap, lang, heatmap, h3_cells, outlines, marker_limit
        As for :func:`map_layers`.
    height_px
        Height of the map in pixels.

    Returns
    -------
    folium.Map
        The map; ``.save(path)`` writes a standalone HTML page.

    Raises
    ------
    SettingsError
        If a radius is not valid; ``ValueError`` for an unknown ``basemap``.

    Examples
    --------
    >>> from origin_map import read_places
    >>> places = read_places(b"name,lat,lon,sector\nA,39.9925,116.3277,chips\n").places
    >>> m = build_map(places, Centre("c", "中心", "Centre", 39.992446, 116.327708), [500, 1000])
    >>> m.location
    [39.992446, 116.327708]
    """
    radii = normalise_radii(rings)
    main = rings.main_m if isinstance(rings, Rings) else radii[-1]
    clat, clon = (float(v[0]) for v in display_coordinates([centre.lat], [centre.lon], basemap))
    m = base_map(basemap=basemap, lang=lang, location=(clat, clon),
                 zoom=fit_zoom(main, centre.lat, height_px), height_px=height_px)
    layers = map_layers(places, centre, rings, basemap=basemap, lang=lang, heatmap=heatmap,
                        h3_cells=h3_cells, outlines=outlines, marker_limit=marker_limit)
    for g in layers.groups:
        g.add_to(m)
    layers.control.add_to(m)
    return localize_map(m)
