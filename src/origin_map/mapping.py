"""Folium maps of places around a centre: rings, sector layers, legend, heatmap and H3 layers.

Every piece of text that comes from data is passed through :func:`safe_text` before it reaches
folium, because folium puts tooltip and popup HTML inside JavaScript template literals (so
backticks, ``${`` and backslashes matter as well as ``<`` and quotes). All JS/CSS is served
locally (:func:`origin_map.assets.localize_map`).

This module does not import streamlit.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from . import vocab
from .assets import localize_map
from .datums import wgs84_to_gcj02
from .geometry import Centre, ring_polygons

__all__ = [
    "BASEMAPS",
    "MARKER_LIMIT",
    "Basemap",
    "build_map",
    "display_coordinates",
    "places_at_point",
    "safe_text",
]

MARKER_LIMIT = 2000
"""Above this many places, markers are drawn by FastMarkerCluster (no per-place popup HTML)."""


@dataclass(frozen=True)
class Basemap:
    """A background tile layer; ``gcj02`` tiles need points shifted to GCJ-02 for display."""

    id: str
    label_en: str
    label_zh: str
    url: str | None
    attribution: str
    gcj02: bool = False
    subdomains: str = "abc"


BASEMAPS: dict[str, Basemap] = {b.id: b for b in (
    Basemap("osm", "OpenStreetMap", "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            "contributors"),
    Basemap("positron", "CartoDB Positron", "CartoDB 浅色",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            "&copy; OpenStreetMap contributors &copy; CARTO", subdomains="abcd"),
    Basemap("gaode", "Gaode / AMap (GCJ-02)", "高德地图（GCJ-02）",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
            "&x={x}&y={y}&z={z}", "&copy; 高德地图 AutoNavi", gcj02=True, subdomains="1234"),
    Basemap("none", "No tiles", "无底图", None, ""),
)}

_TEXT = {
    "en": {"kind": "Kind", "sector": "Sector", "address": "Address", "distance": "Distance",
           "quality": "Position", "source": "Source", "status": "Status", "centre": "Centre",
           "rings": "Rings", "heat": "Heatmap", "h3": "H3 density (places/km²)",
           "legend": "Sectors", "note": "Note",
           "cluster": "Grey circle: n places close together (click to expand)"},
    "zh": {"kind": "类型", "sector": "行业", "address": "地址", "distance": "距中心",
           "quality": "位置精度", "source": "来源", "status": "状态", "centre": "中心",
           "rings": "圈层", "heat": "热力图", "h3": "H3 密度（个/平方公里）",
           "legend": "行业", "note": "备注", "cluster": "灰色圆圈：相邻的 n 个地点（点击展开）"},
}


def safe_text(value: Any, limit: int = 500) -> str:
    """Return ``value`` as HTML-escaped text that is also inert inside a JS template literal.

    Escapes ``& < > " '`` (HTML), and backtick, ``$`` and backslash (template literals), and
    turns newlines into ``<br>``. Long text is cut to ``limit`` characters.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = html.escape(text, quote=True)
    text = text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _fmt_m(d: float) -> str:
    return f"{d / 1000:g} km" if d >= 1000 else f"{d:g} m"


def display_coordinates(lat: Any, lon: Any, basemap: str) -> tuple[np.ndarray, np.ndarray]:
    """Return coordinates to draw on ``basemap``: GCJ-02 for Gaode tiles, else WGS-84."""
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    if BASEMAPS[basemap].gcj02:
        return wgs84_to_gcj02(la, lo)
    return la, lo


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


def _popup_html(row: Any, lang: str) -> str:
    t = _TEXT[lang]
    names = [n for n in ((row.name_zh, row.name_en) if lang == "zh" else
                         (row.name_en, row.name_zh)) if n]
    title = safe_text(names[0] if names else row.id)
    sub = f"<br><span style='color:#555'>{safe_text(names[1])}</span>" if len(names) > 1 else ""
    parts = [f"<b>{title}</b>{sub}", "<table style='font-size:12px'>"]
    distance = getattr(row, "distance_m", np.nan)
    fields = [
        (t["kind"], vocab.kind_label(getattr(row, "kind", ""), lang)),
        (t["sector"], vocab.sector_label(row.sector, lang)),
        (t["status"], getattr(row, "status", "")),
        (t["address"], getattr(row, "address", "")),
        (t["distance"], f"{distance:,.0f} m" if pd.notna(distance) else ""),
        (t["quality"], getattr(row, "position_quality", "")),
        (t["note"], getattr(row, "position_note", "")),
        (t["source"], getattr(row, "source", "")),
    ]
    for label, value in fields:
        if value not in ("", None) and not (isinstance(value, float) and np.isnan(value)):
            parts.append(f"<tr><th style='text-align:left;vertical-align:top;padding-right:6px'>"
                         f"{safe_text(label)}</th><td>{safe_text(value, 300)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class _JsonControl(MacroElement):
    """A Leaflet control showing fixed HTML (legends); the HTML is embedded as a JSON string."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'om-legend');
            div.innerHTML = {{ this.html_js }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "JsonControl"
        self.position = position
        self.html_js = json.dumps(html_text).replace("<", "\\u003c").replace(">", "\\u003e")


class _ExposeMap(MacroElement):
    """Make the Leaflet map reachable as ``window.originMap`` (for tests and debugging)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.originMap = {{ this._parent.get_name() }};
        {% endmacro %}
    """)


# Neutral clusters, so that colour always means sector.
_CLUSTER_ICON = """function (cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 28 : (n < 100 ? 34 : 40);
    return L.divIcon({
        html: '<div style="background:rgba(45,45,45,.82);color:#fff;border:2px solid #fff;'
            + 'border-radius:50%;width:' + size + 'px;height:' + size + 'px;line-height:'
            + (size - 4) + 'px;text-align:center;font:bold 12px/' + (size - 4) + 'px sans-serif;'
            + 'box-shadow:0 1px 4px rgba(0,0,0,.4)">' + n + '</div>',
        className: 'om-cluster', iconSize: L.point(size, size)});
}"""

class _PointLayer(MacroElement):
    """Circle markers with a tooltip and a popup, added to the parent layer by one script.

    One folium element per place costs ~2 ms (branca compiles every rendered snippet as a Jinja
    template); one element per layer holding a JSON array costs ~0.1 ms per place. Tooltip and
    popup HTML are :func:`safe_text`-escaped already; the JSON is made inert inside <script>.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var rows = {{ this.rows_js }}, style = {{ this.style|tojson }};
            var layer = {{ this._parent.get_name() }};
            rows.forEach(function (r) {
                var mk = L.circleMarker([r[0], r[1]], style).bindTooltip(r[2]);
                mk.bindPopup(function () { return r[3]; }, {maxWidth: 360});
                layer.addLayer(mk);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list[list[Any]], style: dict[str, Any]) -> None:
        super().__init__()
        self._name = "PointLayer"
        self.style = style
        self.rows_js = (json.dumps(rows, ensure_ascii=False).replace("<", "\\u003c")
                        .replace(">", "\\u003e").replace("\u2028", "\\u2028")
                        .replace("\u2029", "\\u2029"))


_BOX = ("background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;font:12px/1.4 "
        "sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:260px;overflow:auto")


def _legend_html(counts: dict[str, int], lang: str) -> str:
    rows = [f"<div style='{_BOX}'><b>{safe_text(_TEXT[lang]['legend'])}</b>"]
    for sector, n in counts.items():
        colour = vocab.SECTOR_BY_ID[sector].colour if sector in vocab.SECTOR_BY_ID else "#999"
        rows.append(f"<div><span style='display:inline-block;width:10px;height:10px;"
                    f"border-radius:50%;background:{colour};margin-right:5px'></span>"
                    f"{safe_text(vocab.sector_label(sector, lang))} ({n})</div>")
    rows.append(f"<div style='margin-top:4px;color:#444'>{safe_text(_TEXT[lang]['cluster'])}"
                "</div>")
    rows.append("</div>")
    return "".join(rows)


_H3_COLOURS = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
               "#b10026")


def _h3_bins(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 1.0
    return np.linspace(0.0, top, len(_H3_COLOURS) + 1)


def _h3_layer(h3_cells: pd.DataFrame, basemap: str, lang: str) -> tuple[folium.FeatureGroup,
                                                                        str]:
    import h3

    dens = h3_cells["density_per_km2"].to_numpy(dtype=float)
    bins = _h3_bins(dens)
    features = []
    for cell, count, d in zip(h3_cells["h3_cell"], h3_cells["count"], dens, strict=True):
        ring = np.array(h3.cell_to_boundary(cell))
        dlat, dlon = display_coordinates(ring[:, 0], ring[:, 1], basemap)
        idx = min(int(np.searchsorted(bins, d, side="right")) - 1, len(_H3_COLOURS) - 1)
        coords = [[float(x), float(y)] for x, y in zip(dlon, dlat, strict=True)]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[*coords, coords[0]]]},
            "properties": {"cell": str(cell), "count": int(count), "density": round(float(d), 1),
                           "colour": _H3_COLOURS[max(idx, 0)]},
        })
    group = folium.FeatureGroup(name=_TEXT[lang]["h3"], show=True)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#444",
                                  "weight": 0.5, "fillOpacity": 0.6},
        tooltip=folium.GeoJsonTooltip(fields=["cell", "count", "density"],
                                      aliases=["H3", "n", "/km²"]),
    ).add_to(group)
    legend = [f"<div style='{_BOX}'><b>{safe_text(_TEXT[lang]['h3'])}</b>"]
    for i, colour in enumerate(_H3_COLOURS):
        legend.append(f"<div><span style='display:inline-block;width:14px;height:10px;"
                      f"background:{colour};margin-right:5px;border:1px solid #999'></span>"
                      f"{bins[i]:,.0f}–{bins[i + 1]:,.0f}</div>")
    legend.append("</div>")
    return group, "".join(legend)


def build_map(
    places: pd.DataFrame,
    centre: Centre,
    radii_m: Sequence[float],
    *,
    basemap: str = "osm",
    lang: str = "en",
    heatmap: bool = False,
    h3_cells: pd.DataFrame | None = None,
    marker_limit: int = MARKER_LIMIT,
    height_px: int = 640,
    focus_radius_m: float | None = None,
) -> folium.Map:
    """Build the Origin Map folium map.

    Parameters
    ----------
    places
        Places to draw, with ``distance_m`` (see :func:`origin_map.stats.with_distances`).
    centre, radii_m
        The centre and the ring radii in metres (drawn as metric ring polygons).
    basemap
        A key of :data:`BASEMAPS`. With ``gaode`` everything is shifted to GCJ-02 for display.
    lang
        ``"en"`` or ``"zh"`` for labels and which name comes first.
    heatmap
        Add a heatmap layer (shown).
    h3_cells
        An :func:`origin_map.stats.h3_table` to draw as a hexagon choropleth with its legend.
    focus_radius_m
        The main ring (drawn solid red; the view fits it). Default: 1000 m if it is one of the
        rings, else the largest ring.
    marker_limit
        Up to this many places, each is a circle marker with tooltip and popup inside a
        spiderfying cluster (one layer per sector); above it, a FastMarkerCluster per sector
        draws the points from a compact array.

    Returns
    -------
    folium.Map
        With every JS/CSS asset pointed at the app's own static files.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"Unknown basemap {basemap!r}; use one of {list(BASEMAPS)}.")
    lang = "zh" if lang == "zh" else "en"
    t = _TEXT[lang]
    base = BASEMAPS[basemap]
    clat, clon = (float(v[0]) for v in display_coordinates([centre.lat], [centre.lon], basemap))
    m = folium.Map(location=[clat, clon], zoom_start=15, tiles=None, control_scale=True,
                   prefer_canvas=True, height=height_px)
    m.options["maxZoom"] = 19  # needed by the clusters when there is no tile layer
    if base.url:
        folium.TileLayer(base.url, attr=base.attribution, name=base.label_zh if lang == "zh"
                         else base.label_en, max_zoom=19, subdomains=base.subdomains,
                         control=False).add_to(m)

    rings = ring_polygons(centre.lat, centre.lon, radii_m, n_vertices=180)
    radii = rings["ring_outer_m"].tolist()
    focus = focus_radius_m if focus_radius_m in radii else (1000.0 if 1000.0 in radii
                                                            else max(radii))
    ring_group = folium.FeatureGroup(name=t["rings"])
    for inner, outer, geom in zip(rings["ring_inner_m"], rings["ring_outer_m"],
                                  rings.geometry, strict=True):
        lon, lat = np.asarray(geom.exterior.coords).T
        dlat, dlon = display_coordinates(lat, lon, basemap)
        main = outer == focus
        if main:
            m.fit_bounds([[float(dlat.min()), float(dlon.min())],
                          [float(dlat.max()), float(dlon.max())]], padding=(10, 10))
        folium.PolyLine(np.column_stack([dlat, dlon]).tolist(), color="#d62728" if main
                        else "#444", weight=2.5 if main else 1.5,
                        dash_array=None if main else "6 4",
                        tooltip=f"{_fmt_m(inner)}–{_fmt_m(outer)}").add_to(ring_group)
        top = int(np.argmax(dlat))
        folium.Marker([float(dlat[top]), float(dlon[top])], icon=folium.DivIcon(
            html=f"<div class='om-ring-label' style='font:bold 12px sans-serif;color:#333;"
                 f"background:rgba(255,255,255,.8);padding:0 3px;border-radius:3px;"
                 f"white-space:nowrap;transform:translate(-50%,-50%);display:inline-block'>"
                 f"{_fmt_m(outer)}</div>", icon_size=(1, 1), icon_anchor=(0, 0))
                      ).add_to(ring_group)
    ring_group.add_to(m)
    folium.Marker([clat, clon], tooltip=f"{safe_text(t['centre'])}: "
                  f"{safe_text(centre.name(lang))}",
                  icon=folium.Icon(color="red", icon="star"),
                  z_index_offset=-1000).add_to(m)  # clusters at the centre stay on top

    dlat, dlon = display_coordinates(places["lat"], places["lon"], basemap)
    shown = places.assign(disp_lat=dlat, disp_lon=dlon)
    counts = shown["sector"].value_counts()
    order = [s for s in vocab.SECTOR_IDS if s in counts] + sorted(
        set(counts.index) - set(vocab.SECTOR_IDS))
    many = len(shown) > marker_limit
    parent = None
    if not many:
        parent = plugins.MarkerCluster(name="cluster", control=False, options={
            "spiderfyOnMaxZoom": True, "showCoverageOnHover": False, "maxClusterRadius": 40,
            "disableClusteringAtZoom": 18}, icon_create_function=_CLUSTER_ICON)
        parent.add_to(m)
    for sector in order:
        sub = shown[shown["sector"] == sector]
        colour = vocab.SECTOR_BY_ID[sector].colour if sector in vocab.SECTOR_BY_ID else "#999"
        label = f"{safe_text(vocab.sector_label(sector, lang))} ({len(sub)})"
        if many:
            group = folium.FeatureGroup(name=label)
            callback = (
                "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), "
                f"{{radius: 5, color: '#333', weight: 1, fillColor: '{colour}', "
                "fillOpacity: 0.85}); }")
            points = np.round(sub[["disp_lat", "disp_lon"]].to_numpy(), 6).tolist()
            plugins.FastMarkerCluster(points, callback=callback).add_to(group)
            group.add_to(m)
            continue
        subgroup = plugins.FeatureGroupSubGroup(parent, name=label)
        subgroup.add_to(m)
        points = []
        for row in sub.itertuples(index=False):
            names = (row.name_zh, row.name_en) if lang == "zh" else (row.name_en, row.name_zh)
            points.append([round(float(row.disp_lat), 7), round(float(row.disp_lon), 7),
                           safe_text(next((n for n in names if n), row.id), 120),
                           _popup_html(row, lang)])
        _PointLayer(points, {"radius": 7, "color": "#222", "weight": 1, "fill": True,
                             "fillColor": colour, "fillOpacity": 0.9}).add_to(subgroup)

    if heatmap and len(shown):
        heat = folium.FeatureGroup(name=t["heat"], show=True)
        plugins.HeatMap(np.round(shown[["disp_lat", "disp_lon"]].to_numpy(), 6).tolist(), radius=18,
                        blur=15, min_opacity=0.3).add_to(heat)
        heat.add_to(m)
    if h3_cells is not None and len(h3_cells):
        layer, h3_legend = _h3_layer(h3_cells, basemap, lang)
        layer.add_to(m)
        _JsonControl(h3_legend, "bottomleft").add_to(m)
    if len(counts):
        _JsonControl(_legend_html({s: int(counts[s]) for s in order}, lang)).add_to(m)

    plugins.Fullscreen(position="topleft").add_to(m)
    plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                           secondary_length_unit="kilometers", primary_area_unit="sqmeters",
                           secondary_area_unit="hectares").add_to(m)
    if base.url:
        plugins.MiniMap(tile_layer=folium.TileLayer(base.url, attr=base.attribution,
                                                    subdomains=base.subdomains),
                        toggle_display=True, position="bottomleft").add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    _ExposeMap().add_to(m)
    return localize_map(m)
