"""folium pieces for areas and outlines: the Draw control and the layers that show them.

Shapes are stored in WGS-84; on Gaode tiles (GCJ-02) they are shifted for display, as the places
are (:func:`origin_map.render.mapping.display_coordinates`). What is drawn on Gaode tiles comes back
in GCJ-02: read it with ``areas.area_from_geojson_dict(d, datum="gcj02")``
(:func:`drawing_datum` says which). Every asset is vendored, so
:func:`origin_map.render.assets.localize_map` accepts a map with these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from origin_map import i18n
from origin_map.measure.areas import Area, convert_geometry
from origin_map.places import vocab
from origin_map.render.basemaps import BASEMAPS
from origin_map.render.leaflet import js_json, safe_text

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry.base import BaseGeometry

__all__ = ["area_layer", "display_geometry", "draw_control", "draw_texts", "drawing_datum",
           "outlines_layer"]


def draw_control(lang: str = "en") -> Draw:
    """Return a Leaflet Draw control for areas: polygon, rectangle and circle only.

    Lines, markers and circle markers are off (they enclose no area); polygons may not cross
    themselves. Its titles come from :func:`draw_texts`, added to the map first. Its JS/CSS
    are Leaflet.draw 1.0.2 from ``static/vendor``.
    """
    shape = {"shapeOptions": {"color": "#08306b", "weight": 2, "fillOpacity": 0.05}}
    control = Draw(position="topleft", export=False, draw_options={
        "polyline": False, "marker": False, "circlemarker": False,
        "polygon": {"allowIntersection": False, **shape}, "rectangle": shape,
        "circle": shape}, edit_options={"edit": False})
    return control


def draw_texts(lang: str = "en") -> MacroElement:
    """Return the element that puts the Draw toolbar's titles and hints in ``lang``.

    Add it to the map BEFORE :func:`draw_control`: Leaflet.draw reads ``L.drawLocal`` when the
    control is made, and the scripts run in the order the elements were added.
    """
    return _DrawTitles(lang)


class _DrawTitles(MacroElement):
    """Set the Draw toolbar's titles and drawing hints in the map's language (L.drawLocal)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.L && L.drawLocal) {
            var t = {{ this.titles }}, d = L.drawLocal.draw, e = L.drawLocal.edit;
            d.toolbar.buttons.polygon = t.polygon;
            d.toolbar.buttons.rectangle = t.rectangle;
            d.toolbar.buttons.circle = t.circle;
            d.toolbar.actions.title = t.cancel_title;
            d.toolbar.actions.text = t.cancel;
            d.toolbar.finish.text = t.finish;
            d.toolbar.finish.title = t.finish;
            d.toolbar.undo.text = t.undo;
            d.toolbar.undo.title = t.undo;
            d.handlers.circle.tooltip.start = t.draw_circle_start;
            d.handlers.circle.radius = t.draw_radius;
            d.handlers.rectangle.tooltip.start = t.draw_rectangle_start;
            d.handlers.simpleshape.tooltip.end = t.draw_shape_end;
            d.handlers.polygon.tooltip.start = t.draw_polygon_start;
            d.handlers.polygon.tooltip.cont = t.draw_polygon_cont;
            d.handlers.polygon.tooltip.end = t.draw_polygon_end;
            d.handlers.polyline.error = t.draw_cross_error;
            e.toolbar.buttons.remove = t.remove;
            e.toolbar.buttons.removeDisabled = t.draw_nothing_to_delete;
            e.toolbar.actions.save.text = t.draw_save;
            e.toolbar.actions.save.title = t.draw_save;
            e.toolbar.actions.cancel.text = t.cancel;
            e.toolbar.actions.cancel.title = t.cancel;
            e.toolbar.actions.clearAll.text = t.draw_clear_all;
            e.toolbar.actions.clearAll.title = t.draw_clear_all;
            e.handlers.remove.tooltip.text = t.draw_remove_hint;
        }
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawTitles"
        keys = ("polygon", "rectangle", "circle", "cancel", "cancel_title", "finish", "undo",
                "remove")
        hints = ("draw_circle_start", "draw_radius", "draw_rectangle_start", "draw_shape_end",
                 "draw_polygon_start", "draw_polygon_cont", "draw_polygon_end",
                 "draw_cross_error", "draw_nothing_to_delete", "draw_save", "draw_clear_all",
                 "draw_remove_hint")
        titles = {k: i18n.text(f"draw.{k}", lang) for k in keys}
        titles.update({k: i18n.text(f"ui16.{k}", lang) for k in hints})
        self.titles = js_json(titles)


def drawing_datum(basemap: str) -> str:
    """Return the datum of shapes drawn on ``basemap`` (``gcj02`` on Gaode tiles)."""
    return "gcj02" if BASEMAPS[basemap].gcj02 else "wgs84"


def display_geometry(geom: BaseGeometry, basemap: str) -> BaseGeometry:
    """Return a WGS-84 geometry in the datum of ``basemap``'s tiles, for drawing."""
    return convert_geometry(geom, src="wgs84", dst=drawing_datum(basemap))


def _geojson(geom: BaseGeometry, style: dict[str, Any], tooltip: str) -> folium.GeoJson:
    import folium
    from shapely.geometry import mapping

    return folium.GeoJson({"type": "Feature", "geometry": mapping(geom), "properties": {}},
                          style_function=lambda _f: {**style, "pane": "om-areas"},
                          tooltip=folium.Tooltip(tooltip))


def area_layer(area: Area, *, basemap: str = "osm", lang: str = "en") -> folium.FeatureGroup:
    """Return a layer drawing the area (dark blue edge, light fill) with its name and size."""
    import folium

    group = folium.FeatureGroup(name=i18n.text("map.area", lang))
    tip = f"{safe_text(area.name)} · {area.area_km2:,.3f} {i18n.text('map.km2', lang)}"
    style = {"color": "#08306b", "weight": 2, "fillColor": "#1f77b4", "fillOpacity": 0.08}
    _geojson(display_geometry(area.geometry, basemap), style, tip).add_to(group)
    return group


def outlines_layer(outlines: gpd.GeoDataFrame, places: pd.DataFrame, *, basemap: str = "osm",
                   lang: str = "en") -> folium.FeatureGroup:
    """Return a layer of outlines, each lightly filled in its place's sector colour.

    Parameters
    ----------
    outlines
        From :func:`origin_map.measure.outlines.load_outlines`.
    places
        Places with ``id`` and ``sector`` (the colour); an outline of a place not among them
        is grey.
    basemap, lang
        As for :func:`origin_map.render.mapping.build_map`.
    """
    import folium

    group = folium.FeatureGroup(name=i18n.text("map.outlines", lang))
    sector_of = dict(zip(places["id"].astype(str), places["sector"], strict=True)) if len(
        places) else {}
    for row in outlines.itertuples():
        sector = vocab.SECTOR_BY_ID.get(str(sector_of.get(str(row.place_id), "")),
                                        vocab.SECTOR_BY_ID[vocab.DEFAULT_SECTOR])
        name = next((n for n in i18n.names(row.name_zh, row.name_en, lang) if n), "")
        style = {"color": sector.colour, "weight": 1, "fillColor": sector.colour,
                 "fillOpacity": 0.15}
        _geojson(display_geometry(row.geometry, basemap), style,
                 safe_text(name or row.place_id)).add_to(group)
    return group
