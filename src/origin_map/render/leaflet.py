"""Small Leaflet elements folium lacks: localised controls, a collapsible legend, point layers.

Each is a folium ``MacroElement`` whose script is written here. Text from data reaches them
already escaped by :func:`origin_map.render.mapping.safe_text`, and every JSON payload is made inert
inside ``<script>`` by :func:`js_json`. This module does not import streamlit.
"""

from __future__ import annotations

import html
import json
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

__all__ = ["ClusterHost", "JsonLegend", "LayersTitle", "LocalControls", "PointLayer", "js_json",
           "safe_text"]

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"


def safe_text(value: Any, limit: int = 500) -> str:
    """Return ``value`` as HTML-escaped text that is also inert inside a JS template literal.

    Escapes ``& < > " '`` (HTML), and backtick, ``$`` and backslash (template literals), and
    turns newlines into ``<br>``. Long text is cut to ``limit`` characters.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = html.escape(text, quote=True)
    text = text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def js_json(value: Any) -> str:
    """Return ``value`` as JSON that cannot end a ``<script>`` element or a JS string."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class LocalControls(MacroElement):
    """Zoom buttons and a metric-only scale bar with titles in the map's language.

    Leaflet's own zoom control has English titles and its scale bar shows miles too; the map is
    made with ``zoom_control=False`` and ``control_scale=False`` and this element adds both.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.zoom({position: "topleft", zoomInTitle: {{ this.zoom_in }},
                        zoomOutTitle: {{ this.zoom_out }}}).addTo({{ this._parent.get_name() }});
        L.control.scale({imperial: false, metric: true, position: "bottomleft"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, zoom_in: str, zoom_out: str) -> None:
        super().__init__()
        self._name = "LocalControls"
        self.zoom_in = js_json(zoom_in)
        self.zoom_out = js_json(zoom_out)


class LayersTitle(folium.LayerControl):
    """A layer control whose toggle button has a title in the map's language."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = L.control.layers(
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                {{ this.options|tojavascript }}
            ).addTo({{this._parent.get_name()}});
            {{ this.get_name() }}._layersLink.title = {{ this.title_js }};
        {% endmacro %}
    """)

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_js = js_json(title)


class JsonLegend(MacroElement):
    """A collapsible legend shown while its parent layer is on the map.

    The legend is a ``<details>`` box (click its title to fold it), at most 38 % of the map's
    height and 210 px wide (about 12 % of a desktop map), folded from the start when the
    browser window is narrower than 1000 px (phones, tablets). A place's tooltip that opens
    over it fades the legend until it closes, so tooltips are never hidden under it. It is
    added when the parent feature group is added to the map and removed with it, so a legend
    that belongs to a set of layers is replaced together with them.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }}, html = {{ this.html_js }};
            var ctrl = L.control({position: {{ this.position|tojson }}});
            ctrl.onAdd = function (map) {
                var div = L.DomUtil.create('div', 'om-legend');
                div.innerHTML = html;
                var size = map.getSize(), wide = size.x;
                try { wide = window.top.innerWidth; } catch (e) { wide = window.innerWidth; }
                div.style.maxHeight = Math.round(size.y * 0.38) + 'px';
                div.style.maxWidth = '210px';
                div.style.overflow = 'auto';
                if (wide < 1000) {
                    div.querySelectorAll('details').forEach(function (d) { d.open = false; });
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            var fade = function (ev) {
                var el = ctrl.getContainer(), tip = ev.tooltip && ev.tooltip.getElement();
                if (!el || !tip) { return; }
                var a = el.getBoundingClientRect(), b = tip.getBoundingClientRect();
                var over = !(b.right < a.left || b.left > a.right || b.bottom < a.top
                             || b.top > a.bottom);
                el.style.opacity = over ? '0.15' : '';
                el.style.pointerEvents = over ? 'none' : '';
            };
            var unfade = function () {
                var el = ctrl.getContainer();
                if (el) { el.style.opacity = ''; el.style.pointerEvents = ''; }
            };
            group.on('add', function () {
                var map = group._map;
                ctrl.addTo(map);
                map.on('tooltipopen', fade);
                map.on('tooltipclose', unfade);
            });
            group.on('remove', function () {
                if (ctrl._map) { ctrl._map.off('tooltipopen', fade).off('tooltipclose', unfade); }
                ctrl.remove();
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "JsonLegend"
        self.position = position
        self.html_js = js_json(html_text)


class ClusterHost(JSCSSMixin, MacroElement):
    """One marker cluster shared by the sector layers, on the map while its parent group is.

    Sector layers (:class:`PointLayer`) add their markers to it as sub-groups, so tenants of
    one building cluster together whatever their sector, and a sector can still be switched
    off in the layer control. The cluster icons are neutral grey, opaque so that a heatmap under
    them does not tint them: colour means sector.
    """

    default_js = [  # noqa: RUF012 (as folium declares them)
        ("markerclusterjs", f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js"),
        ("subgroupjs", "https://unpkg.com/leaflet.featuregroup.subgroup@1.0.2/dist/"
                       "leaflet.featuregroup.subgroup.js"),
    ]
    default_css = [  # noqa: RUF012
        ("markerclustercss", f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css"),
        ("markerclusterdefcss",
         f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css"),
    ]
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var cluster = L.markerClusterGroup({spiderfyOnMaxZoom: true,
                showCoverageOnHover: false, maxClusterRadius: 40, disableClusteringAtZoom: 18,
                iconCreateFunction: function (c) {
                    var n = c.getChildCount(), size = n < 10 ? 28 : (n < 100 ? 34 : 40);
                    return L.divIcon({className: 'om-cluster', iconSize: L.point(size, size),
                        html: '<div style="background:#3a3a3a;color:#fff;'
                            + 'border:2px solid #fff;border-radius:50%;width:' + size
                            + 'px;height:' + size + 'px;text-align:center;font:bold 12px/'
                            + (size - 4) + 'px sans-serif;box-shadow:0 1px 4px '
                            + 'rgba(0,0,0,.4)">' + n + '</div>'});
                }});
            window.omCluster = cluster;
            group.on('add', function () { cluster.addTo(group._map); });
            group.on('remove', function () { cluster.remove(); });
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClusterHost"


class PointLayer(MacroElement):
    """Circle markers with a tooltip, drawn while the parent feature group is on the map.

    ``rows`` are ``[lat, lon, tooltip_html]`` with the tooltip escaped already. With
    ``clustered``, the markers join the :class:`ClusterHost` cluster as a sub-group;
    otherwise they are added to the parent group directly. One element per layer holding a
    JSON array costs ~0.1 ms per place, against ~2 ms for one folium element per place.
    Markers sit in the ``om-points`` pane, above heatmaps and outlines.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var rows = {{ this.rows_js }}, style = {{ this.style_js }};
            var group = {{ this._parent.get_name() }};
            var target = {{ 'L.featureGroup.subGroup(window.omCluster)' if this.clustered
                            else 'group' }};
            rows.forEach(function (r) {
                target.addLayer(L.circleMarker([r[0], r[1]], style).bindTooltip(r[2]));
            });
            {% if this.clustered %}
            group.on('add', function () { target.addTo(group._map); });
            group.on('remove', function () { target.remove(); });
            {% endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list[list[Any]], style: dict[str, Any], *,
                 clustered: bool) -> None:
        super().__init__()
        self._name = "PointLayer"
        self.clustered = clustered
        self.style_js = js_json({**style, "pane": "om-points"})
        self.rows_js = js_json(rows)
